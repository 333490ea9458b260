import Ethereum

/// A read-only contract call: `eth_call` with this target and calldata.
public struct ContractCall: Hashable, Sendable {
    public let to: Address
    public let data: [UInt8]

    public init(to: Address, data: [UInt8]) {
        self.to = to
        self.data = data
    }

    /// A call of `function` with `arguments`.
    public init(to: Address, function: ABIFunction, arguments: [ABIValue]) throws {
        self.init(to: to, data: try function.encodeCall(arguments))
    }
}

/// What one call returned.
public enum ContractCallResult: Hashable, Sendable {
    case success([UInt8])
    /// The call reverted, with its revert data.
    case reverted([UInt8])
}

/// The chain reads Governance needs, as one primitive: a batch of calls evaluated at one pinned block.
///
/// `PlenumService.RPCChainReader` implements it over JSON-RPC with Multicall3 `aggregate3` calls
/// sent in one JSON-RPC batch (one round trip for up to 5,000 calls), falling back to batches of
/// plain `eth_call`s where Multicall3 has no code. `InMemoryChainReader` serves unit tests.
public protocol ChainReader: Sendable {
    /// Evaluates `calls` at `block` (pinned by its hash), returning one result per call, in order.
    /// Throws only when the batch as a whole could not be read (transport, unknown block).
    func call(_ calls: [ContractCall], at block: BlockRef) async throws -> [ContractCallResult]
}
