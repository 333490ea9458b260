import ChainWatch
import Ethereum
import Governance

/// The facts a proposal's result was computed under, as the bot fixes them when it tallies: the
/// proposal's identity and chain origin, its window and clock, the channel's rules as used, the
/// pinned blocks and quorum reading, and which part of the group's log the tally covers.
///
/// It heads every export (`docs/audit-format.md`). The bot signs its hash together with the result's
/// digest (`ExportAnchor`), so a header that was changed after the tally no longer verifies.
public struct ExportHeader: Hashable, Sendable {
    /// The export format this header belongs to.
    public static let format = 1

    /// The proposal's key (`gov:…` or `poll:…`).
    public let proposal: String
    public let kind: BotProposal.Kind
    public let channel: String
    public let chainId: UInt64
    public let governor: Address?
    /// The governor's proposal id (decimal) or the poll's id.
    public let proposalId: String
    /// The governor's `name()` (its ballots' EIP-712 domain name).
    public let governorName: String?
    public let title: String
    /// The address whose key signs the bot's messages, receipts, result and this header.
    public let bot: Address
    /// The proposal's chat group.
    public let group: String
    /// The `ProposalCreated` log (governor proposals): position, decoded event, and the governor's answers at that block.
    public let created: ChainEventRecord?
    public let clock: VotingWindow.Clock
    public let snapshot: UInt64
    /// The deadline the proposal closed at (after any extension).
    public let deadline: UInt64
    /// For polls: the block whose state weighs the votes.
    public let powerBlock: UInt64?
    /// The blocks voting power was read at.
    public let pins: PowerPins?
    /// The channel's rules as the proposal used them (webhook addresses left out: they may hold secrets).
    public let rules: ProposalRules
    /// The quorum amount and where it was read.
    public let quorum: QuorumRequirement.Resolved
    /// The sequence of the bot's closing notice: ballots after it are late.
    public let closeSeq: UInt64
    /// The tally counted the decisions on messages up to this sequence.
    public let decidedThrough: UInt64
    /// The group's last entry when the tally was taken (the result's `logHead`).
    public let logHeadSeq: UInt64
    public let logHead: Hash32

    public init(
        proposal: String, kind: BotProposal.Kind, channel: String, chainId: UInt64, governor: Address?, proposalId: String,
        governorName: String?, title: String, bot: Address, group: String, created: ChainEventRecord?, clock: VotingWindow.Clock,
        snapshot: UInt64, deadline: UInt64, powerBlock: UInt64?, pins: PowerPins?, rules: ProposalRules,
        quorum: QuorumRequirement.Resolved, closeSeq: UInt64, decidedThrough: UInt64, logHeadSeq: UInt64, logHead: Hash32
    ) {
        self.proposal = proposal
        self.kind = kind
        self.channel = channel
        self.chainId = chainId
        self.governor = governor
        self.proposalId = proposalId
        self.governorName = governorName
        self.title = title
        self.bot = bot
        self.group = group
        self.created = created
        self.clock = clock
        self.snapshot = snapshot
        self.deadline = deadline
        self.powerBlock = powerBlock
        self.pins = pins
        var rules = rules
        rules.webhooks = []
        self.rules = rules
        self.quorum = quorum
        self.closeSeq = closeSeq
        self.decidedThrough = decidedThrough
        self.logHeadSeq = logHeadSeq
        self.logHead = logHead
    }

    /// The header of a proposal being tallied.
    public init(
        tallying p: BotProposal, bot: Address, quorum: QuorumRequirement.Resolved, logHead: (seq: UInt64, hash: Hash32)
    ) {
        self.init(
            proposal: p.key, kind: p.kind, channel: p.channel, chainId: p.chainId, governor: p.governor, proposalId: p.proposalId,
            governorName: p.governorName, title: p.title, bot: bot, group: p.group ?? "", created: p.created, clock: p.clock,
            snapshot: p.snapshot, deadline: p.deadline, powerBlock: p.powerBlock, pins: p.pins, rules: p.rules, quorum: quorum,
            closeSeq: p.closeSeq ?? 0, decidedThrough: p.processedSeq, logHeadSeq: logHead.seq, logHead: logHead.hash)
    }

    /// The proposal as the validator saw it at the tally (what a re-tally validates ballots against).
    public var botProposal: BotProposal {
        var p = BotProposal(
            key: proposal, kind: kind, channel: channel, chainId: chainId, governor: governor, proposalId: proposalId, title: title,
            description: "", proposer: nil, clock: clock, snapshot: snapshot, deadline: deadline, created: created, rules: rules,
            governorName: governorName, powerBlock: powerBlock, phase: .closed, createdAt: 0)
        p.group = group
        p.pins = pins
        p.closeSeq = closeSeq
        p.processedSeq = decidedThrough
        return p
    }

    /// The power reader of this proposal's strategy at its pins (nil without pins); it names the
    /// call behind every chain-read value of a voter's power.
    public func powerReader(chain: any ChainReader) -> VotingPowerReader? {
        guard let pins else { return nil }
        return VotingPowerReader(
            strategy: rules.power, timepoint: UInt256(powerBlock ?? snapshot), snapshotBlock: pins.snapshotBlock,
            checkpointBlock: pins.checkpointBlock, chain: chain)
    }
}
