import BigInt
import Ethereum
import Governance
import Testing

/// Properties every tally must have, on random ballots for every system.
@Suite("Tally properties")
struct TallyPropertyTests {
    static let systems = VotingSystem.allCases

    static func rules(_ system: VotingSystem, _ n: Int) -> TallyRules {
        try! TallyRules(system: system, choices: system == .basic ? [] : (1...n).map { "choice \($0)" })
    }

    static func choiceCount(_ system: VotingSystem) -> Int { system == .basic ? 3 : 5 }

    @Test(arguments: systems)
    func independentOfBallotOrder(system: VotingSystem) {
        let n = Self.choiceCount(system)
        let ballots = BallotGenerator.ballots(system, choiceCount: n, count: 400, invalidShare: 0.1, seed: 11)
        let report = Tally.run(Self.rules(system, n), ballots: ballots)
        var rng = SeededRandom(seed: 12)
        for _ in 0..<5 {
            let shuffled = Tally.run(Self.rules(system, n), ballots: ballots.shuffled(using: &rng))
            #expect(shuffled.scores == report.scores)
            #expect(shuffled.rankingValues == report.rankingValues)
            #expect(shuffled.outcome == report.outcome)
            #expect(shuffled.validWeight == report.validWeight && shuffled.invalidWeight == report.invalidWeight)
            #expect(shuffled.validVotes == report.validVotes && shuffled.copeland == report.copeland)
        }
    }

    @Test(arguments: systems)
    func zeroWeightBallotChangesNoScore(system: VotingSystem) {
        let n = Self.choiceCount(system)
        let ballots = BallotGenerator.ballots(system, choiceCount: n, count: 200, invalidShare: 0, seed: 21)
            .filter { !$0.weight.isZero }
        let before = Tally.run(Self.rules(system, n), ballots: ballots)
        var rng = SeededRandom(seed: 22)
        for _ in 0..<20 {
            let extra = TallyBallot(
                voter: rng.address(), choice: BallotGenerator.validChoice(system, choiceCount: n, using: &rng), weight: .zero)
            var more = ballots
            more.insert(extra, at: Int.random(in: 0...more.count, using: &rng))
            let after = Tally.run(Self.rules(system, n), ballots: more)
            #expect(after.scores == before.scores)
            #expect(after.outcome == before.outcome)
            #expect(after.rounds.map(\.counts) == before.rounds.map(\.counts))
            #expect(after.validVotes == before.validVotes + 1)
        }
    }

    @Test func singleChoiceScoresSumToValidWeight() {
        for seed in UInt64(1)...20 {
            let ballots = BallotGenerator.ballots(.singleChoice, choiceCount: 7, count: 300, invalidShare: 0.2, seed: seed)
            let report = Tally.run(Self.rules(.singleChoice, 7), ballots: ballots)
            #expect(report.scores.reduce(BigUInt(0)) { $0 + $1.units } == report.validWeight)
        }
    }

    @Test func weightedAndQuadraticScoresNeverExceedTheValidWeight() {
        for system in [VotingSystem.weighted, .quadratic, .copeland] {
            for seed in UInt64(1)...10 {
                let ballots = BallotGenerator.ballots(system, choiceCount: 6, count: 200, seed: seed)
                let report = Tally.run(Self.rules(system, 6), ballots: ballots)
                let sum = report.scores.reduce(BigUInt(0)) { $0 + $1.units }
                let exact = report.validWeight * FixedPoint.scale
                #expect(sum <= exact)
                // Each floor loses less than one unit: at most one per ballot and choice (weighted),
                // or one per choice (quadratic, Copeland).
                #expect(exact - sum < BigUInt(ballots.count * 6 + 6))
            }
        }
    }

    @Test func instantRunoffStopsAtAFirstRoundMajority() {
        var rng = SeededRandom(seed: 31)
        for _ in 0..<50 {
            var ballots = BallotGenerator.ballots(.rankedChoice, choiceCount: 5, count: 60, invalidShare: 0, seed: rng.next())
                .map { TallyBallot(voter: $0.voter, choice: $0.choice, weight: UInt256(UInt64.random(in: 0...1 << 60, using: &rng))) }
            let total = ballots.reduce(BigUInt(0)) { $0 + $1.weight.bigUInt }
            // A block of ballots ranking choice 3 first with more than all the others together.
            ballots.append(TallyBallot(voter: rng.address(), choice: [3, 1, 2, 4, 5], weight: UInt256(exactly: total + 1)!))
            let report = Tally.run(Self.rules(.rankedChoice, 5), ballots: ballots)
            #expect(report.rounds.count == 1)
            #expect(report.rounds[0].eliminated == nil)
            #expect(report.outcome.winningChoice == 3)
            #expect(report.scores.map(\.units) == report.rounds[0].counts)
        }
    }

    @Test func copelandMatrixIsAntisymmetric() {
        for seed in UInt64(1)...20 {
            let n = Int(seed % 7) + 2
            let ballots = BallotGenerator.ballots(.copeland, choiceCount: n, count: 150, seed: seed)
            let details = try! #require(Tally.run(Self.rules(.copeland, n), ballots: ballots).copeland)
            for i in 0..<n {
                #expect(details.pairwise[i][i] == 0)
                for j in 0..<n { #expect(details.pairwise[i][j] == -details.pairwise[j][i]) }
                // Points: 2 per win, 1 per tie, over n − 1 matchups; in all, n(n − 1).
            }
            #expect(details.points.reduce(0, +) == n * (n - 1))
        }
    }

    /// 10,000 random ballots per system agree with the separately written reference.
    @Test(arguments: systems)
    func tenThousandBallotsAgreeWithTheReference(system: VotingSystem) {
        let n = system == .basic ? 3 : system == .copeland || system == .rankedChoice ? 6 : 8
        let ballots = BallotGenerator.ballots(system, choiceCount: n, count: 10_000, invalidShare: 0.03, seed: 10_000 + UInt64(n))
        let report = Tally.run(Self.rules(system, n), ballots: ballots)
        let valid = ballots.filter { (try? BallotChoice.parse($0.choice, system: system, choiceCount: n)) != nil }
        #expect(report.validVotes == valid.count)
        #expect(report.invalidVotes == ballots.count - valid.count)
        let reference = ReferenceTally.scores(
            system: system, choiceCount: n, ballots: valid.map { .init(choice: $0.choice, weight: ReferenceTally.big($0.weight)) })
        #expect(report.scores.map(\.units) == reference)
        if system == .copeland {
            let matrix = ReferenceTally.pairwise(
                choiceCount: n, ballots: valid.map { .init(choice: $0.choice, weight: ReferenceTally.big($0.weight)) })
            #expect(report.copeland?.pairwise == matrix)
        }
    }

    @Test(arguments: systems)
    func repeatedRunsAreIdentical(system: VotingSystem) {
        let n = Self.choiceCount(system)
        let ballots = BallotGenerator.ballots(system, choiceCount: n, count: 1_000, seed: 41)
        let first = Tally.run(Self.rules(system, n), ballots: ballots)
        for _ in 0..<3 { #expect(Tally.run(Self.rules(system, n), ballots: ballots) == first) }
    }
}
