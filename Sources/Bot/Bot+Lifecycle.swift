import Ethereum
import Governance

extension Bot {
    /// Does the next pieces of work for one proposal. Returns whether anything happened.
    func advance(_ original: BotProposal) async throws -> Bool {
        var p = original
        var busy = false
        switch p.phase {
        case .opening:
            let head = try await head(p.chainId)
            let spb = await secondsPerBlock(p.chainId)
            if p.group == nil {
                p.group = try await chat.openGroup(
                    key: p.key, title: p.title, topic: "\(p.channel) · proposal \(p.proposalId)", gating: gating(p))
                try await store.updateProposal(p)
            }
            _ = try await chat.post(BotMessages.descriptor(p).serialized(), to: p.group!, idempotencyKey: "\(p.key):descriptor")
            _ = try await chat.post(
                BotMessages.announcement(p, head: head, secondsPerBlock: spb, hubHint: configuration.hubHint), to: p.group!,
                idempotencyKey: "\(p.key):announce")
            p.announced = true
            p.announcedDeadline = p.deadline
            p.phase = .open
            try await store.updateProposal(p)
            logger.info("proposal opened", metadata: ["proposal": "\(p.key)", "group": "\(p.group!)"])
            return true
        case .canceled, .removed:
            if let notice = p.pendingNotice {
                if let group = p.group { _ = try await chat.close(group, notice: notice, idempotencyKey: "\(p.key):notice") }
                p.pendingNotice = nil
                try await store.updateProposal(p)
                return true
            }
            return false
        case .closed:
            return false
        case .open:
            let head = try await head(p.chainId)
            let spb = await secondsPerBlock(p.chainId)
            if p.announcedDeadline != p.deadline {
                _ = try await chat.post(
                    BotMessages.extended(p, head: head, secondsPerBlock: spb), to: p.group!,
                    idempotencyKey: "\(p.key):extended:\(p.deadline)")
                p.announcedDeadline = p.deadline
                try await store.updateProposal(p)
                busy = true
            }
            if let due = dueReminder(p, head: head, secondsPerBlock: spb) {
                _ = try await chat.post(
                    BotMessages.reminder(p, head: head, secondsPerBlock: spb), to: p.group!, idempotencyKey: "\(p.key):reminder:\(due)")
                p.remindersSent.formUnion(p.rules.reminders.map { $0.components.seconds }.filter { $0 >= due })
                try await store.updateProposal(p)
                busy = true
            }
            busy = try await processMessages(&p, head: head) || busy
            try await postReceipts(p)
            if timepoint(p, head) > p.deadline {
                // The notice marks the end: ballots before it count, ballots after it are rejected as late.
                let notice = try await chat.post(BotMessages.closed(p), to: p.group!, idempotencyKey: "\(p.key):closed")
                p.closeSeq = notice.seq
                p.phase = .closing
                try await store.updateProposal(p)
                logger.info("voting closed", metadata: ["proposal": "\(p.key)", "closeSeq": "\(notice.seq)"])
                busy = true
            }
            return busy
        case .closing:
            let head = try await head(p.chainId)
            busy = try await processMessages(&p, head: head)
            try await postReceipts(p)
            guard let closeSeq = p.closeSeq, p.processedSeq >= closeSeq - 1 else { return busy }
            if p.result == nil {
                guard let pins = try await pins(&p) else { return busy }
                (p.result, p.exportAnchor) = try await tally(p, pins: pins)
                try await store.updateProposal(p)
                busy = true
            }
            if !p.resultPosted, let signed = p.result {
                _ = try await chat.post(
                    BotMessages.resultSummary(p, signed.result), to: p.group!, idempotencyKey: "\(p.key):result-summary")
                var document = try signed.result.typedDataJSON().objectValue!
                document["signature"] = .string(signed.signature.description)
                _ = try await chat.post(JSON.object(document).serialized(), to: p.group!, idempotencyKey: "\(p.key):result")
                p.resultPosted = true
                try await store.updateProposal(p)
                statistics.results += 1
                logger.info("result published", metadata: ["proposal": "\(p.key)", "outcome": "\(signed.result.outcome.rawValue)"])
                busy = true
            }
            if p.resultPosted {
                let finished = try await deliverWebhooks(p)
                if finished {
                    // Close the group for good, then decide whatever arrived before the close entry.
                    _ = try await chat.close(p.group!, notice: BotMessages.final(p), idempotencyKey: "\(p.key):final")
                    _ = try await processMessages(&p, head: head)
                    try await store.markReceiptsUndeliverable(p.key)
                    p.phase = .closed
                    try await store.updateProposal(p)
                    busy = true
                }
            }
            return busy
        }
    }

    /// The largest reminder offset (seconds before the deadline) now due and not yet sent.
    func dueReminder(_ p: BotProposal, head: ChainTip, secondsPerBlock: Double) -> Int64? {
        let left: Double
        switch p.clock {
        case .blockNumber: left = Double(Int64(p.deadline) - Int64(head.number)) * secondsPerBlock
        case .timestamp: left = Double(Int64(p.deadline) - Int64(timepoint(p, head)))
        }
        guard left > 0, timepoint(p, head) > p.snapshot else { return nil }
        return p.rules.reminders.map { $0.components.seconds }.filter { Double($0) >= left && !p.remindersSent.contains($0) }.min()
    }

    /// Now in the proposal's clock: the chain's head for governor proposals, the wall clock for polls
    /// (whose deadline must pass even when no block is mined).
    func timepoint(_ p: BotProposal, _ head: ChainTip) -> UInt64 {
        p.kind == .poll ? now() / 1000 : head.now(p.clock)
    }

    func gating(_ p: BotProposal) -> BotGating {
        switch p.rules.gating {
        case .votingPower: .votingPower(chainId: p.chainId, snapshot: p.snapshot)
        case .allowlist(let members): .allowlist(members)
        case .anyone: .anyone
        }
    }

    /// The proposal's pins, fetched once they exist and are confirmed.
    func pins(_ p: inout BotProposal) async throws -> PowerPins? {
        if let pins = p.pins { return pins }
        guard let pins = try await chain.pins(for: p) else { return nil }
        p.pins = pins
        try await store.updateProposal(p)
        return pins
    }
}
