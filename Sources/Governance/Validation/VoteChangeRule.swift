/// What happens when a voter sends another ballot for the same proposal; set per channel.
public enum VoteChangeRule: String, Hashable, Sendable, CaseIterable {
    /// Snapshot's rule: the ballot with the latest time counts; at equal times, the larger id.
    case lastVoteWins = "last-vote-wins"
    /// GovernorCountingSimple's rule: the first ballot counts; later ones are refused. "First" is the
    /// earliest time, and at equal times the smaller id, so the result does not depend on arrival order.
    case firstVoteIsFinal = "first-vote-is-final"

    /// Whether `candidate` takes the place of `current` under this rule.
    public func prefers(_ candidate: AcceptedVote, over current: AcceptedVote) -> Bool {
        switch self {
        case .lastVoteWins: (candidate.time, candidate.id) > (current.time, current.id)
        case .firstVoteIsFinal: (candidate.time, candidate.id) < (current.time, current.id)
        }
    }

    /// The reason given to a ballot that does not count under this rule.
    public var losingReason: RejectionReason {
        self == .lastVoteWins ? .superseded : .alreadyVoted
    }
}
