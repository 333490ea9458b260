import ChainWatch
import Ethereum

/// Formats chain notifications for `plenum watch`.
public enum WatchPrinter {
    /// One JSON line: `{"seq", "notification", …event}`.
    public static func jsonLine(_ notification: ChainNotification) -> String {
        switch notification {
        case .confirmed(let seq, let event):
            var object = event.json.objectValue!
            object["seq"] = .number(String(seq))
            object["notification"] = "confirmed"
            return JSON.object(object).serialized()
        case .rolledBack(let seq, let follower, let keep, let removed):
            let out: JSON = [
                "seq": .number(String(seq)), "notification": "rolledBack", "chainId": .number(String(follower.chainId)),
                "governor": .string(follower.governor.checksummed), "keepThrough": keep.map { .number(String($0)) } ?? .null,
                "removed": .array(removed.map(\.json)),
            ]
            return out.serialized()
        }
    }

    /// One human-readable line.
    public static func textLine(_ notification: ChainNotification) -> String {
        switch notification {
        case .confirmed(_, let e):
            let where_ = "chain \(e.chainId) block \(e.position.blockNumber)"
            switch e.event {
            case .failure(let error): return "\(where_)  UNDECODABLE  \(error)"
            case .success(let event):
                let id = shortId(event.proposalId)
                switch event {
                case .proposalCreated(let p):
                    let title = p.description.split(separator: "\n").first.map(String.init) ?? ""
                    return
                        "\(where_)  ProposalCreated   \(id)  by \(p.proposer)  votes \(p.voteStart)→\(p.voteEnd)  \"\(title.prefix(60))\""
                case .proposalCanceled: return "\(where_)  ProposalCanceled  \(id)"
                case .proposalQueued(_, let eta): return "\(where_)  ProposalQueued    \(id)  eta \(eta)"
                case .proposalExecuted: return "\(where_)  ProposalExecuted  \(id)"
                case .proposalExtended(_, let deadline): return "\(where_)  ProposalExtended  \(id)  deadline \(deadline)"
                case .voteCast(let v):
                    let support =
                        ["against", "for", "abstain"].indices.contains(Int(v.support))
                        ? ["against", "for", "abstain"][Int(v.support)] : "\(v.support)"
                    return "\(where_)  \(event.name.padding(17))  \(id)  \(v.voter) \(support) weight \(v.weight)"
                }
            }
        case .rolledBack(_, let follower, let keep, let removed):
            return
                "REORG on chain \(follower.chainId): \(removed.count) confirmed event(s) above block \(keep.map(String.init) ?? "start") rolled back"
        }
    }

    static func shortId(_ id: UInt256) -> String {
        let text = id.description
        return text.count > 14 ? "\(text.prefix(6))…\(text.suffix(6))" : text
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
