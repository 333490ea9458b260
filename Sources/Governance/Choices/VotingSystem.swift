/// How ballots are counted. The raw values are Snapshot's proposal `type` names.
public enum VotingSystem: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// For / Against / Abstain: a single choice among exactly three, scored like OpenZeppelin's
    /// `GovernorCountingSimple` (passes when For exceeds Against; For and Abstain count toward quorum).
    case basic
    /// One choice per ballot; a choice scores the weight of the ballots that chose it.
    case singleChoice = "single-choice"
    /// Any set of choices (the empty set included); each chosen choice scores the ballot's full weight.
    case approval
    /// The ballot's weight split across choices in proportion to the amounts it gives them.
    case weighted
    /// Like weighted, but a choice's score is the square of the sum of square roots of its shares,
    /// scaled so that all scores add up to the valid weight.
    case quadratic
    /// Instant runoff over full rankings.
    case rankedChoice = "ranked-choice"
    /// Pairwise (Copeland) comparison over full rankings, ties broken by average support.
    case copeland

    /// Fractional digits of the scores: 0 where the arithmetic is exact, 18 where it needs fixed point.
    public var scoreDecimals: Int {
        switch self {
        case .weighted, .quadratic, .copeland: FixedPoint.fractionalDigits
        case .basic, .singleChoice, .approval, .rankedChoice: 0
        }
    }

    /// The choices of a basic vote, in the order that 1-based choice indices refer to.
    public static let basicChoices = ["For", "Against", "Abstain"]

    public var description: String { rawValue }
}

/// OpenZeppelin's `support` codes (GovernorCountingSimple) and the basic system's 1-based choices.
public enum Support: UInt8, CaseIterable, Hashable, Sendable {
    case against = 0
    case forProposal = 1
    case abstain = 2

    /// The 1-based index into `VotingSystem.basicChoices` (For 1, Against 2, Abstain 3).
    public var basicChoice: Int {
        switch self {
        case .forProposal: 1
        case .against: 2
        case .abstain: 3
        }
    }

    /// The support code for a 1-based basic choice.
    public init?(basicChoice: Int) {
        switch basicChoice {
        case 1: self = .forProposal
        case 2: self = .against
        case 3: self = .abstain
        default: return nil
        }
    }
}
