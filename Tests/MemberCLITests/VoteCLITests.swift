import Bot
import Chat
import Ethereum
import Foundation
import Governance
import PlenumService
import PlenumTesting
import Testing

@Suite("plenum vote against a live hub and the real bot", .serialized)
struct VoteCLITests {
    let alice = PrivateKey.generate(), bob = PrivateKey.generate(), carol = PrivateKey.generate()

    /// The ballots `voter` posted in a group, in order, with their chat bodies.
    static func ballots(_ w: MemberWorld, _ group: GroupID, by voter: Address) async throws -> [(BallotEnvelope, JSON)] {
        try await w.messages(group).filter { $0.sender == voter }.map {
            (try BallotEnvelope.parse(Array($0.body.utf8)), try JSONParser.parse($0.body))
        }
    }

    /// Checks each ballot body with eth-account: the signature recovers to the voter, and signing the same
    /// typed data with the voter's key gives the same digest and signature.
    static func crossCheck(_ bodies: [JSON], key: PrivateKey) throws {
        var recover: [JSON] = []
        var sign: [JSON] = []
        for body in bodies {
            var typed = body.objectValue!
            let signature = typed["signature"]!
            typed["signature"] = nil
            recover.append(["typedData": .object(typed), "signature": signature, "address": .string(key.address.checksummed)])
            sign.append(["typedData": .object(typed), "key": .string(Hex.encode(key.rawBytes))])
        }
        let recovered = try #require(try PythonOracle.run("recover-check", input: .array(recover)).arrayValue)
        #expect(recovered.count == bodies.count && recovered.allSatisfy { $0["ok"] == .bool(true) }, "\(recovered.map { $0.serialized() })")
        let signed = try #require(try PythonOracle.run("typed-sign", input: .array(sign)).arrayValue)
        for (body, oracle) in zip(bodies, signed) {
            let typed = try TypedData(json: body)
            #expect(oracle["digest"]?.stringValue == (try typed.digest()).description)
            #expect(oracle["signature"]?.stringValue == body["signature"]?.stringValue, "eth-account signs byte for byte the same")
        }
    }

    @Test func governorVotesAreCountedAndChangingBackNeverRepeatsADigest() async throws {
        let alice = self.alice
        try await MemberWorld.run { w in
            w.chain.setPower([alice.address: 1000])
            let group = try await w.propose(UInt256(7))
            let key = try w.keyFile(alice, name: "alice.key")
            let steps: [([String], String)] = [
                (["--proposal", "7", "--choice", "for"], "counted: choice For, weight 1000, receipt seq "),
                (["--proposal", "0x07", "--choice", "against"], "counted: choice Against, weight 1000"),
                (["--proposal", group.key, "--choice", "1"], "counted: choice For, weight 1000"),  // back to For
            ]
            // The bot orders a voter's governor ballots by the second the hub received them (they carry no
            // time of their own; docs/voting.md), so each change is made a second later by the hub's clock.
            var later: Int64 = 0
            for (arguments, expected) in steps {
                let run = try await w.plenum(["vote", "--key", key] + arguments)
                later += 1000
                w.hubClock.shift(by: later)
                #expect(run.status == 0, "\(arguments): \(run.stderrText)")
                #expect(run.stdoutText.hasPrefix(expected), "\(run.stdoutText)")
            }
            let extended = try await w.plenum([
                "vote", "--proposal", "7", "--choice", "abstain", "--reason", "needs review", "--key", key, "--json",
            ])
            #expect(extended.status == 0, "\(extended.stderrText)")
            let receipt = try Receipt(signedDocument: try JSONParser.parse(extended.stdoutText), signer: w.botKey.address)
            #expect(
                receipt.status == "counted" && receipt.choice == "3" && receipt.weight == UInt256(1000) && receipt.proposal == group.key)

            let ballots = try await Self.ballots(w, group.id, by: alice.address)
            #expect(ballots.count == 4)
            #expect(Set(ballots.map(\.0.id)).count == 4, "four distinct digests although the first and third say the same")
            var nonces: [UInt256] = []
            var supports: [UInt8] = []
            for (envelope, _) in ballots {
                guard case .governor(let ballot) = envelope.body else { throw TestFailure("not a governor ballot") }
                nonces.append(ballot.nonce ?? UInt256(999))
                supports.append(ballot.support)
                #expect(ballot.voter == alice.address && ballot.proposalId == UInt256(7))
            }
            #expect(nonces == [0, 1, 2, 3].map { UInt256(UInt64($0)) } && supports == [1, 0, 1, 2])
            #expect(ballots.map(\.0.kind) == ["oz-ballot", "oz-ballot", "oz-ballot", "oz-extended-ballot"])
            #expect(receipt.ballot == ballots[3].0.id)
            // The bot counted each one; the last one stands.
            let votes = try await w.store.votes(group.key)
            #expect(votes.filter { $0.status == .accepted }.count == 4)
            try Self.crossCheck(ballots.map(\.1), key: alice)
        }
    }

    @Test func pollVotesForRankedChoiceApprovalAndWeighted() async throws {
        let alice = self.alice
        try await MemberWorld.run { w in
            w.chain.setPower([alice.address: 250])
            let key = try w.keyFile(alice, name: "alice.key")
            let ranked = try await w.poll("Pick a colour", system: .rankedChoice, choices: ["Red", "Green", "Blue"])
            for (choice, words) in [("2,1,3", "Green > Red > Blue"), ("[1,2,3]", "Red > Green > Blue"), ("2,1,3", "Green > Red > Blue")] {
                let run = try await w.plenum(["vote", "--proposal", ranked.key, "--choice", choice, "--key", key])
                #expect(run.status == 0, "\(run.stderrText)")
                #expect(run.stdoutText.hasPrefix("counted: choice \(words), weight 250"), "\(run.stdoutText)")
            }
            let rankedBallots = try await Self.ballots(w, ranked.id, by: alice.address)
            let stamps = rankedBallots.compactMap(\.0.signedTimestamp)
            #expect(stamps.count == 3 && stamps[0] < stamps[1] && stamps[1] < stamps[2], "each vote is later than the last: \(stamps)")
            #expect(Set(rankedBallots.map(\.0.id)).count == 3)

            let approval = try await w.poll("Which grants", system: .approval, choices: ["Docs", "Tooling", "Events"])
            let pollID = String(approval.key.split(separator: ":").last!)
            let approved = try await w.plenum(["vote", "--proposal", pollID, "--choice", "1,3", "--reason", "both matter", "--key", key])
            #expect(
                approved.status == 0 && approved.stdoutText.hasPrefix("counted: choice Docs, Events, weight 250"), "\(approved.stderrText)")
            let none = try await w.plenum(["vote", "--proposal", approval.key, "--choice", "[]", "--key", key, "--json"])
            #expect(none.status == 0, "\(none.stderrText)")
            #expect(try Receipt(signedDocument: try JSONParser.parse(none.stdoutText), signer: w.botKey.address).choice == "[]")

            let weighted = try await w.poll("Split the budget", system: .weighted, choices: ["A", "B"])
            let split = try await w.plenum(["vote", "--proposal", weighted.key, "--choice", #"{"1": 1, "2": 3}"#, "--key", key])
            #expect(
                split.status == 0 && split.stdoutText.hasPrefix("counted: choice A: 1, B: 3, weight 250"),
                "\(split.stdoutText)\(split.stderrText)")

            var bodies = rankedBallots.map(\.1)
            bodies += try await Self.ballots(w, approval.id, by: alice.address).map(\.1)
            bodies += try await Self.ballots(w, weighted.id, by: alice.address).map(\.1)
            #expect(bodies.count == 6)
            try Self.crossCheck(bodies, key: alice)
        }
    }

    @Test func unusableInputExitsTwoAndPostsNothing() async throws {
        let alice = self.alice
        try await MemberWorld.run { w in
            w.chain.setPower([alice.address: 10])
            let group = try await w.propose(UInt256(7))
            let ranked = try await w.poll("Rank", system: .rankedChoice, choices: ["A", "B", "C"])
            let key = try w.keyFile(alice, name: "alice.key")
            let before = try await w.messages(group.id).count
            let cases: [([String], String)] = [
                (["--proposal", "7", "--choice", "maybe"], "not a choice"),
                (["--proposal", "7", "--choice", "4"], "out-of-range"),
                (["--proposal", "7", "--choice", "0"], "out-of-range"),
                (["--proposal", ranked.key, "--choice", "1,2"], "incomplete-ranking"),
                (["--proposal", "8", "--choice", "for"], "no group"),
                (["--proposal", "7", "--choice", "for", "--timeout", "soon"], "--timeout"),
                (["--proposal", "7", "--choice", "for", "--reason", String(repeating: "x", count: 5001)], "--reason"),
                (["--proposal", "7", "--choice", "for", "--bot", "0x1234"], "--bot"),
            ]
            for (arguments, expected) in cases {
                let run = try await w.plenum(["vote", "--key", key] + arguments)
                #expect(run.status == 2, "\(arguments): \(run.status) \(run.stderrText)")
                #expect(run.stderrText.contains(expected), "\(arguments): \(run.stderrText)")
            }
            let missingKey = try await w.plenum(["vote", "--proposal", "7", "--choice", "for", "--key", w.dir.file("nope.key")])
            #expect(missingKey.status == 2)
            let unreachable = try await ChildProcess.run(
                PlenumBinary.path, ["vote", "--proposal", "7", "--choice", "for", "--key", key, "--hub", "http://127.0.0.1:1"])
            #expect(unreachable.status == 2 && unreachable.stderrText.contains("cannot reach"), "\(unreachable.stderrText)")
            #expect(try await w.messages(group.id).count == before, "nothing was posted")
            #expect(try await w.messages(ranked.id).count == 2, "nothing was posted")
        }
    }

    @Test func refusedBallotsExitOne() async throws {
        let alice = self.alice, carol = self.carol
        try await MemberWorld.run { w in
            w.chain.setPower([alice.address: 10])
            let key = try w.keyFile(carol, name: "carol.key")
            // Anyone may post in the open governor's groups: the bot's receipt rejects the ballot.
            _ = try await w.propose(UInt256(8), governor: MemberWorld.open)
            let rejected = try await w.plenum(["vote", "--proposal", "8", "--choice", "for", "--key", key])
            #expect(rejected.status == 1, "\(rejected.stderrText)")
            #expect(rejected.stdoutText.hasPrefix("rejected: no-voting-power — "), "\(rejected.stdoutText)")
            let json = try await w.plenum(["vote", "--proposal", "8", "--choice", "against", "--key", key, "--json"])
            #expect(json.status == 1)
            let document = try JSONParser.parse(json.stdoutText)
            #expect(try Receipt(signedDocument: document, signer: w.botKey.address).reason == "no-voting-power")
            #expect(document["detail"]?.stringValue?.isEmpty == false)
            // The treasury's groups take posts only from members with voting power: the hub refuses.
            _ = try await w.propose(UInt256(9))
            let refused = try await w.plenum(["vote", "--proposal", "9", "--choice", "for", "--key", key])
            #expect(refused.status == 1 && refused.stderrText.contains("not-a-member"), "\(refused.stderrText)")
        }
    }

    @Test func withoutAReceiptTheVoteTimesOutAndAForgedReceiptIsRefused() async throws {
        let alice = self.alice
        try await MemberWorld.run(runBot: false) { w in
            // No bot runs: the test posts the descriptor as the bot would, and later a receipt of its own.
            let key = try w.keyFile(alice, name: "alice.key")
            var rules = ProposalRules.defaults(governor: MemberWorld.open)
            rules.gating = .anyone
            let proposal = BotProposal(
                key: BotProposal.governorKey(chainId: MemberWorld.chainId, governor: MemberWorld.open, proposalId: UInt256(11)),
                kind: .governor, channel: "open", chainId: MemberWorld.chainId, governor: MemberWorld.open, proposalId: "11",
                title: "Eleven",
                description: "Eleven", proposer: nil, clock: .blockNumber, snapshot: 110, deadline: 130, created: nil, rules: rules,
                governorName: "Open Governor", createdAt: 0)
            let group = try await w.hub.createGroup(GroupSpec(key: proposal.key, title: "Eleven", topic: "", gating: .anyone))
            _ = try await w.hub.post(BotMessages.descriptor(proposal).serialized(), to: group.id, signedBy: w.botKey, idempotencyKey: "d")

            let posted = try await w.plenum(["vote", "--proposal", "11", "--choice", "for", "--key", key, "--no-wait"])
            #expect(posted.status == 0 && posted.stdoutText.hasPrefix("posted: choice For, ballot 0x"), "\(posted.stderrText)")
            let timedOut = try await w.plenum(["vote", "--proposal", "11", "--choice", "against", "--key", key, "--timeout", "1s"])
            #expect(timedOut.status == 1 && timedOut.stderrText.contains("no receipt from the bot within"), "\(timedOut.stderrText)")

            // A waiting vote, answered by a receipt the bot's key signed over the wrong log hash.
            let waiting = try ChildProcess(
                PlenumBinary.path,
                ["vote", "--proposal", "11", "--choice", "abstain", "--key", key, "--hub", w.url, "--timeout", TestTiming.flag(60)])
            #expect(await waiting.waitForOutput("waiting for the bot's receipt", on: .stderr))
            let ballot = try #require(try await w.messages(group.id).last)
            let envelope = try BallotEnvelope.parse(Array(ballot.body.utf8))
            let forged = Receipt(
                proposal: proposal.key, ballot: envelope.id, group: group.id.rawValue, sequence: ballot.seq, logHead: Keccak256.hash("x"),
                status: "counted", reason: "", choice: "3", weight: UInt256(1), chainId: MemberWorld.chainId)
            _ = try await w.hub.post(try forged.signed(with: w.botKey).serialized(), to: group.id, signedBy: w.botKey, idempotencyKey: "r1")
            let refused = await waiting.result()
            #expect(refused.status == 1 && refused.stderrText.contains("names log hash"), "\(refused.stderrText)")

            // And a waiting vote answered with a correct receipt is counted; a receipt from another key is ignored.
            let second = try ChildProcess(
                PlenumBinary.path,
                ["vote", "--proposal", "11", "--choice", "for", "--key", key, "--hub", w.url, "--timeout", TestTiming.flag(60)])
            #expect(await second.waitForOutput("waiting for the bot's receipt", on: .stderr))
            let ballot2 = try #require(try await w.messages(group.id).last)
            let id2 = try BallotEnvelope.parse(Array(ballot2.body.utf8)).id
            let mallory = PrivateKey.generate()
            for (signer, weight) in [(mallory, 999), (w.botKey, 42)] {
                let receipt = Receipt(
                    proposal: proposal.key, ballot: id2, group: group.id.rawValue, sequence: ballot2.seq, logHead: ballot2.hash,
                    status: "counted", reason: "", choice: "1", weight: UInt256(UInt64(weight)), chainId: MemberWorld.chainId)
                _ = try await w.hub.post(
                    try receipt.signed(with: signer).serialized(), to: group.id, signedBy: signer, idempotencyKey: "r\(weight)")
            }
            let counted = await second.result()
            #expect(
                counted.status == 0 && counted.stdoutText.hasPrefix("counted: choice For, weight 42"),
                "\(counted.stdoutText)\(counted.stderrText)")

            // Once the group has closed, nothing is signed or posted.
            _ = try await w.hub.close(group.id, notice: "closed", signedBy: w.botKey, idempotencyKey: "close")
            let count = try await w.messages(group.id).count
            let late = try await w.plenum(["vote", "--proposal", "11", "--choice", "for", "--key", key])
            #expect(late.status == 1 && late.stderrText.contains("has closed"), "\(late.stderrText)")
            #expect(try await w.messages(group.id).count == count)
        }
    }
}
