/// Which valid ballots count toward quorum. A ballot counts with its full weight or not at all.
public enum QuorumCounting: Hashable, Sendable, CustomStringConvertible {
    /// Every valid ballot (an empty approval ballot included).
    case allValidBallots
    /// Valid ballots that select one of these 1-based choices: choose it, approve it, rank it,
    /// or give it a positive amount. OpenZeppelin's rule for basic votes is `[1, 3]` (For, Abstain).
    case choices(Set<Int>)

    /// For + Abstain for basic votes (as `GovernorCountingSimple`), every valid ballot otherwise.
    public static func `default`(for system: VotingSystem) -> QuorumCounting {
        system == .basic ? .choices([1, 3]) : .allValidBallots
    }

    public var description: String {
        switch self {
        case .allValidBallots: "all valid ballots"
        case .choices(let set): "ballots selecting choice " + set.sorted().map(String.init).joined(separator: " or ")
        }
    }
}
