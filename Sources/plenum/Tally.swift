import ArgumentParser
import Ethereum
import Governance

struct Tally: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tally ballots from a JSON file under any voting system (what-if tallies, audits).",
        discussion: """
            Input: {"system": "basic|single-choice|approval|weighted|quadratic|ranked-choice|copeland",
            "choices": ["…"], "votes": [{"voter": "0x…", "choice": <1-based index, array of indices, or
            {"index": amount}>, "weight": "<decimal integer>"}], "quorum": "<decimal integer>" (optional),
            "threshold": "simple-majority" or "n/d" (optional), "quorumChoices": [1-based indices] (optional)}.
            A ballot whose choice is invalid for the system is counted as invalid, never an error.
            Scores are exact integers for basic, single-choice, approval and ranked-choice, and carry
            exactly 18 fractional digits for weighted, quadratic and copeland (docs/voting.md).
            Exit status: 0 tallied; 2 the input is unusable.
            """
    )

    @Option(name: .long, help: "The tally file, or - for standard input.")
    var input: String

    @Flag(help: "Print the report as JSON.")
    var json = false

    /// Largest tally file accepted.
    static let maxInputBytes = 64 << 20

    func run() throws {
        try CLIIO.run {
            let bytes = try CLIIO.readInput(input, limit: Self.maxInputBytes)
            let document: JSON
            do { document = try JSONParser(limits: .init(maxBytes: Self.maxInputBytes, maxDepth: 16)).parse(bytes) } catch {
                throw CLIFailure.input("input is not valid JSON: \(error)")
            }
            let (rules, ballots) = try TallyFile.read(document)
            let report = Governance.Tally.run(rules, ballots: ballots)
            print(json ? TallyFile.json(report).serialized() : TallyFile.text(report))
        }
    }
}

/// The `plenum tally` file format and its output.
enum TallyFile {
    static func read(_ document: JSON) throws -> (TallyRules, [TallyBallot]) {
        guard let root = document.objectValue else { throw CLIFailure.input("the tally file must be a JSON object") }
        for key in root.keys where !["system", "choices", "votes", "quorum", "threshold", "quorumChoices"].contains(key) {
            throw CLIFailure.input(
                "unknown member \"\(key.prefix(40))\" (expected system, choices, votes, quorum, threshold, quorumChoices)")
        }
        let systems = VotingSystem.allCases.map(\.rawValue).joined(separator: ", ")
        guard let name = root["system"]?.stringValue, let system = VotingSystem(rawValue: name) else {
            throw CLIFailure.input("system must be one of \(systems)")
        }
        var choices: [String] = []
        if let list = root["choices"] {
            guard let items = list.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw CLIFailure.input("choices must be an array of strings")
            }
            choices = items.map { $0.stringValue! }
        } else if system != .basic {
            throw CLIFailure.input("choices is required for \(system)")
        }
        var quorum: UInt256?
        if let q = root["quorum"], q != .null {
            guard let value = decimal(q) else { throw CLIFailure.input("quorum must be a decimal integer string of token base units") }
            quorum = value
        }
        var threshold = PassThreshold.simpleMajority
        if let t = root["threshold"] {
            guard let text = t.stringValue else { throw CLIFailure.input("threshold must be a string") }
            do { threshold = try PassThreshold(parsing: text) } catch { throw CLIFailure.input("\(error)") }
        }
        var counting: QuorumCounting?
        if let q = root["quorumChoices"] {
            guard let items = q.arrayValue, let indices = Optional(items.compactMap { $0.numberText.flatMap { Int($0) } }),
                indices.count == items.count
            else { throw CLIFailure.input("quorumChoices must be an array of 1-based choice indices") }
            counting = .choices(Set(indices))
        }
        let rules: TallyRules
        do {
            rules = try TallyRules(system: system, choices: choices, quorum: quorum, quorumCounting: counting, threshold: threshold)
        } catch {
            throw CLIFailure.input("\(error)")
        }
        guard let votes = root["votes"]?.arrayValue else { throw CLIFailure.input("votes must be an array") }
        var ballots: [TallyBallot] = []
        ballots.reserveCapacity(votes.count)
        var seen = Set<Address>()
        for (i, vote) in votes.enumerated() {
            guard let entry = vote.objectValue else { throw CLIFailure.input("votes[\(i)] must be an object") }
            for key in entry.keys where !["voter", "choice", "weight"].contains(key) {
                throw CLIFailure.input("votes[\(i)]: unknown member \"\(key.prefix(40))\" (expected voter, choice, weight)")
            }
            guard let text = entry["voter"]?.stringValue else { throw CLIFailure.input("votes[\(i)].voter must be an address string") }
            let voter: Address
            do { voter = try Address(text) } catch { throw CLIFailure.input("votes[\(i)].voter: \(error)") }
            guard seen.insert(voter).inserted else {
                throw CLIFailure.input("votes[\(i)].voter: \(voter) appears twice; a tally takes one ballot per voter")
            }
            guard let weightJSON = entry["weight"], let weight = decimal(weightJSON) else {
                throw CLIFailure.input("votes[\(i)].weight must be a decimal integer string below 2^256")
            }
            ballots.append(TallyBallot(voter: voter, choice: entry["choice"] ?? .null, weight: weight))
        }
        return (rules, ballots)
    }

    /// A decimal integer as a string (or a JSON integer).
    static func decimal(_ json: JSON) -> UInt256? {
        guard let text = json.stringValue ?? json.numberText else { return nil }
        return try? UInt256(decimal: text)
    }

    static func json(_ report: TallyReport) -> JSON {
        let rules = report.rules, outcome = report.outcome
        var object = JSONObject([
            ("system", .string(rules.system.rawValue)), ("choices", .array(rules.choices.map { .string($0) })),
            ("scores", .array(report.scores.map { .string($0.description) })),
            ("scoreDecimals", .number(String(rules.system.scoreDecimals))),
            ("validVotes", .number(String(report.validVotes))), ("invalidVotes", .number(String(report.invalidVotes))),
            ("validWeight", .string("\(report.validWeight)")), ("invalidWeight", .string("\(report.invalidWeight)")),
            ("voters", .number(String(report.voters))), ("quorum", rules.quorum.map { .string($0.description) } ?? .null),
            ("quorumVotes", .string("\(outcome.quorumVotes)")), ("quorumReached", .bool(outcome.quorumReached)),
            ("threshold", .string(rules.threshold.description)), ("outcome", .string(outcome.kind.rawValue)),
            ("winner", outcome.winningChoice.map { .number(String($0)) } ?? .null),
            ("winningChoice", outcome.winningChoice.map { .string(rules.choices[$0 - 1]) } ?? .null),
            ("tiedChoices", .array(outcome.tiedChoices.map { .number(String($0)) })),
            (
                "invalid",
                .array(
                    report.invalidBallots.map {
                        [
                            "index": .number(String($0.position)), "voter": .string($0.voter.checksummed),
                            "rule": .string($0.reason.rule.rawValue),
                            "reason": .string($0.reason.description),
                        ]
                    })
            ),
        ])
        if rules.system == .rankedChoice {
            object["rounds"] = .array(
                report.rounds.map { round in
                    [
                        "counts": .array(round.counts.map { .string("\($0)") }),
                        "candidates": .array(round.candidates.map { .number(String($0)) }),
                        "eliminated": round.eliminated.map { .number(String($0)) } ?? .null,
                    ]
                })
        }
        if let copeland = report.copeland {
            object["pairwise"] = .array(copeland.pairwise.map { .array($0.map { .string("\($0)") }) })
            object["points"] = .array(copeland.points.map { .number(String($0)) })
            object["support"] = .array(copeland.support.map { .string("\($0)") })
        }
        return .object(object)
    }

    static func text(_ report: TallyReport) -> String {
        let rules = report.rules, outcome = report.outcome
        var lines = [
            "\(rules.system): \(rules.choices.count) choices, scores " + (rules.system.scoreDecimals == 0 ? "exact" : "at 18 decimals")
        ]
        let width = min(40, rules.choices.map(\.count).max() ?? 0)
        for (i, choice) in rules.choices.enumerated() {
            let label =
                choice.count > width ? String(choice.prefix(width - 1)) + "…" : choice.padding(toLength: width, withPad: " ", startingAt: 0)
            lines.append("  \(i + 1). \(label)  \(report.scores[i])")
        }
        lines.append(
            "valid ballots: \(report.validVotes) (weight \(report.validWeight)); invalid: \(report.invalidVotes) (weight \(report.invalidWeight))"
        )
        if let quorum = rules.quorum {
            lines.append(
                "quorum: \(quorum), counted \(outcome.quorumVotes) (\(rules.quorumCounting)): \(outcome.quorumReached ? "reached" : "not reached")"
            )
        }
        var verdict = "outcome: \(outcome.kind.rawValue)"
        if let w = outcome.winningChoice { verdict += ", choice \(w) (\(rules.choices[w - 1]))" }
        if !outcome.tiedChoices.isEmpty { verdict += " between choices " + outcome.tiedChoices.map(String.init).joined(separator: ", ") }
        lines.append(verdict)
        for ballot in report.invalidBallots.prefix(50) {
            lines.append("  invalid votes[\(ballot.position)] \(ballot.voter): \(ballot.reason)")
        }
        if report.invalidBallots.count > 50 {
            lines.append("  … and \(report.invalidBallots.count - 50) more invalid ballots (see --json)")
        }
        return lines.joined(separator: "\n")
    }
}

extension JSON {
    /// The literal text of a number.
    fileprivate var numberText: String? {
        if case .number(let n) = self { return n }
        return nil
    }
}
