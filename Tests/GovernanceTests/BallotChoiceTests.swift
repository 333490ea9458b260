import Ethereum
import Governance
import Testing

/// Which choices each system accepts (Snapshot's `isValidChoice`, with Plenum's stricter number forms).
@Suite("Ballot choices")
struct BallotChoiceTests {
    func parse(_ text: String, _ system: VotingSystem, _ n: Int = 3) -> Result<BallotChoice, InvalidChoice> {
        Result { () throws(InvalidChoice) in try BallotChoice.parse(try! JSONParser.parse(text), system: system, choiceCount: n) }
    }

    func rule(_ text: String, _ system: VotingSystem, _ n: Int = 3) -> InvalidChoice.Rule? {
        if case .failure(let e) = parse(text, system, n) { return e.rule }
        return nil
    }

    @Test func singleChoiceAndBasic() throws {
        #expect(try parse("2", .singleChoice).get() == .single(2))
        #expect(try parse("3", .basic).get() == .single(3))
        #expect(rule("0", .singleChoice) == .outOfRange)
        #expect(rule("4", .singleChoice) == .outOfRange)
        #expect(rule("-1", .singleChoice) == .outOfRange)
        #expect(rule("1.0", .singleChoice) == .notAnInteger)
        #expect(rule("1e0", .singleChoice) == .notAnInteger)
        #expect(rule("\"1\"", .singleChoice) == .wrongShape)
        #expect(rule("[1]", .singleChoice) == .wrongShape)
        #expect(rule("99999999999999999999999", .singleChoice) == .outOfRange)
    }

    @Test func approvalAcceptsTheEmptySetButNoRepeats() throws {
        #expect(try parse("[]", .approval).get() == .list([]))
        #expect(try parse("[3, 1]", .approval).get() == .list([3, 1]))
        #expect(rule("[1, 1]", .approval) == .duplicate)
        #expect(rule("[4]", .approval) == .outOfRange)
        #expect(rule("[1, 2, 3, 1]", .approval) == .tooLarge)
        #expect(rule("{\"1\": 1}", .approval) == .wrongShape)
    }

    @Test(arguments: [VotingSystem.rankedChoice, .copeland])
    func rankingsMustBeFull(system: VotingSystem) throws {
        #expect(try parse("[2, 3, 1]", system).get() == .list([2, 3, 1]))
        #expect(rule("[2, 3]", system) == .incompleteRanking)
        #expect(rule("[]", system) == .incompleteRanking)
        #expect(rule("[2, 2, 1]", system) == .duplicate)
        #expect(rule("[1, 2, 4]", system) == .outOfRange)
    }

    @Test(arguments: [VotingSystem.weighted, .quadratic])
    func amountsFollowSnapshotsRules(system: VotingSystem) throws {
        let parsed = try parse("{\"3\": 2.50, \"1\": 0, \"2\": 1e1}", system).get()
        guard case .amounts(let entries) = parsed else { Issue.record("not amounts"); return }
        #expect(entries.map(\.index) == [1, 2, 3])
        #expect(entries.map(\.amount.description) == ["0", "10", "2.5"])
        #expect(parsed.json.serialized() == "{\"1\":0,\"2\":10,\"3\":2.5}")
        #expect(rule("{}", system) == .empty)
        #expect(rule("{\"1\": 0}", system) == .noPositiveAmount)
        #expect(rule("{\"1\": -1, \"2\": 3}", system) == .negativeAmount)
        #expect(rule("{\"4\": 1}", system) == .outOfRange)
        #expect(rule("{\"0\": 1}", system) == .badKey)
        #expect(rule("{\"01\": 1}", system) == .badKey)
        #expect(rule("{\"a\": 1}", system) == .badKey)
        #expect(rule("{\"1\": \"1\"}", system) == .badAmount)
        #expect(rule("{\"1\": 0.0000000000000000001}", system) == .badAmount)
        #expect(rule("{\"1\": 1e61}", system) == .badAmount)
        #expect(rule("[1]", system) == .wrongShape)
        #expect((try? parse("{\"1\": -0, \"2\": 1}", system).get()) != nil)
    }

    @Test func choiceAmountsAreExactAndNormalised() {
        #expect(ChoiceAmount(jsonNumber: "1.50") == ChoiceAmount(jsonNumber: "15e-1"))
        #expect(ChoiceAmount(jsonNumber: "0.000000000000000001")?.fractionDigits == 18)
        #expect(ChoiceAmount(jsonNumber: "0.0000000000000000001") == nil)
        #expect(ChoiceAmount(jsonNumber: "100e-2")?.description == "1")
        #expect(ChoiceAmount(jsonNumber: "-2") == nil)
        #expect(ChoiceAmount(jsonNumber: "-0")?.isZero == true)
    }
}
