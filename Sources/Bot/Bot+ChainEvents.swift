import ChainWatch
import Ethereum
import Governance

extension Bot {
    /// Turns confirmed chain events into proposal changes, each with the bot's position, atomically.
    func consumeChainNotifications() async throws -> Bool {
        let position = try await store.botChainPosition()
        let batch = try await chainEvents.notifications(after: position, limit: 200)
        for notification in batch {
            var inserts: [BotProposal] = []
            var updates: [BotProposal] = []
            switch notification {
            case .confirmed(_, let record):
                guard case .success(let event) = record.event, let channel = channel(chainId: record.chainId, governor: record.governor)
                else {
                    break
                }
                let key = BotProposal.governorKey(chainId: record.chainId, governor: record.governor, proposalId: event.proposalId)
                switch event {
                case .proposalCreated(let p):
                    inserts.append(try await makeProposal(p, record: record, channel: channel, key: key))
                case .proposalCanceled:
                    if var existing = try await store.proposal(key), !existing.phase.isFinal, existing.phase != .closing {
                        existing.phase = .canceled
                        existing.pendingNotice = BotMessages.canceled(existing)
                        updates.append(existing)
                    }
                case .proposalExtended(_, let deadline):
                    if var existing = try await store.proposal(key), !existing.phase.isFinal, deadline > existing.deadline {
                        existing.deadline = deadline
                        updates.append(existing)
                    }
                case .proposalQueued, .proposalExecuted, .voteCast:
                    break  // on-chain votes and execution are recorded by the watcher and exported with the proposal
                }
            case .rolledBack(_, _, _, let removed):
                for record in removed {
                    guard case .success(.proposalCreated(let p)) = record.event else { continue }
                    let key = BotProposal.governorKey(chainId: record.chainId, governor: record.governor, proposalId: p.proposalId)
                    if var existing = try await store.proposal(key), !existing.phase.isFinal {
                        existing.phase = .removed
                        existing.pendingNotice = BotMessages.removed(existing)
                        updates.append(existing)
                        logger.critical("proposal removed by a deep reorg", metadata: ["proposal": "\(key)"])
                    }
                }
            }
            try await store.applyChainNotification(position: notification.sequence, inserts: inserts, updates: updates)
        }
        return !batch.isEmpty
    }

    func makeProposal(
        _ p: GovernorEvent.ProposalCreated, record: ChainEventRecord, channel: Channel, key: String
    ) async throws -> BotProposal {
        let clock: VotingWindow.Clock = (record.proposal?.clockMode ?? .blocknumber) == .timestamp ? .timestamp : .blockNumber
        let snapshot = (record.proposal?.snapshot ?? p.voteStart).uint64Value ?? UInt64.max
        let deadline = (record.proposal?.deadline ?? p.voteEnd).uint64Value ?? UInt64.max
        let name = try? await chain.governorName(chainId: record.chainId, governor: record.governor)
        var rules = channel.rules
        if rules.title == nil { rules.title = channel.name }
        return BotProposal(
            key: key, kind: .governor, channel: channel.name, chainId: record.chainId, governor: record.governor,
            proposalId: p.proposalId.description, title: BotMessages.title(from: p.description), description: p.description,
            proposer: p.proposer, clock: clock, snapshot: snapshot, deadline: deadline, created: record, rules: rules, governorName: name,
            createdAt: now())
    }
}
