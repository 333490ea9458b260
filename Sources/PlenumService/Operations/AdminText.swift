import Bot
import Ethereum
import Foundation
import Governance

/// What `plenum channels|proposals|results` print for people: tables and summaries. Scripts use
/// `--json`, whose shapes (`AdminJSON`) are those of the admin API.
public enum AdminText {
    /// One line per channel.
    public static func channels(_ channels: [PlenumConfiguration.Channel]) -> String {
        guard !channels.isEmpty else { return "no channels configured" }
        return table(
            ["NAME", "CHAIN", "GOVERNOR", "SYSTEM", "START", "FILE"],
            channels.map { [$0.name, $0.chain, $0.governor.checksummed, $0.rules.system.rawValue, String($0.startBlock), $0.file] })
    }

    /// A channel and every member of its rules.
    public static func channel(_ c: PlenumConfiguration.Channel) -> String {
        var lines = [
            "channel:       \(c.name)", "file:          \(c.file)", "chain:         \(c.chain)", "governor:      \(c.governor.checksummed)",
            "start block:   \(c.startBlock)", "confirmations: \(c.confirmations.map(String.init) ?? "the chain's")", "rules:",
        ]
        for (key, value) in c.rules.json.objectValue ?? JSONObject() {
            lines.append("  \(key): \(value.stringValue ?? value.serialized())")
        }
        return lines.joined(separator: "\n")
    }

    /// One line per proposal: key, channel, phase, deadline, outcome, title.
    public static func proposals(_ proposals: [BotProposal]) -> String {
        guard !proposals.isEmpty else { return "no proposals yet" }
        return table(
            ["KEY", "CHANNEL", "PHASE", "DEADLINE", "OUTCOME", "TITLE"],
            proposals.map {
                [$0.key, $0.channel, $0.phase.rawValue, deadline($0), $0.result?.result.outcome.rawValue ?? "-", truncate($0.title, 50)]
            })
    }

    /// A proposal, what was decided about its messages, and each decision (at most `limit` lines).
    public static func proposal(_ p: BotProposal, votes: [VoteRecord], limit: Int = 200) -> String {
        var lines = [
            "proposal:   \(p.key)", "kind:       \(p.kind.rawValue)", "channel:    \(p.channel)", "chain:      \(p.chainId)",
        ]
        if let g = p.governor { lines.append("governor:   \(g.checksummed)") }
        lines += [
            "id:         \(p.proposalId)", "title:      \(p.title)", "phase:      \(p.phase.rawValue)",
            "voting:     after \(timepoint(p.snapshot, p.clock)) until \(timepoint(p.deadline, p.clock))",
            "power at:   block \(p.pins?.snapshotBlock.number ?? p.powerTimepoint)" + (p.pins.map { " (\($0.snapshotBlock.hash))" } ?? ""),
            "system:     \(p.rules.system.rawValue): "
                + p.rules.choices.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: ", "),
            "group:      \(p.group ?? "not opened yet")",
        ]
        if let r = p.result { lines.append("outcome:    \(outcome(r.result))") }
        let accepted = votes.filter { $0.status == .accepted }.count
        let rejected = votes.filter { $0.status == .rejected }
        let chat = votes.filter { $0.status == .chat }.count
        lines.append("messages:   \(votes.count) read: \(accepted) ballots accepted, \(rejected.count) rejected, \(chat) chat")
        if !rejected.isEmpty { lines.append("rejected:   " + countByReason(rejected.map { $0.reason?.rawValue ?? "unknown" })) }
        if let r = p.result?.result {
            lines.append("counted:    \(r.validVotes) ballots of \(r.voters) voters, weight \(r.validWeight)")
            if !r.rejected.isEmpty { lines.append("left out:   " + countByReason(r.rejected.map(\.reason.rawValue))) }
        }
        let ballots = votes.filter { $0.status != .chat }
        if !ballots.isEmpty {
            lines.append("")
            var rows: [[String]] = []
            for v in ballots.prefix(limit) {
                let choice = v.vote.map { $0.choice.stringValue ?? $0.choice.serialized() } ?? "-"
                let weight = v.vote.map { $0.weight.description } ?? "-"
                let why = v.reason.map { $0.rawValue + (v.detail.map { ": " + truncate($0, 60) } ?? "") } ?? ""
                rows.append(["\(v.seq)", v.status.rawValue, (v.voter ?? v.sender).checksummed, choice, weight, why])
            }
            lines.append(table(["SEQ", "STATUS", "VOTER", "CHOICE", "WEIGHT", "REASON"], rows))
            if ballots.count > limit { lines.append("… and \(ballots.count - limit) more (see --json)") }
        }
        return lines.joined(separator: "\n")
    }

    /// A signed result: scores, totals, outcome, who left out and why, the digest and signature.
    public static func result(_ p: BotProposal, _ signed: SignedResult) -> String {
        let r = signed.result
        var lines = ["result of:  \(p.key)", "title:      \(p.title)", "system:     \(r.system.rawValue)"]
        let width = min(40, r.choices.map(\.count).max() ?? 0)
        for (i, choice) in r.choices.enumerated() {
            lines.append("  \(i + 1). \(truncate(choice, width).padding(toLength: width, withPad: " ", startingAt: 0))  \(r.scores[i])")
        }
        lines.append("counted:    \(r.validVotes) ballots (weight \(r.validWeight)) from \(r.voters) voters")
        lines.append("invalid:    \(r.invalidVotes) ballots (weight \(r.invalidWeight))")
        if !r.rejected.isEmpty { lines.append("left out:   " + countByReason(r.rejected.map(\.reason.rawValue))) }
        if let q = r.quorum { lines.append("quorum:     \(q), counted \(r.quorumVotes)") }
        lines.append("outcome:    \(outcome(r))")
        lines.append("log head:   \(r.logHead)")
        lines.append("digest:     \(signed.digest)")
        lines.append("signature:  \(signed.signature)")
        return lines.joined(separator: "\n")
    }

    /// The answer to `POST /admin/polls` (a poll in `AdminJSON.proposal` form).
    public static func pollOpened(_ json: JSON) -> String {
        func member(_ key: String) -> String { json[key]?.stringValue ?? "?" }
        let clock = VotingWindow.Clock(rawValue: member("clock")) ?? .timestamp
        var lines = [
            "poll opened: \(member("key"))", "id:          \(member("proposalId"))", "channel:     \(member("channel"))",
            "title:       \(member("title"))",
            "group:       " + (json["group"]?.stringValue ?? "not opened yet (the bot opens and announces it on its next step)"),
        ]
        if let start = UInt64(member("snapshot")), let end = UInt64(member("deadline")) {
            lines.append("voting:      from \(timepoint(start, clock)) until \(timepoint(end, clock))")
        }
        if let block = json["powerBlock"]?.stringValue { lines.append("power at:    block \(block)") }
        return lines.joined(separator: "\n")
    }

    static func outcome(_ r: TallyResult) -> String {
        var text = r.outcome.rawValue
        if let w = r.winningChoice, w >= 1, w <= r.choices.count { text += ": choice \(w) (\(r.choices[w - 1]))" }
        return text
    }

    /// `reason n, reason m`, most frequent first.
    static func countByReason(_ reasons: [String]) -> String {
        var counts: [String: Int] = [:]
        for r in reasons { counts[r, default: 0] += 1 }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    static func deadline(_ p: BotProposal) -> String { timepoint(p.deadline, p.clock) }

    /// `block N` or an ISO 8601 UTC time.
    static func timepoint(_ value: UInt64, _ clock: VotingWindow.Clock) -> String {
        switch clock {
        case .blockNumber: return "block \(value)"
        case .timestamp:
            guard value < 1 << 40 else { return "t=\(value)" }
            let formatter = ISO8601DateFormatter()
            formatter.timeZone = TimeZone(identifier: "UTC")
            return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(value)))
        }
    }

    static func truncate(_ text: String, _ width: Int) -> String {
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return line.count > width ? String(line.prefix(max(0, width - 1))) + "…" : line
    }

    /// Columns padded to their widest cell; the last column is not padded.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
