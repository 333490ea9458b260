extension Migrations {
    /// The built-in chat hub's tables (groups, the hash-linked message log).
    static let chat: [(String, String)] = [
        (
            "2026-11-27-chat",
            """
            CREATE TABLE chat_groups (
                ordinal INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                hub TEXT NOT NULL,
                key TEXT NOT NULL UNIQUE,
                title TEXT NOT NULL,
                topic TEXT NOT NULL,
                gating_json TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                closed_at INTEGER,
                closing_seq INTEGER,
                CHECK ((closed_at IS NULL) = (closing_seq IS NULL))
            );
            CREATE TRIGGER chat_groups_no_delete BEFORE DELETE ON chat_groups
            BEGIN SELECT RAISE(ABORT, 'chat_groups: a group is never deleted'); END;
            CREATE TRIGGER chat_groups_close_only BEFORE UPDATE ON chat_groups
            WHEN OLD.closed_at IS NOT NULL OR NEW.closed_at IS NULL
                OR NEW.ordinal IS NOT OLD.ordinal OR NEW.id IS NOT OLD.id OR NEW.hub IS NOT OLD.hub OR NEW.key IS NOT OLD.key
                OR NEW.title IS NOT OLD.title OR NEW.topic IS NOT OLD.topic OR NEW.gating_json IS NOT OLD.gating_json
                OR NEW.created_at IS NOT OLD.created_at
            BEGIN SELECT RAISE(ABORT, 'chat_groups: a group only changes once, from open to closed'); END;

            CREATE TABLE chat_messages (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                group_ordinal INTEGER NOT NULL REFERENCES chat_groups(ordinal),
                seq INTEGER NOT NULL CHECK (seq >= 1),
                prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
                hash BLOB NOT NULL CHECK (length(hash) = 32),
                message_id BLOB NOT NULL CHECK (length(message_id) = 32),
                sender BLOB NOT NULL CHECK (length(sender) = 20),
                body TEXT NOT NULL,
                timestamp INTEGER NOT NULL,
                nonce BLOB NOT NULL CHECK (length(nonce) = 32),
                signature BLOB NOT NULL CHECK (length(signature) = 65),
                received_at INTEGER NOT NULL,
                UNIQUE (group_ordinal, seq),
                UNIQUE (group_ordinal, sender, nonce)
            );
            CREATE TRIGGER chat_messages_next_link BEFORE INSERT ON chat_messages
            WHEN NEW.seq != 1 + COALESCE((SELECT MAX(seq) FROM chat_messages WHERE group_ordinal = NEW.group_ordinal), 0)
                OR NEW.prev_hash != COALESCE(
                    (SELECT hash FROM chat_messages WHERE group_ordinal = NEW.group_ordinal AND seq = NEW.seq - 1), zeroblob(32))
                OR (SELECT closed_at FROM chat_groups WHERE ordinal = NEW.group_ordinal) IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'chat_messages: not the next link of an open group''s chain'); END;
            CREATE TRIGGER chat_messages_append_only_update BEFORE UPDATE ON chat_messages
            BEGIN SELECT RAISE(ABORT, 'chat_messages is append-only'); END;
            CREATE TRIGGER chat_messages_append_only_delete BEFORE DELETE ON chat_messages
            BEGIN SELECT RAISE(ABORT, 'chat_messages is append-only'); END;

            CREATE TABLE chat_group_members (
                group_ordinal INTEGER NOT NULL REFERENCES chat_groups(ordinal),
                address BLOB NOT NULL CHECK (length(address) = 20),
                added_at INTEGER NOT NULL,
                PRIMARY KEY (group_ordinal, address)
            ) WITHOUT ROWID;
            CREATE TRIGGER chat_group_members_append_only_update BEFORE UPDATE ON chat_group_members
            BEGIN SELECT RAISE(ABORT, 'chat_group_members is append-only'); END;
            CREATE TRIGGER chat_group_members_append_only_delete BEFORE DELETE ON chat_group_members
            BEGIN SELECT RAISE(ABORT, 'chat_group_members is append-only'); END;
            """
        )
    ]
}
