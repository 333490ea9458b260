import Audit
import Bot
import ChainWatch
import Chat
import Ethereum
import Foundation
import GRDB
import Governance

extension SQLiteStore {
    /// What an export wrote.
    public struct ExportSummary: Sendable {
        public let proposal: String
        public let lines: Int
        public let messages: Int
        public let voters: Int
        /// Whether the export ends with a signed result (and its header is signed with it).
        public let hasResult: Bool
        public let anchored: Bool
    }

    /// Keys of the proposals an archival export covers (all, or one channel's), oldest first.
    public func exportableProposals(channel: String? = nil) throws -> [String] {
        try pool.read { db in
            if let channel {
                return try String.fetchAll(
                    db, sql: "SELECT key FROM bot_proposals WHERE channel = ? ORDER BY created_at, key", arguments: [channel])
            }
            return try String.fetchAll(db, sql: "SELECT key FROM bot_proposals ORDER BY created_at, key")
        }
    }

    /// Writes the export of proposal `key` (`docs/audit-format.md`) line by line to `write`, in one
    /// read transaction and constant memory: rows are read with cursors and written as they come.
    public func export(proposal key: String, write: (String) throws -> Void) throws -> ExportSummary {
        try pool.read { db in try Self.export(key, db: db, write: write) }
    }

    static func export(_ key: String, db: Database, write: (String) throws -> Void) throws -> ExportSummary {
        // Every column but result_json, whose lists grow with the ballots (the anchor holds the typed data).
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT key, kind, channel, chain_id, governor, proposal_id, title, description, proposer, clock, snapshot, deadline,
                        created_json, rules_json, governor_name, power_block, phase, group_id, processed_seq, close_seq, announced,
                        reminders_sent, announced_deadline, pending_notice, pins_json, result_signature, result_digest, result_posted,
                        created_at, export_anchor_json
                    FROM bot_proposals WHERE key = ?
                    """, arguments: [key])
        else { throw StorageError("no proposal \(key)") }
        let p = try proposal(row)
        guard let group = p.group else { throw StorageError("proposal \(key) has no group yet: there is nothing to export") }
        var lines = 0, messages = 0, voters = 0
        func emit(_ line: String) throws {
            try write(line)
            lines += 1
        }
        // 1. The header: the one the bot signed with the result, else one made now (unsigned).
        let header: ExportHeader
        var resultLine: String?
        let signature = (row["result_signature"] as String?).flatMap { try? Signature(hex: $0) }
        if let anchor = p.exportAnchor {
            header = try ExportHeader(json: try JSONParser.parse(anchor.header))
            try emit(ExportFormat.headerLine(text: anchor.header, signature: anchor.signature))
            if let signature { resultLine = ExportFormat.resultLine(typedData: anchor.resultTypedData, signature: signature) }
        } else {
            let result = try String.fetchOne(db, sql: "SELECT result_json FROM bot_proposals WHERE key = ?", arguments: [key])
                .map { try TallyResult(json: try JSONParser.parse($0)) }
            let bot = try Data.fetchOne(
                db,
                sql: "SELECT m.sender FROM chat_messages m JOIN chat_groups g ON g.ordinal = m.group_ordinal WHERE g.id = ? AND m.seq = 1",
                arguments: [group]
            ).map { try Address(bytes: $0) }
            var head = try chatHead(
                db, ordinal: try Int64.fetchOne(db, sql: "SELECT ordinal FROM chat_groups WHERE id = ?", arguments: [group]) ?? -1)
            if let result,
                let seq = try Int64.fetchOne(
                    db,
                    sql:
                        "SELECT m.seq FROM chat_messages m JOIN chat_groups g ON g.ordinal = m.group_ordinal WHERE g.id = ? AND m.hash = ?",
                    arguments: [group, Data(result.logHead.bytes)])
            {
                head = ChainHead(seq: UInt64(seq), hash: result.logHead)
            }
            // The tally covered the decisions up to its log head (no more is known of that moment).
            var tallied = p
            tallied.processedSeq = min(p.processedSeq, head.seq)
            header = ExportHeader(
                tallying: tallied, bot: bot ?? .zero, quorum: .init(amount: result?.quorum, readValue: nil, readBlock: nil),
                logHead: (head.seq, head.hash))
            try emit(ExportFormat.headerLine(text: header.text, signature: nil))
            if let result, let signature {
                resultLine = ExportFormat.resultLine(typedData: try result.typedDataJSON(), signature: signature)
            }
        }
        // 2. Every voter's power, with the calls that read it.
        let reader = header.powerReader(chain: UnreachableChain())
        let powers = try Row.fetchCursor(
            db,
            sql: """
                SELECT voter, COALESCE(json_extract(vote_json, '$.power'), power_json) AS power FROM bot_votes
                WHERE proposal_key = ? AND voter IS NOT NULL AND COALESCE(json_extract(vote_json, '$.power'), power_json) IS NOT NULL
                GROUP BY lower(voter) ORDER BY lower(voter)
                """, arguments: [key])
        while let r = try powers.next() {
            let record = try VotingPowerRecord(json: try JSONParser.parse(r["power"] as String))
            try emit(ExportFormat.powerLine(record, calls: reader?.calls(for: record.voter) ?? []))
            voters += 1
        }
        // 3. The group's log, each entry with the bot's decision.
        let entries = try Row.fetchCursor(
            db,
            sql: """
                SELECT m.*, g.id AS group_id, g.hub AS hub, v.status AS v_status, v.ballot_id AS v_ballot, v.voter AS v_voter,
                    v.reason AS v_reason, v.detail AS v_detail, v.vote_json AS v_vote, v.clock_json AS v_clock
                FROM chat_messages m JOIN chat_groups g ON g.ordinal = m.group_ordinal
                LEFT JOIN bot_votes v ON v.proposal_key = ? AND v.seq = m.seq
                WHERE g.id = ? ORDER BY m.seq
                """, arguments: [key, group])
        while let row = try entries.next() {
            let entry = StoredMessage(
                position: row["position"], hub: row["hub"], group: try GroupID(row["group_id"] as String), seq: UInt64(row["seq"] as Int64),
                prevHash: try Hash32(bytes: row["prev_hash"] as Data), id: try Hash32(bytes: row["message_id"] as Data),
                sender: try Address(bytes: row["sender"] as Data), body: row["body"], timestamp: UInt64(row["timestamp"] as Int64),
                nonce: try Hash32(bytes: row["nonce"] as Data), signature: try Signature(bytes: row["signature"] as Data),
                receivedAt: UInt64(row["received_at"] as Int64), storedHash: try Hash32(bytes: row["hash"] as Data))
            var decision: ExportDecision?
            if let status = (row["v_status"] as String?).flatMap(VoteRecord.Status.init(rawValue:)) {
                let vote = try (row["v_vote"] as String?).map { try AcceptedVote(json: try JSONParser.parse($0)) }
                decision = ExportDecision(
                    status: status, ballot: try (row["v_ballot"] as String?).map { try Hash32(hex: $0) },
                    voter: try (row["v_voter"] as String?).map { try Address($0) },
                    reason: (row["v_reason"] as String?).flatMap(RejectionReason.init(rawValue:)), detail: row["v_detail"],
                    choice: vote?.choice,
                    weight: vote?.weight, time: vote?.time, signature: vote?.signature,
                    clock: try (row["v_clock"] as String?).map { try IntakeClock(json: try JSONParser.parse($0)) })
            }
            try emit(ExportFormat.messageLine(entry, decision: decision))
            messages += 1
        }
        // 4. Votes cast on chain for the proposal.
        if p.kind == .governor, let governor = p.governor {
            let casts = try String.fetchCursor(
                db,
                sql: """
                    SELECT record_json FROM chain_events WHERE event_name IN ('VoteCast', 'VoteCastWithParams') AND proposal_id = ?
                        AND status = 'confirmed' ORDER BY block_number, log_index
                    """, arguments: [p.proposalId])
            while let text = try casts.next() {
                let record = try ChainEventRecord(json: try JSONParser.parse(text))
                guard record.chainId == p.chainId, record.governor == governor else { continue }
                try emit(ExportFormat.voteCastLine(record))
            }
        }
        // 5. The signed result, last.
        if let resultLine { try emit(resultLine) }
        return ExportSummary(
            proposal: key, lines: lines, messages: messages, voters: voters, hasResult: resultLine != nil, anchored: p.exportAnchor != nil)
    }
}

/// A chain reader that is never called: the exporter only asks the power reader which calls it makes.
struct UnreachableChain: ChainReader {
    func call(_ calls: [ContractCall], at block: BlockRef) async throws -> [ContractCallResult] {
        throw StorageError("the exporter reads no chain")
    }
}
