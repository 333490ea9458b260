import Chat
import Ethereum
import Foundation
import GRDB
import PlenumTesting
import Storage
import Testing

/// The same rules for every ChatStore: the in-memory one and SQLite.
@Suite("ChatStore conformance and SQLite specifics")
struct ChatStoreTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case memory, sqlite
        var testDescription: String { rawValue }
    }

    /// A store of `kind` (SQLite in a temporary folder kept alive by the returned value).
    static func store(_ kind: Kind) throws -> (any ChatStore, TemporaryDirectory) {
        let folder = try TemporaryDirectory()
        switch kind {
        case .memory: return (InMemoryChatStore(), folder)
        case .sqlite: return (try SQLiteStore(path: folder.file("chat.sqlite")), folder)
        }
    }

    static func draft(
        _ body: String, by key: PrivateKey = ChatFixtures.alice, in group: GroupID, nonce: Hash32? = nil, at time: UInt64 = 1000,
        closes: Bool = false
    )
        -> MessageDraft
    {
        let signed = ChatFixtures.signed(body, by: key, in: group, at: time, nonce: nonce)
        return MessageDraft(signed: signed, id: signed.message.digest, receivedAt: time, closesGroup: closes)
    }

    @Test(arguments: Kind.allCases) func groupsAreCreatedOnceByKey(kind: Kind) async throws {
        let (store, _folder) = try Self.store(kind)
        _ = _folder
        let (first, created) = try await store.createGroup(ChatFixtures.spec("p1"), id: .random(), hub: "h", at: 10)
        #expect(created && first.ordinal == 1 && first.isOpen && first.gating == .anyone)
        let (again, createdAgain) = try await store.createGroup(
            ChatFixtures.spec("p1", gating: .members), id: .random(), hub: "h", at: 20)
        #expect(!createdAgain && again == first)
        let gate = VotingPowerGate(chainId: 1, snapshot: 123, source: "governor:0xabc getVotes")
        let (second, _) = try await store.createGroup(ChatFixtures.spec("p2", gating: .votingPower(gate)), id: .random(), hub: "h", at: 30)
        #expect(second.ordinal == 2 && second.gating == .votingPower(gate))
        #expect(try await store.groups(afterOrdinal: 0, limit: 10).map(\.id) == [first.id, second.id])
        #expect(try await store.groups(afterOrdinal: 1, limit: 10).map(\.id) == [second.id])
        #expect(try await store.group(second.id) == second)
        #expect(try await store.group(GroupID("nope")) == nil)
    }

    @Test(arguments: Kind.allCases) func appendLinksEachGroupsChainInBatchOrder(kind: Kind) async throws {
        let (store, _folder) = try Self.store(kind)
        _ = _folder
        let a = try await store.createGroup(ChatFixtures.spec("a"), id: .random(), hub: ChatFixtures.hubName, at: 1).group
        let b = try await store.createGroup(ChatFixtures.spec("b"), id: .random(), hub: ChatFixtures.hubName, at: 1).group
        let batch = (0..<10).map { i in Self.draft("m\(i)", in: i % 3 == 0 ? b.id : a.id) }
        let outcomes = try await store.append(batch)
        let entries = outcomes.compactMap { if case .appended(let e) = $0 { e } else { nil } }
        #expect(entries.count == 10)
        #expect(entries.map(\.position) == Array(1...10))
        #expect(try await store.lastPosition() == 10)
        let logA = try await store.messages(in: a.id, afterSeq: 0, limit: 100)
        let logB = try await store.messages(in: b.id, afterSeq: 0, limit: 100)
        #expect(logA.map(\.body) == ["m1", "m2", "m4", "m5", "m7", "m8"])
        #expect(logB.map(\.body) == ["m0", "m3", "m6", "m9"])
        #expect(ChatFixtures.chainProblem(logA) == nil && ChatFixtures.chainProblem(logB) == nil)
        #expect(try await store.head(of: a.id) == ChainHead(seq: 6, hash: logA.last!.hash))
        #expect(try await store.messages(in: a.id, afterSeq: 4, limit: 1).map(\.seq) == [5])
        #expect(try await store.messages(afterPosition: 7, limit: 2).map(\.position) == [8, 9])
        #expect(try await store.messages(afterPosition: 0, limit: 100) == entries)
    }

    @Test(arguments: Kind.allCases) func duplicatesRejectionsAndClosing(kind: Kind) async throws {
        let (store, _folder) = try Self.store(kind)
        _ = _folder
        let g = try await store.createGroup(ChatFixtures.spec("g"), id: .random(), hub: ChatFixtures.hubName, at: 1).group
        let nonce = ChatMessage.randomNonce()
        let first = Self.draft("one", in: g.id, nonce: nonce)
        let sameNonceOtherBody = Self.draft("two", in: g.id, nonce: nonce)
        let otherSender = Self.draft("three", by: ChatFixtures.bob, in: g.id, nonce: nonce)
        let foreignHub = MessageDraft(
            signed: ChatFixtures.signed("x", by: ChatFixtures.alice, in: g.id, hub: "elsewhere", at: 1), id: .zero, receivedAt: 1)
        let unknown = Self.draft("?", in: try GroupID("unknown-group"))
        let outcomes = try await store.append([first, sameNonceOtherBody, otherSender, foreignHub, unknown])
        guard case .appended(let stored) = outcomes[0], case .duplicate(let dup) = outcomes[1], case .appended = outcomes[2],
            case .rejected(let wrongHub) = outcomes[3], case .rejected(let notFound) = outcomes[4]
        else { Issue.record("unexpected outcomes \(outcomes)"); return }
        #expect(dup == stored)
        #expect(wrongHub.code == .wrongHub && notFound.code == .groupNotFound)
        #expect(try await store.message(in: g.id, sender: ChatFixtures.alice.address, nonce: nonce) == stored)
        // Close with a last message; what follows in the same batch is refused.
        let closing = Self.draft("closed", by: ChatFixtures.bot, in: g.id, at: 5000, closes: true)
        let late = Self.draft("late", in: g.id)
        let closeOutcomes = try await store.append([closing, late])
        guard case .appended(let last) = closeOutcomes[0], case .rejected(let closed) = closeOutcomes[1] else {
            Issue.record("unexpected outcomes \(closeOutcomes)"); return
        }
        #expect(closed.code == .groupClosed)
        let info = try #require(try await store.group(g.id))
        #expect(!info.isOpen && info.closingSeq == last.seq && info.closedAt == 5000)
        #expect(try await store.head(of: g.id).seq == 3)
    }

    @Test(arguments: Kind.allCases) func membersAreRecordedOnce(kind: Kind) async throws {
        let (store, _folder) = try Self.store(kind)
        _ = _folder
        let g = try await store.createGroup(ChatFixtures.spec("m", gating: .members), id: .random(), hub: "h", at: 1).group
        #expect(try await store.addMembers([ChatFixtures.alice.address, ChatFixtures.bob.address], to: g.id, at: 2) == 2)
        #expect(try await store.addMembers([ChatFixtures.alice.address], to: g.id, at: 3) == 0)
        #expect(try await store.isMember(ChatFixtures.alice.address, of: g.id))
        #expect(try await !store.isMember(ChatFixtures.mallory.address, of: g.id))
    }

    @Test func sqliteKeepsTheChainAcrossReopening() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("chat.sqlite")
        let group: GroupID
        do {
            let store = try SQLiteStore(path: path)
            group = try await store.createGroup(ChatFixtures.spec("r"), id: .random(), hub: ChatFixtures.hubName, at: 1).group.id
            _ = try await store.append((0..<5).map { Self.draft("before \($0)", in: group) })
        }
        let store = try SQLiteStore(path: path)
        #expect(try store.appliedMigrations().contains("2026-11-27-chat"))
        _ = try await store.append((0..<5).map { Self.draft("after \($0)", in: group) })
        let log = try await store.messages(in: group, afterSeq: 0, limit: 100)
        #expect(log.count == 10 && ChatFixtures.chainProblem(log) == nil)
        #expect(log.map(\.position) == Array(1...10))
    }

    @Test func sqliteTriggersKeepTheLogAppendOnly() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("chat.sqlite")
        let store = try SQLiteStore(path: path)
        let g = try await store.createGroup(ChatFixtures.spec("t"), id: .random(), hub: ChatFixtures.hubName, at: 1).group
        _ = try await store.append((0..<3).map { Self.draft("m\($0)", in: g.id) })
        let before = try await store.messages(in: g.id, afterSeq: 0, limit: 10)
        let queue = try DatabaseQueue(path: path)
        func refused(_ sql: String) -> String? {
            do {
                try queue.write { db in try db.execute(sql: sql) }
                return nil
            } catch { return "\(error)" }
        }
        #expect(refused("UPDATE chat_messages SET body = 'forged' WHERE seq = 2")?.contains("append-only") == true)
        #expect(refused("DELETE FROM chat_messages WHERE seq = 3")?.contains("append-only") == true)
        #expect(refused("DELETE FROM chat_groups")?.contains("never deleted") == true)
        #expect(refused("UPDATE chat_groups SET title = 'renamed'")?.contains("open to closed") == true)
        // A row that does not extend the chain is refused: wrong seq, wrong prevHash.
        let insert = """
            INSERT INTO chat_messages (group_ordinal, seq, prev_hash, hash, message_id, sender, body, timestamp, nonce, signature, received_at)
            SELECT group_ordinal, %SEQ%, %PREV%, hash, message_id, sender, 'x', timestamp, randomblob(32), signature, received_at
            FROM chat_messages WHERE seq = 3
            """
        let sameSeq = insert.replacingOccurrences(of: "%SEQ%", with: "3").replacingOccurrences(of: "%PREV%", with: "prev_hash")
        let skipped = insert.replacingOccurrences(of: "%SEQ%", with: "5").replacingOccurrences(of: "%PREV%", with: "hash")
        let badLink = insert.replacingOccurrences(of: "%SEQ%", with: "4").replacingOccurrences(of: "%PREV%", with: "zeroblob(32)")
        for sql in [sameSeq, skipped, badLink] { #expect(refused(sql)?.contains("next link") == true, "\(sql)") }
        #expect(try await store.messages(in: g.id, afterSeq: 0, limit: 10) == before)
        // The journal is WAL.
        let mode = try await queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }
}
