import Ethereum
import Governance

/// The chain clock the intake judged a ballot by: the block number and timestamp it put in the
/// `ValidationContext`. Stored with each decision and exported, so that a re-tally replays the
/// voting-window checks exactly as the bot made them.
public struct IntakeClock: Hashable, Sendable {
    public let blockNumber: UInt64
    /// Seconds since the Unix epoch.
    public let timestamp: UInt64

    public init(blockNumber: UInt64, timestamp: UInt64) {
        self.blockNumber = blockNumber
        self.timestamp = timestamp
    }

    /// The timepoint in a proposal's clock.
    public func now(_ clock: VotingWindow.Clock) -> UInt64 { clock == .blockNumber ? blockNumber : timestamp }

    /// `{"blockNumber": "123", "timestamp": "1700000000"}`.
    public var json: JSON { ["blockNumber": .string(String(blockNumber)), "timestamp": .string(String(timestamp))] }

    public init(json: JSON) throws {
        guard let b = json["blockNumber"]?.stringValue, let number = UInt64(b), let t = json["timestamp"]?.stringValue,
            let timestamp = UInt64(t)
        else { throw RulesDecodingError(what: "intake clock") }
        self.init(blockNumber: number, timestamp: timestamp)
    }
}
