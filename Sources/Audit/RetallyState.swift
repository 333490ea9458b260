import Bot
import Chat
import Ethereum
import Governance

/// The sequential part of a re-tally: applies prepared lines in file order, keeping per voter only
/// what the tally needs (the voter's power and current ballot), plus the ids seen and the ids
/// rejected, which the result's hashes cover.
struct RetallyState {
    enum Section: Int, Comparable {
        case header, power, messages, voteCasts, result, afterResult
        static func < (a: Section, b: Section) -> Bool { a.rawValue < b.rawValue }
    }

    /// A decision whose receipt the bot should have posted.
    struct ExpectedReceipt {
        let hash: Hash32
        let ballot: Hash32
        let counted: Bool
        let reason: String
        let choice: String
        let weight: UInt256
    }

    let header: ExportHeader
    let headerText: String
    let headerSignature: Signature?
    let expectedBot: Address?
    var report = RetallyReport()
    var section = Section.header
    var lastSeq: UInt64 = 0
    var lastHash = Hash32.zero
    var hub: String?
    var power: [Address: VotingPowerRecord] = [:]
    var seen = Set<SeenID>()
    var ledger: VoteLedger
    var rejected: [TallyResult.Rejected] = []
    var pendingReceipts: [UInt64: ExpectedReceipt] = [:]
    var held: [UInt64: [(name: String, receipt: Receipt)]] = [:]
    var result: (line: Int, PreparedResult)?
    var postedResults: [(line: Int, seq: UInt64, digest: Hash32)] = []
    var contractAnswersTaken = 0
    var derivedClocks = 0
    var undecidedAfterTally = 0
    var truncatedLine: Int?
    var reads: [Address: [RecordedRead]] = [:]
    let keepReads: Bool
    let validator: VoteValidator

    init(
        header: ExportHeader, headerText: String, headerSignature: Signature?, expectedBot: Address?,
        heldReceipts: [(name: String, receipt: Receipt)], keepReads: Bool
    ) {
        self.header = header
        self.headerText = headerText
        self.headerSignature = headerSignature
        self.expectedBot = expectedBot
        self.keepReads = keepReads
        validator = VoteValidator(proposal: header.botProposal.proposalContext)
        ledger = VoteLedger(rule: header.rules.voteChange, remembersLosers: false)
        for h in heldReceipts { held[h.receipt.sequence, default: []].append(h) }
        report.proposal = header.proposal
        report.bot = header.bot
        report.choices = header.rules.choices
    }

    mutating func enter(_ next: Section, line: Int, what: String) {
        if next < section {
            report.fail(
                .init(
                    .format, line: line, expected: "lines in the order header, power, message, vote-cast, result", found: what,
                    "a \(what) line out of place"))
        } else {
            section = next
        }
    }

    mutating func apply(_ prepared: PreparedLine) {
        report.lines += 1
        if section == .afterResult {
            report.fail(
                .init(.format, line: prepared.line, expected: "the result line last", found: "more lines", "a line after the result"))
            return
        }
        switch prepared {
        case .header(let line):
            report.fail(.init(.format, line: line, expected: "one header line", found: "another", "a second header line"))
        case .pendingPower(let line, _):
            report.fail(.init(.power, line: line, "a power line was not evaluated"))
        case .unreadable(let line, let seq, let why):
            report.fail(.init(.format, line: line, seq: seq, why))
        case .power(let line, let p):
            enter(.power, line: line, what: "power")
            applyPower(p, line: line)
        case .message(let line, let m):
            enter(.messages, line: line, what: "message")
            applyMessage(m, line: line)
        case .voteCast(let line, let problem):
            enter(.voteCasts, line: line, what: "vote-cast")
            report.check(.format, problem.map { .init(.format, line: line, $0) })
        case .result(let line, let r):
            enter(.result, line: line, what: "result")
            result = (line, r)
            section = .afterResult
        }
    }

    mutating func applyPower(_ p: PreparedPower, line: Int) {
        if power[p.voter] != nil {
            report.fail(.init(.power, line: line, expected: "one power line per voter", found: "another", "\(p.voter) appears twice"))
            return
        }
        if p.problems.isEmpty { report.pass(.power) }
        for (expected, found, detail) in p.problems {
            report.fail(.init(.power, line: line, expected: expected, found: found, "\(p.voter): \(detail)"))
        }
        if let record = p.recomputed { power[p.voter] = record }
        if keepReads { reads[p.voter] = p.reads }
        report.voters += 1
    }

    mutating func applyMessage(_ m: PreparedMessage, line: Int) {
        let e = m.entry
        report.messages += 1
        // The chain: the next seq, linked to the previous hash, every hash recomputed.
        var chainProblem: RetallyReport.Mismatch?
        if e.seq != lastSeq &+ 1 {
            chainProblem = .init(
                .hashChain, line: line, seq: e.seq, expected: "seq \(lastSeq &+ 1)", found: "seq \(e.seq)",
                "a message is missing, repeated or out of order")
        } else if e.prevHash != lastHash {
            chainProblem = .init(
                .hashChain, line: line, seq: e.seq, expected: lastHash.description, found: e.prevHash.description,
                "prevHash is not the previous entry's hash")
        } else if !m.hashValid {
            chainProblem = .init(
                .hashChain, line: line, seq: e.seq, expected: "the keccak256 of the entry's canonical encoding", found: e.hash.description,
                "the hash does not match the entry's fields")
        } else if !e.group.rawValue.hasSameBytes(as: header.group) || (hub.map { !e.hub.hasSameBytes(as: $0) } ?? false) {
            chainProblem = .init(
                .hashChain, line: line, seq: e.seq, expected: "group \(header.group) on hub \(hub ?? e.hub)",
                found: "group \(e.group) on hub \(e.hub)", "the entry belongs to another group or hub")
        }
        report.check(.hashChain, chainProblem)
        if hub == nil { hub = e.hub }
        lastSeq = e.seq
        lastHash = e.hash
        if e.seq == header.logHeadSeq {
            report.check(
                .logHead,
                e.hash == header.logHead
                    ? nil
                    : .init(
                        .logHead, line: line, seq: e.seq, expected: header.logHead.description, found: e.hash.description,
                        "the entry the tally was taken at has another hash"))
        }
        report.check(
            .messageSignature,
            !m.idValid
                ? .init(
                    .messageSignature, line: line, seq: e.seq, expected: "id = the ChatMessage's EIP-712 digest", found: e.id.description,
                    "the id does not match the message fields")
                : !m.signerValid
                    ? .init(
                        .messageSignature, line: line, seq: e.seq, expected: e.sender.checksummed, found: "another signer",
                        "the signature does not recover to the sender") : nil)
        if e.seq == 1 { checkDescriptor(e, line: line) }
        if m.fromBot {
            applyBotMessage(m, line: line)
        } else {
            applyMemberMessage(m, line: line)
        }
    }

    mutating func checkDescriptor(_ e: StoredMessage, line: Int) {
        var problems: [String] = []
        let d = try? JSONParser.parse(e.body)
        if e.sender != header.bot { problems.append("sender \(e.sender) is not the bot \(header.bot)") }
        if d?["plenum"]?.stringValue != "proposal" { problems.append("the first message is not the bot's proposal descriptor") }
        func same(_ key: String, _ expected: JSON?) {
            guard let expected else { return }
            if !(d?[key]?.hasSameBytes(as: expected) ?? false) {
                problems.append("\(key) \(d?[key]?.serialized().prefix(80) ?? "missing") ≠ \(expected.serialized().prefix(80))")
            }
        }
        if problems.isEmpty {
            same("key", .string(header.proposal))
            same("kind", .string(header.kind.rawValue))
            same("channel", .string(header.channel))
            same("chainId", .number(String(header.chainId)))
            same("proposalId", .string(header.proposalId))
            same("system", .string(header.rules.system.rawValue))
            same("choices", .array(header.rules.choices.map { .string($0) }))
            same("voteChange", .string(header.rules.voteChange.rawValue))
            same("clock", .string(header.clock.rawValue))
            same("snapshot", .string(String(header.snapshot)))
            same("governor", header.governor.map { .string($0.checksummed) })
            same("governorName", header.governorName.map { .string($0) })
            same("powerBlock", header.powerBlock.map { .number(String($0)) })
            if let text = d?["deadline"]?.stringValue, let first = UInt64(text), first > header.deadline {
                problems.append("the announced deadline \(first) is after the header's \(header.deadline) (deadlines only move later)")
            }
        }
        report.check(
            .descriptor,
            problems.isEmpty
                ? nil
                : .init(
                    .descriptor, line: line, seq: e.seq, expected: "the header's proposal", found: problems.joined(separator: "; "),
                    "the bot's descriptor does not describe the header's proposal"))
    }

    mutating func applyBotMessage(_ m: PreparedMessage, line: Int) {
        let e = m.entry
        if let problem = m.receiptProblem {
            report.fail(
                .init(
                    .receipt, line: line, seq: e.seq, expected: "a receipt signed by the bot", found: problem,
                    "a bot receipt is not genuine"))
        } else if let r = m.receipt {
            var problems: [String] = []
            if !r.group.hasSameBytes(as: header.group) || !r.proposal.hasSameBytes(as: header.proposal) || r.chainId != header.chainId {
                problems.append("it names \(r.proposal) in group \(r.group) on chain \(r.chainId)")
            }
            if r.sequence >= e.seq { problems.append("it answers seq \(r.sequence), not an earlier entry") }
            if let expected = pendingReceipts.removeValue(forKey: r.sequence) {
                if r.logHead != expected.hash {
                    problems.append("logHead \(r.logHead) is not the hash \(expected.hash) of entry \(r.sequence)")
                }
                if r.ballot != expected.ballot { problems.append("ballot \(r.ballot) is not \(expected.ballot)") }
                let status = expected.counted ? "counted" : "rejected"
                if r.status != status || r.reason != expected.reason {
                    problems.append("says \(r.status) \(r.reason), the re-tally \(status) \(expected.reason)")
                }
                if r.choice != expected.choice || r.weight != expected.weight {
                    problems.append("choice \(r.choice) weight \(r.weight), the re-tally \(expected.choice) weight \(expected.weight)")
                }
            } else {
                problems.append("no ballot decision at seq \(r.sequence) awaits a receipt (answered twice, or not a ballot)")
            }
            report.check(
                .receipt,
                problems.isEmpty
                    ? nil
                    : .init(
                        .receipt, line: line, seq: e.seq, expected: "the receipt of the re-tallied decision",
                        found: problems.joined(separator: "; "), "a bot receipt does not match the log"))
        } else if let digest = m.postedResultDigest {
            postedResults.append((line, e.seq, digest))
        }
        checkHeld(e.seq, line: line, hash: e.hash, decision: nil, isBallot: false)
    }

    mutating func applyMemberMessage(_ m: PreparedMessage, line: Int) {
        let e = m.entry
        let inTally = e.seq <= header.decidedThrough
        let decision: ExportDecision
        if !m.ballotLike {
            decision = .chat
        } else {
            report.ballots += 1
            decision = decide(m)
        }
        // Compare with the bot's recorded decision.
        if let problem = m.decisionProblem {
            report.fail(
                .init(
                    .ballot, line: line, seq: e.seq, expected: "a readable decision", found: problem, "the recorded decision is malformed"))
        } else if let recorded = m.decision {
            compare(decision, recorded, line: line, seq: e.seq)
        } else if inTally {
            report.fail(
                .init(
                    .ballot, line: line, seq: e.seq, expected: decision.status.rawValue, found: "no decision",
                    "the bot recorded no decision on a message the tally covers"))
        } else {
            undecidedAfterTally += 1
        }
        if m.ballotLike, let clock = m.clock, !m.clockDerived { checkClock(clock, seq: e.seq, line: line) }
        if m.clockDerived { derivedClocks += 1 }
        if decision.status != .chat {
            pendingReceipts[e.seq] = ExpectedReceipt(
                hash: e.hash, ballot: decision.ballot ?? .zero, counted: decision.status == .accepted,
                reason: decision.reason?.rawValue ?? "",
                choice: decision.status == .accepted ? decision.choice?.serialized() ?? "" : "", weight: decision.weight ?? .zero)
        }
        checkHeld(e.seq, line: line, hash: e.hash, decision: decision, isBallot: m.ballotLike)
        guard inTally else {
            if decision.status == .accepted {
                report.fail(
                    .init(
                        .ballot, line: line, seq: e.seq, expected: "rejected (after the tally)", found: "accepted",
                        "a ballot after the tally's last decision would count"))
            }
            return
        }
        if decision.status == .rejected, let id = decision.ballot, let reason = decision.reason {
            rejected.append(.init(id: id, reason: reason))
        }
    }

    /// Whether voting has opened at `now`, as the bot decides it: a governor's window opens after
    /// its snapshot, a poll's at its start (which a poll records as its snapshot).
    static func votingHasOpened(at now: UInt64, kind: BotProposal.Kind, snapshot: UInt64) -> Bool {
        kind == .governor ? now > snapshot : now >= snapshot
    }

    /// The decision the bot should have reached, replaying its intake.
    mutating func decide(_ m: PreparedMessage) -> ExportDecision {
        let e = m.entry
        guard let check = m.check else { return .chat }
        let outcome: Result<AcceptedVote, VoteRejection>
        switch check {
        case .failure(let rejection):
            if let id = rejection.id, !seen.insert(SeenID(id)).inserted {
                outcome = .failure(duplicate(id, voter: rejection.voter))
            } else {
                outcome = .failure(rejection)
            }
        case .success(let checked):
            if !seen.insert(SeenID(checked.id)).inserted {
                outcome = .failure(duplicate(checked.id, voter: checked.voter))
            } else if header.pins == nil
                || !Self.votingHasOpened(at: m.clock!.now(header.clock), kind: header.kind, snapshot: header.snapshot)
            {
                outcome = .failure(VoteRejection(.windowNotOpen, "voting has not opened", id: checked.id, voter: checked.voter))
            } else {
                var contractValid: Bool?
                if case .needsContractCheck = checked.signature {
                    // EIP-1271 answers need the chain: taken from the export (re-read with --rpc).
                    contractValid = m.decision?.status == .accepted && m.decision?.signature == .contract
                    contractAnswersTaken += 1
                }
                var finished = validator.finish(checked, contractSignatureValid: contractValid, power: power[checked.voter])
                if case .success(let vote) = finished, e.seq <= header.decidedThrough {
                    let lean = AcceptedVote(
                        id: vote.id, voter: vote.voter, kind: vote.kind, choice: vote.choice, weight: vote.weight, time: vote.time,
                        signature: vote.signature)
                    switch ledger.record(lean) {
                    case .counted: break
                    case .replaced(let loser): rejected.append(.init(id: loser.id!, reason: loser.reason))
                    case .refused(let r), .duplicate(let r): finished = .failure(r)
                    }
                }
                outcome = finished
            }
        }
        return ExportDecision(outcome, clock: m.clock)
    }

    func duplicate(_ id: Hash32, voter: Address?) -> VoteRejection {
        VoteRejection(.duplicate, "an envelope with id \(id) was already received", id: id, voter: voter)
    }

    mutating func compare(_ mine: ExportDecision, _ recorded: ExportDecision, line: Int, seq: UInt64) {
        func show(_ d: ExportDecision) -> String {
            var parts = [d.status.rawValue]
            if let r = d.reason { parts.append(r.rawValue) }
            if let b = d.ballot { parts.append("ballot \(b)") }
            if let v = d.voter { parts.append("voter \(v)") }
            if let c = d.choice { parts.append("choice \(c.serialized())") }
            if let t = d.time { parts.append("time \(t)") }
            if let detail = d.detail { parts.append("(\(detail))") }
            return parts.joined(separator: " ")
        }
        let sameBallot =
            mine.status == recorded.status && mine.reason == recorded.reason && mine.ballot == recorded.ballot
            && mine.voter == recorded.voter
            && mine.choice == recorded.choice && mine.time == recorded.time && mine.signature == recorded.signature
            && mine.detail == recorded.detail
        report.check(
            .ballot,
            sameBallot
                ? nil
                : .init(
                    .ballot, line: line, seq: seq, expected: show(mine), found: show(recorded),
                    "the recorded decision is not the one the rules give"))
        if mine.status == .accepted, recorded.status == .accepted {
            report.check(
                .weight,
                mine.weight == recorded.weight
                    ? nil
                    : .init(
                        .weight, line: line, seq: seq, expected: mine.weight?.description ?? "none",
                        found: recorded.weight?.description ?? "none",
                        "the counted weight is not the voter's power at the snapshot"))
        }
    }

    mutating func checkClock(_ clock: IntakeClock, seq: UInt64, line: Int) {
        let now = clock.now(header.clock)
        let late = header.closeSeq > 0 && seq > header.closeSeq
        let ok = late ? now == header.deadline &+ 1 : now <= header.deadline
        report.check(
            .clock,
            ok
                ? nil
                : .init(
                    .clock, line: line, seq: seq,
                    expected: late
                        ? "deadline + 1 = \(header.deadline &+ 1) (after the close notice)" : "at most the deadline \(header.deadline)",
                    found: String(now), "the intake clock recorded with the ballot"))
    }

    mutating func checkHeld(_ seq: UInt64, line: Int, hash: Hash32, decision: ExportDecision?, isBallot: Bool) {
        guard let receipts = held.removeValue(forKey: seq) else { return }
        for (name, r) in receipts {
            var problems: [String] = []
            if hash != r.logHead {
                problems.append("entry \(seq) has hash \(hash), the receipt says \(r.logHead): the receipted ballot is not here")
            }
            if let d = decision, isBallot {
                if r.ballot != .zero, d.ballot != r.ballot {
                    problems.append("the ballot here is \(d.ballot?.description ?? "none"), not \(r.ballot)")
                }
                let status = d.status == .accepted ? "counted" : "rejected"
                if status != r.status || (d.reason?.rawValue ?? "") != r.reason {
                    problems.append("the re-tally decides \(status) \(d.reason?.rawValue ?? ""), the receipt says \(r.status) \(r.reason)")
                }
                if d.status == .accepted, (d.choice?.serialized() ?? "") != r.choice || (d.weight ?? .zero) != r.weight {
                    problems.append(
                        "counted with choice \(d.choice?.serialized() ?? "") weight \(d.weight ?? .zero), the receipt says \(r.choice) weight \(r.weight)"
                    )
                }
            } else {
                problems.append("entry \(seq) is not a member's ballot")
            }
            report.check(
                .heldReceipt,
                problems.isEmpty
                    ? nil
                    : .init(
                        .heldReceipt, line: line, seq: seq, expected: "the receipted ballot at seq \(seq)",
                        found: problems.joined(separator: "; "), "receipt \(name)"))
        }
    }
}

/// The first 128 bits of a ballot id: what the duplicate check remembers of each id, half the
/// memory of the whole id. Two different ids share them with a probability of about n²/2¹²⁹
/// (10⁻²⁷ for a million ballots); and such a collision could only make the re-tally call a ballot
/// a duplicate that the bot did not, a mismatch, never a false match.
struct SeenID: Hashable {
    let high: UInt64
    let low: UInt64

    init(_ id: Hash32) {
        (high, low) = id.withUnsafeBytes { raw in
            (
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            )
        }
    }
}
