import Ethereum

extension BallotChoice {
    /// Parses and validates a ballot's choice for `system` with `choiceCount` choices,
    /// following Snapshot's `isValidChoice` rules (with the stricter number forms in `docs/voting.md`).
    public static func parse(_ json: JSON, system: VotingSystem, choiceCount: Int) throws(InvalidChoice) -> BallotChoice {
        func invalid(_ rule: InvalidChoice.Rule, _ value: JSON, _ requirement: String) -> InvalidChoice {
            InvalidChoice(system: system, rule: rule, value: value.serialized(), requirement: requirement)
        }
        let range = "an integer from 1 to \(choiceCount)"
        func index(_ value: JSON) throws(InvalidChoice) -> Int {
            guard case .number(let text) = value else { throw invalid(.wrongShape, value, "each choice must be \(range)") }
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw invalid(.notAnInteger, value, "each choice must be \(range), written as plain digits")
            }
            guard !text.hasPrefix("-"), digits.count <= 10, let i = Int(digits), i >= 1, i <= choiceCount else {
                throw invalid(.outOfRange, value, "each choice must be \(range)")
            }
            return i
        }
        func distinctList(_ value: JSON) throws(InvalidChoice) -> [Int] {
            guard let items = value.arrayValue else { throw invalid(.wrongShape, value, "an array of choice indices is required") }
            guard items.count <= choiceCount else {
                throw invalid(.tooLarge, value, "at most \(choiceCount) entries (one per choice)")
            }
            var seen = Set<Int>()
            var out: [Int] = []
            for item in items {
                let i = try index(item)
                guard seen.insert(i).inserted else { throw invalid(.duplicate, item, "each choice may appear once") }
                out.append(i)
            }
            return out
        }

        switch system {
        case .basic, .singleChoice:
            return .single(try index(json))
        case .approval:
            return .list(try distinctList(json))
        case .rankedChoice, .copeland:
            let ranking = try distinctList(json)
            guard ranking.count == choiceCount, choiceCount > 0 else {
                throw invalid(.incompleteRanking, json, "a full ranking of all \(choiceCount) choices is required")
            }
            return .list(ranking)
        case .weighted, .quadratic:
            guard let object = json.objectValue else {
                throw invalid(.wrongShape, json, "an object {\"index\": amount} is required")
            }
            guard object.count > 0 else { throw invalid(.empty, json, "at least one choice must be given an amount") }
            guard object.count <= choiceCount else { throw invalid(.tooLarge, json, "at most \(choiceCount) entries") }
            var entries: [IndexedAmount] = []
            for (key, value) in object {
                let keyJSON = JSON.string(key)
                guard let first = key.first, first != "0", key.count <= 10, key.allSatisfy({ $0.isASCII && $0.isNumber }),
                    let i = Int(key)
                else {
                    throw invalid(.badKey, keyJSON, "keys must be choice indices written as plain digits (\"1\" to \"\(choiceCount)\")")
                }
                guard i >= 1, i <= choiceCount else { throw invalid(.outOfRange, keyJSON, "keys must be \(range)") }
                guard case .number(let text) = value else {
                    throw invalid(.badAmount, value, "amounts must be JSON numbers")
                }
                guard let amount = ChoiceAmount(jsonNumber: text) else {
                    if text.hasPrefix("-") { throw invalid(.negativeAmount, value, "amounts must not be negative") }
                    throw invalid(
                        .badAmount, value,
                        "amounts need at most \(ChoiceAmount.maxIntegerDigits) integer and \(ChoiceAmount.maxFractionDigits) fractional digits"
                    )
                }
                entries.append(IndexedAmount(index: i, amount: amount))
            }
            guard entries.contains(where: { !$0.amount.isZero }) else {
                throw invalid(.noPositiveAmount, json, "at least one amount must be positive")
            }
            return .amounts(entries.sorted { $0.index < $1.index })
        }
    }
}
