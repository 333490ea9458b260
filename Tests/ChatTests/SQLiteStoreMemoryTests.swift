import Foundation
import GRDB
import PlenumTesting
import Testing

@testable import Storage

/// What keeps the service's SQLite work and memory from growing with its history.
@Suite("SQLite store: work and memory bounded by what is live, not by history")
struct SQLiteStoreMemoryTests {
    static func plan(_ sql: String, in store: SQLiteStore, arguments: StatementArguments = []) throws -> [String] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }

    @Test func theBotsStepReadsOnlyUnfinishedProposals() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("plenum.sqlite"))
        let plan = try Self.plan(SQLiteStore.activeProposalsSQL, in: store)
        // Through the partial index (only unfinished rows, already ordered), never a scan of the table.
        #expect(plan == ["SCAN bot_proposals USING INDEX bot_proposals_unfinished"], "\(plan)")
    }

    @Test func aProposalsWebhookDeliveriesAreReadByItsKey() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("plenum.sqlite"))
        let plan = try Self.plan(SQLiteStore.deliveriesSQL, in: store, arguments: ["gov:1:0xabc:7"])
        // A search of the index by key, already in id order: no scan of every delivery, no sort.
        #expect(plan == ["SEARCH webhook_deliveries USING INDEX webhook_deliveries_proposal (proposal_key=?)"], "\(plan)")
    }

    @Test func metricsCountProposalsWithoutReadingThem() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("plenum.sqlite"))
        let plan = try Self.plan(SQLiteStore.proposalCountsSQL, in: store)
        // The index on phase alone: no row (results, export anchors) is read however many there are.
        #expect(plan == ["SCAN bot_proposals USING COVERING INDEX bot_proposals_active"], "\(plan)")
    }

    @Test func everyConnectionHasAnExplicitPageCache() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("plenum.sqlite"))
        #expect(store.pool.configuration.maximumReaderCount == 5)
        #expect(try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -8192)
        // Readers overlapping in time each open a connection of their own: every one is bounded.
        let sizes = try await withThrowingTaskGroup(of: Int?.self) { tasks in
            for _ in 0..<5 {
                tasks.addTask {
                    try await store.pool.read { db in
                        Thread.sleep(forTimeInterval: 0.05)
                        return try Int.fetchOne(db, sql: "PRAGMA cache_size")
                    }
                }
            }
            return try await tasks.reduce(into: []) { $0.append($1) }
        }
        #expect(sizes == Array(repeating: -1024, count: 5))
        #expect(store.configuration.pageCacheBoundKiB == 8192 + 5 * 1024)

        var small = SQLiteStore.Configuration()
        small.maximumReaders = 2
        small.readerCacheKiB = 256
        let other = try SQLiteStore(path: dir.file("other.sqlite"), configuration: small)
        #expect(other.pool.configuration.maximumReaderCount == 2)
        #expect(try await other.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -256)
        let readOnly = try SQLiteStore(readOnlyPath: dir.file("plenum.sqlite"), configuration: small)
        #expect(try await readOnly.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -256)
    }
}
