import BigInt
import Ethereum
import Governance
import PlenumTesting
import Testing

/// Plenum's exact tallies agree with Snapshot's floating-point counting (restated in the oracle from
/// snapshot.js `src/voting`) up to floating-point error, on random valid ballots of every system.
@Suite("Snapshot's counting rules")
struct SnapshotSemanticsTests {
    @Test func agreesWithSnapshotUpToFloatingPointError() throws {
        var inputs: [JSON] = []
        var reports: [TallyReport] = []
        var rng = SeededRandom(seed: 2024)
        for round in 0..<280 {
            let system = VotingSystem.allCases[round % VotingSystem.allCases.count]
            let n = system == .basic ? 3 : Int.random(in: 1...7, using: &rng)
            // Snapshot never stores a vote without power; integer balances below 2^40 are exact doubles.
            // Half the rounds use balances of 1 to 3, so that ties (last place, pairwise) are common.
            let maxWeight: UInt64 = round % 2 == 0 ? 3 : 1 << 40
            let ballots = (0..<Int.random(in: 0...60, using: &rng)).map { _ in
                TallyBallot(
                    voter: rng.address(), choice: BallotGenerator.validChoice(system, choiceCount: n, using: &rng),
                    weight: UInt256(UInt64.random(in: 1...maxWeight, using: &rng)))
            }
            let rules = try TallyRules(system: system, choices: system == .basic ? [] : (1...n).map { "c\($0)" })
            reports.append(Tally.run(rules, ballots: ballots))
            inputs.append([
                "system": .string(system.rawValue), "choiceCount": .number(String(n)),
                "votes": .array(ballots.map { ["choice": $0.choice, "balance": .number($0.weight.description)] }),
            ])
        }
        let outputs = try #require(try PythonOracle.run("snapshot-tally", input: .array(inputs)).arrayValue)
        #expect(outputs.count == reports.count)
        var failures: [String] = []
        for (i, (report, theirs)) in zip(reports, outputs).enumerated() {
            let total = Double(report.validWeight.description)!
            for (c, score) in report.scores.enumerated() {
                let ours = Double(score.description)!
                let snapshot = Double(theirs[c]!.number!)!
                if abs(ours - snapshot) > 1e-9 * max(1, total) {
                    failures.append("case \(i) \(report.rules.system) choice \(c + 1): ours \(score), Snapshot's \(snapshot)")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) differences: \(failures.prefix(5))")
    }
}

extension JSON {
    fileprivate subscript(index: Int) -> JSON? { arrayValue.flatMap { index < $0.count ? $0[index] : nil } }
}
