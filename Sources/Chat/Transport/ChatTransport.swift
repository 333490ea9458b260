import Ethereum

/// How the bot talks to a chat: the built-in hub (`HubTransport`) or, next, a Matrix homeserver.
///
/// The shape follows Matrix so that a homeserver fits without translation tricks:
/// - a group is a room; `createGroup` is `createRoom` with the key as the room alias, so it is idempotent;
/// - `post` is `PUT /rooms/{roomId}/send/m.room.message/{txnId}` with the idempotency key as txnId;
/// - `events(since:)` is `/sync` with `since` = the cursor's token;
/// - `invite` is `/rooms/{roomId}/invite`; `close` posts the notice then locks the room.
///
/// Votes authenticate themselves: a transport only carries them. What a transport proves about a
/// sender is in `TransportMessage.signer` (the hub: the wallet that signed the message; Matrix: nil).
public protocol ChatTransport: Sendable {
    /// Opens (or finds, by `spec.key`) the group for a proposal.
    func createGroup(_ spec: GroupSpec) async throws -> GroupInfo
    /// Lets identities post in a group gated by `members` (hub: addresses; Matrix: user IDs).
    func invite(_ identities: [String], to group: GroupID) async throws
    /// Posts as the bot; the same `transactionID` in the same group posts once.
    func post(_ body: String, to group: GroupID, transactionID: String) async throws -> TransportMessage
    /// A page of a group's history after a cursor (nil: from the start).
    func history(of group: GroupID, after cursor: ChatCursor?, limit: Int) async throws -> [TransportMessage]
    /// Every message of every group after `since` (nil: from the start), then new ones as they
    /// arrive; each carries the cursor to resume after it. Ends only with an error or cancellation.
    func events(since: ChatCursor?) -> AsyncThrowingStream<TransportMessage, any Error>
    /// Posts `notice` as the group's last message and closes it to posting.
    func close(_ group: GroupID, notice: String, transactionID: String) async throws -> TransportMessage
}

/// An opaque resume token: the hub writes its global position, Matrix its `next_batch`.
public struct ChatCursor: Hashable, Sendable, CustomStringConvertible {
    public let token: String
    public init(_ token: String) { self.token = token }
    public var description: String { token }
}

/// A message as a transport delivers it.
public struct TransportMessage: Hashable, Sendable {
    public let group: GroupID
    /// Hub: the message id (EIP-712 digest); Matrix: the event ID.
    public let id: String
    /// Hub: the EIP-55 address; Matrix: the user ID.
    public let sender: String
    /// The wallet proven to have signed this message (hub), or nil (Matrix).
    public let signer: Address?
    public let body: String
    /// Unix milliseconds by the sender's clock (hub) or the origin server's (Matrix).
    public let sentAt: UInt64
    /// Resume after this message.
    public let cursor: ChatCursor
    /// The hub's log entry (seq, hashes, signature); nil on Matrix.
    public let entry: StoredMessage?

    public init(
        group: GroupID, id: String, sender: String, signer: Address?, body: String, sentAt: UInt64, cursor: ChatCursor,
        entry: StoredMessage?
    ) {
        self.group = group
        self.id = id
        self.sender = sender
        self.signer = signer
        self.body = body
        self.sentAt = sentAt
        self.cursor = cursor
        self.entry = entry
    }
}
