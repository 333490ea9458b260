import Ethereum
import Foundation
import Governance
import PlenumTesting
import Testing

/// `plenum tally`: the file format, the JSON report and the exit codes.
@Suite("plenum tally")
struct TallyCommandTests {
    func tally(_ input: String, json: Bool = true) throws -> ProcessResult {
        try PlenumBinary.run(["tally", "--input", "-"] + (json ? ["--json"] : []), stdin: input)
    }

    @Test func reportsScoresAndCountsInvalidBallots() throws {
        let input = """
            {"system": "weighted", "choices": ["A", "B", "C"], "quorum": "100", "votes": [
              {"voter": "0x1111111111111111111111111111111111111111", "choice": {"1": 1, "2": 2}, "weight": "100"},
              {"voter": "0x2222222222222222222222222222222222222222", "choice": {"3": 1}, "weight": "50"},
              {"voter": "0x3333333333333333333333333333333333333333", "choice": [1], "weight": "7"},
              {"voter": "0x4444444444444444444444444444444444444444", "weight": "7"}
            ]}
            """
        let result = try tally(input)
        #expect(result.status == 0, "\(result.stderrText)")
        let report = try JSONParser.parse(result.stdoutText)
        #expect(report["scores"] == ["33.333333333333333333", "66.666666666666666666", "50.000000000000000000"])
        #expect(report["validVotes"] == 2 && report["invalidVotes"] == 2 && report["scoreDecimals"] == 18)
        #expect(report["outcome"] == "passed" && report["winner"] == 2 && report["winningChoice"] == "B")
        #expect(report["quorumReached"] == true && report["quorumVotes"] == "150")
        #expect(report["invalid"]?.arrayValue?.map { $0["rule"]! } == ["wrong-shape", "wrong-shape"])
        let text = try tally(input, json: false)
        #expect(text.status == 0 && text.stdoutText.contains("outcome: passed, choice 2 (B)"))
    }

    @Test func everySystemRuns() throws {
        let choices: [VotingSystem: String] = [
            .basic: "1", .singleChoice: "2", .approval: "[1, 2]", .weighted: "{\"1\": 1}", .quadratic: "{\"2\": 3}",
            .rankedChoice: "[2, 1, 3]",
            .copeland: "[3, 1, 2]",
        ]
        for system in VotingSystem.allCases {
            let input = """
                {"system": "\(system.rawValue)", "choices": ["For", "Against", "Abstain"], "votes": [
                  {"voter": "0x1111111111111111111111111111111111111111", "choice": \(choices[system]!), "weight": "1000000000000000000"}]}
                """
            let result = try tally(input)
            #expect(result.status == 0, "\(system): \(result.stderrText)")
            let report = try JSONParser.parse(result.stdoutText)
            #expect(report["validVotes"] == 1, "\(system)")
            #expect(report["scores"]?.arrayValue?.count == 3)
        }
    }

    @Test func unusableInputExitsTwo() throws {
        let voter = "0x1111111111111111111111111111111111111111"
        for bad in [
            "not json", "[]", "{\"system\": \"plurality\", \"choices\": [\"A\"], \"votes\": []}",
            "{\"system\": \"approval\", \"votes\": []}",
            "{\"system\": \"approval\", \"choices\": [\"A\"], \"votes\": [{\"voter\": \"0x12\", \"choice\": [1], \"weight\": \"1\"}]}",
            "{\"system\": \"approval\", \"choices\": [\"A\"], \"votes\": [{\"voter\": \"\(voter)\", \"choice\": [1], \"weight\": \"-1\"}]}",
            "{\"system\": \"approval\", \"choices\": [\"A\"], \"votes\": [{\"voter\": \"\(voter)\", \"choice\": [1], \"weight\": \"1.5\"}]}",
            "{\"system\": \"approval\", \"choices\": [\"A\"], \"votes\": [{\"voter\": \"\(voter)\", \"choice\": [1], \"weight\": \"1\"}, {\"voter\": \"\(voter)\", \"choice\": [], \"weight\": \"1\"}]}",
            "{\"system\": \"basic\", \"choices\": [\"Yes\", \"No\"], \"votes\": []}",
            "{\"system\": \"approval\", \"choices\": [\"A\"], \"votes\": [], \"extra\": 1}",
            "{\"system\": \"approval\", \"choices\": [\"A\"], \"votes\": [], \"threshold\": \"3/2\"}",
        ] {
            let result = try tally(bad)
            #expect(result.status == 2, "\(bad): \(result.stdoutText)")
            #expect(result.stderrText.hasPrefix("plenum: error: "))
        }
    }

    @Test func tenThousandBallotsFromAFile() throws {
        let dir = try TemporaryDirectory()
        var rng = SeededRandom(seed: 99)
        var votes: [JSON] = []
        for _ in 0..<10_000 {
            votes.append([
                "voter": .string(rng.address().checksummed), "choice": BallotGenerator.validChoice(.quadratic, choiceCount: 8, using: &rng),
                "weight": .string(rng.weight().description),
            ])
        }
        let document: JSON = ["system": "quadratic", "choices": .array((1...8).map { .string("c\($0)") }), "votes": .array(votes)]
        try Data(document.serialized().utf8).write(to: URL(fileURLWithPath: dir.file("votes.json")))
        let result = try PlenumBinary.run(["tally", "--input", dir.file("votes.json"), "--json"])
        #expect(result.status == 0, "\(result.stderrText)")
        let report = try JSONParser.parse(result.stdoutText)
        let rules = try TallyRules(system: .quadratic, choices: (1...8).map { "c\($0)" })
        let ballots = votes.map {
            TallyBallot(
                voter: try! Address($0["voter"]!.stringValue!), choice: $0["choice"]!,
                weight: try! UInt256(decimal: $0["weight"]!.stringValue!))
        }
        #expect(report["scores"] == .array(Tally.run(rules, ballots: ballots).scores.map { .string($0.description) }))
    }
}
