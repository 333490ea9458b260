import ChainWatch
import Ethereum
import Governance

/// A proposal the bot runs: a governor proposal seen on chain, or an admin's off-chain poll.
/// Everything needed to resume it after a restart is here and in the store.
public struct BotProposal: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case governor
        case poll
    }

    /// Where a proposal is in its life.
    public enum Phase: String, Hashable, Sendable, CaseIterable {
        /// Confirmed; its group is being opened and announced.
        case opening
        /// Announced; ballots are collected (the window may not have started yet).
        case open
        /// The deadline passed: no more ballots; tally, result, webhooks.
        case closing
        /// Result published.
        case closed
        /// Canceled on chain.
        case canceled
        /// Removed by a reorg deeper than the confirmations.
        case removed

        public var isFinal: Bool { self == .closed || self == .canceled || self == .removed }
    }

    /// `gov:<chainId>:<governor>:<proposalId>` or `poll:<channel>:<id>`.
    public let key: String
    public let kind: Kind
    public let channel: String
    public let chainId: UInt64
    public let governor: Address?
    /// The governor's proposal id (decimal) or the poll's id.
    public let proposalId: String
    public let title: String
    public let description: String
    public let proposer: Address?
    public let clock: VotingWindow.Clock
    /// Voting opens after this timepoint (the governor's snapshot / voteStart).
    public let snapshot: UInt64
    /// Voting closes after this timepoint; an extension moves it.
    public var deadline: UInt64
    /// The ProposalCreated log, for governor proposals.
    public let created: ChainEventRecord?
    public let rules: ProposalRules
    /// The governor's EIP-712 domain name (`name()`), for governor ballots.
    public let governorName: String?
    /// For polls: the block whose state weighs the votes (power is read at this block number).
    public let powerBlock: UInt64?

    public var phase: Phase
    public var group: String?
    /// Messages of the group up to here have been processed.
    public var processedSeq: UInt64 = 0
    /// The group's last sequence when voting closed; nil while open.
    public var closeSeq: UInt64?
    public var announced = false
    /// Reminder offsets (seconds before the deadline) already posted.
    public var remindersSent: Set<Int64> = []
    /// The deadline last announced (the original, or an extension).
    public var announcedDeadline: UInt64?
    /// A notice still to post (cancellation, removal by a reorg).
    public var pendingNotice: String?
    public var pins: PowerPins?
    /// The published result and the bot's signature over its EIP-712 digest.
    public var result: SignedResult?
    /// The bot's signature binding the export header to the result (made with the result; nil for
    /// results tallied before exports were anchored).
    public var exportAnchor: ExportAnchor?
    public var resultPosted = false
    /// Milliseconds since the epoch when the bot first saw the proposal.
    public let createdAt: UInt64

    public init(
        key: String, kind: Kind, channel: String, chainId: UInt64, governor: Address?, proposalId: String, title: String,
        description: String, proposer: Address?, clock: VotingWindow.Clock, snapshot: UInt64, deadline: UInt64,
        created: ChainEventRecord?, rules: ProposalRules, governorName: String?, powerBlock: UInt64? = nil, phase: Phase = .opening,
        createdAt: UInt64
    ) {
        self.key = key
        self.kind = kind
        self.channel = channel
        self.chainId = chainId
        self.governor = governor
        self.proposalId = proposalId
        self.title = title
        self.description = description
        self.proposer = proposer
        self.clock = clock
        self.snapshot = snapshot
        self.deadline = deadline
        self.created = created
        self.rules = rules
        self.governorName = governorName
        self.powerBlock = powerBlock
        self.phase = phase
        self.createdAt = createdAt
    }

    /// `gov:<chainId>:<governor lowercase>:<proposalId>`.
    public static func governorKey(chainId: UInt64, governor: Address, proposalId: UInt256) -> String {
        "gov:\(chainId):\(governor.lowercased):\(proposalId)"
    }

    /// The timepoint voting power is read at: the governor's snapshot, or a poll's block.
    public var powerTimepoint: UInt64 { powerBlock ?? snapshot }

    /// The voting window in the proposal's clock: OpenZeppelin's snapshot < now ≤ deadline.
    public var window: VotingWindow {
        kind == .governor
            ? .governor(snapshot: snapshot, deadline: deadline, clock: clock)
            : .snapshot(start: snapshot, end: deadline)
    }
}

/// A result and the bot's signature.
public struct SignedResult: Hashable, Sendable {
    public let result: TallyResult
    public let signature: Signature
    public let digest: Hash32

    public init(result: TallyResult, signature: Signature, digest: Hash32) {
        self.result = result
        self.signature = signature
        self.digest = digest
    }
}
