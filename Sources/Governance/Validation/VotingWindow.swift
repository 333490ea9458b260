/// When ballots are accepted, in the governor's clock (EIP-6372: block numbers or timestamps).
public struct VotingWindow: Hashable, Sendable, CustomStringConvertible {
    /// EIP-6372 clock modes.
    public enum Clock: String, Hashable, Sendable {
        case blockNumber = "blocknumber"
        case timestamp
    }

    /// Where a timepoint falls.
    public enum Position: Hashable, Sendable {
        case notOpen
        case open
        case closed
    }

    public let clock: Clock
    /// The first timepoint at which ballots are accepted.
    public let first: UInt64
    /// The last timepoint at which ballots are accepted.
    public let last: UInt64

    public init(clock: Clock, first: UInt64, last: UInt64) {
        self.clock = clock
        self.first = first
        self.last = last
    }

    /// OpenZeppelin's window: a proposal is Active when `snapshot < now ≤ deadline`.
    public static func governor(snapshot: UInt64, deadline: UInt64, clock: Clock) -> VotingWindow {
        VotingWindow(clock: clock, first: snapshot &+ 1, last: deadline)
    }

    /// Snapshot's window: `start ≤ now ≤ end`, in seconds.
    public static func snapshot(start: UInt64, end: UInt64) -> VotingWindow {
        VotingWindow(clock: .timestamp, first: start, last: end)
    }

    public func position(of timepoint: UInt64) -> Position {
        timepoint < first ? .notOpen : timepoint > last ? .closed : .open
    }

    public var description: String { "\(clock == .blockNumber ? "blocks" : "seconds") \(first)…\(last)" }
}
