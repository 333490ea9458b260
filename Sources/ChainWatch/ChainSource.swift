import Ethereum
import EthereumRPC

/// What a follower reads from a chain. `RPCClient` provides it over JSON-RPC; tests may provide a
/// simulated chain.
public protocol ChainSource: Sendable {
    func headNumber() async throws -> UInt64
    /// Canonical headers at these numbers; numbers beyond the head are absent from the answer.
    func headers(_ numbers: [UInt64]) async throws -> [UInt64: BlockHeader]
    /// `eth_getLogs`; a provider's refusal is thrown as `RPCError`.
    func logs(_ filter: LogFilter) async throws -> [Log]
    /// `eth_call` pinned to a block.
    func call(to: Address, data: [UInt8], at block: BlockReference) async throws -> [UInt8]
}

extension RPCClient: ChainSource {
    public func headNumber() async throws -> UInt64 { try await blockNumber() }

    public func headers(_ numbers: [UInt64]) async throws -> [UInt64: BlockHeader] {
        let unique = Array(Set(numbers)).sorted()
        var out: [UInt64: BlockHeader] = [:]
        for header in try await headers(unique).compactMap({ $0 }) { out[header.number] = header }
        return out
    }
}
