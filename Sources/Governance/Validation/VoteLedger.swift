import Ethereum

/// Accepted ballots for one proposal, reduced to one per voter by a `VoteChangeRule`.
///
/// A value-type state machine: `record` takes ballots in any order; the effective ballots and the
/// set of losing ones depend only on the set of ballots recorded, never on their order.
public struct VoteLedger: Sendable {
    /// What recording a ballot did.
    public enum Change: Hashable, Sendable {
        /// The voter's first ballot.
        case counted
        /// It replaced the voter's previous ballot, now rejected with the rule's reason.
        case replaced(VoteRejection)
        /// It loses to the voter's current ballot.
        case refused(VoteRejection)
        /// Its id was already recorded.
        case duplicate(VoteRejection)
    }

    public let rule: VoteChangeRule
    /// Whether losing ballots are kept (for `superseded` and to refuse a loser recorded again).
    public let remembersLosers: Bool
    private var current: [Address: AcceptedVote] = [:]
    private var losers: [Hash32: AcceptedVote] = [:]

    /// - Parameter remembersLosers: false for streaming consumers (the re-tally of a large export)
    ///   that collect the rejections of `.replaced` and `.refused` as they come and have already
    ///   refused repeated ids: memory then holds one ballot per voter, and `superseded` is empty.
    public init(rule: VoteChangeRule, remembersLosers: Bool = true) {
        self.rule = rule
        self.remembersLosers = remembersLosers
    }

    /// Records an accepted ballot.
    @discardableResult
    public mutating func record(_ vote: AcceptedVote) -> Change {
        if current[vote.voter]?.id == vote.id || losers[vote.id] != nil {
            return .duplicate(VoteRejection(.duplicate, "ballot \(vote.id) was already recorded", id: vote.id, voter: vote.voter))
        }
        guard let previous = current[vote.voter] else {
            current[vote.voter] = vote
            return .counted
        }
        if rule.prefers(vote, over: previous) {
            let rejection = losing(previous, to: vote)
            if remembersLosers { losers[previous.id] = previous }
            current[vote.voter] = vote
            return .replaced(rejection)
        }
        let rejection = losing(vote, to: previous)
        if remembersLosers { losers[vote.id] = vote }
        return .refused(rejection)
    }

    private func losing(_ loser: AcceptedVote, to winner: AcceptedVote) -> VoteRejection {
        let detail =
            rule == .lastVoteWins
            ? "replaced by the voter's later ballot \(winner.id)"
            : "the voter's ballot \(winner.id) came first and is final"
        return VoteRejection(rule.losingReason, detail, id: loser.id, voter: loser.voter)
    }

    /// One ballot per voter, sorted by voter address.
    public var effective: [AcceptedVote] { current.keys.sorted().map { current[$0]! } }

    /// Ballots that lost under the rule, sorted by id, each naming the voter's effective ballot.
    public var superseded: [VoteRejection] {
        losers.keys.sorted().map { id in
            let loser = losers[id]!
            return losing(loser, to: current[loser.voter]!)
        }
    }

    /// The effective ballots as a tally takes them.
    public var tallyBallots: [TallyBallot] { effective.map(\.tallyBallot) }
}
