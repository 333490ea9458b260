import Ethereum
import Governance

/// What the bot decided about one member message of a proposal's group.
public struct VoteRecord: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable {
        /// A valid ballot (it may later be superseded under the vote-change rule).
        case accepted
        /// A ballot attempt that failed a check; `reason` names it.
        case rejected
        /// An ordinary chat message (not a ballot).
        case chat
    }

    public let proposalKey: String
    public let seq: UInt64
    public let messageHash: Hash32
    public let sender: Address
    public let status: Status
    public let ballotId: Hash32?
    public let voter: Address?
    public let reason: RejectionReason?
    public let detail: String?
    public let vote: AcceptedVote?
    /// The receipt posted in reply (nil for chat messages), and whether it was posted.
    public let receipt: Receipt?
    public var receiptPosted: Bool
    /// For ballot attempts: the chain clock the checks were made against (nil in records made
    /// before it was kept).
    public let clock: IntakeClock?
    /// For a ballot rejected after its voter's power was read (`no-voting-power`): that reading.
    /// Accepted ballots carry theirs in `vote.power`.
    public let power: VotingPowerRecord?

    public init(
        proposalKey: String, seq: UInt64, messageHash: Hash32, sender: Address, status: Status, ballotId: Hash32?, voter: Address?,
        reason: RejectionReason?, detail: String?, vote: AcceptedVote?, receipt: Receipt?, receiptPosted: Bool = false,
        clock: IntakeClock? = nil, power: VotingPowerRecord? = nil
    ) {
        self.proposalKey = proposalKey
        self.seq = seq
        self.messageHash = messageHash
        self.sender = sender
        self.status = status
        self.ballotId = ballotId
        self.voter = voter
        self.reason = reason
        self.detail = detail
        self.vote = vote
        self.receipt = receipt
        self.receiptPosted = receiptPosted
        self.clock = clock
        self.power = power
    }
}
