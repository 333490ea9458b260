import BigInt
import Ethereum
import Governance
import PlenumTesting
import Testing

/// The signed result: its EIP-712 type, its digest over everything, signing and reading back.
@Suite("Tally results")
struct TallyResultTests {
    typealias F = EnvelopeFactory
    static let bot = F.key(99)

    /// From signed ballots to a signed result: validation, vote changes, tally, attestation.
    static func pipeline() async throws -> (TallyResult, [AcceptedVote]) {
        let proposal = F.snapshotContext(.weighted)
        let validator = VoteValidator(proposal: proposal)
        let keys = (1...6).map { F.key(UInt8($0)) }
        var power: [Address: UInt256] = [:]
        for (i, key) in keys.enumerated() where i < 5 { power[key.address] = UInt256(UInt64(i + 1) * 1_000_000_000_000_000_000) }
        var bodies: [[UInt8]] = []
        for (i, key) in keys.enumerated() {
            let choice = "{\"\(i % 3 + 1)\":\(i + 1),\"\((i + 1) % 3 + 1)\":1}"
            bodies.append(
                F.signed(
                    F.snapshotVote(voter: key.address, choice: .string(choice), choiceType: .string, timestamp: F.timestamp - 100), by: key)
            )
        }
        // Voter 1 changes their mind later; voter 6 has no power; one ballot is for another space.
        bodies.append(F.signed(F.snapshotVote(voter: keys[0].address, choice: "{\"3\":1}", choiceType: .string), by: keys[0]))
        bodies.append(
            F.signed(F.snapshotVote(voter: keys[1].address, choice: "{\"3\":1}", choiceType: .string, space: "x.eth"), by: keys[1]))
        var ledger = VoteLedger(rule: .lastVoteWins)
        var rejected: [VoteRejection] = []
        var context = F.openSnapshot
        for body in bodies {
            switch try await validator.validate(body, context: context, signatures: NoContractSignatures(), power: FixedVotingPower(power))
            {
            case .success(let vote):
                context.seenIDs.insert(vote.id)
                ledger.record(vote)
            case .failure(let rejection): rejected.append(rejection)
            }
        }
        let ballots = ledger.tallyBallots
        let report = Tally.run(proposal.rules, ballots: ballots)
        let result = TallyResult(
            proposal: F.pollId, report: report, ballots: ballots, rejected: rejected + ledger.superseded, logHead: Keccak256.hash("head"),
            chainId: F.chainId)
        return (result, ledger.effective)
    }

    @Test func theTypeIsDocumented() {
        #expect(
            TallyResult.typeString
                == "TallyResult(string proposal,string system,string[] choices,uint256[] scores,uint8 scoreDecimals,uint256 validWeight,"
                + "uint256 invalidWeight,uint32 validVotes,uint32 invalidVotes,uint32 voters,uint256 quorum,uint256 quorumVotes,string outcome,"
                + "uint32 winningChoice,bytes32 countedVotes,bytes32 rejectedVotes,bytes32 logHead)")
    }

    @Test func fromBallotsToASignedResult() async throws {
        let (result, effective) = try await Self.pipeline()
        #expect(result.validVotes == 5 && result.counted == effective.map(\.id).sorted())
        #expect(result.rejected.map(\.reason).sorted { $0.rawValue < $1.rawValue } == [.noVotingPower, .superseded, .wrongSpace])
        #expect(result.scores.reduce(BigUInt(0)) { $0 + $1.units } <= result.validWeight * FixedPoint.scale)
        let signature = try result.sign(with: Self.bot)
        try result.verify(signature: signature, signer: Self.bot.address)
        #expect(throws: TallyResultError.self) { try result.verify(signature: signature, signer: F.key(1).address) }
        let data = try result.typedData()
        #expect(try data.encodeType("TallyResult") == TallyResult.typeString)
        #expect(try data.recoverSigner(signature: signature) == Self.bot.address)
    }

    @Test func jsonRoundTripsAndTheDigestCoversEveryField() async throws {
        let (result, _) = try await Self.pipeline()
        let json = try result.json()
        let read = try TallyResult(json: json)
        #expect(read == result)
        #expect(try read.digest() == result.digest())
        // Change any member: the stated digest no longer matches.
        let object = json.objectValue!
        var changed = 0
        for (key, value) in object where key != "digest" {
            var copy = object
            switch value {
            case .string(let s) where s.hasPrefix("0x"): copy[key] = .string(String(s.dropLast()) + (s.hasSuffix("0") ? "1" : "0"))
            case .string(let s) where s.allSatisfy(\.isNumber): copy[key] = .string(s + "1")
            case .string(let s) where key == "outcome": copy[key] = .string(s == "tie" ? "passed" : "tie")
            case .string(let s): copy[key] = .string(s + "x")
            case .number(let n): copy[key] = .number(n == "0" ? "1" : String(Int(n)! - 1))
            case .null: copy[key] = key == "quorum" ? "1" : "2"
            case .array(let items) where key == "scores":
                copy[key] = .array([.string(Self.bump(items[0].stringValue!))] + items.dropFirst())
            case .array(let items) where key == "rejectedVotes":
                copy[key] = .array(
                    items.map { item in
                        var o = item.objectValue!
                        o["reason"] = o["reason"] == "superseded" ? "duplicate" : o["reason"]
                        return .object(o)
                    })
            case .array(let items): copy[key] = .array(Array(items.dropLast()))
            default: continue
            }
            if key == "system" { continue }  // an unknown system is rejected before the digest
            changed += 1
            #expect(throws: TallyResultError.self, "\(key)") { try TallyResult(json: .object(copy)) }
        }
        #expect(changed == 17)  // every member but system
    }

    static func bump(_ decimal: String) -> String {
        var chars = Array(decimal)
        chars[chars.count - 1] = chars.last == "9" ? "8" : Character(String(Int(String(chars.last!))! + 1))
        return String(chars)
    }

    @Test func ethAccountSignsTheSameDigest() async throws {
        let (result, _) = try await Self.pipeline()
        var inputs: [JSON] = []
        let keys = (1...5).map { F.key(UInt8(40 + $0)) }
        for key in keys { inputs.append(["typedData": try result.typedDataJSON(), "key": .string(Hex.encode(key.rawBytes))]) }
        let outputs = try #require(try PythonOracle.run("typed-sign", input: .array(inputs)).arrayValue)
        #expect(outputs.count == 5)
        for (key, out) in zip(keys, outputs) {
            #expect(out["digest"]?.stringValue == (try result.digest()).description)
            let theirs = try Signature(hex: out["signature"]!.stringValue!)
            #expect(theirs == (try result.sign(with: key)))
            try result.verify(signature: theirs, signer: key.address)
        }
    }

    @Test func valuesThatDoNotFitAreRefused() throws {
        let huge = FixedPoint(units: BigUInt(1) << 300, decimals: 18)
        let result = TallyResult(
            proposal: "1", system: .weighted, choices: ["A"], scores: [huge], validWeight: 1, invalidWeight: 0, validVotes: 1,
            invalidVotes: 0,
            voters: 1, quorum: nil, quorumVotes: 1, outcome: .passed, winningChoice: 1, counted: [], rejected: [])
        #expect(throws: TallyResultError.self) { try result.digest() }
    }
}
