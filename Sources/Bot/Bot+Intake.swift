import Ethereum
import Governance

extension Bot {
    /// Reads the group's new messages (up to the close notice when closing), decides each one, stores
    /// the decisions and the new position in one transaction. Returns whether it processed anything.
    func processMessages(_ p: inout BotProposal, head: ChainTip) async throws -> Bool {
        guard let group = p.group else { return false }
        let messages = try await chat.messages(in: group, after: p.processedSeq, limit: configuration.batchSize)
        guard !messages.isEmpty else { return false }
        // Ballots need the pinned snapshot blocks once voting has opened (a governor's window opens
        // after its snapshot, a poll's at its start); until they are confirmed, wait.
        var pins = p.pins
        let now = min(timepoint(p, head), p.deadline)
        if pins == nil, now >= p.window.first {
            pins = try await self.pins(&p)
            if pins == nil { return false }
        }
        let validator = VoteValidator(proposal: context(p))
        let existing = try await store.votes(p.key)
        var seen = Set(existing.compactMap(\.ballotId))
        var ledger = VoteLedger(rule: p.rules.voteChange)
        for record in existing where record.status == .accepted { if let vote = record.vote { ledger.record(vote) } }
        // First every check that needs no IO, then one voting-power read for the whole batch.
        enum Step {
            case chat(BotMessage)
            case decided(BotMessage, Result<AcceptedVote, VoteRejection>, IntakeClock)
            case checked(BotMessage, CheckedBallot, IntakeClock)
        }
        var steps: [Step] = []
        for message in messages {
            if message.sender == chat.botAddress { continue }
            guard case .ballot(let parsed) = BallotDetection.classify(message.body) else {
                steps.append(.chat(message))
                continue
            }
            // Ballots after the bot's closing notice are late, whatever the chain says.
            let at = p.closeSeq.map { message.seq > $0 } == true ? p.deadline &+ 1 : now
            let clock = IntakeClock(
                blockNumber: p.clock == .blockNumber ? at : head.number,
                timestamp: p.clock == .timestamp ? at : (p.kind == .poll ? self.now() / 1000 : head.timestamp))
            // Governor ballots carry no signed time: they are ordered by their place in the group's log.
            let validation = p.validationContext(clock: clock, seq: message.seq, receivedAt: message.receivedAt, seen: seen)
            switch validator.check(Array(message.body.utf8), parsed: parsed, context: validation) {
            case .failure(let rejection):
                steps.append(.decided(message, .failure(rejection), clock))
                if let id = rejection.id { seen.insert(id) }
            case .success(let checked):
                seen.insert(checked.id)
                if pins == nil {
                    steps.append(
                        .decided(
                            message, .failure(VoteRejection(.windowNotOpen, "voting has not opened", id: checked.id, voter: checked.voter)),
                            clock))
                } else {
                    steps.append(.checked(message, checked, clock))
                }
            }
        }
        var power: [Address: VotingPowerRecord] = [:]
        let voters = steps.compactMap { step -> Address? in if case .checked(_, let c, _) = step { c.voter } else { nil } }
        if let pins, !voters.isEmpty {
            for record in try await chain.votingPower(of: voters, for: p, pins: pins) { power[record.voter] = record }
        }
        var records: [VoteRecord] = []
        for step in steps {
            switch step {
            case .chat(let message):
                records.append(
                    VoteRecord(
                        proposalKey: p.key, seq: message.seq, messageHash: message.hash, sender: message.sender, status: .chat,
                        ballotId: nil,
                        voter: nil, reason: nil, detail: nil, vote: nil, receipt: nil))
                statistics.chatMessages += 1
            case .decided(let message, let outcome, let clock):
                records.append(try record(for: message, outcome: outcome, proposal: p, group: group, clock: clock))
            case .checked(let message, let checked, let clock):
                var contractValid: Bool?
                if case .needsContractCheck = checked.signature, let pins {
                    contractValid = try await chain.isValidSignature(
                        wallet: checked.voter, digest: checked.id, signature: checked.envelope.signature, for: p, pins: pins)
                }
                var outcome = validator.finish(checked, contractSignatureValid: contractValid, power: power[checked.voter])
                if case .success(let vote) = outcome {
                    switch ledger.record(vote) {
                    case .counted, .replaced: break
                    case .refused(let rejection), .duplicate(let rejection): outcome = .failure(rejection)
                    }
                }
                // A rejection for want of power keeps the reading that showed it.
                let reading = power[checked.voter]
                var kept: VotingPowerRecord?
                if case .failure(let r) = outcome, r.reason == .noVotingPower { kept = reading }
                records.append(try record(for: message, outcome: outcome, proposal: p, group: group, clock: clock, power: kept))
            }
        }
        let last = messages.last!.seq
        try await store.recordVotes(records, proposal: p.key, processedThrough: last)
        p.processedSeq = last
        return true
    }

    func record(
        for message: BotMessage, outcome: Result<AcceptedVote, VoteRejection>, proposal p: BotProposal, group: String,
        clock: IntakeClock? = nil, power: VotingPowerRecord? = nil
    ) throws -> VoteRecord {
        switch outcome {
        case .success(let vote):
            statistics.accepted += 1
            let receipt = Receipt(
                proposal: p.key, ballot: vote.id, group: group, sequence: message.seq, logHead: message.hash, status: "counted", reason: "",
                choice: vote.choice.serialized(), weight: vote.weight, chainId: p.chainId)
            return VoteRecord(
                proposalKey: p.key, seq: message.seq, messageHash: message.hash, sender: message.sender, status: .accepted,
                ballotId: vote.id,
                voter: vote.voter, reason: nil, detail: nil, vote: vote, receipt: receipt, clock: clock)
        case .failure(let rejection):
            statistics.rejected[rejection.reason.rawValue, default: 0] += 1
            let receipt = Receipt(
                proposal: p.key, ballot: rejection.id ?? .zero, group: group, sequence: message.seq, logHead: message.hash,
                status: "rejected",
                reason: rejection.reason.rawValue, choice: "", weight: .zero, chainId: p.chainId)
            return VoteRecord(
                proposalKey: p.key, seq: message.seq, messageHash: message.hash, sender: message.sender, status: .rejected,
                ballotId: rejection.id, voter: rejection.voter, reason: rejection.reason, detail: rejection.detail, vote: nil,
                receipt: receipt, clock: clock, power: power)
        }
    }

    /// Posts receipts that are stored but not yet posted (idempotent: keyed by the ballot's sequence),
    /// several at a time so that the hub commits them together.
    func postReceipts(_ p: BotProposal) async throws {
        guard let group = p.group else { return }
        let pending = try await store.unpostedReceipts(p.key)
        guard !pending.isEmpty else { return }
        let chat = self.chat
        let key = configuration.key
        var next = pending.makeIterator()
        try await withThrowingTaskGroup(of: UInt64.self) { tasks in
            func add() throws {
                guard let record = next.next() else { return }
                guard let receipt = record.receipt else { return try add() }
                var body = try receipt.signed(with: key).objectValue!
                if let detail = record.detail { body["detail"] = .string(detail) }
                let text = JSON.object(body).serialized()
                let idempotency = "\(p.key):receipt:\(record.seq)"
                let seq = record.seq
                tasks.addTask {
                    _ = try await chat.post(text, to: group, idempotencyKey: idempotency)
                    return seq
                }
            }
            for _ in 0..<32 { try add() }
            while let seq = try await tasks.next() {
                try await store.markReceiptPosted(p.key, seq: seq)
                statistics.receiptsPosted += 1
                try add()
            }
        }
    }

    /// What the validator needs to know about the proposal.
    func context(_ p: BotProposal) -> ProposalContext { p.proposalContext }
}

/// Tells ballot attempts from ordinary chat: a JSON object carrying a signature.
public enum BallotDetection {
    /// What a message body is.
    public enum Kind: Sendable {
        case chat
        /// A ballot attempt, with its JSON when it parsed (nil: a malformed object, which the
        /// validator rejects with its reason).
        case ballot(JSON?)
    }

    public static func classify(_ body: String) -> Kind {
        guard body.first == "{" || body.drop(while: { $0.isWhitespace }).first == "{" else { return .chat }
        // A malformed JSON object is treated as a ballot attempt, so it is rejected with a reason.
        guard let json = try? JSONParser.parse(body, limits: .init(maxBytes: 64 * 1024, maxDepth: 16)) else { return .ballot(nil) }
        return json["signature"] != nil || json["sig"] != nil || json["types"] != nil ? .ballot(json) : .chat
    }
}
