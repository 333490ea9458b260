extension Migrations {
    /// The bot's tables (proposal lifecycle, decisions on messages, receipts, results, webhook deliveries).
    static let bot: [(String, String)] = [
        (
            "2026-11-27-bot",
            """
            CREATE TABLE bot_proposals (
                key TEXT PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('governor', 'poll')),
                channel TEXT NOT NULL,
                chain_id INTEGER NOT NULL,
                governor TEXT,
                proposal_id TEXT NOT NULL,
                title TEXT NOT NULL,
                description TEXT NOT NULL,
                proposer TEXT,
                clock TEXT NOT NULL CHECK (clock IN ('blocknumber', 'timestamp')),
                snapshot INTEGER NOT NULL,
                deadline INTEGER NOT NULL,
                created_json TEXT,
                rules_json TEXT NOT NULL,
                governor_name TEXT,
                power_block INTEGER,
                phase TEXT NOT NULL CHECK (phase IN ('opening', 'open', 'closing', 'closed', 'canceled', 'removed')),
                group_id TEXT,
                processed_seq INTEGER NOT NULL DEFAULT 0,
                close_seq INTEGER,
                announced INTEGER NOT NULL DEFAULT 0,
                reminders_sent TEXT NOT NULL DEFAULT '[]',
                announced_deadline INTEGER,
                pending_notice TEXT,
                pins_json TEXT,
                result_json TEXT,
                result_signature TEXT,
                result_digest TEXT,
                result_posted INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE INDEX bot_proposals_active ON bot_proposals (phase);
            CREATE TABLE bot_votes (
                proposal_key TEXT NOT NULL REFERENCES bot_proposals(key),
                seq INTEGER NOT NULL,
                message_hash TEXT NOT NULL,
                sender TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'chat')),
                ballot_id TEXT,
                voter TEXT,
                reason TEXT,
                detail TEXT,
                vote_json TEXT,
                receipt_json TEXT,
                receipt_posted INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (proposal_key, seq)
            );
            CREATE INDEX bot_votes_receipts ON bot_votes (proposal_key, receipt_posted);
            CREATE TRIGGER bot_votes_no_delete BEFORE DELETE ON bot_votes
            BEGIN SELECT RAISE(ABORT, 'bot_votes is append-only'); END;
            CREATE TRIGGER bot_votes_only_receipt_flag BEFORE UPDATE ON bot_votes
            WHEN NEW.status IS NOT OLD.status OR NEW.vote_json IS NOT OLD.vote_json OR NEW.receipt_json IS NOT OLD.receipt_json
                OR NEW.ballot_id IS NOT OLD.ballot_id OR NEW.reason IS NOT OLD.reason OR NEW.message_hash IS NOT OLD.message_hash
            BEGIN SELECT RAISE(ABORT, 'a recorded decision cannot change'); END;
            CREATE TABLE bot_state (
                name TEXT PRIMARY KEY,
                value INTEGER NOT NULL
            );
            CREATE TABLE webhook_deliveries (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                proposal_key TEXT NOT NULL REFERENCES bot_proposals(key),
                url TEXT NOT NULL,
                attempt INTEGER NOT NULL,
                status_code INTEGER,
                error TEXT,
                delivered INTEGER NOT NULL,
                at INTEGER NOT NULL
            );
            """
        ),
        (
            // What exports need beyond the first schema: the clock each ballot was judged by, the power
            // reading behind a no-voting-power rejection, and the bot's signature binding the export
            // header to the result. Rows from before stay as they were (the columns are NULL there).
            "2026-12-01-bot-audit",
            """
            ALTER TABLE bot_votes ADD COLUMN clock_json TEXT;
            ALTER TABLE bot_votes ADD COLUMN power_json TEXT;
            CREATE TRIGGER bot_votes_audit_fixed BEFORE UPDATE ON bot_votes
            WHEN NEW.clock_json IS NOT OLD.clock_json OR NEW.power_json IS NOT OLD.power_json
            BEGIN SELECT RAISE(ABORT, 'a recorded decision cannot change'); END;
            ALTER TABLE bot_proposals ADD COLUMN export_anchor_json TEXT;
            """
        ),
        (
            // The bot asks for the unfinished proposals at every step; the index on phase cannot serve
            // that condition, so each step read every proposal ever made. A partial index on the very
            // condition holds only the unfinished ones, in the order the bot reads them.
            "2026-12-02-bot-unfinished-index",
            """
            CREATE INDEX bot_proposals_unfinished ON bot_proposals (created_at, key)
            WHERE phase NOT IN ('closed', 'canceled', 'removed') OR pending_notice IS NOT NULL;
            """
        ),
        (
            // A proposal's webhook deliveries are read by its key: without an index every read scanned
            // the deliveries of every proposal ever made.
            "2026-12-03-webhook-deliveries-index",
            "CREATE INDEX webhook_deliveries_proposal ON webhook_deliveries (proposal_key, id);"
        ),
    ]
}
