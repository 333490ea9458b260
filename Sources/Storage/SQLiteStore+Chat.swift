import Chat
import Ethereum
import Foundation
import GRDB

extension SQLiteStore: ChatStore {
    public func createGroup(_ spec: GroupSpec, id: GroupID, hub: String, at time: UInt64) async throws -> (group: GroupInfo, created: Bool)
    {
        try await write { db in
            if let existing = try Self.chatGroup(db, where: "key = ?", spec.key) { return (existing, false) }
            try db.execute(
                sql: """
                    INSERT INTO chat_groups (id, hub, key, title, topic, gating_json, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [id.rawValue, hub, spec.key, spec.title, spec.topic, spec.gating.json.serialized(), Int64(bitPattern: time)])
            return (try Self.chatGroup(db, where: "ordinal = ?", db.lastInsertedRowID)!, true)
        }
    }

    public func group(_ id: GroupID) async throws -> GroupInfo? {
        try await pool.read { db in try Self.chatGroup(db, where: "id = ?", id.rawValue) }
    }

    public func groups(afterOrdinal ordinal: Int64, limit: Int) async throws -> [GroupInfo] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM chat_groups WHERE ordinal > ? ORDER BY ordinal LIMIT ?", arguments: [ordinal, max(0, limit)]
            ).map(Self.chatGroup)
        }
    }

    public func head(of group: GroupID) async throws -> ChainHead {
        try await pool.read { db in
            guard let ordinal = try Int64.fetchOne(db, sql: "SELECT ordinal FROM chat_groups WHERE id = ?", arguments: [group.rawValue])
            else { return .empty }
            return try Self.chatHead(db, ordinal: ordinal)
        }
    }

    public func append(_ drafts: [MessageDraft]) async throws -> [AppendOutcome] {
        try await write { db in
            var groups: [GroupID: (ordinal: Int64, info: GroupInfo, head: ChainHead)] = [:]
            var outcomes: [AppendOutcome] = []
            outcomes.reserveCapacity(drafts.count)
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO chat_messages
                        (group_ordinal, seq, prev_hash, hash, message_id, sender, body, timestamp, nonce, signature, received_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (group_ordinal, sender, nonce) DO NOTHING
                    """)
            for draft in drafts {
                if groups[draft.group] == nil, let info = try Self.chatGroup(db, where: "id = ?", draft.group.rawValue) {
                    groups[draft.group] = (info.ordinal, info, try Self.chatHead(db, ordinal: info.ordinal))
                }
                if let rejection = draft.rejection(for: groups[draft.group]?.info) {
                    outcomes.append(.rejected(rejection))
                    continue
                }
                let (ordinal, info, head) = groups[draft.group]!
                let m = draft.signed.message
                guard m.timestamp <= UInt64(Int64.max), draft.receivedAt <= UInt64(Int64.max) else {
                    outcomes.append(.rejected(ChatError(.timestampOutOfRange, "timestamps above 2^63 ms are not stored")))
                    continue
                }
                let provisional = draft.entry(position: 0, hub: info.hub, after: head)
                // A used (group, sender, nonce) inserts nothing: then the earlier entry is the answer.
                // The body is bound as bytes: SQLite's text binding and reading stop at U+0000, which a
                // signed body may contain, and a shortened body would no longer match its signature.
                try insert.execute(arguments: [
                    ordinal, Int64(provisional.seq), Data(provisional.prevHash.bytes), Data(provisional.hash.bytes), Data(draft.id.bytes),
                    Data(m.sender.bytes), Data(m.body.utf8), Int64(m.timestamp), Data(m.nonce.bytes), Data(draft.signed.signature.bytes),
                    Int64(draft.receivedAt),
                ])
                guard db.changesCount == 1 else {
                    let existing = try Self.chatMessages(
                        db, where: "m.group_ordinal = ? AND m.sender = ? AND m.nonce = ?",
                        [ordinal, Data(m.sender.bytes), Data(m.nonce.bytes)])
                    guard let existing = existing.first else {
                        throw ChatError(.internalError, "an insert into group \(info.id) stored nothing")
                    }
                    outcomes.append(.duplicate(existing))
                    continue
                }
                let entry = provisional.placed(at: db.lastInsertedRowID)
                var updated = info
                if draft.closesGroup {
                    try db.execute(
                        sql: "UPDATE chat_groups SET closed_at = ?, closing_seq = ? WHERE ordinal = ?",
                        arguments: [Int64(entry.receivedAt), Int64(entry.seq), ordinal])
                    updated = try Self.chatGroup(db, where: "ordinal = ?", ordinal)!
                }
                groups[draft.group] = (ordinal, updated, ChainHead(seq: entry.seq, hash: entry.hash))
                outcomes.append(.appended(entry))
            }
            return outcomes
        }
    }

    public func messages(in group: GroupID, afterSeq: UInt64, limit: Int) async throws -> [StoredMessage] {
        try await pool.read { db in
            try Self.chatMessages(
                db, where: "m.group_ordinal = (SELECT ordinal FROM chat_groups WHERE id = ?) AND m.seq > ? ORDER BY m.seq LIMIT ?",
                [group.rawValue, Int64(clamping: afterSeq), max(0, limit)])
        }
    }

    public func messages(afterPosition: Int64, limit: Int) async throws -> [StoredMessage] {
        try await pool.read { db in
            try Self.chatMessages(db, where: "m.position > ? ORDER BY m.position LIMIT ?", [afterPosition, max(0, limit)])
        }
    }

    public func message(in group: GroupID, sender: Address, nonce: Hash32) async throws -> StoredMessage? {
        try await pool.read { db in
            try Self.chatMessages(
                db, where: "m.group_ordinal = (SELECT ordinal FROM chat_groups WHERE id = ?) AND m.sender = ? AND m.nonce = ?",
                [group.rawValue, Data(sender.bytes), Data(nonce.bytes)]
            ).first
        }
    }

    public func lastPosition() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM chat_messages") ?? 0 }
    }

    public func addMembers(_ addresses: [Address], to group: GroupID, at time: UInt64) async throws -> Int {
        try await write { db in
            guard let ordinal = try Int64.fetchOne(db, sql: "SELECT ordinal FROM chat_groups WHERE id = ?", arguments: [group.rawValue])
            else {
                throw ChatError(.groupNotFound, "no group \(group)")
            }
            var added = 0
            for address in addresses {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO chat_group_members (group_ordinal, address, added_at) VALUES (?, ?, ?)",
                    arguments: [ordinal, Data(address.bytes), Int64(bitPattern: time)])
                added += db.changesCount
            }
            return added
        }
    }

    public func isMember(_ address: Address, of group: GroupID) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM chat_group_members
                    WHERE group_ordinal = (SELECT ordinal FROM chat_groups WHERE id = ?) AND address = ?)
                    """,
                arguments: [group.rawValue, Data(address.bytes)]) ?? false
        }
    }

    // MARK: Rows

    static func chatGroup(_ db: Database, where condition: String, _ argument: some DatabaseValueConvertible) throws -> GroupInfo? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM chat_groups WHERE \(condition)"), arguments: [argument]).map(chatGroup)
    }

    static func chatGroup(_ row: Row) throws -> GroupInfo {
        GroupInfo(
            id: try GroupID(row["id"] as String), ordinal: row["ordinal"], hub: row["hub"], key: row["key"], title: row["title"],
            topic: row["topic"], gating: try GatingRule(json: try JSONParser.parse(row["gating_json"] as String)),
            createdAt: UInt64(bitPattern: row["created_at"] as Int64),
            closedAt: (row["closed_at"] as Int64?).map { UInt64(bitPattern: $0) },
            closingSeq: (row["closing_seq"] as Int64?).map { UInt64(bitPattern: $0) })
    }

    static func chatHead(_ db: Database, ordinal: Int64) throws -> ChainHead {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT seq, hash FROM chat_messages WHERE group_ordinal = ? ORDER BY seq DESC LIMIT 1"),
                arguments: [ordinal])
        else { return .empty }
        return ChainHead(seq: UInt64(row["seq"] as Int64), hash: try Hash32(bytes: row["hash"] as Data))
    }

    static func chatMessages(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [StoredMessage] {
        let statement = try db.cachedStatement(
            sql: """
                SELECT m.*, g.id AS group_id, g.hub AS hub FROM chat_messages m JOIN chat_groups g ON g.ordinal = m.group_ordinal
                WHERE \(condition)
                """)
        return try Row.fetchAll(statement, arguments: arguments).map { row in
            StoredMessage(
                position: row["position"], hub: row["hub"], group: try GroupID(row["group_id"] as String),
                seq: UInt64(row["seq"] as Int64), prevHash: try Hash32(bytes: row["prev_hash"] as Data),
                id: try Hash32(bytes: row["message_id"] as Data), sender: try Address(bytes: row["sender"] as Data),
                body: String(decoding: row["body"] as Data, as: UTF8.self),
                timestamp: UInt64(row["timestamp"] as Int64), nonce: try Hash32(bytes: row["nonce"] as Data),
                signature: try Signature(bytes: row["signature"] as Data), receivedAt: UInt64(row["received_at"] as Int64),
                storedHash: try Hash32(bytes: row["hash"] as Data))
        }
    }
}
