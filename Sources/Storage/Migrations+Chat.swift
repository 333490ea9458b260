extension Migrations {
    /// The built-in chat hub's tables (groups, the hash-linked message log).
    static let chat: [(String, String)] = []
}
