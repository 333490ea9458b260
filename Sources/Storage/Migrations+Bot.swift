extension Migrations {
    /// The bot's tables (proposal lifecycle, votes, receipts, results, webhook deliveries).
    static let bot: [(String, String)] = []
}
