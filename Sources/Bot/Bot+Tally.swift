import Ethereum
import Governance

extension Bot {
    /// Counts the proposal's accepted ballots under its rules and signs the result.
    func tally(_ p: BotProposal, pins: PowerPins) async throws -> (SignedResult, ExportAnchor) {
        let started = ContinuousClock.now
        let records = try await store.votes(p.key).sorted { $0.seq < $1.seq }
        var ledger = VoteLedger(rule: p.rules.voteChange)
        var rejected: [VoteRejection] = []
        for record in records {
            switch record.status {
            case .accepted:
                guard let vote = record.vote else { continue }
                switch ledger.record(vote) {
                case .counted, .replaced: break
                case .refused(let r), .duplicate(let r): rejected.append(r)
                }
            case .rejected:
                if let reason = record.reason {
                    rejected.append(VoteRejection(reason, record.detail ?? "", id: record.ballotId, voter: record.voter))
                }
            case .chat:
                break
            }
        }
        rejected += ledger.superseded
        let quorum = try await chain.quorum(for: p, pins: pins)
        let rules = try p.rules.tallyRules(quorum: quorum.amount)
        let ballots = ledger.tallyBallots
        let report = Tally.run(rules, ballots: ballots)
        let head = try await chat.head(of: p.group!)
        let result = TallyResult(
            proposal: p.key, report: report, ballots: ballots, rejected: rejected, logHead: head.hash, chainId: UInt256(p.chainId))
        let digest = try result.digest()
        let signature = try result.sign(with: configuration.key)
        statistics.lastTallyMilliseconds =
            Double((ContinuousClock.now - started).components.attoseconds) / 1e15
            + Double((ContinuousClock.now - started).components.seconds) * 1000
        // The header an export of this proposal starts with, signed with the result it heads.
        let header = ExportHeader(tallying: p, bot: configuration.key.address, quorum: quorum, logHead: head)
        let anchor = try ExportAnchor.sign(header: header, result: result, key: configuration.key)
        return (SignedResult(result: result, signature: signature, digest: digest), anchor)
    }
}
