import Bot
import Ethereum
import EthereumRPC
import Governance

/// The bot's view of the chains, over JSON-RPC: heads, confirmed pins, voting power through the
/// Governance strategies (Multicall3-batched, pinned by hash), EIP-1271 checks and quorum reads.
public actor RPCBotChain: BotChain {
    public struct Chain: Sendable {
        public let client: RPCClient
        public let confirmations: UInt64
        public let multicall3: Address

        public init(client: RPCClient, confirmations: UInt64, multicall3: Address = Multicall3.canonicalAddress) {
            self.client = client
            self.confirmations = confirmations
            self.multicall3 = multicall3
        }
    }

    let chains: [UInt64: Chain]
    var readers: [UInt64: RPCChainReader] = [:]
    static let nameFunction = try! ABIFunction("name() returns (string)")

    public init(chains: [UInt64: Chain]) { self.chains = chains }

    func chain(_ id: UInt64) throws -> Chain {
        guard let c = chains[id] else { throw RPCClientError.unexpectedResult(method: "chain", "chain \(id) is not configured") }
        return c
    }

    func reader(_ id: UInt64) throws -> RPCChainReader {
        if let r = readers[id] { return r }
        let c = try chain(id)
        var configuration = RPCChainReader.Configuration()
        configuration.multicall3 = c.multicall3
        let r = RPCChainReader(client: c.client, configuration: configuration)
        readers[id] = r
        return r
    }

    public func head(chainId: UInt64) async throws -> ChainTip {
        guard let h = try await chain(chainId).client.header(.latest) else {
            throw RPCClientError.unexpectedResult(method: "eth_getBlockByNumber", "no latest block")
        }
        return ChainTip(number: h.number, timestamp: h.timestamp, hash: h.hash)
    }

    public func pins(for proposal: BotProposal) async throws -> PowerPins? {
        let c = try chain(proposal.chainId)
        let head = try await c.client.blockNumber()
        let snapshotNumber: UInt64, checkpointNumber: UInt64
        if let block = proposal.powerBlock {
            snapshotNumber = block
            checkpointNumber = block + 1
        } else {
            switch proposal.clock {
            case .blockNumber:
                snapshotNumber = proposal.snapshot
                checkpointNumber = proposal.snapshot + 1
            case .timestamp:
                guard let first = try await firstBlock(after: proposal.snapshot, client: c.client, head: head) else { return nil }
                checkpointNumber = first
                snapshotNumber = first - 1
            }
        }
        guard head >= checkpointNumber + c.confirmations else { return nil }
        let headers: [BlockHeader?] = try await c.client.headers([snapshotNumber, checkpointNumber])
        guard let s = headers.first ?? nil, let k = headers.last ?? nil else { return nil }
        return PowerPins(snapshotBlock: BlockRef(number: s.number, hash: s.hash), checkpointBlock: BlockRef(number: k.number, hash: k.hash))
    }

    /// The first block whose timestamp is above `timestamp` (binary search over headers).
    func firstBlock(after timestamp: UInt64, client: RPCClient, head: UInt64) async throws -> UInt64? {
        guard let top = try await client.header(.number(head)), top.timestamp > timestamp else { return nil }
        var low: UInt64 = 0, high = head
        while low < high {
            let mid = (low + high) / 2
            guard let h = try await client.header(.number(mid)) else { return nil }
            if h.timestamp > timestamp { high = mid } else { low = mid + 1 }
        }
        return low
    }

    public func votingPower(of voters: [Address], for proposal: BotProposal, pins: PowerPins) async throws -> [VotingPowerRecord] {
        let reader = VotingPowerReader(
            strategy: proposal.rules.power, timepoint: UInt256(proposal.powerTimepoint), snapshotBlock: pins.snapshotBlock,
            checkpointBlock: pins.checkpointBlock, chain: try reader(proposal.chainId))
        return try await reader.votingPower(of: voters)
    }

    public func isValidSignature(
        wallet: Address, digest: Hash32, signature: [UInt8], for proposal: BotProposal, pins: PowerPins
    ) async throws
        -> Bool
    {
        try await ChainContractSignatureChecker(chain: try reader(proposal.chainId)).isValidSignature(
            wallet: wallet, digest: digest, signature: signature, atBlock: pins.checkpointBlock)
    }

    public func quorum(for proposal: BotProposal, pins: PowerPins) async throws -> QuorumRequirement.Resolved {
        try await proposal.rules.quorum.resolve(
            timepoint: UInt256(proposal.powerTimepoint), snapshotBlock: pins.snapshotBlock, checkpointBlock: pins.checkpointBlock,
            chain: try reader(proposal.chainId))
    }

    public func governorName(chainId: UInt64, governor: Address) async throws -> String {
        let data = try await chain(chainId).client.call(to: governor, data: try Self.nameFunction.encodeCall([]), at: .latest)
        return try Self.nameFunction.decodeReturn(data).first?.stringValue ?? ""
    }

    public func secondsPerBlock(chainId: UInt64) async throws -> Double {
        let client = try chain(chainId).client
        let head = try await client.blockNumber()
        let back: UInt64 = min(head, 100)
        guard back > 0 else { return 12 }
        let headers: [BlockHeader?] = try await client.headers([head - back, head])
        guard let a = headers.first ?? nil, let b = headers.last ?? nil, b.timestamp > a.timestamp else { return 12 }
        return Double(b.timestamp - a.timestamp) / Double(back)
    }
}
