/// Why a ballot's choice cannot be counted under its voting system. Such a ballot is counted as
/// invalid by a tally, and rejected with `invalid-choice` at intake.
public struct InvalidChoice: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rule the choice breaks; `rawValue` is a stable code.
    public enum Rule: String, Hashable, Sendable, CaseIterable {
        case wrongShape = "wrong-shape"
        case notAnInteger = "not-an-integer"
        case outOfRange = "out-of-range"
        case duplicate = "duplicate-choice"
        case incompleteRanking = "incomplete-ranking"
        case empty = "empty"
        case badKey = "bad-key"
        case badAmount = "bad-amount"
        case negativeAmount = "negative-amount"
        case noPositiveAmount = "no-positive-amount"
        case tooLarge = "too-large"
    }

    public let system: VotingSystem
    public let rule: Rule
    /// The offending value, shortened.
    public let value: String
    /// What the system requires.
    public let requirement: String

    public init(system: VotingSystem, rule: Rule, value: String, requirement: String) {
        self.system = system
        self.rule = rule
        self.value = String(value.prefix(80))
        self.requirement = requirement
    }

    public var description: String {
        "choice \(value) is invalid for \(system) (\(rule.rawValue)): \(requirement)"
    }
}
