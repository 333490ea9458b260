import ChainWatch
import Ethereum
import EthereumRPC
import GRDB
import PlenumTesting
import Storage
import Testing

@Suite("SQLite store for followers")
struct SQLiteChainWatchStoreTests {
    static let governor = try! Address("0x00000000000000000000000000000000000000bb")
    let id = FollowerID(chainId: 7, governor: SQLiteChainWatchStoreTests.governor)

    func watcher(_ chain: SimulatedChain, store: any ChainWatchStore) async throws -> GovernorWatcher {
        var configuration = GovernorWatcher.Configuration(follower: .init(startBlock: 0, confirmations: 3))
        configuration.pollInterval = .milliseconds(1)
        return try await GovernorWatcher(id: id, configuration: configuration, source: chain, store: store, clock: VirtualClock())
    }

    @Test func followerStateAndEventsSurviveReopening() async throws {
        let dir = try TemporaryDirectory()
        let chain = SimulatedChain(governor: Self.governor)
        for i in 1...40 {
            chain.emitCanceled(UInt64(i))
            chain.mine(3)
        }
        chain.setFaults(.init(rangeLimit: 17))
        do {
            let store = try SQLiteStore(path: dir.file("plenum.sqlite"))
            let w = try await watcher(chain, store: store)
            for _ in 0..<6 { try await w.step() }
        }
        // Reopen: the follower resumes from its cursor, reads the rest, nothing twice.
        let store = try SQLiteStore(path: dir.file("plenum.sqlite"))
        let saved = try #require(try await store.loadFollower(id))
        #expect(saved.follower.cursorNumber != nil && saved.follower.range.ceiling == 17)
        let w = try await watcher(chain, store: store)
        try await w.run(untilConfirmed: chain.headNumberValue - 3)
        let confirmed = try await store.notifications(after: 0, limit: 10_000).compactMap { n -> String? in
            if case .confirmed(_, let e) = n { return "\(e.position.blockHash):\(e.position.logIndex)" } else { return nil }
        }
        let expected = chain.canonicalLogs.filter { $0.blockNumber <= chain.headNumberValue - 3 }.map { "\($0.blockHash):\($0.logIndex)" }
        #expect(confirmed == expected)
        #expect(try store.appliedMigrations().contains("2026-11-27-chainwatch"))
    }

    @Test func deepReorgRollbackIsRecordedAndRecordsRoundTrip() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("p.sqlite"))
        let chain = SimulatedChain(governor: Self.governor, blocks: 10)
        chain.emitCanceled(1)
        chain.mine(10)
        let w = try await watcher(chain, store: store)
        try await w.run(untilConfirmed: chain.headNumberValue - 3)
        chain.reorg(depth: 12, newBlocks: 13)
        chain.mine(4)
        try await w.run(untilConfirmed: chain.headNumberValue - 3)
        let notifications = try await store.notifications(after: 0, limit: 100)
        guard case .confirmed(_, let first) = notifications.first,
            case .rolledBack(_, let follower, let keep, let removed)? = notifications.dropFirst().first
        else { Issue.record("\(notifications)"); return }
        #expect(follower == id && removed == [first] && keep != nil)
        #expect(first.event == .success(.proposalCanceled(proposalId: 1)))
        let events = try await store.events(id)
        #expect(events.count == 1 && events[0].status == .removed)
    }

    @Test func notificationsAreAppendOnly() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("p.sqlite"))
        let chain = SimulatedChain(governor: Self.governor, blocks: 5)
        chain.emitCanceled(1)
        chain.mine(5)
        try await watcher(chain, store: store).run(untilConfirmed: chain.headNumberValue - 3)
        let queue = try DatabaseQueue(path: dir.file("p.sqlite"))
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "UPDATE chain_notifications SET kind = 'confirmed'") } }
        #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "DELETE FROM chain_notifications") } }
    }
}
