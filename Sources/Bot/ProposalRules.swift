import Ethereum
import Governance

/// How a channel's proposals are voted on: the voting system and choices, the voting power strategy,
/// the quorum rule, the pass threshold, the vote-change rule, who may post, reminders and webhooks.
/// Each proposal keeps the rules it was opened with, so a later change of the channel file never
/// changes how an open vote is counted.
public struct ProposalRules: Sendable, Hashable {
    public enum Gating: Sendable, Hashable {
        /// Members with voting power above zero at the snapshot (the default).
        case votingPower
        /// Only the listed addresses.
        case allowlist([Address])
        /// Anyone with a wallet (ballots still need voting power to count).
        case anyone
    }

    public var title: String?
    public var system: VotingSystem
    /// Choice labels (For/Against/Abstain for basic votes).
    public var choices: [String]
    public var voteChange: VoteChangeRule
    public var threshold: PassThreshold
    public var quorumCounting: QuorumCounting?
    public var power: VotingPowerStrategy
    public var quorum: QuorumRequirement
    public var gating: Gating
    /// Reminders posted this long before the deadline (estimated from block times for block clocks), longest first.
    public var reminders: [Duration]
    /// Webhook URLs for this channel's results (added to the service-wide ones).
    public var webhooks: [String]

    public init(
        title: String?, system: VotingSystem, choices: [String], voteChange: VoteChangeRule, threshold: PassThreshold,
        quorumCounting: QuorumCounting?, power: VotingPowerStrategy, quorum: QuorumRequirement, gating: Gating, reminders: [Duration],
        webhooks: [String]
    ) {
        self.title = title
        self.system = system
        self.choices = choices
        self.voteChange = voteChange
        self.threshold = threshold
        self.quorumCounting = quorumCounting
        self.power = power
        self.quorum = quorum
        self.gating = gating
        self.reminders = reminders.sorted(by: >)
        self.webhooks = webhooks
    }

    /// Defaults for a governor channel: basic votes weighted by the governor's `getVotes`, the
    /// governor's quorum, last vote wins, members with voting power may post.
    public static func defaults(governor: Address) -> ProposalRules {
        ProposalRules(
            title: nil, system: .basic, choices: VotingSystem.basicChoices, voteChange: .lastVoteWins, threshold: .simpleMajority,
            quorumCounting: nil, power: .governorVotes(governor: governor), quorum: .governor(governor), gating: .votingPower,
            reminders: [], webhooks: [])
    }

    /// The tally rules for a given quorum amount.
    public func tallyRules(quorum amount: UInt256?) throws -> TallyRules {
        try TallyRules(system: system, choices: choices, quorum: amount, quorumCounting: quorumCounting, threshold: threshold)
    }
}
