import Ethereum
import Governance

extension BotProposal {
    /// What the validator needs to know about the proposal: the ballots' domain and target, the
    /// voting system and choices, the window and the block contract wallets are asked at.
    public var proposalContext: ProposalContext {
        let rules = (try? rules.tallyRules(quorum: nil)) ?? (try! TallyRules(system: .basic, choices: VotingSystem.basicChoices))
        switch kind {
        case .governor:
            return ProposalContext(
                governor: .init(
                    chainId: UInt256(chainId), governor: governor!, name: governorName ?? "",
                    proposalId: (try? UInt256(decimal: proposalId)) ?? .zero),
                rules: rules, window: window, pinnedBlock: pins?.checkpointBlock)
        case .poll:
            return ProposalContext(
                snapshot: .init(space: channel, proposal: proposalId), rules: rules, window: window, pinnedBlock: pins?.checkpointBlock)
        }
    }

    /// The validation context of a ballot in this proposal's group: the intake's clock, and the time
    /// that orders the voter's ballots (for governor ballots, which carry no signed time, the
    /// message's place in the log; for Snapshot votes the hub's receipt time in seconds).
    public func validationContext(clock: IntakeClock, seq: UInt64, receivedAt: UInt64, seen: Set<Hash32>) -> ValidationContext {
        ValidationContext(
            blockNumber: clock.blockNumber, timestamp: clock.timestamp, receivedAt: kind == .governor ? seq : receivedAt / 1000,
            seenIDs: seen)
    }
}
