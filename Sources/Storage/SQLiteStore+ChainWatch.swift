import ChainWatch
import Ethereum
import Foundation
import GRDB

extension SQLiteStore: ChainWatchStore {
    public func loadFollower(_ id: FollowerID) async throws -> FollowerState? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM followers WHERE id = ?", arguments: [id.description]) else {
                return nil
            }
            let window = try Row.fetchAll(
                db, sql: "SELECT number, hash, parent_hash FROM follower_window WHERE follower_id = ? ORDER BY number",
                arguments: [id.description]
            ).map { r in
                WindowEntry(
                    number: UInt64(r["number"] as Int64), hash: try Hash32(hex: r["hash"] as String),
                    parentHash: try (r["parent_hash"] as String?).map { try Hash32(hex: $0) })
            }
            let range = try JSONParser.parse(row["range_json"] as String)
            func n(_ k: String) -> UInt64? { range[k].flatMap { if case .number(let s) = $0 { UInt64(s) } else { nil } } }
            let sizer = RangeSizer(
                size: n("size") ?? 2000, maximum: n("maximum") ?? 10_000, ceiling: n("ceiling"), resultLimit: n("resultLimit"))
            let snapshot = LogFollower.Snapshot(
                cursorNumber: (row["cursor_number"] as Int64?).map(UInt64.init),
                cursorHash: try (row["cursor_hash"] as String?).map { try Hash32(hex: $0) },
                confirmedThrough: (row["confirmed_through"] as Int64?).map(UInt64.init), window: window, range: sizer)
            return FollowerState(follower: snapshot, clockMode: (row["clock_mode"] as String?).flatMap(ClockMode.init(rawValue:)))
        }
    }

    public func commit(_ id: FollowerID, _ commit: FollowerCommit) async throws {
        let now = ISO8601DateFormatter().string(from: Date())
        try await write { db in
            let key = id.description
            let snapshot = commit.state.follower
            var range = JSONObject([("size", .number(String(snapshot.range.size))), ("maximum", .number(String(snapshot.range.maximum)))])
            if let c = snapshot.range.ceiling { range["ceiling"] = .number(String(c)) }
            if let r = snapshot.range.resultLimit { range["resultLimit"] = .number(String(r)) }
            try db.execute(
                sql: """
                    INSERT INTO followers (id, chain_id, governor, cursor_number, cursor_hash, confirmed_through, clock_mode, range_json, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET cursor_number = excluded.cursor_number, cursor_hash = excluded.cursor_hash,
                        confirmed_through = excluded.confirmed_through, clock_mode = excluded.clock_mode,
                        range_json = excluded.range_json, updated_at = excluded.updated_at
                    """,
                arguments: [
                    key, Int64(id.chainId), id.governor.checksummed, snapshot.cursorNumber.map(Int64.init),
                    snapshot.cursorHash?.description,
                    snapshot.confirmedThrough.map(Int64.init), commit.state.clockMode?.rawValue, JSON.object(range).serialized(), now,
                ])
            try db.execute(sql: "DELETE FROM follower_window WHERE follower_id = ?", arguments: [key])
            for entry in snapshot.window {
                try db.execute(
                    sql: "INSERT INTO follower_window (follower_id, number, hash, parent_hash) VALUES (?, ?, ?, ?)",
                    arguments: [key, Int64(entry.number), entry.hash.description, entry.parentHash?.description])
            }
            if let rollback = commit.rollback {
                let keep = rollback.keepThrough.map { Int64($0) } ?? -1
                let confirmed = try String.fetchAll(
                    db,
                    sql:
                        "SELECT record_json FROM chain_events WHERE follower_id = ? AND status = 'confirmed' AND block_number > ? ORDER BY block_number, log_index",
                    arguments: [key, keep])
                try db.execute(
                    sql: "UPDATE chain_events SET status = 'removed' WHERE follower_id = ? AND status != 'removed' AND block_number > ?",
                    arguments: [key, keep])
                if !confirmed.isEmpty {
                    let payload: JSON = [
                        "keepThrough": rollback.keepThrough.map { .number(String($0)) } ?? .null,
                        "removed": .array(try confirmed.map { try JSONParser.parse($0) }),
                    ]
                    try db.execute(
                        sql: "INSERT INTO chain_notifications (follower_id, kind, payload_json, created_at) VALUES (?, 'rolledBack', ?, ?)",
                        arguments: [key, payload.serialized(), now])
                }
            }
            for record in commit.events {
                let name: String
                var proposal: String?
                switch record.event {
                case .success(let e):
                    name = e.name
                    proposal = e.proposalId.description
                case .failure: name = "Undecodable"
                }
                try db.execute(
                    sql: """
                        INSERT INTO chain_events (follower_id, block_number, block_hash, transaction_hash, log_index, event_name, proposal_id, record_json, status)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'tentative')
                        ON CONFLICT(follower_id, block_hash, log_index) DO UPDATE SET status = 'tentative' WHERE status = 'removed'
                        """,
                    arguments: [
                        key, Int64(record.position.blockNumber), record.position.blockHash.description,
                        record.position.transactionHash.description,
                        Int64(record.position.logIndex), name, proposal, record.json.serialized(),
                    ])
            }
            if let through = commit.confirmThrough {
                let ready = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT id, record_json FROM chain_events WHERE follower_id = ? AND status = 'tentative' AND block_number <= ? ORDER BY block_number, log_index",
                    arguments: [key, Int64(through)])
                for row in ready {
                    try db.execute(sql: "UPDATE chain_events SET status = 'confirmed' WHERE id = ?", arguments: [row["id"] as Int64])
                    let payload: JSON = ["event": try JSONParser.parse(row["record_json"] as String)]
                    try db.execute(
                        sql: "INSERT INTO chain_notifications (follower_id, kind, payload_json, created_at) VALUES (?, 'confirmed', ?, ?)",
                        arguments: [key, payload.serialized(), now])
                }
            }
        }
    }

    public func notifications(after: Int64, limit: Int) async throws -> [ChainNotification] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, follower_id, kind, payload_json FROM chain_notifications WHERE seq > ? ORDER BY seq LIMIT ?",
                arguments: [after, limit]
            ).map { row in
                let seq: Int64 = row["seq"]
                let payload = try JSONParser.parse(row["payload_json"] as String)
                if (row["kind"] as String) == "confirmed" {
                    return .confirmed(sequence: seq, event: try ChainEventRecord(json: payload["event"] ?? .null))
                }
                let follower = try SQLiteStore.followerID(row["follower_id"] as String)
                let keep: UInt64? = payload["keepThrough"].flatMap { if case .number(let n) = $0 { UInt64(n) } else { nil } }
                let removed = try (payload["removed"]?.arrayValue ?? []).map { try ChainEventRecord(json: $0) }
                return .rolledBack(sequence: seq, follower: follower, keepThrough: keep, removed: removed)
            }
        }
    }

    public func events(_ id: FollowerID) async throws -> [(record: ChainEventRecord, status: EventStatus)] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT record_json, status FROM chain_events WHERE follower_id = ? ORDER BY block_number, log_index",
                arguments: [id.description]
            ).map {
                (
                    try ChainEventRecord(json: try JSONParser.parse($0["record_json"] as String)),
                    EventStatus(rawValue: $0["status"] as String)!
                )
            }
        }
    }

    public func tentativeEvents(_ id: FollowerID, through: UInt64) async throws -> [ChainEventRecord] {
        try await pool.read { db in
            try String.fetchAll(
                db,
                sql:
                    "SELECT record_json FROM chain_events WHERE follower_id = ? AND status = 'tentative' AND block_number <= ? ORDER BY block_number, log_index",
                arguments: [id.description, Int64(through)]
            ).map { try ChainEventRecord(json: try JSONParser.parse($0)) }
        }
    }

    /// The position up to which a named consumer has processed notifications.
    public func consumerPosition(_ name: String) async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT seq FROM consumer_cursors WHERE name = ?", arguments: [name]) ?? 0 }
    }

    public func setConsumerPosition(_ name: String, _ seq: Int64) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO consumer_cursors (name, seq) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET seq = excluded.seq",
                arguments: [name, seq])
        }
    }

    static func followerID(_ key: String) throws -> FollowerID {
        let parts = key.split(separator: ":")
        guard parts.count == 2, let chain = UInt64(parts[0]) else { throw GovernorEventError.undecodable("follower id \(key)") }
        return FollowerID(chainId: chain, governor: try Address(String(parts[1])))
    }
}
