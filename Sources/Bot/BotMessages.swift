import Ethereum
import Governance

/// The texts the bot posts. Machine-readable payloads (receipts, results) are separate messages
/// holding signed JSON documents that `plenum verify` checks.
public enum BotMessages {
    static func title(from description: String) -> String {
        let first = description.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        let trimmed = first.drop(while: { $0 == "#" || $0 == " " })
        return String(trimmed.prefix(120)).isEmpty ? "Untitled proposal" : String(trimmed.prefix(120))
    }

    static func summary(from description: String) -> String {
        let lines = description.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
        let text = lines.joined(separator: "\n").trimmingCharacters()
        return text.count > 600 ? String(text.prefix(600)) + "…" : text
    }

    static func when(_ timepoint: UInt64, clock: VotingWindow.Clock, head: ChainTip, secondsPerBlock: Double) -> String {
        switch clock {
        case .blockNumber:
            let delta = Double(Int64(timepoint) - Int64(head.number)) * secondsPerBlock
            return "block \(timepoint) (\(relative(delta)))"
        case .timestamp:
            return "\(isoTime(timepoint)) (\(relative(Double(Int64(timepoint) - Int64(head.timestamp)))))"
        }
    }

    static func relative(_ seconds: Double) -> String {
        let s = abs(seconds)
        let text =
            s < 90 ? "\(Int(s)) s" : s < 5400 ? "\(Int(s / 60)) min" : s < 172_800 ? "\(Int(s / 3600)) h" : "\(Int(s / 86400)) days"
        return seconds >= 0 ? "in about \(text)" : "about \(text) ago"
    }

    static func isoTime(_ seconds: UInt64) -> String {
        // Civil date from Unix time (UTC), without Foundation.
        let days = Int64(seconds / 86400), rem = Int64(seconds % 86400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d)) \(two(rem / 3600)):\(two(rem % 3600 / 60)) UTC"
    }

    static func announcement(_ p: BotProposal, head: ChainTip, secondsPerBlock: Double, hubHint: String) -> String {
        let choices = p.rules.choices.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: " · ")
        var lines = [
            "New proposal in \(p.channel): \(p.title)",
            "Proposal \(p.proposalId)\(p.proposer.map { " by \($0)" } ?? "")",
            "Voting (\(p.rules.system.rawValue)) opens after \(when(p.snapshot, clock: p.clock, head: head, secondsPerBlock: secondsPerBlock)) and closes after \(when(p.deadline, clock: p.clock, head: head, secondsPerBlock: secondsPerBlock)).",
            "Choices: \(choices)",
        ]
        let summary = summary(from: p.description)
        if !summary.isEmpty { lines += ["", summary, ""] }
        lines.append(
            "How to vote: plenum vote --proposal \(p.proposalId) --choice \(p.rules.system == .basic ? "for|against|abstain" : "<choice>") --key YOUR.key\(hubHint)"
        )
        lines.append("or post a ballot signed by your wallet (EIP-712), e.g. with eth_signTypedData_v4 on:")
        lines.append(ballotTemplate(p).serialized())
        lines.append("Each ballot gets a signed receipt from the bot. Your last ballot counts (\(p.rules.voteChange.rawValue)).")
        return lines.joined(separator: "\n")
    }

    /// The typed data a member signs, with placeholders for their address and choice.
    static func ballotTemplate(_ p: BotProposal) -> JSON {
        if p.kind == .governor, let governor = p.governor {
            return [
                "types": [
                    "EIP712Domain": [
                        ["name": "name", "type": "string"], ["name": "version", "type": "string"], ["name": "chainId", "type": "uint256"],
                        ["name": "verifyingContract", "type": "address"],
                    ],
                    "Ballot": [
                        ["name": "proposalId", "type": "uint256"], ["name": "support", "type": "uint8"],
                        ["name": "voter", "type": "address"],
                        ["name": "nonce", "type": "uint256"],
                    ],
                ],
                "primaryType": "Ballot",
                "domain": [
                    "name": .string(p.governorName ?? ""), "version": "1", "chainId": .number(String(p.chainId)),
                    "verifyingContract": .string(governor.checksummed),
                ],
                "message": [
                    "proposalId": .string(p.proposalId), "support": "1 (for) | 0 (against) | 2 (abstain)", "voter": "YOUR ADDRESS",
                    "nonce": "0",
                ],
            ]
        }
        return [
            "types": [
                "Vote": [
                    ["name": "from", "type": "address"], ["name": "space", "type": "string"], ["name": "timestamp", "type": "uint64"],
                    ["name": "proposal", "type": "string"], ["name": "choice", "type": "uint32"], ["name": "reason", "type": "string"],
                    ["name": "app", "type": "string"], ["name": "metadata", "type": "string"],
                ]
            ],
            "primaryType": "Vote",
            "domain": ["name": "snapshot", "version": "0.1.4"],
            "message": [
                "from": "YOUR ADDRESS", "space": .string(p.channel), "timestamp": "NOW (unix seconds)", "proposal": .string(p.proposalId),
                "choice": "CHOICE NUMBER", "reason": "", "app": "plenum", "metadata": "{}",
            ],
        ]
    }

    /// The machine-readable first message of every group: what a member's tool needs to build a
    /// ballot (`plenum vote` reads it). `{"plenum": "proposal", "version": 1, …}`.
    public static func descriptor(_ p: BotProposal) -> JSON {
        var object = JSONObject([
            ("plenum", "proposal"), ("version", 1), ("key", .string(p.key)), ("kind", .string(p.kind.rawValue)),
            ("channel", .string(p.channel)),
            ("chainId", .number(String(p.chainId))), ("proposalId", .string(p.proposalId)), ("title", .string(p.title)),
            ("system", .string(p.rules.system.rawValue)), ("choices", .array(p.rules.choices.map { .string($0) })),
            ("voteChange", .string(p.rules.voteChange.rawValue)), ("clock", .string(p.clock.rawValue)),
            ("snapshot", .string(String(p.snapshot))), ("deadline", .string(String(p.deadline))), ("ballot", ballotTemplate(p)),
        ])
        if let g = p.governor { object["governor"] = .string(g.checksummed) }
        if let name = p.governorName { object["governorName"] = .string(name) }
        if let block = p.powerBlock { object["powerBlock"] = .number(String(block)) }
        return .object(object)
    }

    static func reminder(_ p: BotProposal, head: ChainTip, secondsPerBlock: Double) -> String {
        "Reminder: voting on \"\(p.title)\" closes after \(when(p.deadline, clock: p.clock, head: head, secondsPerBlock: secondsPerBlock))."
    }

    static func extended(_ p: BotProposal, head: ChainTip, secondsPerBlock: Double) -> String {
        "The deadline of \"\(p.title)\" was extended: voting now closes after \(when(p.deadline, clock: p.clock, head: head, secondsPerBlock: secondsPerBlock))."
    }

    static func closed(_ p: BotProposal) -> String {
        "Voting on \"\(p.title)\" is closed. Ballots posted before this message count; later ones are rejected as late. The result follows."
    }

    static func final(_ p: BotProposal) -> String {
        "This group is now closed. The result above is final; the full log can be exported and re-tallied by anyone."
    }

    static func canceled(_ p: BotProposal) -> String {
        "Proposal \"\(p.title)\" was canceled on chain. This group is closed; no result will be published."
    }

    static func removed(_ p: BotProposal) -> String {
        "Proposal \"\(p.title)\" no longer exists on the chain (removed by a reorganisation). This group is closed; no result will be published."
    }

    static func resultSummary(_ p: BotProposal, _ result: TallyResult) -> String {
        var lines = [
            "Result of \"\(p.title)\": \(result.outcome.rawValue)\(result.winningChoice.map { " — \(p.rules.choices[$0 - 1])" } ?? "")"
        ]
        for (i, choice) in result.choices.enumerated() { lines.append("  \(i + 1) \(choice): \(result.scores[i])") }
        lines.append("\(result.voters) voter(s), \(result.validVotes) valid ballot(s), \(result.rejected.count) rejected.")
        if let quorum = result.quorum { lines.append("Quorum \(quorum): \(result.quorumVotes) counted toward it.") }
        lines.append("The signed result follows; check it with `plenum verify`.")
        return lines.joined(separator: "\n")
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
