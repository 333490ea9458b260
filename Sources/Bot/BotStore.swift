import ChainWatch
import Ethereum

/// The bot's durable state. Each method is one transaction.
public protocol BotStore: Sendable {
    /// Inserts a proposal unless its key exists; returns whether it was inserted.
    func insertProposal(_ proposal: BotProposal) async throws -> Bool
    /// Replaces a proposal's mutable fields.
    func updateProposal(_ proposal: BotProposal) async throws
    func proposal(_ key: String) async throws -> BotProposal?
    /// Proposals not in a final phase.
    func activeProposals() async throws -> [BotProposal]
    func allProposals() async throws -> [BotProposal]
    /// How many proposals and polls are in each phase (phases with none may be absent), without
    /// reading the proposals themselves.
    func proposalCounts() async throws -> [BotProposal.Phase: Int]

    /// Records decisions about messages and advances the proposal's processed sequence, atomically.
    func recordVotes(_ records: [VoteRecord], proposal: String, processedThrough seq: UInt64) async throws
    func votes(_ proposal: String) async throws -> [VoteRecord]
    /// Records with a receipt not yet posted.
    func unpostedReceipts(_ proposal: String) async throws -> [VoteRecord]
    func markReceiptPosted(_ proposal: String, seq: UInt64) async throws
    /// Receipts that can no longer be posted (the group is closed) stay stored, marked undeliverable.
    func markReceiptsUndeliverable(_ proposal: String) async throws

    /// The chain-notification position the bot has processed.
    func botChainPosition() async throws -> Int64
    /// Applies what a chain notification means for proposals and moves the position, atomically.
    func applyChainNotification(position: Int64, inserts: [BotProposal], updates: [BotProposal]) async throws

    /// A webhook delivery attempt.
    func recordDelivery(_ delivery: WebhookDelivery) async throws
    func deliveries(_ proposal: String) async throws -> [WebhookDelivery]
}

/// One attempt to deliver a result to a webhook.
public struct WebhookDelivery: Hashable, Sendable {
    public let proposalKey: String
    public let url: String
    public let attempt: Int
    public let statusCode: Int?
    public let error: String?
    public let delivered: Bool
    /// Milliseconds since the epoch.
    public let at: UInt64

    public init(proposalKey: String, url: String, attempt: Int, statusCode: Int?, error: String?, delivered: Bool, at: UInt64) {
        self.proposalKey = proposalKey
        self.url = url
        self.attempt = attempt
        self.statusCode = statusCode
        self.error = error
        self.delivered = delivered
        self.at = at
    }
}
