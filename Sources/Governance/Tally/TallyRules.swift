import Ethereum

/// What a tally needs besides the ballots: the system, the choices, quorum and the pass threshold.
public struct TallyRules: Hashable, Sendable {
    public let system: VotingSystem
    /// Choice labels; 1-based indices in ballots refer to them. Basic votes have exactly three
    /// (For, Against, Abstain in that order).
    public let choices: [String]
    /// The quorum in token base units, already resolved (see `QuorumRequirement`); nil for none.
    public let quorum: UInt256?
    public let quorumCounting: QuorumCounting
    public let threshold: PassThreshold

    /// Most choices a proposal may have (Copeland's pairwise work grows with its square).
    public static let maxChoices = 100
    /// Longest choice label, in Unicode scalars.
    public static let maxChoiceLength = 256

    /// Checks the rules. An empty `choices` for a basic vote means `VotingSystem.basicChoices`.
    public init(
        system: VotingSystem, choices: [String], quorum: UInt256? = nil, quorumCounting: QuorumCounting? = nil,
        threshold: PassThreshold = .simpleMajority
    ) throws(TallyRulesError) {
        let labels = system == .basic && choices.isEmpty ? VotingSystem.basicChoices : choices
        if system == .basic, labels.count != 3 {
            throw .wrongChoiceCount(system: system, found: labels.count, rule: "basic votes have exactly 3 choices (For, Against, Abstain)")
        }
        guard !labels.isEmpty, labels.count <= TallyRules.maxChoices else {
            throw .wrongChoiceCount(system: system, found: labels.count, rule: "from 1 to \(TallyRules.maxChoices) choices")
        }
        if let long = labels.firstIndex(where: { $0.unicodeScalars.count > TallyRules.maxChoiceLength }) {
            throw .choiceTooLong(index: long + 1, limit: TallyRules.maxChoiceLength)
        }
        let counting = quorumCounting ?? .default(for: system)
        if case .choices(let set) = counting, let bad = set.sorted().first(where: { $0 < 1 || $0 > labels.count }) {
            throw .badQuorumChoice(bad, choiceCount: labels.count)
        }
        if case .supermajority(let n, let d) = threshold, n == 0 || n > d {
            throw .badThreshold(threshold.description)
        }
        self.system = system
        self.choices = labels
        self.quorum = quorum
        self.quorumCounting = counting
        self.threshold = threshold
    }
}

/// Why tally rules are unusable, naming the field and the rule.
public enum TallyRulesError: Error, Hashable, Sendable, CustomStringConvertible {
    case wrongChoiceCount(system: VotingSystem, found: Int, rule: String)
    case choiceTooLong(index: Int, limit: Int)
    case badQuorumChoice(Int, choiceCount: Int)
    case badThreshold(String)

    public var description: String {
        switch self {
        case .wrongChoiceCount(let system, let found, let rule): "choices: \(found) given for \(system); \(rule)"
        case .choiceTooLong(let i, let limit): "choices[\(i)]: longer than \(limit) characters"
        case .badQuorumChoice(let c, let n): "quorum choice \(c) is not a choice index from 1 to \(n)"
        case .badThreshold(let t): "threshold \(t): the fraction must satisfy 0 < n ≤ d"
        }
    }
}
