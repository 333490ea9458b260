// SQLite storage (GRDB).
