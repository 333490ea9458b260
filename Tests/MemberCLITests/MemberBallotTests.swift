import Bot
import Ethereum
import Governance
import PlenumService
import PlenumTesting
import Testing

@Suite("Member ballots: choices, descriptors, proposal names")
struct MemberBallotTests {
    static let governor = try! Address("0x00000000000000000000000000000000000000cc")

    static func descriptor(
        kind: BotProposal.Kind = .governor, system: VotingSystem = .basic, choices: [String]? = nil
    ) throws
        -> ProposalDescriptor
    {
        var rules = ProposalRules.defaults(governor: governor)
        rules.system = system
        rules.choices = choices ?? VotingSystem.basicChoices
        let proposal = BotProposal(
            key: kind == .governor ? BotProposal.governorKey(chainId: 31337, governor: governor, proposalId: 7) : "poll:treasury:0xab",
            kind: kind, channel: "treasury", chainId: 31337, governor: governor, proposalId: kind == .governor ? "7" : "0xab",
            title: "T", description: "T", proposer: nil, clock: kind == .governor ? .blockNumber : .timestamp, snapshot: 110,
            deadline: 130, created: nil, rules: rules, governorName: kind == .governor ? "Treasury Governor" : nil,
            powerBlock: kind == .poll ? 100 : nil, createdAt: 0)
        return try ProposalDescriptor(body: BotMessages.descriptor(proposal).serialized())
    }

    @Test func theBotsDescriptorReadsBack() throws {
        let d = try Self.descriptor()
        #expect(d.kind == .governor && d.chainId == 31337 && d.proposalId == "7" && d.governorName == "Treasury Governor")
        #expect(d.key == "gov:31337:0x00000000000000000000000000000000000000cc:7" && d.governor == Self.governor)
        #expect(d.system == .basic && d.choices == ["For", "Against", "Abstain"] && d.snapshot == 110 && d.deadline == 130)
        let poll = try Self.descriptor(kind: .poll, system: .approval, choices: ["A", "B", "C"])
        #expect(poll.kind == .poll && poll.proposalId == "0xab" && poll.channel == "treasury" && poll.governorName == nil)
        #expect(throws: MemberError.self) { try ProposalDescriptor(body: #"{"plenum":"proposal","version":2}"#) }
        #expect(throws: MemberError.self) { try ProposalDescriptor(body: "hello") }
    }

    @Test func basicChoicesByWordOrNumber() throws {
        let d = try Self.descriptor()
        for (text, index) in [("for", 1), ("FOR", 1), (" Against ", 2), ("abstain", 3), ("1", 1), ("2", 2), ("3", 3)] {
            #expect(try MemberBallot.choice(text, for: d) == .single(index), "\(text)")
        }
        for bad in ["0", "4", "-1", "maybe", "1.0", "[1]", "", "1,2"] {
            #expect(throws: MemberError.self, "\(bad)") { try MemberBallot.choice(bad, for: d) }
        }
    }

    @Test func listAndAmountChoicesPerSystem() throws {
        let labels = ["Red", "Green", "Blue"]
        let ranked = try Self.descriptor(kind: .poll, system: .rankedChoice, choices: labels)
        #expect(try MemberBallot.choice("2,1,3", for: ranked) == .list([2, 1, 3]))
        #expect(try MemberBallot.choice("[3, 2, 1]", for: ranked) == .list([3, 2, 1]))
        #expect(throws: MemberError.self) { try MemberBallot.choice("1,2", for: ranked) }  // incomplete ranking
        #expect(throws: MemberError.self) { try MemberBallot.choice("1,1,2", for: ranked) }
        let approval = try Self.descriptor(kind: .poll, system: .approval, choices: labels)
        #expect(try MemberBallot.choice("1, 3", for: approval) == .list([1, 3]))
        #expect(try MemberBallot.choice("2", for: approval) == .list([2]))
        #expect(try MemberBallot.choice("[]", for: approval) == .list([]))
        #expect(throws: MemberError.self) { try MemberBallot.choice("1,4", for: approval) }
        let single = try Self.descriptor(kind: .poll, system: .singleChoice, choices: labels)
        #expect(try MemberBallot.choice("green", for: single) == .single(2))
        #expect(try MemberBallot.choice("3", for: single) == .single(3))
        let weighted = try Self.descriptor(kind: .poll, system: .weighted, choices: labels)
        let amounts = try MemberBallot.choice(#"{"1": 1, "3": 2.5}"#, for: weighted)
        #expect(amounts.json.serialized() == #"{"1":1,"3":2.5}"#)
        #expect(MemberBallot.describe(amounts, system: .weighted, choices: labels) == "Red: 1, Blue: 2.5")
        #expect(throws: MemberError.self) { try MemberBallot.choice(#"{"1": 0}"#, for: weighted) }
        #expect(throws: MemberError.self) { try MemberBallot.choice("1", for: weighted) }
        #expect(MemberBallot.describe(.list([2, 1, 3]), system: .rankedChoice, choices: labels) == "Green > Red > Blue")
        #expect(MemberBallot.describe(.list([]), system: .approval, choices: labels) == "(none)")
    }

    @Test func governorBallotIsTheOneWalletsSign() throws {
        let d = try Self.descriptor()
        let key = PrivateKey.generate()
        for (choice, support) in [(1, 1), (2, 0), (3, 2)] {
            let typed = try MemberBallot.governorBallot(d, choice: .single(choice), voter: key.address, nonce: UInt256(5), reason: nil)
            let signed = try MemberBallot.sign(typed, with: key)
            let reference = try BallotFactory.governorBallot(
                signer: key, governorName: "Treasury Governor", chainId: 31337, governor: Self.governor, proposalId: "7", support: support,
                nonce: 5)
            let envelope = try BallotEnvelope.parse(Array(reference.utf8))
            #expect(signed.id == envelope.id, "choice \(choice) must be support \(support)")
        }
        let extended = try MemberBallot.governorBallot(d, choice: .single(1), voter: key.address, nonce: .zero, reason: "why not")
        let parsed = try BallotEnvelope.parse(Array(try MemberBallot.sign(extended, with: key).body.utf8))
        guard case .governor(let ballot) = parsed.body else { throw TestFailure("not a governor ballot") }
        #expect(ballot.form == .extendedBallot && ballot.reason == "why not" && ballot.params == [])
        let polls = try Self.descriptor(kind: .poll, system: .approval, choices: ["A", "B"])
        #expect(throws: MemberError.self) {
            try MemberBallot.governorBallot(polls, choice: .single(1), voter: key.address, nonce: .zero, reason: nil)
        }
    }

    @Test func snapshotVotesUseTheCurrentLayoutForEachChoiceType() throws {
        let key = PrivateKey.generate()
        let cases: [(VotingSystem, String, SnapshotVoteVariant.ChoiceType)] = [
            (.singleChoice, "2", .uint32), (.approval, "1,2", .uint32Array), (.rankedChoice, "2,1", .uint32Array),
            (.quadratic, #"{"2": 3}"#, .string),
        ]
        for (system, text, type) in cases {
            let d = try Self.descriptor(kind: .poll, system: system, choices: ["A", "B"])
            let choice = try MemberBallot.choice(text, for: d)
            let typed = MemberBallot.snapshotVote(d, choice: choice, voter: key.address, timestamp: 1_767_225_600, reason: nil)
            let envelope = try BallotEnvelope.parse(Array(try MemberBallot.sign(typed, with: key).body.utf8))
            guard case .snapshot(let vote) = envelope.body else { throw TestFailure("not a Snapshot vote") }
            #expect(vote.variant == SnapshotVoteVariant.current(choice: type), "\(system)")
            #expect(vote.space == "treasury" && vote.proposal.matches("0xab") && vote.app == "plenum" && vote.from == key.address)
            #expect(try BallotChoice.parse(vote.choice ?? .null, system: system, choiceCount: 2) == choice)
        }
    }

    @Test func proposalsAreNamedByIdOrKey() throws {
        let key = "gov:31337:0x00000000000000000000000000000000000000cc:255"
        #expect(try ProposalReference("255").matches(groupKey: key))
        #expect(try ProposalReference("0xff").matches(groupKey: key))
        #expect(try ProposalReference("0x00FF").matches(groupKey: key))
        #expect(try !ProposalReference("256").matches(groupKey: key))
        #expect(try ProposalReference("gov:31337:0x00000000000000000000000000000000000000CC:0xff").matches(groupKey: key))
        #expect(try !ProposalReference("gov:1:0x00000000000000000000000000000000000000cc:255").matches(groupKey: key))
        let pollID = "0x" + String(repeating: "ab", count: 32)
        let poll = "poll:treasury:\(pollID)"
        #expect(try ProposalReference(pollID.uppercased().replacingOccurrences(of: "0X", with: "0x")).matches(groupKey: poll))
        #expect(try ProposalReference(poll).matches(groupKey: poll))
        #expect(try !ProposalReference("255").matches(groupKey: poll))
        #expect(throws: MemberError.self) { try ProposalReference("") }
        #expect(throws: MemberError.self) { try ProposalReference("proposal:7") }
    }
}
