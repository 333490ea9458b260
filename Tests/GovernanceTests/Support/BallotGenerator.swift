import Ethereum
import Governance

/// Random ballots for a system: mostly valid, some invalid in every way the rules name.
enum BallotGenerator {
    static func number(_ i: Int) -> JSON { .number(String(i)) }

    static func validChoice(_ system: VotingSystem, choiceCount n: Int, using rng: inout SeededRandom) -> JSON {
        switch system {
        case .basic, .singleChoice:
            return number(Int.random(in: 1...n, using: &rng))
        case .approval:
            let picked = (1...n).shuffled(using: &rng).prefix(Int.random(in: 0...n, using: &rng))
            return .array(picked.map(number))
        case .rankedChoice, .copeland:
            return .array((1...n).shuffled(using: &rng).map(number))
        case .weighted, .quadratic:
            let keys = (1...n).shuffled(using: &rng).prefix(Int.random(in: 1...n, using: &rng))
            var members: [(String, JSON)] = []
            for (i, key) in keys.enumerated() {
                let amount: String
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: amount = "0"
                case 1: amount = "\(Int.random(in: 0...99, using: &rng)).\(Int.random(in: 1...999, using: &rng))"
                case 2: amount = "0.000000000000000001"
                default: amount = String(Int.random(in: 1...1000, using: &rng))
                }
                members.append((String(key), .number(i == 0 && amount == "0" ? "1" : amount)))
            }
            return .object(JSONObject(members))
        }
    }

    static func invalidChoice(_ system: VotingSystem, choiceCount n: Int, using rng: inout SeededRandom) -> JSON {
        let options: [JSON] = [
            .null, .string("1"), number(0), number(n + 1), .number("1.5"), .number("-1"),
            .array([number(1), number(1)]), .array([number(n + 1)]), .object(JSONObject([("0", number(1))])),
            .object(JSONObject([("1", number(0))])), .object(JSONObject()), .object(JSONObject([("1", .number("-2"))])),
            .object(JSONObject([("01", number(1))])), .array(Array((1...n).map(number).dropLast())),
        ]
        while true {
            let candidate = options[Int.random(in: 0..<options.count, using: &rng)]
            if (try? BallotChoice.parse(candidate, system: system, choiceCount: n)) == nil { return candidate }
        }
    }

    static func ballots(_ system: VotingSystem, choiceCount n: Int, count: Int, invalidShare: Double = 0.05, seed: UInt64) -> [TallyBallot]
    {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            let invalid = Double.random(in: 0..<1, using: &rng) < invalidShare
            let choice = invalid ? invalidChoice(system, choiceCount: n, using: &rng) : validChoice(system, choiceCount: n, using: &rng)
            return TallyBallot(voter: rng.address(), choice: choice, weight: rng.weight())
        }
    }
}
