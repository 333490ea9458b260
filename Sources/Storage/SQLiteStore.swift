import Foundation
import GRDB

/// Plenum's SQLite database (GRDB, WAL mode, full synchronous commits): one file holds the chain
/// followers, and later the chat log, votes and results. Opening it runs the named migrations.
public final class SQLiteStore: Sendable {
    /// The connections the store opens and the page cache each keeps: together they bound the memory
    /// SQLite holds, whatever the size of the database.
    public struct Configuration: Sendable {
        /// Reader connections beside the one writer, opened as reads overlap and then kept (GRDB's
        /// `maximumReaderCount`).
        public var maximumReaders = 5
        /// The writer's page cache, KiB (`PRAGMA cache_size = -N`). It keeps the pages that writes
        /// touch again and again from one transaction to the next: the tables' last pages, and the
        /// replay index (group, sender, nonce), whose inserts land anywhere in it — about 4 MiB for a
        /// group of 60,000 messages, which a 2 MiB cache re-read from the file at every insert.
        public var writerCacheKiB = 8192
        /// Each reader's page cache, KiB. SQLite empties a reader's cache whenever another connection
        /// has committed since its last read, so under load a reader holds about one query's pages.
        public var readerCacheKiB = 1024
        /// The nice value write transactions run at (`WriterPriority`): the single writer is what
        /// every waiting post waits for, so under load it should not wait for a core. Applied
        /// only where the system allows raising a thread's priority (root, `CAP_SYS_NICE` or
        /// `RLIMIT_NICE`); nil runs writes at the process's own priority.
        public var writerNice: Int32? = -10

        public init() {}

        /// The most page cache the store can hold, KiB.
        public var pageCacheBoundKiB: Int { writerCacheKiB + maximumReaders * readerCacheKiB }
    }

    public let path: String
    public let configuration: Configuration
    let pool: DatabasePool
    let writerPriority: WriterPriority

    /// Whether write transactions run at `Configuration.writerNice` (false when it is nil or the
    /// system does not allow this process to raise a thread's priority).
    public var writerPriorityInEffect: Bool { writerPriority.inEffect }

    /// Opens (creating if needed) the database at `path`. A folder it creates is mode 0700 and a new
    /// database file mode 0600; SQLite gives the `-wal` and `-shm` files the database file's mode.
    /// (The process umask is left alone: it is shared by every thread.)
    public init(path: String, configuration: Configuration = Configuration()) throws {
        self.path = path
        self.configuration = configuration
        writerPriority = WriterPriority(nice: configuration.writerNice)
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StorageError("cannot create database \(path): \(String(cString: strerror(errno)))") }
        close(descriptor)
        var grdb = Self.connections(configuration)
        grdb.busyMode = .timeout(10)
        grdb.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        pool = try DatabasePool(path: path, configuration: grdb)
        try Self.migrator.migrate(pool)
    }

    /// Opens an existing database for reading only, beside a running service if need be (WAL mode
    /// lets readers and the writer work at once). Nothing is created or migrated: a database that
    /// lacks migrations this program knows is refused, since its tables may not be what it reads.
    public init(readOnlyPath path: String, configuration: Configuration = Configuration()) throws {
        self.path = path
        self.configuration = configuration
        writerPriority = WriterPriority(nice: nil)
        guard FileManager.default.fileExists(atPath: path) else {
            throw StorageError("database \(path) does not exist (plenum serve creates it)")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw StorageError("database \(path) is not readable by this user (run as the service's user)")
        }
        var grdb = Self.connections(configuration)
        grdb.readonly = true
        grdb.busyMode = .timeout(10)
        do { pool = try DatabasePool(path: path, configuration: grdb) } catch {
            throw StorageError("cannot open database \(path) for reading: \(error)")
        }
        let complete = try pool.read { db in try Self.migrator.hasCompletedMigrations(db) }
        guard complete else {
            throw StorageError(
                "database \(path) has not been upgraded to this version of plenum yet: run plenum serve (it migrates at start)")
        }
    }

    /// GRDB's configuration for the pool: the reader count, and each connection's page cache (the
    /// pool's readers are its read-only connections).
    static func connections(_ configuration: Configuration) -> GRDB.Configuration {
        var grdb = GRDB.Configuration()
        grdb.maximumReaderCount = max(1, configuration.maximumReaders)
        grdb.prepareDatabase { db in
            let kib = db.configuration.readonly ? configuration.readerCacheKiB : configuration.writerCacheKiB
            try db.execute(sql: "PRAGMA cache_size = \(-max(1, kib))")
        }
        return grdb
    }

    /// One write transaction (GRDB's `write`: `BEGIN` … `COMMIT`, rolled back if `updates` throws),
    /// its commit included, at the writer's priority.
    func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { [writerPriority] db in
            try writerPriority.run {
                var result: T?
                try db.inTransaction {
                    result = try updates(db)
                    return .commit
                }
                return result!
            }
        }
    }

    /// Names of the migrations applied, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Self.migrator.appliedIdentifiers(db).sorted() }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for (name, sql) in Migrations.all {
            migrator.registerMigration(name) { db in try db.execute(sql: sql) }
        }
        return migrator
    }
}

/// A storage failure that explains itself.
public struct StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The schema as an append-only list of named steps. Never edit a step once shipped: add one.
/// Each area keeps its steps in its own list; `all` fixes the order in which they apply.
enum Migrations {
    static var all: [(String, String)] { chainWatch + chat + bot }

    static let chainWatch: [(String, String)] = [
        (
            "2026-11-27-chainwatch",
            """
            CREATE TABLE followers (
                id TEXT PRIMARY KEY,
                chain_id INTEGER NOT NULL,
                governor TEXT NOT NULL,
                cursor_number INTEGER,
                cursor_hash TEXT,
                confirmed_through INTEGER,
                clock_mode TEXT CHECK (clock_mode IN ('blocknumber', 'timestamp')),
                range_json TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE TABLE follower_window (
                follower_id TEXT NOT NULL REFERENCES followers(id),
                number INTEGER NOT NULL,
                hash TEXT NOT NULL,
                parent_hash TEXT,
                PRIMARY KEY (follower_id, number)
            ) WITHOUT ROWID;
            CREATE TABLE chain_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                follower_id TEXT NOT NULL REFERENCES followers(id),
                block_number INTEGER NOT NULL,
                block_hash TEXT NOT NULL,
                transaction_hash TEXT NOT NULL,
                log_index INTEGER NOT NULL,
                event_name TEXT NOT NULL,
                proposal_id TEXT,
                record_json TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('tentative', 'confirmed', 'removed')),
                UNIQUE (follower_id, block_hash, log_index)
            );
            CREATE INDEX chain_events_by_block ON chain_events (follower_id, status, block_number);
            CREATE TABLE chain_notifications (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                follower_id TEXT NOT NULL REFERENCES followers(id),
                kind TEXT NOT NULL CHECK (kind IN ('confirmed', 'rolledBack')),
                payload_json TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE TRIGGER chain_notifications_append_only_update BEFORE UPDATE ON chain_notifications
            BEGIN SELECT RAISE(ABORT, 'chain_notifications is append-only'); END;
            CREATE TRIGGER chain_notifications_append_only_delete BEFORE DELETE ON chain_notifications
            BEGIN SELECT RAISE(ABORT, 'chain_notifications is append-only'); END;
            CREATE TABLE consumer_cursors (
                name TEXT PRIMARY KEY,
                seq INTEGER NOT NULL
            );
            """
        )
    ]
}
