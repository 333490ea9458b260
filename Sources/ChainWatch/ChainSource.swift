import Ethereum
import EthereumRPC

/// What a follower reads from a chain. `RPCClient` provides it over JSON-RPC; tests may provide a
/// simulated chain.
public protocol ChainSource: Sendable {
    func headNumber() async throws -> UInt64
    /// Canonical headers at these numbers; numbers beyond the head are absent from the answer.
    func headers(_ numbers: [UInt64]) async throws -> [UInt64: BlockHeader]
    /// `eth_getLogs`; a provider's refusal is thrown as `RPCError`. `rotation` > 0 asks, when there
    /// are several endpoints, another one than usual (for answers that are doubted).
    func logs(_ filter: LogFilter, rotation: Int) async throws -> [Log]
    /// `eth_call` pinned to a block.
    func call(to: Address, data: [UInt8], at block: BlockReference) async throws -> [UInt8]
    /// Several `eth_call`s at once (one batch over JSON-RPC); each answer is the return data or the node's error.
    func calls(_ requests: [PinnedCall]) async throws -> [Result<[UInt8], RPCError>]
}

extension ChainSource {
    public func logs(_ filter: LogFilter) async throws -> [Log] { try await logs(filter, rotation: 0) }
}

/// An `eth_call` and the block it is pinned to.
public struct PinnedCall: Hashable, Sendable {
    public let to: Address
    public let data: [UInt8]
    public let block: BlockReference

    public init(to: Address, data: [UInt8], block: BlockReference) {
        self.to = to
        self.data = data
        self.block = block
    }
}

extension RPCClient: ChainSource {
    public func calls(_ requests: [PinnedCall]) async throws -> [Result<[UInt8], RPCError>] {
        let answers = try await batch(
            requests.map { r in
                RPCCall("eth_call", [["to": .string(r.to.lowercased), "data": .string(Hex.encode(r.data))], r.block.stateParameter])
            })
        return try answers.map { answer in
            switch answer {
            case .success(let json):
                guard let s = json.stringValue, let bytes = try? Hex.decode(s, requirePrefix: true) else {
                    throw RPCClientError.unexpectedResult(method: "eth_call", "result is not hex")
                }
                return .success(bytes)
            case .failure(let error): return .failure(error)
            }
        }
    }

    public func headNumber() async throws -> UInt64 { try await blockNumber() }

    public func headers(_ numbers: [UInt64]) async throws -> [UInt64: BlockHeader] {
        let unique = Array(Set(numbers)).sorted()
        var out: [UInt64: BlockHeader] = [:]
        for header in try await headers(unique).compactMap({ $0 }) { out[header.number] = header }
        return out
    }
}
