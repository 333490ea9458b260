import BigInt
import Ethereum

/// Counts ballots under a voting system. Pure and deterministic: the same rules and the same set of
/// ballots give bit-identical reports on every machine, whatever the order of the ballots.
public enum Tally {
    /// A valid ballot after parsing, weight positive or zero.
    struct Counted {
        let choice: BallotChoice
        let weight: UInt256
    }

    /// Per-system result before the outcome is applied.
    struct Computed {
        var scores: [BigUInt]
        var rankingValues: [BigUInt]
        var rounds: [RankedChoiceRound] = []
        var copeland: CopelandDetails?
    }

    /// Tallies `ballots` under `rules`. A ballot whose choice is invalid for the system is counted as
    /// invalid (never an error). A valid ballot of zero weight is counted in `validVotes` and changes
    /// no score. Callers pass one ballot per voter (see `VoteLedger`).
    public static func run(_ rules: TallyRules, ballots: [TallyBallot]) -> TallyReport {
        let n = rules.choices.count
        var counted: [Counted] = []
        counted.reserveCapacity(ballots.count)
        var invalid: [InvalidBallot] = []
        var validWeight = WeightSum(), invalidWeight = WeightSum(), quorumVotes = WeightSum()
        var voters = Set<Address>()
        for (position, ballot) in ballots.enumerated() {
            voters.insert(ballot.voter)
            do {
                let choice = try BallotChoice.parse(ballot.choice, system: rules.system, choiceCount: n)
                counted.append(Counted(choice: choice, weight: ballot.weight))
                validWeight.add(ballot.weight)
                switch rules.quorumCounting {
                case .allValidBallots: quorumVotes.add(ballot.weight)
                case .choices(let set): if choice.selectsAny(of: set) { quorumVotes.add(ballot.weight) }
                }
            } catch {
                invalid.append(InvalidBallot(position: position, voter: ballot.voter, id: ballot.id, reason: error))
                invalidWeight.add(ballot.weight)
            }
        }
        let positive = counted.filter { !$0.weight.isZero }
        let computed: Computed
        switch rules.system {
        case .basic, .singleChoice, .approval: computed = plurality(positive, choiceCount: n)
        case .weighted: computed = weighted(positive, choiceCount: n)
        case .quadratic: computed = quadratic(positive, choiceCount: n)
        case .rankedChoice: computed = instantRunoff(positive, choiceCount: n)
        case .copeland: computed = copeland(positive, choiceCount: n)
        }
        let outcome = Outcome.evaluate(rules: rules, rankingValues: computed.rankingValues, quorumVotes: quorumVotes.bigUInt)
        return TallyReport(
            rules: rules,
            scores: computed.scores.map { FixedPoint(units: $0, decimals: rules.system.scoreDecimals) },
            rankingValues: computed.rankingValues,
            validVotes: counted.count, invalidVotes: invalid.count,
            validWeight: validWeight.bigUInt, invalidWeight: invalidWeight.bigUInt,
            voters: voters.count, outcome: outcome, invalidBallots: invalid,
            rounds: computed.rounds, copeland: computed.copeland)
    }

    /// basic, single choice and approval: each selected choice scores the ballot's full weight.
    static func plurality(_ ballots: [Counted], choiceCount n: Int) -> Computed {
        var sums = [WeightSum](repeating: WeightSum(), count: n)
        for ballot in ballots {
            switch ballot.choice {
            case .single(let i): sums[i - 1].add(ballot.weight)
            case .list(let items): for i in items { sums[i - 1].add(ballot.weight) }
            case .amounts: preconditionFailure("amounts in a plurality tally")
            }
        }
        let scores = sums.map(\.bigUInt)
        return Computed(scores: scores, rankingValues: scores)
    }

    /// A weighted or quadratic ballot's amounts as integers over a common denominator, and their sum.
    static func integerAmounts(_ entries: [BallotChoice.IndexedAmount]) -> (values: [(Int, BigUInt)], sum: BigUInt) {
        let digits = entries.map(\.amount.fractionDigits).max() ?? 0
        let values = entries.map { ($0.index, $0.amount.scaled(to: digits)) }
        return (values, values.reduce(BigUInt(0)) { $0 + $1.1 })
    }

    /// weighted: choice c scores Σ floor(weight × amount_c × 10^18 / Σ amounts) over ballots.
    static func weighted(_ ballots: [Counted], choiceCount n: Int) -> Computed {
        var scores = [BigUInt](repeating: 0, count: n)
        for ballot in ballots {
            guard case .amounts(let entries) = ballot.choice else { preconditionFailure("weighted ballot without amounts") }
            let (values, sum) = integerAmounts(entries)
            let scaledWeight = ballot.weight.bigUInt * FixedPoint.scale
            for (index, value) in values where !value.isZero {
                scores[index - 1] += scaledWeight * value / sum
            }
        }
        return Computed(scores: scores, rankingValues: scores)
    }

    /// quadratic: r = floor(10^18 × √(weight × amount_c / Σ amounts)) per ballot and choice;
    /// S_c = Σ r; Q_c = S_c²; score_c = floor(Q_c × validWeight × 10^18 / Σ Q) (0 when Σ Q = 0).
    static func quadratic(_ ballots: [Counted], choiceCount n: Int) -> Computed {
        var roots = [BigUInt](repeating: 0, count: n)
        var total = WeightSum()
        let scaleSquared = FixedPoint.scale * FixedPoint.scale
        for ballot in ballots {
            guard case .amounts(let entries) = ballot.choice else { preconditionFailure("quadratic ballot without amounts") }
            total.add(ballot.weight)
            let (values, sum) = integerAmounts(entries)
            let scaledWeight = ballot.weight.bigUInt * scaleSquared
            for (index, value) in values where !value.isZero {
                roots[index - 1] += (scaledWeight * value / sum).squareRoot()
            }
        }
        let squares = roots.map { $0 * $0 }
        let sumOfSquares = squares.reduce(BigUInt(0), +)
        let validWeight = total.bigUInt
        let scores = squares.map { sumOfSquares.isZero ? BigUInt(0) : $0 * validWeight * FixedPoint.scale / sumOfSquares }
        return Computed(scores: scores, rankingValues: squares)
    }
}
