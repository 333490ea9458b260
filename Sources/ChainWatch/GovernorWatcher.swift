import Ethereum
import EthereumRPC
import Logging

/// Follows one governor: drives a `LogFollower` against a `ChainSource` and records its steps in a
/// `ChainWatchStore`, one transaction per step. Restarting from the store resumes exactly where the
/// last committed step left off.
///
/// With a `witness` (a second, independent endpoint), no event is confirmed until the witness has
/// answered the same logs for the blocks being confirmed, and the same `proposalSnapshot`,
/// `proposalDeadline` and `state` for each new proposal: a provider that invents, alters or hides
/// a governor event stops the follower at that block (logged, counted in `statistics`) instead of
/// misleading the bot.
public actor GovernorWatcher {
    public struct Configuration: Hashable, Sendable {
        public var follower: LogFollower.Configuration
        /// Wait between head polls once caught up.
        public var pollInterval: Duration = .seconds(2)
        /// Times a block whose bloom matches but whose logs came back empty is asked again.
        public var bloomRetries = 8
        /// Headers fetched per batch request when checking an empty catch-up range's blooms.
        public var headerBatch: UInt64 = 100

        public init(follower: LogFollower.Configuration) { self.follower = follower }
    }

    /// Counters for logs, metrics and benchmarks.
    public struct Statistics: Hashable, Sendable {
        public var getLogsCalls = 0
        public var refusals = 0
        public var retries = 0
        public var reorgs = 0
        public var deepReorgs = 0
        public var bloomReasks = 0
        public var blocksScanned: UInt64 = 0
        public var eventsRead = 0
        /// Confirmations checked against the witness, and those refused because it answered otherwise.
        public var crossChecks = 0
        public var crossCheckMismatches = 0
    }

    nonisolated public let id: FollowerID
    nonisolated public let configuration: Configuration
    let source: any ChainSource
    /// The second endpoint confirmations are checked against, if any.
    let witness: (any ChainSource)?
    let store: any ChainWatchStore
    let clock: any RPCClock
    let logger: Logger
    var follower: LogFollower
    /// An observation's effects are being written (the follower in memory is ahead of the store).
    private var committing = false
    public private(set) var clockMode: ClockMode?
    public private(set) var statistics = Statistics()

    static let clockModeFunction = try! ABIFunction("CLOCK_MODE() returns (string)")
    static let proposalSnapshotFunction = try! ABIFunction("proposalSnapshot(uint256) returns (uint256)")
    static let proposalDeadlineFunction = try! ABIFunction("proposalDeadline(uint256) returns (uint256)")
    static let stateFunction = try! ABIFunction("state(uint256) returns (uint8)")

    /// Loads the follower's state from the store (or starts fresh at `startBlock`).
    public init(
        id: FollowerID, configuration: Configuration, source: any ChainSource, witness: (any ChainSource)? = nil,
        store: any ChainWatchStore, clock: any RPCClock = SystemRPCClock(), logger: Logger = Logger(label: "plenum.chainwatch")
    ) async throws {
        self.id = id
        self.configuration = configuration
        self.source = source
        self.witness = witness
        self.store = store
        self.clock = clock
        var logger = logger
        logger[metadataKey: "governor"] = "\(id)"
        self.logger = logger
        let saved = try await store.loadFollower(id)
        follower = LogFollower(configuration: configuration.follower, resume: saved?.follower)
        clockMode = saved?.clockMode
    }

    /// The last block read.
    public var cursor: UInt64? { follower.cursorNumber }
    /// Events in blocks up to here are confirmed.
    public var confirmedThrough: UInt64? { follower.confirmedThrough }
    /// The highest head seen.
    public var head: UInt64? { follower.head }
    public var range: RangeSizer { follower.range }

    /// Whether every block up to the last head seen has been read and committed (events there are
    /// tentative or confirmed). False while an observation's effects are being written: the actor
    /// can be asked between the two.
    public var isCaughtUp: Bool {
        guard !committing, let head = follower.head, let cursor = follower.cursorNumber else { return false }
        return cursor >= head
    }

    /// Runs until the task is cancelled. Failures (a node down for longer than the client retries)
    /// are logged and retried after a poll interval; they never end the loop.
    public func run() async throws {
        while !Task.isCancelled {
            do {
                try await step()
            } catch is CancellationError {
                return
            } catch {
                logger.warning("chain watch step failed; retrying", metadata: ["error": "\(error)"])
                try await clock.sleep(for: configuration.pollInterval)
            }
        }
    }

    /// Steps until every event up to `block` is confirmed (for tests, benchmarks and one-shot catch-up).
    public func run(untilConfirmed block: UInt64, maxFailures: Int = 1000) async throws {
        var failures = 0
        while (follower.confirmedThrough ?? 0) < block || follower.confirmedThrough == nil {
            try Task.checkCancellation()
            do {
                try await step()
            } catch let error where !(error is CancellationError) {
                failures += 1
                if failures > maxFailures { throw error }
                logger.debug("step failed; retrying", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Performs one action of the follower.
    public func step() async throws {
        if clockMode == nil { clockMode = try await readClockMode() }
        switch follower.nextAction() {
        case .pollHead(let idle):
            if idle { try await clock.sleep(for: configuration.pollInterval) }
            _ = follower.observe(.head(try await source.headNumber()))
        case .scan(let from, let to, let allHeaders):
            try await scan(from: from, to: to, allHeaders: allHeaders)
        case .fetchHeaders(let numbers):
            try await observeAndCommit(.headers(try await source.headers(numbers)), records: [])
        }
    }

    /// Feeds an observation to the follower and commits its effects. The follower in memory keeps
    /// the new state only if the commit succeeds: after a failed write (a full disk) the same
    /// range is read again rather than skipped.
    @discardableResult
    func observeAndCommit(_ observation: LogFollower.Observation, records: [ChainEventRecord]) async throws -> [LogFollower.Effect] {
        let before = follower
        committing = true
        defer { committing = false }
        let effects = follower.observe(observation)
        do { try await apply(effects, records: records, confirmedBefore: before.confirmedThrough) } catch {
            follower = before
            throw error
        }
        return effects
    }

    func scan(from: UInt64, to: UInt64, allHeaders: Bool) async throws {
        let filter = LogFilter(range: .blocks(from: from, to: to), addresses: [id.governor], topics: [GovernorEvent.topics])
        var logs: [Log]
        do {
            statistics.getLogsCalls += 1
            logs = try await source.logs(filter)
        } catch let error as RPCError where error.isLogRangeLimit {
            statistics.refusals += 1
            if from == to, let header = try await source.headers([from])[from] {
                // One block can always be asked by hash; never stall at a single block.
                statistics.getLogsCalls += 1
                logs = try await source.logs(
                    LogFilter(range: .blockHash(header.hash), addresses: [id.governor], topics: [GovernorEvent.topics]))
            } else {
                _ = follower.observe(.refused(error, from: from, to: to))
                logger.debug(
                    "eth_getLogs range refused", metadata: ["from": "\(from)", "to": "\(to)", "error": "\(error.message.prefix(160))"])
                return
            }
        }
        var numbers = Set([from, to] + logs.map(\.blockNumber))
        if allHeaders { numbers.formUnion(from...to) }
        var headers = try await source.headers(Array(numbers))
        if logs.isEmpty && !allHeaders {
            // An empty answer may be a provider that has not indexed the blocks: check their blooms.
            var start = from
            while start <= to {
                let end = min(to, start + configuration.headerBatch - 1)
                headers.merge(try await source.headers(Array(start...end))) { a, _ in a }
                start = end + 1
            }
        }
        let reasked = try await reaskDoubtfulBlocks(headers: headers, logs: logs)
        logs += reasked
        logs.sort { ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex) }
        numbers.formUnion(reasked.map(\.blockNumber))
        let records = try await records(for: logs, from: source)
        let keep = headers.filter { allHeaders || numbers.contains($0.key) }
        let effects = try await observeAndCommit(.scanned(from: from, to: to, logs: logs, headers: keep), records: records)
        statistics.eventsRead += logs.count
        if effects.contains(where: { if case .accept = $0 { true } else { false } }) { statistics.blocksScanned += to - from + 1 }
    }

    /// Blocks whose bloom matches the filter but for which no log came back are asked again by hash.
    func reaskDoubtfulBlocks(headers: [UInt64: BlockHeader], logs: [Log]) async throws -> [Log] {
        let withLogs = Set(logs.map(\.blockNumber))
        let doubtful = headers.values.filter {
            !withLogs.contains($0.number) && $0.bloomMayContain(address: id.governor, anyOf: GovernorEvent.topics)
        }.sorted { $0.number < $1.number }
        var found: [Log] = []
        for header in doubtful {
            for attempt in 1...configuration.bloomRetries {
                statistics.bloomReasks += 1
                statistics.getLogsCalls += 1
                let again = try await source.logs(
                    LogFilter(range: .blockHash(header.hash), addresses: [id.governor], topics: [GovernorEvent.topics]), rotation: attempt)
                if !again.isEmpty {
                    found += again
                    break
                }
                if attempt == configuration.bloomRetries {
                    logger.info(
                        "bloom matched but no logs after retries (a bloom false positive?)", metadata: ["block": "\(header.number)"])
                }
            }
        }
        return found
    }

    /// Decodes logs; for each new proposal, reads what the governor says about it at that block
    /// (all of a range's proposals in one batch), from `chain` (the source, or the witness).
    func records(for logs: [Log], from chain: any ChainSource) async throws -> [ChainEventRecord] {
        var decoded: [(Log, Result<GovernorEvent, GovernorEventError>)] = []
        var reads: [PinnedCall] = []
        for log in logs {
            do {
                let event = try GovernorEvent(log: log)
                decoded.append((log, .success(event)))
                if case .proposalCreated(let p) = event {
                    let block = BlockReference.hash(log.blockHash, requireCanonical: true)
                    for function in [Self.proposalSnapshotFunction, Self.proposalDeadlineFunction, Self.stateFunction] {
                        reads.append(PinnedCall(to: id.governor, data: try function.encodeCall([.uint(p.proposalId)]), block: block))
                    }
                }
            } catch let error as GovernorEventError {
                logger.error("undecodable governor log", metadata: ["block": "\(log.blockNumber)", "error": "\(error)"])
                decoded.append((log, .failure(error)))
            }
        }
        var answers = reads.isEmpty ? [] : try await chain.calls(reads)[...]
        var out: [ChainEventRecord] = []
        for (log, event) in decoded {
            var reading: ProposalReading?
            if case .success(.proposalCreated) = event {
                let three = Array(answers.prefix(3))
                answers = answers.dropFirst(3)
                reading = try proposalReading(three, blockHash: log.blockHash)
            }
            let position = LogPosition(
                blockNumber: log.blockNumber, blockHash: log.blockHash, transactionHash: log.transactionHash, logIndex: log.logIndex)
            out.append(ChainEventRecord(chainId: id.chainId, governor: id.governor, position: position, event: event, proposal: reading))
        }
        return out
    }

    /// `proposalSnapshot`, `proposalDeadline` and `state` answers; a block that left the chain aborts the step.
    func proposalReading(_ answers: [Result<[UInt8], RPCError>], blockHash: Hash32) throws -> ProposalReading? {
        var values: [UInt256] = []
        for (answer, function) in zip(answers, [Self.proposalSnapshotFunction, Self.proposalDeadlineFunction, Self.stateFunction]) {
            switch answer {
            case .success(let data):
                guard let v = try? function.decodeReturn(data).first?.uintValue else { return nil }
                values.append(v)
            case .failure(let error) where error.isRevert:
                logger.warning("governor does not answer proposalSnapshot/proposalDeadline/state", metadata: ["error": "\(error)"])
                return nil
            case .failure(let error):
                throw error  // e.g. the block is no longer canonical: the scan is read again
            }
        }
        guard values.count == 3, let state = values[2].uint64Value else { return nil }
        return ProposalReading(
            snapshot: values[0], deadline: values[1], state: UInt8(truncatingIfNeeded: state), clockMode: clockMode ?? .blocknumber,
            blockHash: blockHash)
    }

    func readClockMode() async throws -> ClockMode {
        do {
            let answer = try await source.call(to: id.governor, data: try Self.clockModeFunction.encodeCall([]), at: .latest)
            guard let text = try Self.clockModeFunction.decodeReturn(answer).first?.stringValue, let mode = ClockMode(clockModeString: text)
            else {
                logger.warning("unrecognised CLOCK_MODE; assuming block numbers")
                return .blocknumber
            }
            return mode
        } catch let error as RPCError where error.isRevert {
            return .blocknumber  // before ERC-6372 (e.g. GovernorBravo): block numbers
        }
    }

    func apply(_ effects: [LogFollower.Effect], records: [ChainEventRecord], confirmedBefore: UInt64?) async throws {
        var commit = FollowerCommit(state: FollowerState(follower: follower.snapshot, clockMode: clockMode))
        var changed = false
        // The first block whose events this step may confirm for the first time.
        var unconfirmedFrom = confirmedBefore.map { $0 + 1 } ?? configuration.follower.startBlock
        for effect in effects {
            switch effect {
            case .accept:
                commit.events = records
                changed = true
            case .confirm(let through):
                commit.confirmThrough = through
                changed = true
            case .rollback(let keep, let hash, let from, let deep, let verified):
                commit.rollback = .init(keepThrough: keep, deep: deep)
                unconfirmedFrom = min(unconfirmedFrom, keep.map { $0 + 1 } ?? 0)
                changed = true
                statistics.reorgs += 1
                let metadata: Logger.Metadata = [
                    "keepThrough": "\(keep.map(String.init) ?? "none")", "ancestorHash": "\(hash.map { "\($0)" } ?? "unknown")",
                    "from": "\(from)",
                    "verified": "\(verified)",
                ]
                if deep {
                    statistics.deepReorgs += 1
                    logger.critical("REORG DEEPER THAN THE CONFIRMATION DEPTH: rolling back confirmed events", metadata: metadata)
                } else {
                    logger.warning("reorg: rolling back tentative events", metadata: metadata)
                }
            case .retry(let why):
                statistics.retries += 1
                logger.debug("re-reading", metadata: ["why": "\(why)"])
            }
        }
        if let through = commit.confirmThrough, let witness {
            // What this commit would confirm: stored tentative events (less what it rolls back) and its new ones.
            var ours = try await store.tentativeEvents(id, through: through)
            if let rollback = commit.rollback {
                ours.removeAll { event in rollback.keepThrough.map { event.position.blockNumber > $0 } ?? true }
            }
            ours += commit.events.filter { $0.position.blockNumber <= through }
            try await crossCheck(ours, from: unconfirmedFrom, through: through, witness: witness)
        }
        if changed { try await store.commit(id, commit) }
    }

    /// Asks the witness for the governor's logs of `from...through` (and what the governor says
    /// about each new proposal there) and throws `CrossCheckError` unless it answers exactly the
    /// events about to be confirmed.
    func crossCheck(_ ours: [ChainEventRecord], from: UInt64, through: UInt64, witness: any ChainSource) async throws {
        let from = min(from, ours.map(\.position.blockNumber).min() ?? from)
        guard from <= through else { return }
        let witnessHead = try await witness.headNumber()
        guard witnessHead >= through else { throw CrossCheckError.behind(head: witnessHead, needed: through) }
        statistics.crossChecks += 1
        let theirs = try await records(for: try await witnessLogs(from: from, through: through, witness: witness), from: witness)
        func key(_ r: ChainEventRecord) -> String { "\(r.position.blockHash):\(r.position.logIndex)" }
        func name(_ r: ChainEventRecord) -> String {
            switch r.event {
            case .success(let e): "\(e.name) of proposal \(e.proposalId) (block \(r.position.blockNumber), log \(r.position.logIndex))"
            case .failure: "an undecodable log (block \(r.position.blockNumber), log \(r.position.logIndex))"
            }
        }
        let mine = Dictionary(ours.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        let witnessed = Dictionary(theirs.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        var problem: String?
        for record in ours.sorted(by: { ($0.position.blockNumber, $0.position.logIndex) < ($1.position.blockNumber, $1.position.logIndex) })
        {
            guard let other = witnessed[key(record)] else {
                problem = "the cross-check endpoint does not have \(name(record))"
                break
            }
            if other != record {
                problem =
                    "the endpoints disagree about \(name(record)): the cross-check endpoint says \(name(other))"
                    + (other.proposal != record.proposal ? " with other proposalSnapshot/proposalDeadline/state" : "")
                break
            }
        }
        if problem == nil, let missing = theirs.first(where: { mine[key($0)] == nil }) {
            problem = "the rpc endpoint left out \(name(missing))"
        }
        guard let problem else { return }
        statistics.crossCheckMismatches += 1
        logger.error(
            "cross-check failed: not confirming blocks \(from)...\(through) until both endpoints agree",
            metadata: ["from": "\(from)", "through": "\(through)", "problem": "\(problem)"])
        throw CrossCheckError.mismatch(what: "logs", detail: "blocks \(from)...\(through): \(problem)")
    }

    /// The witness's governor logs of a range, in spans of at most `maxRange` blocks, halved on a range refusal.
    func witnessLogs(from: UInt64, through: UInt64, witness: any ChainSource) async throws -> [Log] {
        var logs: [Log] = []
        var start = from
        var span = configuration.follower.maxRange
        while start <= through {
            let end = start + min(span, through - start + 1) - 1
            do {
                logs += try await witness.logs(
                    LogFilter(range: .blocks(from: start, to: end), addresses: [id.governor], topics: [GovernorEvent.topics]))
                start = end + 1
            } catch let error as RPCError where error.isLogRangeLimit && end > start {
                span = (end - start + 1) / 2
            }
        }
        return logs.sorted { ($0.blockNumber, $0.logIndex) < ($1.blockNumber, $1.logIndex) }
    }
}
