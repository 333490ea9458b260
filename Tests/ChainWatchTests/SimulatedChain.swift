import ChainWatch
import Ethereum
import EthereumRPC
import Synchronization

/// A chain in memory for unit tests of the follower: blocks with hashes and parents, governor logs,
/// reorgs, and the refusals and faults of real providers.
final class SimulatedChain: ChainSource {
    struct Block {
        let header: BlockHeader
        var logs: [Log]
    }

    struct Faults {
        var rangeLimit: UInt64?
        var resultLimit: UInt64?
        var rangeHint = false
        var emptyLogsProbability = 0.0
        var staleHeadProbability = 0.0
    }

    struct State {
        var blocks: [Block] = []
        var nextSalt: UInt64 = 1
        var faults = Faults()
        var random = SplitMix64(seed: 1)
        var getLogsCalls = 0
        var pendingLogs: [(topics: [Hash32], data: [UInt8])] = []
    }

    let governor: Address
    let clockMode: String
    private let state: Mutex<State>

    init(governor: Address, blocks: Int = 1, clockMode: String = "mode=blocknumber&from=default", seed: UInt64 = 1) {
        self.governor = governor
        self.clockMode = clockMode
        state = Mutex(State(random: SplitMix64(seed: seed)))
        mine(blocks)
    }

    var headNumberValue: UInt64 { state.withLock { UInt64($0.blocks.count - 1) } }
    var getLogsCalls: Int { state.withLock { $0.getLogsCalls } }

    func setFaults(_ f: Faults) { state.withLock { $0.faults = f } }

    /// Queues a log for the next mined block.
    func emit(topics: [Hash32], data: [UInt8]) { state.withLock { $0.pendingLogs.append((topics, data)) } }

    /// Queues a `ProposalCanceled(id)` log (a one-word event) for the next block.
    func emitCanceled(_ id: UInt64) {
        emit(topics: [GovernorEvent.proposalCanceledEvent.topic0], data: UInt256(id).word.bytes)
    }

    func mine(_ n: Int) {
        state.withLock { s in for _ in 0..<n { Self.append(&s, governor: governor) } }
    }

    /// Replaces the last `depth` blocks with `newBlocks` new ones; `reinclude` moves their logs to new block index `at`.
    func reorg(depth: Int, newBlocks: Int, reinclude: Bool = false, at: Int? = nil) {
        state.withLock { s in
            let removed = s.blocks.suffix(depth)
            s.blocks.removeLast(depth)
            let moved = reinclude ? removed.flatMap { $0.logs.map { ($0.topics, $0.data) } } : []
            for i in 0..<newBlocks {
                if i == (at ?? min(depth, newBlocks - 1)) { s.pendingLogs += moved }
                Self.append(&s, governor: governor)
            }
        }
    }

    private static func append(_ s: inout State, governor: Address) {
        let number = UInt64(s.blocks.count)
        let parent = s.blocks.last?.header.hash ?? .zero
        s.nextSalt += 1
        let hash = Keccak256.hash(UInt256(number).word.bytes + UInt256(s.nextSalt).word.bytes)
        var bloom = [UInt8](repeating: 0, count: 256)
        var logs: [Log] = []
        for (i, pending) in s.pendingLogs.enumerated() {
            let tx = Keccak256.hash(hash.bytes + UInt256(UInt64(i)).word.bytes)
            logs.append(
                Log(
                    address: governor, topics: pending.topics, data: pending.data, blockNumber: number, blockHash: hash,
                    transactionHash: tx, transactionIndex: UInt64(i), logIndex: UInt64(i)))
            addToBloom(&bloom, governor.bytes)
            for t in pending.topics { addToBloom(&bloom, t.bytes) }
        }
        s.pendingLogs = []
        s.blocks.append(
            Block(
                header: BlockHeader(
                    number: number, hash: hash, parentHash: parent, timestamp: 1_700_000_000 + number * 12, logsBloom: bloom), logs: logs))
    }

    static func addToBloom(_ bloom: inout [UInt8], _ item: [UInt8]) {
        let h = Keccak256.hash(item).bytes
        for i in stride(from: 0, to: 6, by: 2) {
            let bit = (Int(h[i]) << 8 | Int(h[i + 1])) & 2047
            bloom[255 - bit / 8] |= 1 << UInt8(bit % 8)
        }
    }

    /// Canonical events as (blockHash, logIndex) with their block numbers.
    var canonicalLogs: [Log] { state.withLock { $0.blocks.flatMap(\.logs) } }

    // MARK: ChainSource

    func headNumber() async throws -> UInt64 {
        state.withLock { s in
            let head = UInt64(s.blocks.count - 1)
            if Double(s.random.next() % 1000) / 1000 < s.faults.staleHeadProbability { return head > 3 ? head - 3 : 0 }
            return head
        }
    }

    func headers(_ numbers: [UInt64]) async throws -> [UInt64: BlockHeader] {
        state.withLock { s in
            var out: [UInt64: BlockHeader] = [:]
            for n in numbers where n < s.blocks.count { out[n] = s.blocks[Int(n)].header }
            return out
        }
    }

    func logs(_ filter: LogFilter, rotation: Int) async throws -> [Log] {
        try state.withLock { s in
            s.getLogsCalls += 1
            let blocks: [Block]
            switch filter.range {
            case .blockHash(let h): blocks = s.blocks.filter { $0.header.hash == h }
            case .blocks(let from, let to):
                let span = to - from + 1
                if let limit = s.faults.rangeLimit, span > limit {
                    if s.faults.rangeHint {
                        throw RPCError(
                            code: -32602,
                            message:
                                "Log response size exceeded. You can make eth_getLogs requests with up to a \(limit) block range and no limit on the response size, or you can request any block range with a cap of 10000 logs in the response. Based on your parameters, this block range should work: [\(Quantity.format(from)), \(Quantity.format(from + limit - 1))]"
                        )
                    }
                    throw RPCError(code: -32602, message: "query block range \(span) exceeds limit of \(limit)")
                }
                let upper = min(Int(to), s.blocks.count - 1)
                blocks = from <= upper ? Array(s.blocks[Int(from)...upper]) : []
            }
            let logs = blocks.flatMap(\.logs).filter { filter.addresses.contains($0.address) }
            if let cap = s.faults.resultLimit, logs.count > cap {
                var message = "query returned more than \(cap) results"
                if s.faults.rangeHint, case .blocks(let from, _) = filter.range {
                    var count = 0
                    var end = from
                    for b in blocks {
                        if count + b.logs.count > cap { break }
                        count += b.logs.count
                        end = b.header.number
                    }
                    message += ". Try with this block range [\(Quantity.format(from)), \(Quantity.format(end))]."
                }
                throw RPCError(code: -32005, message: message)
            }
            if !logs.isEmpty && Double(s.random.next() % 1000) / 1000 < s.faults.emptyLogsProbability { return [] }
            return logs
        }
    }

    func calls(_ requests: [PinnedCall]) async throws -> [Result<[UInt8], RPCError>] {
        var out: [Result<[UInt8], RPCError>] = []
        for r in requests {
            do { out.append(.success(try await call(to: r.to, data: r.data, at: r.block))) } catch let e as RPCError {
                out.append(.failure(e))
            }
        }
        return out
    }

    func call(to: Address, data: [UInt8], at block: BlockReference) async throws -> [UInt8] {
        let selector = Array(data.prefix(4))
        if selector == (try ABIFunction("CLOCK_MODE()")).selector {
            return try ABIEncoder.encode([.string(clockMode)], as: [.string])
        }
        if case .hash(let h, _) = block {
            let known = state.withLock { $0.blocks.contains { $0.header.hash == h } }
            guard known else { throw RPCError(code: -32000, message: "header for hash not found") }
        }
        // proposalSnapshot / proposalDeadline / state: answer with a small number derived from the id.
        return UInt256(7).word.bytes
    }
}
