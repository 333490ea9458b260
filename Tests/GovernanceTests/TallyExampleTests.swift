import BigInt
import Ethereum
import Governance
import Testing

/// The worked examples of `docs/voting.md`, exactly.
@Suite("Worked examples")
struct TallyExampleTests {
    static let voters = (1...6).map { try! Address("0x" + String(repeating: String($0), count: 40)) }

    func run(
        _ system: VotingSystem, _ choices: [String], _ votes: [(JSON, UInt64)], quorum: UInt256? = nil,
        threshold: PassThreshold = .simpleMajority
    ) throws -> TallyReport {
        let rules = try TallyRules(system: system, choices: choices, quorum: quorum, threshold: threshold)
        return Tally.run(
            rules,
            ballots: votes.enumerated().map {
                TallyBallot(voter: Self.voters[$0.offset], choice: $0.element.0, weight: UInt256($0.element.1))
            })
    }

    func scores(_ report: TallyReport) -> [String] { report.scores.map(\.description) }

    @Test func basicFollowsGovernorCountingSimple() throws {
        let votes: [(JSON, UInt64)] = [(1, 600), (2, 400), (3, 100)]
        let passed = try run(.basic, [], votes, quorum: 650)
        #expect(scores(passed) == ["600", "400", "100"])
        #expect(passed.outcome.quorumVotes == 700)  // For + Abstain
        #expect(passed.outcome.kind == .passed && passed.outcome.winningChoice == 1)
        #expect(try run(.basic, [], votes, quorum: 701).outcome.kind == .noQuorum)
        // 600 / (600 + 400) < 2/3
        #expect(try run(.basic, [], votes, threshold: .supermajority(numerator: 2, denominator: 3)).outcome.kind == .defeated)
        #expect(try run(.basic, [], [(1, 5), (2, 5)]).outcome.kind == .defeated)  // a tie does not pass
        #expect(try run(.basic, [], []).outcome.kind == .defeated)
    }

    @Test func singleChoice() throws {
        let report = try run(.singleChoice, ["A", "B", "C"], [(1, 100), (2, 50), (1, 30), (4, 70)])
        #expect(scores(report) == ["130", "50", "0"])
        #expect(report.validVotes == 3 && report.invalidVotes == 1 && report.invalidWeight == 70)
        #expect(report.outcome.winningChoice == 1)
    }

    @Test func approval() throws {
        let report = try run(.approval, ["A", "B", "C"], [([1, 2], 10), ([], 5), ([2, 3], 7)])
        #expect(scores(report) == ["10", "17", "7"])
        #expect(report.validWeight == 22 && report.outcome.quorumVotes == 22)
        #expect(report.outcome.winningChoice == 2)
    }

    @Test func weightedFloorsEachShare() throws {
        let report = try run(.weighted, ["A", "B", "C"], [(["1": 1, "2": 2], 100), (["3": 1], 50)])
        #expect(scores(report) == ["33.333333333333333333", "66.666666666666666666", "50.000000000000000000"])
        // One 10^-18 unit is lost to the floors.
        #expect(report.scores.reduce(BigUInt(0)) { $0 + $1.units } == 150 * FixedPoint.scale - 1)
    }

    @Test func quadratic() throws {
        let report = try run(.quadratic, ["A", "B"], [(["1": 1], 4), (["1": 1], 1), (["2": 1], 8), (["1": 1, "2": 3], 4)])
        #expect(scores(report) == ["7.391714312562246809", "9.608285687437753190"])
        // S_A = √4 + √1 + √1 = 4 exactly; S_B = floor(√8·10^18) + floor(√3·10^18) in 10^-18 units.
        #expect(report.rankingValues[0] == (4 * FixedPoint.scale).power(2))
        #expect(report.rankingValues[1] == BigUInt(2_828_427_124_746_190_097 + 1_732_050_807_568_877_293).power(2))
        #expect(report.outcome.winningChoice == 2)
    }

    @Test func rankedChoiceRunsOff() throws {
        let report = try run(
            .rankedChoice, ["A", "B", "C", "D"], [([1, 2, 3, 4], 40), ([2, 1, 3, 4], 30), ([3, 2, 1, 4], 20), ([4, 3, 2, 1], 15)])
        #expect(report.rounds.map { $0.counts.map { Int($0) } } == [[40, 30, 20, 15], [40, 30, 35, 0], [70, 0, 35, 0]])
        #expect(report.rounds.map(\.eliminated) == [4, 2, nil])
        #expect(scores(report) == ["70", "0", "35", "0"])
        #expect(report.outcome.winningChoice == 1)
    }

    @Test func rankedChoiceCandidatesAreChoicesHoldingFirstPreferences() throws {
        // D is nobody's first choice: it is not a candidate in round 1 (Snapshot's rule), joins when C's
        // ballots move to it, and is eliminated then.
        let report = try run(.rankedChoice, ["A", "B", "C", "D"], [([1, 2, 3, 4], 5), ([2, 1, 3, 4], 4), ([3, 4, 1, 2], 3)])
        #expect(report.rounds.map(\.candidates) == [[1, 2, 3], [1, 2, 4], [1, 2]])
        #expect(report.rounds.map(\.eliminated) == [3, 4, nil])
        #expect(scores(report) == ["8", "4", "0", "0"])
    }

    @Test func rankedChoiceEliminatesTheLowestIndexOnALastPlaceTie() throws {
        let report = try run(.rankedChoice, ["A", "B", "C"], [([1, 2, 3], 5), ([2, 3, 1], 3), ([3, 2, 1], 3)])
        #expect(report.rounds.first?.eliminated == 2)
        #expect(scores(report) == ["5", "0", "6"])
        #expect(report.outcome.winningChoice == 3)
    }

    @Test func rankedChoiceStopsWithTwoCandidatesEvenWithoutAMajority() throws {
        let report = try run(.rankedChoice, ["A", "B", "C"], [([1, 2, 3], 5), ([2, 1, 3], 5)])
        #expect(report.rounds.count == 1)
        #expect(report.outcome.kind == .tie && report.outcome.tiedChoices == [1, 2])
    }

    @Test func copeland() throws {
        let report = try run(.copeland, ["A", "B", "C"], [([1, 2, 3], 6), ([2, 3, 1], 4), ([3, 1, 2], 3)])
        let details = try #require(report.copeland)
        #expect(details.pairwise == [[0, 5, -1], [-5, 0, 7], [1, -7, 0]])
        #expect(details.points == [2, 2, 2])  // a cycle: each wins once and loses once
        #expect(details.support == [15, 14, 10])
        #expect(report.rankingValues == [119, 118, 114])  // points × 2(n−1)T + support, T = 13
        #expect(scores(report) == ["4.407407407407407407", "4.370370370370370370", "4.222222222222222222"])
        #expect(report.outcome.winningChoice == 1)
    }

    @Test func copelandEdgeCases() throws {
        #expect(scores(try run(.copeland, ["A"], [([1], 9)])) == ["9.000000000000000000"])
        #expect(scores(try run(.copeland, ["A", "B"], [])) == ["0.000000000000000000", "0.000000000000000000"])
        #expect(try run(.copeland, ["A", "B"], []).outcome.kind == .defeated)
    }

    @Test func pollsTieAndSupermajority() throws {
        let tie = try run(.singleChoice, ["A", "B", "C"], [(1, 5), (2, 5), (3, 1)])
        #expect(tie.outcome.kind == .tie && tie.outcome.tiedChoices == [1, 2] && tie.outcome.winningChoice == nil)
        let two = PassThreshold.supermajority(numerator: 2, denominator: 3)
        #expect(try run(.singleChoice, ["A", "B"], [(1, 2), (2, 1)], threshold: two).outcome.kind == .passed)  // exactly 2/3
        #expect(try run(.singleChoice, ["A", "B"], [(1, 199), (2, 101)], threshold: two).outcome.kind == .defeated)
        #expect(try run(.approval, ["A", "B"], [([], 10)]).outcome.kind == .defeated)  // nothing scored
    }

    @Test func quorumCountsWholeBallots() throws {
        let rules = try TallyRules(system: .approval, choices: ["A", "B", "C"], quorum: 20, quorumCounting: .choices([3]))
        let report = Tally.run(
            rules,
            ballots: [
                TallyBallot(voter: Self.voters[0], choice: [1, 3], weight: 15), TallyBallot(voter: Self.voters[1], choice: [1], weight: 10),
                TallyBallot(voter: Self.voters[2], choice: [3], weight: 4),
            ])
        #expect(report.outcome.quorumVotes == 19 && report.outcome.kind == .noQuorum)
    }

    @Test func rulesAreChecked() throws {
        #expect(throws: TallyRulesError.self) { try TallyRules(system: .basic, choices: ["Yes", "No"]) }
        #expect(throws: TallyRulesError.self) { try TallyRules(system: .singleChoice, choices: []) }
        #expect(throws: TallyRulesError.self) { try TallyRules(system: .singleChoice, choices: (0...100).map(String.init)) }
        #expect(throws: TallyRulesError.self) { try TallyRules(system: .singleChoice, choices: ["A"], quorumCounting: .choices([2])) }
        #expect(throws: PassThresholdError.self) { try PassThreshold(parsing: "3/2") }
        #expect(try PassThreshold(parsing: "2/3") == .supermajority(numerator: 2, denominator: 3))
    }
}
