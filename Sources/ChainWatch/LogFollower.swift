import Ethereum
import EthereumRPC

/// The core of a governor's log follower: a value-type state machine that takes observations of the
/// chain and says what to fetch next and what to record. It does no IO, so every path is tested
/// without a node.
///
/// Invariants: the cursor is the last block whose logs were read and whose hash links to the blocks
/// before it; events are tentative until `confirmations` linked blocks are on top of theirs; a block
/// whose parent hash does not match what was recorded starts a walk back, by hash, to the newest
/// remembered block the chain still has, and everything above that ancestor is rolled back.
public struct LogFollower: Sendable {
    public struct Configuration: Hashable, Sendable {
        /// First block to scan (e.g. the governor's deployment block).
        public var startBlock: UInt64
        /// Linked blocks required on top of an event's block before it is confirmed.
        public var confirmations: UInt64
        /// Catch-up range sizing.
        public var initialRange: UInt64 = 2000
        public var maxRange: UInt64 = 10_000
        /// Near the head, blocks are read with every header, at most this many per step.
        public var tipSpan: UInt64 = 32
        /// Recent blocks remembered for reorg walk-backs.
        public var windowSize: Int = 2048

        public init(startBlock: UInt64, confirmations: UInt64) {
            self.startBlock = startBlock
            self.confirmations = confirmations
        }

        /// Blocks below `head − tipDepth` are scanned in catch-up ranges; above, block by block with headers.
        var tipDepth: UInt64 { confirmations + 8 }
    }

    public enum Action: Hashable, Sendable {
        /// Ask for the head block number (`idle`: the follower is caught up, wait a poll interval first).
        case pollHead(idle: Bool)
        /// Read logs of `from...to` and the headers of `from`, `to` and every block with a log;
        /// every header of the range when `allHeaders`.
        case scan(from: UInt64, to: UInt64, allHeaders: Bool)
        /// Fetch the canonical headers at these numbers (reorg walk-back).
        case fetchHeaders([UInt64])
    }

    public enum Observation: Sendable {
        case head(UInt64)
        case scanned(from: UInt64, to: UInt64, logs: [Log], headers: [UInt64: BlockHeader])
        case refused(RPCError, from: UInt64, to: UInt64)
        case headers([UInt64: BlockHeader])
    }

    /// What the driver must persist or announce, in order.
    public enum Effect: Hashable, Sendable {
        /// Logs of a verified range; the cursor moves to `cursor`; remember `window`.
        case accept(logs: [Log], cursor: BlockPointer, window: [WindowEntry])
        /// Every event in blocks up to `through` is confirmed.
        case confirm(through: UInt64)
        /// Blocks above `keepThrough` (all blocks when nil) left the canonical chain: roll back everything
        /// derived from them. `deep` when confirmed events are affected; `verified` false when no
        /// remembered block matched and the follower resumes below its oldest memory.
        case rollback(keepThrough: UInt64?, ancestorHash: Hash32?, from: BlockPointer, deep: Bool, verified: Bool)
        /// A check failed and the range will be read again (for logs and metrics).
        case retry(String)
    }

    /// What to persist to resume after a restart.
    public struct Snapshot: Hashable, Sendable {
        /// Last block read; `cursorHash` is nil after a rollback deeper than anything remembered.
        public var cursorNumber: UInt64?
        public var cursorHash: Hash32?
        public var confirmedThrough: UInt64?
        public var window: [WindowEntry]
        public var range: RangeSizer

        public init(cursorNumber: UInt64?, cursorHash: Hash32?, confirmedThrough: UInt64?, window: [WindowEntry], range: RangeSizer) {
            self.cursorNumber = cursorNumber
            self.cursorHash = cursorHash
            self.confirmedThrough = confirmedThrough
            self.window = window
            self.range = range
        }
    }

    public let configuration: Configuration
    /// The last block read, and its hash when it is linked to the blocks before it.
    public private(set) var cursorNumber: UInt64?
    public private(set) var cursorHash: Hash32?
    public private(set) var confirmedThrough: UInt64?
    public private(set) var head: UInt64?
    public private(set) var range: RangeSizer
    var window: [UInt64: WindowEntry] = [:]
    var walkBack: [UInt64]?  // remaining candidates, newest first
    var suspectFrom: BlockPointer?
    var headPolledSinceIdle = false

    public init(configuration: Configuration, resume: Snapshot? = nil) {
        self.configuration = configuration
        range = resume?.range ?? RangeSizer(initial: configuration.initialRange, maximum: configuration.maxRange)
        cursorNumber = resume?.cursorNumber
        cursorHash = resume?.cursorHash
        confirmedThrough = resume?.confirmedThrough
        for entry in resume?.window ?? [] { window[entry.number] = entry }
    }

    public var snapshot: Snapshot {
        Snapshot(
            cursorNumber: cursorNumber, cursorHash: cursorHash, confirmedThrough: confirmedThrough,
            window: window.values.sorted { $0.number < $1.number }, range: range)
    }

    /// The next block to read.
    public var nextBlock: UInt64 { cursorNumber.map { $0 + 1 } ?? configuration.startBlock }

    /// The cursor, when its hash is known.
    public var cursor: BlockPointer? {
        guard let cursorNumber, let cursorHash else { return nil }
        return BlockPointer(number: cursorNumber, hash: cursorHash)
    }

    /// What to do next.
    public mutating func nextAction() -> Action {
        if let candidates = walkBack {
            return .fetchHeaders(Array(candidates.prefix(16)))
        }
        guard let head, nextBlock <= head else {
            defer { headPolledSinceIdle = true }
            return .pollHead(idle: head != nil && headPolledSinceIdle)
        }
        headPolledSinceIdle = false
        let tipStart = head > configuration.tipDepth ? head - configuration.tipDepth : 0
        if nextBlock > tipStart {
            return .scan(from: nextBlock, to: min(head, nextBlock + configuration.tipSpan - 1), allHeaders: true)
        }
        return .scan(from: nextBlock, to: min(tipStart, nextBlock + range.size - 1), allHeaders: false)
    }

    /// Takes an observation; returns what to record.
    public mutating func observe(_ observation: Observation) -> [Effect] {
        switch observation {
        case .head(let number):
            // A head that goes backwards (a lagging provider) is not a reorg; hashes decide that.
            head = max(head ?? 0, number)
            return []
        case .refused(let error, let from, let to):
            range.refused(error, requested: from...to)
            return [.retry("eth_getLogs \(from)...\(to) refused: \(error.message.prefix(120))")]
        case .scanned(let from, let to, let logs, let headers):
            return accept(from: from, to: to, logs: logs, headers: headers)
        case .headers(let headers):
            return continueWalkBack(headers)
        }
    }

    mutating func accept(from: UInt64, to: UInt64, logs: [Log], headers: [UInt64: BlockHeader]) -> [Effect] {
        guard from == nextBlock, from <= to else { return [.retry("stale scan result \(from)...\(to)")] }
        guard let first = headers[from], let last = headers[to], first.number == from, last.number == to else {
            return [.retry("headers of \(from)...\(to) missing (the node's head moved back?)")]
        }
        if let cursor, first.parentHash != cursor.hash {
            startWalkBack(suspect: cursor)
            return [.retry("block \(from)'s parent \(first.parentHash) is not the recorded \(cursor): reorg, walking back")]
        }
        // Every header fetched for this range must link where neighbours are known.
        for (n, header) in headers where n > from {
            guard header.number == n else { return [.retry("header \(n) has number \(header.number)")] }
            if let previous = headers[n - 1], header.parentHash != previous.hash {
                return [.retry("headers of \(from)...\(to) do not link at \(n): the chain changed during the scan")]
            }
        }
        for log in logs {
            guard log.blockNumber >= from, log.blockNumber <= to else { return [.retry("log outside the requested range")] }
            guard !log.removed else { return [.retry("log marked removed")] }
            guard let header = headers[log.blockNumber], header.hash == log.blockHash else {
                return [
                    .retry(
                        "log in block \(log.blockNumber) carries hash \(log.blockHash), not the block's: the chain changed during the scan")
                ]
            }
        }
        range.succeeded(span: to - from + 1, results: logs.count)
        let pointer = BlockPointer(number: to, hash: last.hash)
        cursorNumber = to
        cursorHash = last.hash
        let entries = headers.values.sorted { $0.number < $1.number }.map {
            WindowEntry(number: $0.number, hash: $0.hash, parentHash: $0.parentHash)
        }
        for entry in entries { window[entry.number] = entry }
        pruneWindow()
        var effects: [Effect] = [.accept(logs: logs, cursor: pointer, window: entries)]
        if to >= configuration.confirmations {
            let through = to - configuration.confirmations
            if confirmedThrough.map({ through > $0 }) ?? true {
                confirmedThrough = through
                effects.append(.confirm(through: through))
            }
        }
        return effects
    }

    mutating func startWalkBack(suspect: BlockPointer) {
        suspectFrom = suspect
        walkBack = window.keys.filter { $0 <= suspect.number }.sorted(by: >)
    }

    mutating func continueWalkBack(_ headers: [UInt64: BlockHeader]) -> [Effect] {
        guard var candidates = walkBack, let suspect = suspectFrom else { return [] }
        let asked = Array(candidates.prefix(16))
        for number in asked {
            guard let remembered = window[number] else { continue }
            if let canonical = headers[number], canonical.hash == remembered.hash {
                return rollback(to: BlockPointer(number: number, hash: remembered.hash), from: suspect, verified: true)
            }
        }
        candidates.removeFirst(min(asked.count, candidates.count))
        if candidates.isEmpty {
            // Deeper than anything remembered: resume below the oldest remembered block, unverified.
            let oldest = window.keys.min() ?? configuration.startBlock
            let keep: UInt64? = oldest > configuration.startBlock ? oldest - 1 : nil
            walkBack = nil
            suspectFrom = nil
            window.removeAll()
            cursorNumber = keep
            cursorHash = nil
            let deep = confirmedThrough.map { c in keep.map { c > $0 } ?? true } ?? false
            if deep { confirmedThrough = keep }
            return [.rollback(keepThrough: keep, ancestorHash: nil, from: suspect, deep: deep, verified: false)]
        }
        walkBack = candidates
        return []
    }

    mutating func rollback(to ancestor: BlockPointer, from suspect: BlockPointer, verified: Bool) -> [Effect] {
        walkBack = nil
        suspectFrom = nil
        let deep = confirmedThrough.map { $0 > ancestor.number } ?? false
        cursorNumber = ancestor.number
        cursorHash = ancestor.hash
        for n in window.keys where n > ancestor.number { window[n] = nil }
        if deep { confirmedThrough = ancestor.number }
        return [.rollback(keepThrough: ancestor.number, ancestorHash: ancestor.hash, from: suspect, deep: deep, verified: verified)]
    }

    mutating func pruneWindow() {
        guard window.count > configuration.windowSize else { return }
        for n in window.keys.sorted().prefix(window.count - configuration.windowSize) { window[n] = nil }
    }
}
