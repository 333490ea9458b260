import Foundation
import GRDB
import PlenumTesting
import Testing

@testable import Storage

/// What keeps the service's SQLite work and memory from growing with its history.
@Suite("SQLite store: work and memory bounded by what is live, not by history")
struct SQLiteStoreMemoryTests {
    static func plan(_ sql: String, in store: SQLiteStore) throws -> [String] {
        try store.pool.read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String } }
    }

    @Test func theBotsStepReadsOnlyUnfinishedProposals() throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("plenum.sqlite"))
        let plan = try Self.plan(SQLiteStore.activeProposalsSQL, in: store)
        // Through the partial index (only unfinished rows, already ordered), never a scan of the table.
        #expect(plan == ["SCAN bot_proposals USING INDEX bot_proposals_unfinished"], "\(plan)")
    }
}
