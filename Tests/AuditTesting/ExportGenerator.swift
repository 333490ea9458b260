import Audit
import Bot
import Chat
import Ethereum
import Foundation
import Governance
import PlenumTesting

/// Writes a synthetic but fully signed export: a governor proposal whose group holds `ballots`
/// OpenZeppelin ballots from `voters` wallets (each voter changing their vote), every ballot
/// answered by a bot receipt as the bot posts them (a batch of ballots, then their receipts), a
/// close notice, and the bot's signed result and export anchor computed with the Governance tally.
///
/// Everything is derived from `seed` (keys, choices, nonces, times) and ECDSA signatures are
/// deterministic (RFC 6979), so the same configuration writes the same bytes. Memory holds one
/// batch of messages, each voter's key and current ballot, and the ids the result's hashes cover.
/// It is what `plenum-bench export-gen` runs, and what the audit tests re-tally at a smaller size.
public enum ExportGenerator {
    public struct Configuration: Sendable {
        public var ballots: Int
        public var voters: Int
        public var seed: UInt64 = 1
        /// Parallel signing tasks.
        public var workers: Int = Retally.cores
        /// Ballots per batch (the bot's intake batch); their receipts follow them.
        public var batch = 500
        /// Every `rejectEvery`-th ballot names another proposal (rejected, `wrong-proposal`); 0 for none.
        public var rejectEvery = 97
        /// The channel's name.
        public var channel = "bench"
        /// The channel the bot's descriptor announces, when it is not `channel` (a lying bot).
        public var announcedChannel: String?

        public init(ballots: Int, voters: Int) {
            self.ballots = ballots
            self.voters = voters
        }
    }

    public struct Summary: Sendable {
        public let ballots: Int
        public let voters: Int
        public let messages: Int
        public let bytes: Int64
        public let resultDigest: Hash32
        public let bot: Address
        public let seconds: Double
    }

    static let chainId: UInt64 = 31337
    static let governor = try! Address("0x5FbDB2315678afecb367f032d93F642f64180aa3")
    static let governorName = "Plenum Bench Governor"
    static let snapshot: UInt64 = 1_000
    static let deadline: UInt64 = 51_000
    static let hub = "plenum-bench"

    public static func generate(to path: String, configuration c: Configuration) async throws -> Summary {
        let started = ContinuousClock.now
        precondition(c.voters > 0 && c.ballots >= 0)
        let bot = key(c.seed, "bot", 0)
        let keys = (0..<c.voters).map { key(c.seed, "voter", $0) }
        let addresses = keys.map(\.address)
        let proposalId = UInt256(
            Keccak256.hash(Array("plenum-bench \(c.seed)".utf8)).bytes.suffix(16).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let group = try GroupID(Keccak256.hash(Array("group \(c.seed)".utf8)).description.dropFirst(2).prefix(32).description)
        let pins = PowerPins(
            snapshotBlock: BlockRef(number: snapshot, hash: Keccak256.hash(Array("block \(snapshot)".utf8))),
            checkpointBlock: BlockRef(number: snapshot + 1, hash: Keccak256.hash(Array("block \(snapshot + 1)".utf8))))
        var rules = ProposalRules.defaults(governor: governor)
        rules.quorum = .absolute(UInt256(1_000) * UInt256(1_000_000_000_000_000_000))
        func makeProposal(in channel: String) -> BotProposal {
            var proposal = BotProposal(
                key: BotProposal.governorKey(chainId: chainId, governor: governor, proposalId: proposalId), kind: .governor,
                channel: channel,
                chainId: chainId, governor: governor, proposalId: proposalId.description, title: "Benchmark proposal",
                description: "Benchmark proposal", proposer: addresses[0], clock: .blockNumber, snapshot: snapshot, deadline: deadline,
                created: nil, rules: rules, governorName: governorName, phase: .open, createdAt: 0)
            proposal.group = group.rawValue
            proposal.pins = pins
            return proposal
        }
        var proposal = makeProposal(in: c.channel)
        func weight(_ voter: Int) -> UInt256 { UInt256(UInt64(voter % 1000 + 1)) * UInt256(1_000_000_000_000_000_000) }

        // The body goes to a side file first: the header names the log's head, known only at the end.
        let bodyPath = path + ".body"
        let body = try Output(path: bodyPath)
        var chain = Chain(group: group)
        var messages = 0
        func append(_ signed: SignedChatMessage, receivedAt: UInt64, decision: ExportDecision?) throws -> StoredMessage {
            let entry = chain.link(signed, receivedAt: receivedAt)
            try body.write(ExportFormat.messageLine(entry, decision: decision))
            messages += 1
            return entry
        }
        func botMessage(_ text: String, _ n: Int) -> SignedChatMessage {
            ChatMessage(hub: hub, group: group, sender: bot.address, body: text, timestamp: UInt64(n), nonce: nonce(c.seed, "bot", n))
                .signed(with: bot)
        }
        let announced = c.announcedChannel.map { makeProposal(in: $0) } ?? proposal
        _ = try append(botMessage(BotMessages.descriptor(announced).serialized(), 0), receivedAt: 0, decision: nil)
        _ = try append(botMessage("New proposal in bench: Benchmark proposal", 1), receivedAt: 1, decision: nil)

        var ledger = VoteLedger(rule: rules.voteChange, remembersLosers: false)
        var rejected: [TallyResult.Rejected] = []
        var seen: Set<Int> = []
        let validatorChoice: (Int) -> JSON = { .number(String(Support(rawValue: UInt8($0))!.basicChoice)) }
        var next = 0
        while next < c.ballots {
            let count = min(c.batch, c.ballots - next)
            let first = next
            // 1. Ballots signed by their voters, in parallel.
            let made = await parallel(count, workers: c.workers) { j -> MadeBallot in
                let n = first + j
                let voter = Int(mix(c.seed, UInt64(n)) % UInt64(c.voters))
                let support = Int(mix(c.seed &+ 1, UInt64(n)) % 3)
                let wrong = c.rejectEvery > 0 && n % c.rejectEvery == c.rejectEvery - 1
                let (text, id) = governorBallot(
                    signer: keys[voter], proposalId: wrong ? proposalId + 1 : proposalId, support: support, nonce: n)
                let message = ChatMessage(
                    hub: hub, group: group, sender: addresses[voter], body: text, timestamp: UInt64(1_000_000 + n),
                    nonce: nonce(c.seed, "ballot", n))
                return MadeBallot(voter: voter, support: support, wrong: wrong, id: id, signed: message.signed(with: keys[voter]))
            }
            // 2. Linked into the log and decided in order, as the bot does.
            var receipts: [Receipt] = []
            for (j, b) in made.enumerated() {
                let n = first + j
                let clock = IntakeClock(
                    blockNumber: snapshot + 1 + UInt64(n) * (deadline - snapshot - 1) / UInt64(max(c.ballots, 1)), timestamp: 0)
                let seq = chain.head.seq + 1
                let decision: ExportDecision
                if b.wrong {
                    decision = ExportDecision(
                        .failure(
                            VoteRejection(
                                .wrongProposal, "proposalId \(proposalId + 1) is not proposal \(proposalId)", id: b.id,
                                voter: addresses[b.voter])),
                        clock: clock)
                    rejected.append(.init(id: b.id, reason: .wrongProposal))
                } else {
                    let vote = AcceptedVote(
                        id: b.id, voter: addresses[b.voter], kind: "oz-ballot", choice: validatorChoice(b.support), weight: weight(b.voter),
                        time: seq,
                        signature: .ecdsa)
                    switch ledger.record(vote) {
                    case .counted: break
                    case .replaced(let loser): rejected.append(.init(id: loser.id!, reason: loser.reason))
                    case .refused, .duplicate: fatalError("a generated ballot lost on arrival")
                    }
                    decision = ExportDecision(.success(vote), clock: clock)
                    seen.insert(b.voter)
                }
                let entry = try append(b.signed, receivedAt: UInt64(1_000_000 + n), decision: decision)
                receipts.append(
                    Receipt(
                        proposal: proposal.key, ballot: b.id, group: group.rawValue, sequence: entry.seq, logHead: entry.hash,
                        status: b.wrong ? "rejected" : "counted", reason: b.wrong ? "wrong-proposal" : "",
                        choice: b.wrong ? "" : validatorChoice(b.support).serialized(), weight: b.wrong ? .zero : weight(b.voter),
                        chainId: chainId))
            }
            // 3. The batch's receipts, signed by the bot in parallel, then linked.
            let toSign = receipts
            let signedReceipts = await parallel(toSign.count, workers: c.workers) { j -> SignedChatMessage in
                let text = (try? toSign[j].signed(with: bot).serialized()) ?? ""
                return ChatMessage(
                    hub: hub, group: group, sender: bot.address, body: text, timestamp: UInt64(2_000_000 + first + j),
                    nonce: nonce(c.seed, "receipt", first + j)
                ).signed(with: bot)
            }
            for (j, r) in signedReceipts.enumerated() { _ = try append(r, receivedAt: UInt64(2_000_000 + first + j), decision: nil) }
            next += count
        }
        // The close notice, the tally, and the result posted after it.
        let close = try append(botMessage("Voting is closed.", 2), receivedAt: 3_000_000, decision: nil)
        proposal.closeSeq = close.seq
        proposal.processedSeq = close.seq
        let ballots = ledger.tallyBallots
        let report = Tally.run(try rules.tallyRules(quorum: UInt256(1_000) * UInt256(1_000_000_000_000_000_000)), ballots: ballots)
        let base = TallyResult(
            proposal: proposal.key, report: report, ballots: ballots, logHead: close.hash, chainId: UInt256(chainId))
        let result = TallyResult(
            proposal: base.proposal, system: base.system, choices: base.choices, scores: base.scores, validWeight: base.validWeight,
            invalidWeight: base.invalidWeight, validVotes: base.validVotes, invalidVotes: base.invalidVotes, voters: base.voters,
            quorum: base.quorum, quorumVotes: base.quorumVotes, outcome: base.outcome, winningChoice: base.winningChoice,
            counted: base.counted, rejected: base.rejected + rejected, logHead: base.logHead, chainId: base.chainId)
        rejected = []
        let signature = try result.sign(with: bot)
        var document = try result.typedDataJSON().objectValue!
        document["signature"] = .string(signature.description)
        _ = try append(botMessage(JSON.object(document).serialized(), 3), receivedAt: 3_000_001, decision: nil)
        try body.close()

        let header = ExportHeader(
            tallying: proposal, bot: bot.address,
            quorum: .init(amount: UInt256(1_000) * UInt256(1_000_000_000_000_000_000), readValue: nil, readBlock: nil),
            logHead: (close.seq, close.hash))
        let anchor = try ExportAnchor.sign(header: header, result: result, key: bot)
        let out = try Output(path: path)
        try out.write(ExportFormat.headerLine(text: anchor.header, signature: anchor.signature))
        let reader = header.powerReader(chain: NoChain())!
        for voter in seen.sorted(by: { addresses[$0].lowercased < addresses[$1].lowercased }) {
            let block = pins.checkpointBlock
            let record = VotingPowerRecord(
                voter: addresses[voter], total: weight(voter),
                components: [.init(path: "strategy", strategy: "governor-votes", value: weight(voter), block: block)])
            try out.write(ExportFormat.powerLine(record, calls: reader.calls(for: addresses[voter])))
        }
        try out.append(contentsOf: bodyPath)
        try out.write(ExportFormat.resultLine(typedData: anchor.resultTypedData, signature: signature))
        try out.close()
        try? FileManager.default.removeItem(atPath: bodyPath)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
        let elapsed = ContinuousClock.now - started
        return Summary(
            ballots: c.ballots, voters: seen.count, messages: messages, bytes: bytes ?? 0, resultDigest: try result.digest(),
            bot: bot.address,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    struct MadeBallot: Sendable {
        let voter: Int
        let support: Int
        let wrong: Bool
        let id: Hash32
        let signed: SignedChatMessage
    }

    /// The hash-linked log as the hub builds it.
    struct Chain {
        let group: GroupID
        var head = ChainHead.empty

        mutating func link(_ signed: SignedChatMessage, receivedAt: UInt64) -> StoredMessage {
            let m = signed.message
            let entry = StoredMessage(
                position: 0, hub: m.hub, group: group, seq: head.seq + 1, prevHash: head.hash, id: m.digest, sender: m.sender, body: m.body,
                timestamp: m.timestamp, nonce: m.nonce, signature: signed.signature, receivedAt: receivedAt)
            head = ChainHead(seq: entry.seq, hash: entry.hash)
            return entry
        }
    }

    /// An OpenZeppelin `Ballot` in the wallet form with its signature, and its id.
    static func governorBallot(signer: PrivateKey, proposalId: UInt256, support: Int, nonce: Int) -> (String, Hash32) {
        try! BallotFactory.signedGovernorBallot(
            signer: signer, governorName: governorName, chainId: chainId, governor: governor, proposalId: proposalId.description,
            support: support, nonce: nonce)
    }

    static func key(_ seed: UInt64, _ role: String, _ n: Int) -> PrivateKey {
        var counter = 0
        while true {
            if let k = try? PrivateKey(bytes: Keccak256.hash(Array("\(seed)/\(role)/\(n)/\(counter)".utf8)).bytes) { return k }
            counter += 1
        }
    }

    static func nonce(_ seed: UInt64, _ role: String, _ n: Int) -> Hash32 { Keccak256.hash(Array("nonce \(seed)/\(role)/\(n)".utf8)) }

    static func mix(_ seed: UInt64, _ n: UInt64) -> UInt64 {
        var z = seed &* 0x9E37_79B9_7F4A_7C15 &+ n &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `body(0..<count)` on `workers` threads outside the cooperative pool, results in order.
    static func parallel<T: Sendable>(_ count: Int, workers: Int, _ body: @escaping @Sendable (Int) -> T) async -> [T] {
        await ParallelWork.map(count, workers: workers, body)
    }
}

/// A chain reader the generator never calls (it only asks which calls the strategy makes).
struct NoChain: ChainReader {
    func call(_ calls: [ContractCall], at block: BlockRef) async throws -> [ContractCallResult] { [] }
}

/// Buffered line output to a file.
final class Output {
    let handle: FileHandle
    var buffer: [UInt8] = []

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown)
        }
        handle = h
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Copies a file's bytes in (1 MB at a time).
    func append(contentsOf path: String) throws {
        try flush()
        guard let input = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadUnknown) }
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try handle.write(contentsOf: chunk) }
        try input.close()
    }

    func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        try handle.close()
    }
}
