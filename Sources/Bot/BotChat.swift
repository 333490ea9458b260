import Ethereum

/// What the bot needs from a chat carrier: the built-in hub implements it in-process; a Matrix
/// homeserver can implement it with rooms, transaction ids and `/sync` tokens.
///
/// Every write takes an idempotency key: repeating a call with the same key (after a crash, say)
/// returns the first result and never posts twice.
public protocol BotChat: Sendable {
    /// Opens (or finds) the group for `key`.
    func openGroup(key: String, title: String, topic: String, gating: BotGating) async throws -> String
    /// Posts `body` as the bot.
    func post(_ body: String, to group: String, idempotencyKey: String) async throws -> BotMessage
    /// Messages of a group after a sequence number, oldest first.
    func messages(in group: String, after seq: UInt64, limit: Int) async throws -> [BotMessage]
    /// The hash of the group's last message and its sequence number (zero hash and 0 when empty).
    func head(of group: String) async throws -> (seq: UInt64, hash: Hash32)
    /// Posts a final notice and closes the group to further posts.
    func close(_ group: String, notice: String, idempotencyKey: String) async throws -> BotMessage
    /// The bot's own address (its messages are skipped by the intake).
    var botAddress: Address { get }
}

/// Who may post in a proposal's group.
public enum BotGating: Hashable, Sendable {
    /// Addresses with voting power at the snapshot (decided by the bot's power reader).
    case votingPower(chainId: UInt64, snapshot: UInt64)
    case allowlist([Address])
    case anyone
}

/// A message of a group as the bot reads it.
public struct BotMessage: Hashable, Sendable {
    public let group: String
    public let seq: UInt64
    public let sender: Address
    public let body: String
    /// When the carrier received it, milliseconds since the Unix epoch.
    public let receivedAt: UInt64
    /// The carrier's hash of the message (its link in the group's hash chain).
    public let hash: Hash32

    public init(group: String, seq: UInt64, sender: Address, body: String, receivedAt: UInt64, hash: Hash32) {
        self.group = group
        self.seq = seq
        self.sender = sender
        self.body = body
        self.receivedAt = receivedAt
        self.hash = hash
    }
}
