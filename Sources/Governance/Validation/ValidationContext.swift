import Ethereum

/// What the intake knows when a message arrives: the chain's clock, the carrier's time, the ids
/// already received and (optionally) governor nonces.
public struct ValidationContext: Hashable, Sendable {
    /// The current block number (for `blocknumber` clocks).
    public var blockNumber: UInt64
    /// The current time in seconds (the head block's timestamp, or the intake's clock).
    public var timestamp: UInt64
    /// When the carrier received the message, in seconds: orders governor ballots, which carry no time.
    public var receivedAt: UInt64
    /// Ids (EIP-712 digests) of envelopes already received for this proposal.
    public var seenIDs: Set<Hash32>
    /// Voters' current governor nonces, when known: an OpenZeppelin ballot must carry its voter's.
    public var nonces: [Address: UInt256]

    public init(
        blockNumber: UInt64, timestamp: UInt64, receivedAt: UInt64? = nil, seenIDs: Set<Hash32> = [], nonces: [Address: UInt256] = [:]
    ) {
        self.blockNumber = blockNumber
        self.timestamp = timestamp
        self.receivedAt = receivedAt ?? timestamp
        self.seenIDs = seenIDs
        self.nonces = nonces
    }

    /// The current timepoint in `clock`.
    public func now(in clock: VotingWindow.Clock) -> UInt64 { clock == .blockNumber ? blockNumber : timestamp }
}
