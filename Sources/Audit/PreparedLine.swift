import Bot
import ChainWatch
import Chat
import Ethereum
import Foundation
import Governance

/// One line of an export after the work that needs no other line: JSON parsed, hashes and ids
/// recomputed, signatures recovered, the ballot checked with an empty set of seen ids. This is the
/// part the re-tally spreads over all cores; `RetallyState` then applies lines in order.
enum PreparedLine: Sendable {
    case unreadable(line: Int, seq: UInt64? = nil, String)
    case power(line: Int, PreparedPower)
    case message(line: Int, PreparedMessage)
    case voteCast(line: Int, problem: String?)
    case result(line: Int, PreparedResult)
    case header(line: Int)
    /// A power line parsed, still to be evaluated (asynchronously, by the power strategy).
    case pendingPower(line: Int, JSON)

    var line: Int {
        switch self {
        case .unreadable(let l, _, _), .power(let l, _), .message(let l, _), .voteCast(let l, _), .result(let l, _), .header(let l),
            .pendingPower(let l, _):
            l
        }
    }
}

/// A voter's power line, recomputed with the Governance strategy code from the recorded reads.
struct PreparedPower: Sendable {
    let voter: Address
    /// The power as the strategy computes it from the recorded chain reads (voter and total only).
    let recomputed: VotingPowerRecord?
    /// What does not agree, as (expected, found, detail).
    let problems: [(String, String, String)]
    /// The recorded chain reads: call, block, value (kept only for `--rpc`).
    let reads: [RecordedRead]
}

/// A chain read recorded in a power line.
struct RecordedRead: Sendable, Hashable {
    let path: String
    let call: ContractCall
    let block: BlockRef
    let value: UInt256
}

/// A message line with everything its own content can prove.
struct PreparedMessage: Sendable {
    let entry: StoredMessage
    /// The id recomputed from the fields (EIP-712 digest of the ChatMessage) equals the stated one.
    let idValid: Bool
    /// The signature recovers to the sender.
    let signerValid: Bool
    /// The hash recomputed from every field equals the stated one.
    let hashValid: Bool
    let decision: ExportDecision?
    let decisionProblem: String?
    let fromBot: Bool
    let ballotLike: Bool
    /// The clock the ballot is judged by (the recorded one, or one derived for old records).
    let clock: IntakeClock?
    let clockDerived: Bool
    /// The validator's offline checks, made without the set of seen ids.
    let check: Result<CheckedBallot, VoteRejection>?
    /// A receipt the bot posted: the receipt, or why it is not a genuine one.
    let receipt: Receipt?
    let receiptProblem: String?
    /// The digest of a TallyResult document the bot posted.
    let postedResultDigest: Hash32?
}

/// The result line.
struct PreparedResult: Sendable {
    let typedData: JSON
    let signature: Signature?
    let digest: Hash32?
    let signer: Address?
    let problem: String?
}

/// What every worker needs to prepare lines.
struct PreparationContext: Sendable {
    let header: ExportHeader
    let proposal: BotProposal
    let validator: VoteValidator
    let keepReads: Bool

    static let lineLimits = JSONParser.Limits(maxBytes: 8 << 20, maxDepth: 64)

    /// Everything but the power strategy's evaluation, which `finishPower` does.
    func prepare(_ line: LineReader.Line) -> PreparedLine {
        let number = line.number
        let json: JSON
        do { json = try JSONParser(limits: Self.lineLimits).parse(line.bytes) } catch {
            return .unreadable(line: number, "not valid JSON: \(error)")
        }
        if json["plenum"] != nil { return .header(line: number) }
        switch json["type"]?.stringValue {
        case "message": return prepareMessage(json, line: number)
        case "power": return .pendingPower(line: number, json)
        case "vote-cast":
            guard let event = json["event"], (try? ChainEventRecord(json: event)) != nil else {
                return .voteCast(line: number, problem: "the event is not a readable chain event record")
            }
            return .voteCast(line: number, problem: nil)
        case "result": return .result(line: number, prepareResult(json))
        default: return .unreadable(line: number, "unknown line type \(json["type"]?.serialized().prefix(40) ?? "none")")
        }
    }

    func prepareResult(_ json: JSON) -> PreparedResult {
        guard let typedData = json["typedData"] else {
            return PreparedResult(typedData: .null, signature: nil, digest: nil, signer: nil, problem: "typedData is missing")
        }
        let digest = try? TypedData(json: typedData).digest()
        let signature = json["signature"]?.stringValue.flatMap { try? Signature(hex: $0) }
        let signer = digest.flatMap { d in signature.flatMap { try? $0.recoverAddress(digest: d) } }
        var problem: String?
        if digest == nil {
            problem = "typedData is not valid EIP-712 typed data"
        } else if signature == nil {
            problem = "signature is missing or not a canonical 65-byte signature"
        }
        return PreparedResult(typedData: typedData, signature: signature, digest: digest, signer: signer, problem: problem)
    }

    func prepareMessage(_ json: JSON, line: Int) -> PreparedLine {
        let entry: StoredMessage
        do { entry = try StoredMessage(json: json, position: 0) } catch {
            let seq: UInt64? = if case .number(let n)? = json["seq"] { UInt64(n) } else { nil }
            return .unreadable(line: line, seq: seq, "message fields: \(error)")
        }
        let message = entry.message
        let idValid = message.digest == entry.id
        let signerValid = idValid && (try? entry.signature.recoverAddress(digest: entry.id)) == entry.sender
        let recomputed = StoredMessage(
            position: 0, hub: entry.hub, group: entry.group, seq: entry.seq, prevHash: entry.prevHash, id: entry.id, sender: entry.sender,
            body: entry.body, timestamp: entry.timestamp, nonce: entry.nonce, signature: entry.signature, receivedAt: entry.receivedAt)
        let hashValid = recomputed.hash == entry.hash
        var decision: ExportDecision?
        var decisionProblem: String?
        switch json["decision"] {
        case nil: decisionProblem = "decision is missing"
        case .null?: break
        case let d?:
            do { decision = try ExportDecision(json: d) } catch { decisionProblem = error.description }
        }
        let fromBot = entry.sender == header.bot
        var receipt: Receipt?, receiptProblem: String?, postedResult: Hash32?
        var ballotLike = false, clock: IntakeClock?, derived = false
        var check: Result<CheckedBallot, VoteRejection>?
        if fromBot {
            if Self.mentions(entry.body, Self.receiptType) {
                do {
                    receipt = try Receipt(signedDocument: try JSONParser.parse(entry.body), signer: header.bot)
                } catch { receiptProblem = "\(error)" }
            } else if Self.mentions(entry.body, Self.resultType) {
                postedResult = try? TypedData(jsonText: entry.body).digest()
            }
        } else {
            if case .ballot(let parsed) = BallotDetection.classify(entry.body) {
                ballotLike = true
                if let recorded = decision?.clock {
                    clock = recorded
                } else {
                    clock = derivedClock(seq: entry.seq, decision: decision)
                    derived = true
                }
                let context = proposal.validationContext(clock: clock!, seq: entry.seq, receivedAt: entry.receivedAt, seen: [])
                check = validator.check(Array(entry.body.utf8), parsed: parsed, context: context)
            }
        }
        return .message(
            line: line,
            PreparedMessage(
                entry: entry, idValid: idValid, signerValid: signerValid, hashValid: hashValid, decision: decision,
                decisionProblem: decisionProblem, fromBot: fromBot, ballotLike: ballotLike, clock: clock, clockDerived: derived,
                check: check, receipt: receipt, receiptProblem: receiptProblem, postedResultDigest: postedResult))
    }

    static let receiptType = "\"PlenumReceipt\""
    static let resultType = "\"TallyResult\""

    /// Whether `body` contains `needle` (ASCII), as Foundation's `range(of:)` decides (what the
    /// re-tally has always asked). A byte search answers when it finds no occurrence, or one with
    /// ASCII on both sides (then no neighbouring character can combine with the quotes into
    /// another character); otherwise `range(of:)` decides.
    static func mentions(_ body: String, _ needle: String) -> Bool {
        var text = body
        let found: Bool? = text.withUTF8 { haystack in
            let pattern = Array(needle.utf8)
            guard haystack.count >= pattern.count else { return false }
            var occurred = false
            var i = 0
            while i <= haystack.count - pattern.count {
                if haystack[i] == pattern[0] && pattern.indices.allSatisfy({ haystack[i + $0] == pattern[$0] }) {
                    occurred = true
                    let before = i == 0 || haystack[i - 1] < 0x80
                    let after = i + pattern.count == haystack.count || haystack[i + pattern.count] < 0x80
                    if before && after { return true }
                }
                i += 1
            }
            return occurred ? nil : false
        }
        return found ?? (body.range(of: needle) != nil)
    }

    /// For records made before the intake clock was kept: late after the close notice, else inside
    /// the window unless the bot said it had not opened.
    func derivedClock(seq: UInt64, decision: ExportDecision?) -> IntakeClock {
        let at: UInt64
        if header.closeSeq > 0, seq > header.closeSeq {
            at = header.deadline &+ 1
        } else if decision?.reason == .windowNotOpen {
            at = header.snapshot
        } else {
            at = header.deadline
        }
        return IntakeClock(blockNumber: at, timestamp: at)
    }

    func preparePower(_ json: JSON) async -> PreparedPower {
        guard let v = json["voter"]?.stringValue, let voter = try? Address(v) else {
            return PreparedPower(voter: .zero, recomputed: nil, problems: [("a voter address", "none", "voter is missing")], reads: [])
        }
        var problems: [(String, String, String)] = []
        guard let t = json["total"]?.stringValue, let total = try? UInt256(decimal: t), let items = json["components"]?.arrayValue else {
            return PreparedPower(
                voter: voter, recomputed: nil, problems: [("total and components", "none", "malformed power line")], reads: [])
        }
        var reads: [RecordedRead] = []
        var stated: [(path: String, strategy: String, value: UInt256, block: BlockRef?)] = []
        for item in items {
            guard let path = item["path"]?.stringValue, let strategy = item["strategy"]?.stringValue,
                let value = item["value"]?.stringValue.flatMap({ try? UInt256(decimal: $0) })
            else {
                problems.append(("path, strategy, value", item.serialized().prefix(120).description, "malformed component"))
                continue
            }
            var block: BlockRef?
            if let b = item["block"] {
                guard let n = b["number"]?.stringValue.flatMap({ UInt64($0) }),
                    let h = b["hash"]?.stringValue.flatMap({ try? Hash32(hex: $0) })
                else {
                    problems.append(("a block {number, hash}", b.serialized(), "component \(path): malformed block"))
                    continue
                }
                block = BlockRef(number: n, hash: h)
            }
            stated.append((path, strategy, value, block))
            if let call = item["call"], let block {
                guard let to = call["to"]?.stringValue.flatMap({ try? Address($0) }),
                    let data = call["data"]?.stringValue.flatMap({ try? Hex.decode($0, requirePrefix: true) })
                else {
                    problems.append(("a call {to, data}", call.serialized().prefix(120).description, "component \(path): malformed call"))
                    continue
                }
                reads.append(RecordedRead(path: path, call: ContractCall(to: to, data: data), block: block, value: value))
            }
        }
        // The strategy, evaluated by the Governance code over the recorded reads, must give the same components.
        guard let reader = header.powerReader(chain: RecordedChain(reads: reads)) else {
            problems.append(("pinned blocks in the header", "none", "the header has no pins, so no power can have been read"))
            return PreparedPower(voter: voter, recomputed: nil, problems: problems, reads: keepReads ? reads : [])
        }
        let expectedCalls = reader.calls(for: voter)
        for read in reads {
            guard let expected = expectedCalls.first(where: { $0.path == read.path }) else {
                problems.append(("no chain read", read.path, "the strategy reads nothing from the chain at \(read.path)"))
                continue
            }
            if expected.call != read.call || expected.block != read.block {
                problems.append(
                    (
                        "\(Hex.encode(expected.call.data).prefix(74)) to \(expected.call.to) at \(expected.block)",
                        "\(Hex.encode(read.call.data).prefix(74)) to \(read.call.to) at \(read.block)",
                        "component \(read.path): the call is not the one the strategy makes for this voter at the pinned block"
                    ))
            }
        }
        let recomputed: VotingPowerRecord
        do { recomputed = try await reader.votingPower(of: [voter]).first! } catch {
            problems.append(("a recorded value for every chain read", "\(error)", "the strategy cannot be evaluated from the line"))
            return PreparedPower(voter: voter, recomputed: nil, problems: problems, reads: keepReads ? reads : [])
        }
        if recomputed.components.count != stated.count {
            problems.append(("\(recomputed.components.count) components", "\(stated.count)", "component count"))
        }
        for (c, s) in zip(recomputed.components, stated) {
            if c.path != s.path || c.strategy != s.strategy || c.value != s.value || c.block != s.block {
                problems.append(
                    (
                        "\(c.path) \(c.strategy) \(c.value) at \(c.block?.description ?? "no block")",
                        "\(s.path) \(s.strategy) \(s.value) at \(s.block?.description ?? "no block")", "component \(c.path)"
                    ))
            }
        }
        if recomputed.total != total {
            problems.append((recomputed.total.description, total.description, "total is not the strategy's sum of the components"))
        }
        return PreparedPower(
            voter: voter, recomputed: VotingPowerRecord(voter: voter, total: recomputed.total, components: []), problems: problems,
            reads: keepReads ? reads : [])
    }
}

/// Answers a power strategy's calls from the values a power line recorded (a call not recorded reverts).
struct RecordedChain: ChainReader {
    let reads: [RecordedRead]

    func call(_ calls: [ContractCall], at block: BlockRef) async throws -> [ContractCallResult] {
        calls.map { call in
            guard let read = reads.first(where: { $0.call == call && $0.block == block }) else { return .reverted([]) }
            return .success(read.value.word.bytes)
        }
    }
}
