import Ethereum

/// Who may post in a group. Reading a public group needs no identity at all.
public enum GatingRule: Hashable, Sendable {
    /// Any wallet may post.
    case anyone
    /// Only addresses added to the group (`ChatHub.addMembers`, a Matrix invite).
    case members
    /// Addresses with voting power > 0 at the snapshot; the `PostingPolicy` (the bot) decides.
    case votingPower(VotingPowerGate)
}

/// What a voting-power gate refers to, shown to readers; the bot's policy interprets it.
public struct VotingPowerGate: Hashable, Sendable {
    public var chainId: UInt64
    /// The snapshot (block number or timestamp, as the governor's clock counts).
    public var snapshot: UInt64
    /// Where voting power is read, e.g. "governor:0x… getVotes" (free text for readers).
    public var source: String

    public init(chainId: UInt64, snapshot: UInt64, source: String) {
        self.chainId = chainId
        self.snapshot = snapshot
        self.source = source
    }
}

/// What the bot asks for when it opens a group.
public struct GroupSpec: Hashable, Sendable {
    /// The caller's idempotency key, e.g. `proposal:<chainId>:<governor>:<proposalId>`: creating
    /// again with the same key returns the same group. At most 255 bytes.
    public var key: String
    public var title: String
    public var topic: String
    public var gating: GatingRule

    public init(key: String, title: String, topic: String, gating: GatingRule) {
        self.key = key
        self.title = title
        self.topic = topic
        self.gating = gating
    }
}

/// A group as stored: its spec, the hub it belongs to, when it was created and closed.
public struct GroupInfo: Hashable, Sendable {
    public let id: GroupID
    /// Creation order in the store (1, 2, …): the cursor of group listings.
    public let ordinal: Int64
    public let hub: String
    public let key: String
    public let title: String
    public let topic: String
    public let gating: GatingRule
    /// Unix milliseconds.
    public let createdAt: UInt64
    /// When the closing message was placed (Unix milliseconds); nil while open.
    public let closedAt: UInt64?
    /// The `seq` of the closing message: the group's last.
    public let closingSeq: UInt64?
    /// Only public groups exist in this version: anyone may read them.
    public var isPublic: Bool { true }
    public var isOpen: Bool { closedAt == nil }

    public init(
        id: GroupID, ordinal: Int64, hub: String, key: String, title: String, topic: String, gating: GatingRule, createdAt: UInt64,
        closedAt: UInt64?, closingSeq: UInt64?
    ) {
        self.id = id
        self.ordinal = ordinal
        self.hub = hub
        self.key = key
        self.title = title
        self.topic = topic
        self.gating = gating
        self.createdAt = createdAt
        self.closedAt = closedAt
        self.closingSeq = closingSeq
    }
}

/// The last entry of a group's log: `seq` 0 and a zero hash for an empty group.
public struct ChainHead: Hashable, Sendable {
    public let seq: UInt64
    public let hash: Hash32

    public init(seq: UInt64, hash: Hash32) {
        self.seq = seq
        self.hash = hash
    }

    public static let empty = ChainHead(seq: 0, hash: .zero)
}
