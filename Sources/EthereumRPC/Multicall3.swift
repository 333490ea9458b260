import Ethereum

/// Batched contract reads through Multicall3's `aggregate3`, pinned to one block.
///
/// The reads are split into chunks of `chunkSize` calls, one `aggregate3` `eth_call` per chunk, and
/// all chunks go to the node as one JSON-RPC batch: one round trip for up to `chunkSize ×
/// maxBatchSize` reads. The first read also asks for the code at the Multicall3 address, in the same
/// batch; where there is none, this and every later read fall back to a JSON-RPC batch of plain
/// `eth_call`s (same results, more work for the node, and one request per `maxBatchSize` reads).
/// A chunk whose `aggregate3` itself fails (it reverts, e.g. on a return value above the
/// contract's bounds, or finds no code at an older block) is read again with plain `eth_call`s, so
/// one bad call never fails the others.
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
        precondition(chunkSize > 0, "an aggregate3 carries at least one call")
        self.client = client
        self.address = address
        self.chunkSize = chunkSize
    }

    /// Whether Multicall3 is used (`nil` before the first read).
    public var isDeployed: Bool? { deployed }

    /// Performs the reads at `block`, in order. Throws when the node cannot answer for the block
    /// (unknown or no longer canonical), or an answer is not what `aggregate3` returns.
    public func read(_ reads: [Read], at block: BlockReference) async throws -> [Outcome] {
        if reads.isEmpty { return [] }
        if deployed == false { return try await readByBatch(reads, at: block) }
        let chunks = stride(from: 0, to: reads.count, by: chunkSize).map { reads[$0..<min($0 + chunkSize, reads.count)] }
        var calls = try chunks.map { chunk in
            let calldata = try Multicall3.aggregate3.encodeCall([
                .array(chunk.map { .tuple([.address($0.target), .bool(true), .bytes($0.data)]) })
            ])
            return RPCCall("eth_call", [["to": .string(address.lowercased), "data": .string(Hex.encode(calldata))]])
        }
        let checksCode = deployed == nil
        if checksCode { calls.insert(RPCCall("eth_getCode", [.string(address.lowercased)]), at: 0) }
        var answers = try await client.batch(calls, at: block)
        if checksCode {
            deployed = !(try Self.bytes(answers.removeFirst().get(), "eth_getCode")).isEmpty
            if deployed == false { return try await readByBatch(reads, at: block) }
        }
        var outcomes = [Outcome?](repeating: nil, count: reads.count)
        var again: [Int] = []  // reads of chunks whose aggregate3 failed
        for (chunk, answer) in zip(chunks, answers) {
            switch answer {
            case .success(let json):
                let data = try Self.bytes(json, "aggregate3")
                guard !data.isEmpty else {
                    again += chunk.indices  // no code at this block
                    continue
                }
                for (i, outcome) in zip(chunk.indices, try Self.decode(data, count: chunk.count)) { outcomes[i] = outcome }
            case .failure(let error) where error.isRevert:
                again += chunk.indices
            case .failure(let error):
                throw error
            }
        }
        if !again.isEmpty {
            for (i, outcome) in zip(again, try await readByBatch(again.map { reads[$0] }, at: block)) { outcomes[i] = outcome }
        }
        return outcomes.map { $0! }
    }

    static func decode(_ data: [UInt8], count: Int) throws -> [Outcome] {
        guard let items = try Multicall3.aggregate3.decodeReturn(data).first?.arrayValue, items.count == count else {
            throw RPCClientError.unexpectedResult(method: "aggregate3", "returned a different number of results")
        }
        return try items.map { item in
            guard let pair = item.arrayValue, pair.count == 2, let ok = pair[0].boolValue, let data = pair[1].bytesValue else {
                throw RPCClientError.unexpectedResult(method: "aggregate3", "malformed result")
            }
            return ok ? .success(data) : .failure(data)
        }
    }

    static func bytes(_ json: JSON, _ method: String) throws -> [UInt8] {
        guard let s = json.stringValue, let data = try? Hex.decode(s, requirePrefix: true) else {
            throw RPCClientError.unexpectedResult(method: method, "result is not hex")
        }
        return data
    }

    func readByBatch(_ reads: [Read], at block: BlockReference) async throws -> [Outcome] {
        let calls = reads.map { read in
            RPCCall("eth_call", [["to": .string(read.target.lowercased), "data": .string(Hex.encode(read.data))]])
        }
        return try await client.batch(calls, at: block).map { answer in
            switch answer {
            case .success(let json):
                return .success(try Self.bytes(json, "eth_call"))
            case .failure(let error) where error.isRevert:
                return .failure(error.data?.stringValue.flatMap { try? Hex.decode($0) } ?? [])
            case .failure(let error):
                throw error
            }
        }
    }
}
