import Ethereum

/// Where the hub keeps groups and the hash-linked message log. SQLite (in `Storage`) and the
/// in-memory store implement it; a PostgreSQL store is next.
///
/// What every implementation guarantees:
/// - `append` places a batch in one transaction: each accepted draft becomes its group's next
///   entry (`seq` = head + 1, `prevHash` = head's hash), in the order of the batch; nothing of the
///   batch is visible before it has committed durably, and if it throws nothing of it is stored;
/// - `position` is assigned in commit order: a reader that sees position p sees every position
///   below p, so `messages(afterPosition:)` is a gap-free cursor across groups;
/// - entries are never changed or removed; a group only ever changes from open to closed;
/// - (group, sender, nonce) is unique.
public protocol ChatStore: Sendable {
    /// Creates a group, or returns the one already created under `spec.key` (`created` false; its
    /// stored title, topic and gating are kept).
    func createGroup(_ spec: GroupSpec, id: GroupID, hub: String, at time: UInt64) async throws -> (group: GroupInfo, created: Bool)
    func group(_ id: GroupID) async throws -> GroupInfo?
    /// Groups in creation order after `ordinal`.
    func groups(afterOrdinal ordinal: Int64, limit: Int) async throws -> [GroupInfo]
    func head(of group: GroupID) async throws -> ChainHead
    /// Appends a batch (see the type's guarantees); one outcome per draft, in order.
    func append(_ drafts: [MessageDraft]) async throws -> [AppendOutcome]
    /// Entries of a group with `seq` > `afterSeq`, ascending, at most `limit`.
    func messages(in group: GroupID, afterSeq: UInt64, limit: Int) async throws -> [StoredMessage]
    /// Entries of every group with `position` > `afterPosition`, ascending, at most `limit`.
    func messages(afterPosition: Int64, limit: Int) async throws -> [StoredMessage]
    /// The entry a sender stored under a nonce, if any.
    func message(in group: GroupID, sender: Address, nonce: Hash32) async throws -> StoredMessage?
    /// The highest position stored (0 when empty).
    func lastPosition() async throws -> Int64
    /// Adds members (for `GatingRule.members`); returns how many were new.
    func addMembers(_ addresses: [Address], to group: GroupID, at time: UInt64) async throws -> Int
    func isMember(_ address: Address, of group: GroupID) async throws -> Bool
}

/// A verified message on its way into the log.
public struct MessageDraft: Sendable {
    public let signed: SignedChatMessage
    /// The EIP-712 digest, already checked against the signature.
    public let id: Hash32
    /// Set by the hub when the batch is formed.
    public var receivedAt: UInt64
    /// This is the group's closing message: the group closes in the same transaction.
    public let closesGroup: Bool

    public init(signed: SignedChatMessage, id: Hash32, receivedAt: UInt64, closesGroup: Bool = false) {
        self.signed = signed
        self.id = id
        self.receivedAt = receivedAt
        self.closesGroup = closesGroup
    }

    public var group: GroupID { signed.message.group }
}

/// What became of one draft in a batch.
public enum AppendOutcome: Sendable, Equatable {
    case appended(StoredMessage)
    /// The (group, sender, nonce) was already stored: the earlier entry.
    case duplicate(StoredMessage)
    /// Not stored: the group is unknown, closed, or belongs to another hub.
    case rejected(ChatError)
}

extension MessageDraft {
    /// The entry this draft becomes after `head`.
    public func entry(position: Int64, hub: String, after head: ChainHead) -> StoredMessage {
        let m = signed.message
        return StoredMessage(
            position: position, hub: hub, group: m.group, seq: head.seq + 1, prevHash: head.hash, id: id, sender: m.sender, body: m.body,
            timestamp: m.timestamp, nonce: m.nonce, signature: signed.signature, receivedAt: receivedAt)
    }

    /// Why the draft cannot enter `group` (nil when it can).
    public func rejection(for group: GroupInfo?) -> ChatError? {
        guard let group else { return ChatError(.groupNotFound, "no group \(self.group)") }
        guard group.isOpen else {
            return ChatError(.groupClosed, "group \(group.id) was closed at seq \(group.closingSeq.map(String.init) ?? "?")")
        }
        guard signed.message.hub.hasSameBytes(as: group.hub) else {
            return ChatError(
                .wrongHub, "message.hub is \"\(signed.message.hub.prefix(80))\"; group \(group.id) belongs to hub \"\(group.hub)\"")
        }
        return nil
    }
}
