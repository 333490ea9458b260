import Ethereum

/// Identifies one follower: a governor on a chain.
public struct FollowerID: Hashable, Sendable, CustomStringConvertible {
    public let chainId: UInt64
    public let governor: Address

    public init(chainId: UInt64, governor: Address) {
        self.chainId = chainId
        self.governor = governor
    }

    /// `chainId:0xgovernor` (lowercase), the key in storage.
    public var description: String { "\(chainId):\(governor.lowercased)" }
}

/// A follower's durable state.
public struct FollowerState: Hashable, Sendable {
    public var follower: LogFollower.Snapshot
    public var clockMode: ClockMode?

    public init(follower: LogFollower.Snapshot, clockMode: ClockMode?) {
        self.follower = follower
        self.clockMode = clockMode
    }
}

/// One atomic step of a follower, applied in a single transaction: events are stored in the same
/// transaction that moves the cursor, so the cursor never passes an event that was not stored.
public struct FollowerCommit: Hashable, Sendable {
    /// Newly read events (tentative until confirmed); storing is idempotent on (blockHash, logIndex).
    public var events: [ChainEventRecord] = []
    /// Events in blocks up to this number become confirmed (each announced once).
    public var confirmThrough: UInt64?
    /// Events in blocks above `keepThrough` (all, when nil) are rolled back; `rollback` set means a rollback happened.
    public var rollback: Rollback?
    /// The follower's state after the step.
    public var state: FollowerState

    public struct Rollback: Hashable, Sendable {
        public let keepThrough: UInt64?
        public let deep: Bool

        public init(keepThrough: UInt64?, deep: Bool) {
            self.keepThrough = keepThrough
            self.deep = deep
        }
    }

    public init(state: FollowerState) { self.state = state }
}

/// What followers announce, in order, to whoever consumes confirmed chain events (the bot, `plenum watch`).
public enum ChainNotification: Hashable, Sendable {
    /// An event is confirmed: announced once per event.
    case confirmed(sequence: Int64, event: ChainEventRecord)
    /// Confirmed events were removed by a reorg deeper than the confirmation depth: undo what was derived from them.
    case rolledBack(sequence: Int64, follower: FollowerID, keepThrough: UInt64?, removed: [ChainEventRecord])

    public var sequence: Int64 {
        switch self {
        case .confirmed(let s, _), .rolledBack(let s, _, _, _): s
        }
    }
}

/// Durable storage of followers: implemented by `Storage`'s SQLite store, and in memory for unit tests.
public protocol ChainWatchStore: Sendable {
    func loadFollower(_ id: FollowerID) async throws -> FollowerState?
    func commit(_ id: FollowerID, _ commit: FollowerCommit) async throws
    /// Notifications with a sequence number above `after`, oldest first.
    func notifications(after: Int64, limit: Int) async throws -> [ChainNotification]
    /// Events of a follower (any status), for inspection and tests.
    func events(_ id: FollowerID) async throws -> [(record: ChainEventRecord, status: EventStatus)]
    /// A follower's tentative events in blocks up to `through`, oldest first: what the next
    /// confirmation would confirm (cross-checked first when the chain has a second endpoint).
    func tentativeEvents(_ id: FollowerID, through: UInt64) async throws -> [ChainEventRecord]
}

extension ChainWatchStore {
    public func tentativeEvents(_ id: FollowerID, through: UInt64) async throws -> [ChainEventRecord] {
        try await events(id).filter { $0.status == .tentative && $0.record.position.blockNumber <= through }.map(\.record)
    }
}

public enum EventStatus: String, Hashable, Sendable {
    case tentative
    case confirmed
    case removed
}
