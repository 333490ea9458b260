import ChainWatch
import Ethereum
import EthereumRPC
import PlenumTesting
import Synchronization
import Testing

/// The follower driven against a simulated chain (fast, exhaustive); the devnet suite repeats the
/// important scenarios against a real node.
@Suite("Log follower on a simulated chain")
struct FollowerSimulationTests {
    static let governor = try! Address("0x00000000000000000000000000000000000000aa")
    let id = FollowerID(chainId: 1, governor: FollowerSimulationTests.governor)

    func watcher(
        _ chain: SimulatedChain, store: InMemoryChainWatchStore, confirmations: UInt64 = 5, initialRange: UInt64 = 2000
    )
        async throws -> GovernorWatcher
    {
        var follower = LogFollower.Configuration(startBlock: 0, confirmations: confirmations)
        follower.initialRange = initialRange
        var configuration = GovernorWatcher.Configuration(follower: follower)
        configuration.pollInterval = .milliseconds(1)
        return try await GovernorWatcher(id: id, configuration: configuration, source: chain, store: store, clock: VirtualClock())
    }

    /// Confirmed events still standing after every rollback, as (blockHash, logIndex) keys.
    func standing(_ store: InMemoryChainWatchStore) async throws -> (keys: [String], confirmedTwice: [String]) {
        var live: [String: Int] = [:]
        var twice: [String] = []
        for n in try await store.notifications(after: 0, limit: 1_000_000) {
            switch n {
            case .confirmed(_, let e):
                let k = "\(e.position.blockHash):\(e.position.logIndex)"
                if live[k] != nil { twice.append(k) }
                live[k] = 1
            case .rolledBack(_, _, _, let removed):
                for e in removed { live["\(e.position.blockHash):\(e.position.logIndex)"] = nil }
            }
        }
        return (live.keys.sorted(), twice)
    }

    func expected(_ chain: SimulatedChain, confirmations: UInt64) -> [String] {
        let limit = chain.headNumberValue - confirmations
        return chain.canonicalLogs.filter { $0.blockNumber <= limit }.map { "\($0.blockHash):\($0.logIndex)" }.sorted()
    }

    func scatterEvents(_ chain: SimulatedChain, blocks: Int, events: Int, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let eventBlocks = Set((0..<events).map { _ in Int(rng.next() % UInt64(blocks)) })
        var id: UInt64 = 0
        for b in 0..<blocks {
            if eventBlocks.contains(b) {
                id += 1
                chain.emitCanceled(id)
            }
            chain.mine(1)
        }
    }

    @Test func backfillUnderARangeLimitReadsEveryEventOnceWithFewCalls() async throws {
        let chain = SimulatedChain(governor: Self.governor)
        scatterEvents(chain, blocks: 5000, events: 200, seed: 1)
        chain.setFaults(.init(rangeLimit: 500))
        let store = InMemoryChainWatchStore()
        let w = try await watcher(chain, store: store)
        try await w.run(untilConfirmed: chain.headNumberValue - 5)
        let result = try await standing(store)
        #expect(result.keys == expected(chain, confirmations: 5))
        #expect(result.keys.count >= 195)
        #expect(result.confirmedTwice.isEmpty)
        let minimum = (5000 + 499) / 500
        #expect(chain.getLogsCalls <= 2 * minimum, "\(chain.getLogsCalls) eth_getLogs calls; the limit allows \(minimum)")
    }

    /// A commit that fails (a full disk) leaves the follower where the store is: the same range is
    /// read again, and no event is skipped or stored twice.
    @Test func failedCommitsAreReadAgainNotSkipped() async throws {
        let chain = SimulatedChain(governor: Self.governor)
        scatterEvents(chain, blocks: 3000, events: 120, seed: 7)
        chain.setFaults(.init(rangeLimit: 300))
        let store = InMemoryChainWatchStore()
        let failing = EveryThirdCommitFails(inner: store)
        var follower = LogFollower.Configuration(startBlock: 0, confirmations: 5)
        follower.initialRange = 2000
        var configuration = GovernorWatcher.Configuration(follower: follower)
        configuration.pollInterval = .milliseconds(1)
        let w = try await GovernorWatcher(id: id, configuration: configuration, source: chain, store: failing, clock: VirtualClock())
        try await w.run(untilConfirmed: chain.headNumberValue - 5)
        #expect(failing.failures() >= 3, "commits failed \(failing.failures()) times")
        let result = try await standing(store)
        #expect(result.keys == expected(chain, confirmations: 5))
        #expect(result.confirmedTwice.isEmpty)
    }

    @Test func backfillUnderAResultLimitWithHints() async throws {
        let chain = SimulatedChain(governor: Self.governor)
        scatterEvents(chain, blocks: 5000, events: 200, seed: 2)
        chain.setFaults(.init(resultLimit: 20, rangeHint: true))
        let store = InMemoryChainWatchStore()
        let w = try await watcher(chain, store: store)
        try await w.run(untilConfirmed: chain.headNumberValue - 5)
        #expect(try await standing(store).keys == expected(chain, confirmations: 5))
        let minimum = 200 / 20
        #expect(chain.getLogsCalls <= 2 * minimum + 2, "\(chain.getLogsCalls) eth_getLogs calls; the cap allows \(minimum)")
    }

    @Test func backfillUnderAResultLimitWithoutHints() async throws {
        let chain = SimulatedChain(governor: Self.governor)
        scatterEvents(chain, blocks: 5000, events: 200, seed: 3)
        chain.setFaults(.init(resultLimit: 20))
        let store = InMemoryChainWatchStore()
        let w = try await watcher(chain, store: store)
        try await w.run(untilConfirmed: chain.headNumberValue - 5)
        #expect(try await standing(store).keys == expected(chain, confirmations: 5))
    }

    @Test(arguments: [1, 3, 12])
    func reorgsRemoveTentativeEventsAndReportReincludedOnesOnce(depth: Int) async throws {
        let chain = SimulatedChain(governor: Self.governor, blocks: 50)
        let store = InMemoryChainWatchStore()
        let w = try await watcher(chain, store: store, confirmations: 5)
        try await w.run(untilConfirmed: 44)
        // Two events in the last `depth` blocks: one will vanish, one will be re-included elsewhere.
        chain.emitCanceled(1001)
        chain.mine(1)
        chain.mine(depth - 1)
        // Follow the tip so that the events are read (tentative, or confirmed when depth > 5).
        for _ in 0..<40 { try await w.step() }
        let before = try await store.notifications(after: 0, limit: 1000).count
        chain.reorg(depth: depth, newBlocks: depth + 2, reinclude: depth % 2 == 1)
        chain.mine(8)
        try await w.run(untilConfirmed: chain.headNumberValue - 5)
        let result = try await standing(store)
        #expect(result.keys == expected(chain, confirmations: 5))
        #expect(result.confirmedTwice.isEmpty)
        let notifications = try await store.notifications(after: 0, limit: 1000)
        let rollbacks = notifications.filter { if case .rolledBack = $0 { true } else { false } }
        let stats = await w.statistics
        #expect(stats.reorgs >= 1)
        if depth > 5 {
            #expect(!rollbacks.isEmpty && stats.deepReorgs >= 1, "a reorg deeper than the confirmations rolls back confirmed events")
        } else {
            #expect(rollbacks.isEmpty && stats.deepReorgs == 0, "a shallow reorg only touched tentative events")
            #expect(notifications.count >= before)
        }
    }

    @Test func faultsDoNotChangeTheResult() async throws {
        let chain = SimulatedChain(governor: Self.governor, seed: 9)
        scatterEvents(chain, blocks: 3000, events: 150, seed: 4)
        chain.setFaults(.init(rangeLimit: 400, emptyLogsProbability: 0.3, staleHeadProbability: 0.3))
        let store = InMemoryChainWatchStore()
        let w = try await watcher(chain, store: store)
        try await w.run(untilConfirmed: chain.headNumberValue - 5)
        #expect(try await standing(store).keys == expected(chain, confirmations: 5))
        #expect(await w.statistics.bloomReasks > 0)
    }

    @Test func restartsResumeFromTheStoreWithoutLossOrDuplicates() async throws {
        let chain = SimulatedChain(governor: Self.governor)
        scatterEvents(chain, blocks: 2000, events: 120, seed: 5)
        chain.setFaults(.init(rangeLimit: 97))
        let store = InMemoryChainWatchStore()
        var rng = SplitMix64(seed: 77)
        for _ in 0..<15 {
            let w = try await watcher(chain, store: store)
            for _ in 0..<Int(rng.next() % 7) { try await w.step() }
        }
        let w = try await watcher(chain, store: store)
        try await w.run(untilConfirmed: chain.headNumberValue - 5)
        let result = try await standing(store)
        #expect(result.keys == expected(chain, confirmations: 5))
        #expect(result.confirmedTwice.isEmpty)
    }

    @Test(arguments: 1...12)
    func randomHistoriesConvergeToTheCanonicalChain(seed: UInt64) async throws {
        var rng = SplitMix64(seed: seed)
        let chain = SimulatedChain(governor: Self.governor, blocks: 30, seed: seed)
        let store = InMemoryChainWatchStore()
        let confirmations: UInt64 = 4
        let w = try await watcher(chain, store: store, confirmations: confirmations)
        var nextId: UInt64 = 1
        for _ in 0..<60 {
            switch rng.next() % 10 {
            case 0..<5:
                if rng.next() % 2 == 0 {
                    chain.emitCanceled(nextId)
                    nextId += 1
                }
                chain.mine(Int(1 + rng.next() % 3))
            case 5..<7:
                let depth = Int(1 + rng.next() % 10)
                if UInt64(depth) < chain.headNumberValue {
                    chain.reorg(depth: depth, newBlocks: depth + Int(rng.next() % 3), reinclude: rng.next() % 2 == 0)
                }
            default:
                break
            }
            for _ in 0..<Int(rng.next() % 5) { try await w.step() }
        }
        chain.mine(Int(confirmations) + 1)
        try await w.run(untilConfirmed: chain.headNumberValue - confirmations)
        let result = try await standing(store)
        #expect(result.keys == expected(chain, confirmations: confirmations))
        #expect(result.confirmedTwice.isEmpty)
    }
}

/// Fails every third commit before it reaches the store beneath.
final class EveryThirdCommitFails: ChainWatchStore {
    let inner: InMemoryChainWatchStore
    private let count = Mutex((commits: 0, failures: 0))

    init(inner: InMemoryChainWatchStore) { self.inner = inner }

    struct DiskFull: Error {}

    func failures() -> Int { count.withLock { $0.failures } }

    func loadFollower(_ id: FollowerID) async throws -> FollowerState? { try await inner.loadFollower(id) }
    func commit(_ id: FollowerID, _ commit: FollowerCommit) async throws {
        let fail = count.withLock { c -> Bool in
            c.commits += 1
            if c.commits % 3 == 0 { c.failures += 1 }
            return c.commits % 3 == 0
        }
        if fail { throw DiskFull() }
        try await inner.commit(id, commit)
    }
    func notifications(after: Int64, limit: Int) async throws -> [ChainNotification] {
        try await inner.notifications(after: after, limit: limit)
    }
    func events(_ id: FollowerID) async throws -> [(record: ChainEventRecord, status: EventStatus)] { try await inner.events(id) }
}
