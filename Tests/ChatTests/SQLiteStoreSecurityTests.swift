import Chat
import Ethereum
import Foundation
import PlenumTesting
import Storage
import Testing

/// What the database protects on its own: its files are private, and text from anyone is data, never SQL.
@Suite("SQLite store: file modes and hostile text")
struct SQLiteStoreSecurityTests {
    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    static func currentUmask() -> mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }

    @Test func aNewDatabaseAndTheFoldersItCreatesArePrivate() async throws {
        let dir = try TemporaryDirectory()
        let maskBefore = Self.currentUmask()
        let path = dir.file("state/db/plenum.sqlite")
        let store = try SQLiteStore(path: path)
        let group = try await store.createGroup(ChatFixtures.spec("p"), id: .random(), hub: ChatFixtures.hubName, at: 1).group
        _ = try await store.append([ChatStoreTests.draft("hello", in: group.id)])
        #expect(try Self.mode(dir.file("state")) == 0o700)
        #expect(try Self.mode(dir.file("state/db")) == 0o700)
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(FileManager.default.fileExists(atPath: file), "\(file)")
            let mode = try Self.mode(file)
            #expect(mode == 0o600, "\(file) is \(String(mode, radix: 8))")
        }
        #expect(Self.currentUmask() == maskBefore, "opening a store leaves the process umask alone")
    }

    @Test func hostileTextIsStoredAndReadBackAsData() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("plenum.sqlite"))
        let hostile = [
            "x'); DROP TABLE chat_messages;--", "' OR 1=1 --", "\"; DELETE FROM chat_groups; --", "Robert'); --\u{0}tail",
            "%' UNION SELECT sql FROM sqlite_master --",
        ]
        let spec = GroupSpec(key: hostile[0], title: hostile[1], topic: hostile[2], gating: .anyone)
        let group = try await store.createGroup(spec, id: .random(), hub: ChatFixtures.hubName, at: 1).group
        #expect(group.key == hostile[0] && group.title == hostile[1] && group.topic == hostile[2])
        let drafts = hostile.map { ChatStoreTests.draft($0, in: group.id) }
        let outcomes = try await store.append(drafts)
        #expect(outcomes.allSatisfy { if case .appended = $0 { true } else { false } })
        let stored = try await store.messages(in: group.id, afterSeq: 0, limit: 100)
        #expect(stored.map(\.body) == hostile)
        #expect(ChatFixtures.chainProblem(stored) == nil)
        #expect(try await store.lastPosition() == Int64(hostile.count))
        #expect(try await store.groups(afterOrdinal: 0, limit: 10).map(\.key) == [hostile[0]])
        // A lookup by a hostile id finds nothing rather than everything.
        #expect(try await store.group(GroupID("'OR'1'='1'--")) == nil)
    }
}
