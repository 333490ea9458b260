import BigInt
import Ethereum

/// Everything a tally computed: per-choice scores, totals, quorum and the outcome.
public struct TallyReport: Hashable, Sendable {
    public let rules: TallyRules
    /// One score per choice, at `rules.system.scoreDecimals` fractional digits.
    public let scores: [FixedPoint]
    /// Exact values that decide the ranking (the winner and ties): the scores themselves for exact
    /// systems and weighted; quadratic's squared sums of roots; Copeland's points and support over a
    /// common denominator. Comparing these instead of rounded scores keeps ties exact.
    public let rankingValues: [BigUInt]
    public let validVotes: Int
    public let invalidVotes: Int
    /// Total weight of valid ballots, in token base units.
    public let validWeight: BigUInt
    /// Total weight of invalid ballots.
    public let invalidWeight: BigUInt
    /// Distinct voters among all ballots, valid and invalid.
    public let voters: Int
    public let outcome: Outcome
    /// The ballots that were not counted, in input order.
    public let invalidBallots: [InvalidBallot]
    /// Instant-runoff rounds (ranked choice only).
    public let rounds: [RankedChoiceRound]
    /// Pairwise details (Copeland only).
    public let copeland: CopelandDetails?
}
