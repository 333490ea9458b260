import Ethereum
import EthereumRPC
import Governance

/// Governance's `ChainReader` over JSON-RPC: a batch of contract calls evaluated at one block, pinned
/// by its hash.
///
/// The calls go through Multicall3's `aggregate3` (`allowFailure` on every call), 50 calls per
/// `aggregate3` by default, and all the `aggregate3` calls of a batch travel in one JSON-RPC batch
/// request, so a batch of up to `callsPerAggregate × maxBatchSize` calls (5,000 with the defaults) is
/// one HTTP round trip. The first batch also carries an `eth_getCode` of the Multicall3 address; where
/// there is no code, that and every later batch are plain `eth_call`s in JSON-RPC batches instead (one
/// request per `maxBatchSize` calls).
///
/// Every call is made at `{"blockHash": …, "requireCanonical": true}` (EIP-1898); an endpoint that
/// refuses that form is asked by number and the block's hash checked. Results come back in call
/// order: a call that reverts is `.reverted` with its revert data, never an error. The whole batch
/// throws only when it cannot be read at all: transport failures after retries, a block the node does
/// not know or that is no longer canonical, an answer that is not JSON-RPC. (On the plain `eth_call`
/// path a call the node answers with an error other than a revert, such as running out of gas, also
/// throws: the node gives no revert data to report, and the read may succeed when tried again.)
public struct RPCChainReader: ChainReader {
    public struct Configuration: Sendable {
        /// Where Multicall3 lives (the canonical address on most chains and on the devnet).
        public var multicall3: Address = Multicall3.canonicalAddress
        /// Calls per `aggregate3`. Keep it below the contract's limits: the devnet's Multicall3 takes
        /// at most 64 calls, and node gas caps bound how many calls one `eth_call` can make.
        public var callsPerAggregate = 50

        public init() {}
    }

    public let client: RPCClient
    let multicall: Multicall3

    public init(client: RPCClient, configuration: Configuration = Configuration()) {
        self.client = client
        self.multicall = Multicall3(client: client, address: configuration.multicall3, chunkSize: configuration.callsPerAggregate)
    }

    public func call(_ calls: [ContractCall], at block: BlockRef) async throws -> [ContractCallResult] {
        let outcomes = try await multicall.read(
            calls.map { Multicall3.Read(target: $0.to, data: $0.data) }, at: .hash(block.hash, requireCanonical: true))
        guard outcomes.count == calls.count else {
            throw RPCClientError.unexpectedResult(method: "eth_call", "\(outcomes.count) results for \(calls.count) calls")
        }
        return outcomes.map { outcome in
            switch outcome {
            case .success(let data): .success(data)
            case .failure(let data): .reverted(data)
            }
        }
    }

    /// Whether the reads go through Multicall3: `nil` until the first batch has checked its code.
    public var usesMulticall3: Bool? {
        get async { await multicall.isDeployed }
    }
}
