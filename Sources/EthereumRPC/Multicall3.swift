import Ethereum

/// Batched contract reads through Multicall3's `aggregate3`, pinned to one block.
///
/// Before first use the code at the Multicall3 address is checked; where there is none, the reads
/// fall back to a JSON-RPC batch of `eth_call`s (same results, more work for the node).
public actor Multicall3 {
    /// The canonical deployment address on most chains.
    public static let canonicalAddress = try! Address("0xcA11bde05977b3631167028862bE2a173976CA11")
    static let aggregate3 = try! ABIFunction("aggregate3((address,bool,bytes)[]) returns ((bool,bytes)[])")

    public struct Read: Hashable, Sendable {
        public let target: Address
        public let data: [UInt8]
        public init(target: Address, data: [UInt8]) {
            self.target = target
            self.data = data
        }
    }

    /// A read's outcome: the return data, or the revert data when the call failed.
    public enum Outcome: Hashable, Sendable {
        case success([UInt8])
        case failure([UInt8])
    }

    let client: RPCClient
    public let address: Address
    /// Calls per `aggregate3`.
    public let chunkSize: Int
    var deployed: Bool?

    public init(client: RPCClient, address: Address = Multicall3.canonicalAddress, chunkSize: Int = 50) {
        self.client = client
        self.address = address
        self.chunkSize = chunkSize
    }

    /// Whether Multicall3 is used (`nil` before the first read).
    public var isDeployed: Bool? { deployed }

    /// Performs the reads at `block`, in order.
    public func read(_ reads: [Read], at block: BlockReference) async throws -> [Outcome] {
        if deployed == nil {
            deployed = !(try await client.code(at: address, block: block)).isEmpty
        }
        guard deployed == true else { return try await readByBatch(reads, at: block) }
        var outcomes: [Outcome] = []
        var start = 0
        while start < reads.count {
            let chunk = reads[start..<min(start + chunkSize, reads.count)]
            let calldata = try Multicall3.aggregate3.encodeCall([
                .array(chunk.map { .tuple([.address($0.target), .bool(true), .bytes($0.data)]) })
            ])
            let result = try await client.call(to: address, data: calldata, at: block)
            guard let items = try Multicall3.aggregate3.decodeReturn(result).first?.arrayValue, items.count == chunk.count else {
                throw RPCClientError.unexpectedResult(method: "aggregate3", "returned a different number of results")
            }
            for item in items {
                guard let pair = item.arrayValue, let ok = pair[0].boolValue, let data = pair[1].bytesValue else {
                    throw RPCClientError.unexpectedResult(method: "aggregate3", "malformed result")
                }
                outcomes.append(ok ? .success(data) : .failure(data))
            }
            start += chunkSize
        }
        return outcomes
    }

    func readByBatch(_ reads: [Read], at block: BlockReference) async throws -> [Outcome] {
        let calls = reads.map { read in
            RPCCall("eth_call", [["to": .string(read.target.lowercased), "data": .string(Hex.encode(read.data))], block.stateParameter])
        }
        return try await client.batch(calls).map { answer in
            switch answer {
            case .success(let json):
                guard let s = json.stringValue, let data = try? Hex.decode(s, requirePrefix: true) else {
                    throw RPCClientError.unexpectedResult(method: "eth_call", "result is not hex")
                }
                return .success(data)
            case .failure(let error) where error.isRevert:
                return .failure(error.data?.stringValue.flatMap { try? Hex.decode($0) } ?? [])
            case .failure(let error):
                throw error
            }
        }
    }
}
