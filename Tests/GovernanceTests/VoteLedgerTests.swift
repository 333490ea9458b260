import Ethereum
import Governance
import Testing

/// Vote changes: last vote wins, first vote is final; independent of arrival order.
@Suite("Vote changes")
struct VoteLedgerTests {
    static let alice = try! Address("0x" + String(repeating: "a1", count: 20))
    static let bob = try! Address("0x" + String(repeating: "b2", count: 20))

    static func vote(_ voter: Address, _ choice: Int, time: UInt64, id: UInt8) -> AcceptedVote {
        AcceptedVote(
            id: try! Hash32(bytes: [UInt8](repeating: id, count: 32)), voter: voter, kind: "snapshot-vote", choice: .number(String(choice)),
            weight: 10, time: time, signature: .ecdsa)
    }

    static let votes = [
        vote(alice, 1, time: 100, id: 1), vote(alice, 2, time: 300, id: 2), vote(alice, 3, time: 300, id: 3),
        vote(alice, 1, time: 200, id: 4), vote(bob, 2, time: 150, id: 5), vote(bob, 3, time: 150, id: 6),
    ]

    func ledger(_ rule: VoteChangeRule, _ votes: [AcceptedVote]) -> VoteLedger {
        var ledger = VoteLedger(rule: rule)
        for v in votes { ledger.record(v) }
        return ledger
    }

    @Test func lastVoteWinsWithTheLargerIdOnEqualTimes() {
        let ledger = ledger(.lastVoteWins, Self.votes)
        #expect(ledger.effective.map(\.choice) == [3, 3])  // alice: time 300, id 3 > id 2; bob: id 6
        #expect(ledger.superseded.count == 4 && ledger.superseded.allSatisfy { $0.reason == .superseded })
    }

    @Test func firstVoteIsFinalWithTheSmallerIdOnEqualTimes() {
        let ledger = ledger(.firstVoteIsFinal, Self.votes)
        #expect(ledger.effective.map(\.choice) == [1, 2])  // alice: time 100; bob: id 5
        #expect(ledger.superseded.allSatisfy { $0.reason == .alreadyVoted })
    }

    @Test(arguments: VoteChangeRule.allCases)
    func arrivalOrderDoesNotMatter(rule: VoteChangeRule) {
        let reference = ledger(rule, Self.votes)
        var rng = SeededRandom(seed: 7)
        for _ in 0..<50 {
            let shuffled = ledger(rule, Self.votes.shuffled(using: &rng))
            #expect(shuffled.effective == reference.effective)
            #expect(shuffled.superseded == reference.superseded)
        }
    }

    @Test func recordingReportsWhatHappened() {
        var ledger = VoteLedger(rule: .lastVoteWins)
        #expect(ledger.record(Self.votes[0]) == .counted)
        guard case .replaced(let old) = ledger.record(Self.votes[1]) else { Issue.record("not replaced"); return }
        #expect(old.id == Self.votes[0].id && old.reason == .superseded)
        guard case .refused = ledger.record(Self.votes[3]) else { Issue.record("not refused"); return }
        guard case .duplicate = ledger.record(Self.votes[1]) else { Issue.record("not a duplicate"); return }
        guard case .duplicate = ledger.record(Self.votes[0]) else { Issue.record("not a duplicate"); return }
        #expect(ledger.tallyBallots.count == 1)
    }
}
