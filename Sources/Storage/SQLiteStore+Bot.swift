import Bot
import ChainWatch
import Ethereum
import Foundation
import GRDB
import Governance

extension SQLiteStore: BotStore {
    public func insertProposal(_ proposal: BotProposal) async throws -> Bool {
        try await write { db in try Self.insert(proposal, db) }
    }

    static func insert(_ p: BotProposal, _ db: Database) throws -> Bool {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO bot_proposals (key, kind, channel, chain_id, governor, proposal_id, title, description, proposer, clock,
                    snapshot, deadline, created_json, rules_json, governor_name, power_block, phase, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                p.key, p.kind.rawValue, p.channel, Int64(p.chainId), p.governor?.checksummed, p.proposalId, p.title, p.description,
                p.proposer?.checksummed, p.clock == .blockNumber ? "blocknumber" : "timestamp", Int64(bitPattern: p.snapshot),
                Int64(bitPattern: p.deadline), p.created?.json.serialized(), p.rules.json.serialized(), p.governorName,
                p.powerBlock.map { Int64($0) }, p.phase.rawValue,
                Int64(p.createdAt), Int64(p.createdAt),
            ])
        guard db.changesCount == 1 else { return false }
        try update(p, db)
        return true
    }

    public func updateProposal(_ p: BotProposal) async throws {
        try await write { db in try Self.update(p, db) }
    }

    static func update(_ p: BotProposal, _ db: Database) throws {
        var resultJSON: String?
        if let r = p.result { resultJSON = r.result.storedJSON?.serialized() }
        try db.execute(
            sql: """
                UPDATE bot_proposals SET deadline = ?, phase = ?, group_id = ?, processed_seq = ?, close_seq = ?, announced = ?,
                    reminders_sent = ?, announced_deadline = ?, pending_notice = ?, pins_json = ?, result_json = ?, result_signature = ?,
                    result_digest = ?, result_posted = ?, export_anchor_json = ?, updated_at = ?
                WHERE key = ?
                """,
            arguments: [
                Int64(bitPattern: p.deadline), p.phase.rawValue, p.group, Int64(p.processedSeq), p.closeSeq.map { Int64($0) }, p.announced,
                JSON.array(p.remindersSent.sorted().map { .number(String($0)) }).serialized(),
                p.announcedDeadline.map { Int64(bitPattern: $0) },
                p.pendingNotice, p.pins?.json.serialized(), resultJSON, p.result?.signature.description, p.result?.digest.description,
                p.resultPosted, p.exportAnchor?.json.serialized(), Int64(WallClock.milliseconds()), p.key,
            ])
    }

    public func proposal(_ key: String) async throws -> BotProposal? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM bot_proposals WHERE key = ?", arguments: [key]).map(Self.proposal)
        }
    }

    public func activeProposals() async throws -> [BotProposal] {
        try await pool.read { db in try Row.fetchAll(db, sql: Self.activeProposalsSQL).map(Self.proposal) }
    }

    /// The bot reads it every step: its `WHERE` is that of the partial index `bot_proposals_unfinished`
    /// word for word, so SQLite reads only unfinished proposals, already in order, however many have closed.
    static let activeProposalsSQL = """
        SELECT * FROM bot_proposals WHERE phase NOT IN ('closed', 'canceled', 'removed') OR pending_notice IS NOT NULL
        ORDER BY created_at, key
        """

    public func proposalCounts() async throws -> [BotProposal.Phase: Int] {
        try await pool.read { db in
            var counts: [BotProposal.Phase: Int] = [:]
            for row in try Row.fetchAll(db, sql: Self.proposalCountsSQL) {
                if let phase = BotProposal.Phase(rawValue: row[0]) { counts[phase] = row[1] }
            }
            return counts
        }
    }

    /// Counted from the index on phase alone, not from the proposals' rows.
    static let proposalCountsSQL = "SELECT phase, COUNT(*) FROM bot_proposals GROUP BY phase"

    public func allProposals() async throws -> [BotProposal] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM bot_proposals ORDER BY created_at, key").map(Self.proposal) }
    }

    static func proposal(_ row: Row) throws -> BotProposal {
        let clock: VotingWindow.Clock = (row["clock"] as String) == "timestamp" ? .timestamp : .blockNumber
        var p = BotProposal(
            key: row["key"], kind: BotProposal.Kind(rawValue: row["kind"])!, channel: row["channel"],
            chainId: UInt64(row["chain_id"] as Int64),
            governor: try (row["governor"] as String?).map { try Address($0) }, proposalId: row["proposal_id"], title: row["title"],
            description: row["description"], proposer: try (row["proposer"] as String?).map { try Address($0) }, clock: clock,
            snapshot: UInt64(bitPattern: row["snapshot"] as Int64), deadline: UInt64(bitPattern: row["deadline"] as Int64),
            created: try (row["created_json"] as String?).map { try ChainEventRecord(json: try JSONParser.parse($0)) },
            rules: try ProposalRules(json: try JSONParser.parse(row["rules_json"] as String)), governorName: row["governor_name"],
            powerBlock: (row["power_block"] as Int64?).map { UInt64($0) }, phase: BotProposal.Phase(rawValue: row["phase"])!,
            createdAt: UInt64(row["created_at"] as Int64))
        p.group = row["group_id"]
        p.processedSeq = UInt64(row["processed_seq"] as Int64)
        p.closeSeq = (row["close_seq"] as Int64?).map { UInt64($0) }
        p.announced = row["announced"]
        p.remindersSent = Set(
            (try JSONParser.parse(row["reminders_sent"] as String)).arrayValue?.compactMap {
                if case .number(let n) = $0 { Int64(n) } else { nil }
            } ?? [])
        p.announcedDeadline = (row["announced_deadline"] as Int64?).map { UInt64(bitPattern: $0) }
        p.pendingNotice = row["pending_notice"]
        p.pins = try (row["pins_json"] as String?).map { try PowerPins(json: try JSONParser.parse($0)) }
        if let r = row["result_json"] as String?, let s = row["result_signature"] as String?, let d = row["result_digest"] as String? {
            p.result = SignedResult(
                result: try TallyResult(json: try JSONParser.parse(r)), signature: try Signature(hex: s), digest: try Hash32(hex: d))
        }
        p.resultPosted = row["result_posted"]
        p.exportAnchor = try (row["export_anchor_json"] as String?).map { try ExportAnchor(json: try JSONParser.parse($0)) }
        return p
    }

    public func recordVotes(_ records: [VoteRecord], proposal: String, processedThrough seq: UInt64) async throws {
        try await write { db in
            for r in records {
                try db.execute(
                    sql: """
                        INSERT INTO bot_votes (proposal_key, seq, message_hash, sender, status, ballot_id, voter, reason, detail, vote_json, receipt_json, receipt_posted, clock_json, power_json)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
                        """,
                    arguments: [
                        r.proposalKey, Int64(r.seq), r.messageHash.description, r.sender.checksummed, r.status.rawValue,
                        r.ballotId?.description,
                        r.voter?.checksummed, r.reason?.rawValue, r.detail, r.vote?.json.serialized(),
                        r.receipt.map { $0.typedDataJSON.serialized() }, r.clock?.json.serialized(), r.power?.json.serialized(),
                    ])
            }
            try db.execute(
                sql: "UPDATE bot_proposals SET processed_seq = MAX(processed_seq, ?), updated_at = ? WHERE key = ?",
                arguments: [Int64(seq), Int64(WallClock.milliseconds()), proposal])
        }
    }

    public func votes(_ proposal: String) async throws -> [VoteRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM bot_votes WHERE proposal_key = ? ORDER BY seq", arguments: [proposal]).map(Self.vote)
        }
    }

    public func unpostedReceipts(_ proposal: String) async throws -> [VoteRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM bot_votes WHERE proposal_key = ? AND receipt_json IS NOT NULL AND receipt_posted = 0 ORDER BY seq",
                arguments: [proposal]
            ).map(Self.vote)
        }
    }

    public func markReceiptPosted(_ proposal: String, seq: UInt64) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE bot_votes SET receipt_posted = 1 WHERE proposal_key = ? AND seq = ?", arguments: [proposal, Int64(seq)])
        }
    }

    public func markReceiptsUndeliverable(_ proposal: String) async throws {
        try await write { db in
            try db.execute(
                sql: "UPDATE bot_votes SET receipt_posted = 2 WHERE proposal_key = ? AND receipt_posted = 0", arguments: [proposal])
        }
    }

    static func vote(_ row: Row) throws -> VoteRecord {
        VoteRecord(
            proposalKey: row["proposal_key"], seq: UInt64(row["seq"] as Int64), messageHash: try Hash32(hex: row["message_hash"] as String),
            sender: try Address(row["sender"] as String), status: VoteRecord.Status(rawValue: row["status"])!,
            ballotId: try (row["ballot_id"] as String?).map { try Hash32(hex: $0) },
            voter: try (row["voter"] as String?).map { try Address($0) },
            reason: (row["reason"] as String?).flatMap(RejectionReason.init(rawValue:)), detail: row["detail"],
            vote: try (row["vote_json"] as String?).map { try AcceptedVote(json: try JSONParser.parse($0)) },
            receipt: try (row["receipt_json"] as String?).map { try Receipt(signedDocument: try JSONParser.parse($0)) },
            receiptPosted: (row["receipt_posted"] as Int64) != 0,
            clock: try (row["clock_json"] as String?).map { try IntakeClock(json: try JSONParser.parse($0)) },
            power: try (row["power_json"] as String?).map { try VotingPowerRecord(json: try JSONParser.parse($0)) })
    }

    public func botChainPosition() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT value FROM bot_state WHERE name = 'chain-position'") ?? 0 }
    }

    public func applyChainNotification(position: Int64, inserts: [BotProposal], updates: [BotProposal]) async throws {
        try await write { db in
            for p in inserts { _ = try Self.insert(p, db) }
            for p in updates { try Self.update(p, db) }
            try db.execute(
                sql:
                    "INSERT INTO bot_state (name, value) VALUES ('chain-position', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                arguments: [position])
        }
    }

    public func recordDelivery(_ d: WebhookDelivery) async throws {
        try await write { db in
            try db.execute(
                sql:
                    "INSERT INTO webhook_deliveries (proposal_key, url, attempt, status_code, error, delivered, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [d.proposalKey, d.url, d.attempt, d.statusCode, d.error, d.delivered, Int64(d.at)])
        }
    }

    /// A proposal's deliveries, oldest first (served by `webhook_deliveries_proposal`).
    static let deliveriesSQL = "SELECT * FROM webhook_deliveries WHERE proposal_key = ? ORDER BY id"

    public func deliveries(_ proposal: String) async throws -> [WebhookDelivery] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: Self.deliveriesSQL, arguments: [proposal]).map {
                r in
                WebhookDelivery(
                    proposalKey: r["proposal_key"], url: r["url"], attempt: r["attempt"], statusCode: r["status_code"], error: r["error"],
                    delivered: r["delivered"], at: UInt64(r["at"] as Int64))
            }
        }
    }
}
