import Bot
import Ethereum
import Governance

/// The JSON shapes of the admin API, shared with `plenum channels|proposals|results` so that a
/// script gets the same document from the CLI as from the running service.
public enum AdminJSON {
    /// `{"error": {"code", "message"}}`.
    public static func error(_ code: String, _ message: String) -> JSON {
        ["error": ["code": .string(code), "message": .string(message)]]
    }

    /// A channel: `{"name", "chain", "governor", "startBlock", "confirmations", "rules", "file"}`.
    public static func channel(_ c: PlenumConfiguration.Channel) -> JSON {
        [
            "name": .string(c.name), "chain": .string(c.chain), "governor": .string(c.governor.checksummed),
            "startBlock": .number(String(c.startBlock)), "confirmations": c.confirmations.map { .number(String($0)) } ?? .null,
            "rules": c.rules.json, "file": .string(c.file),
        ]
    }

    /// A proposal: the summary (`key`, `kind`, `channel`, `chainId`, `proposalId`, `title`, `phase`,
    /// `clock`, `snapshot`, `deadline`, `group`, `governor`?, `powerBlock`? (polls), `outcome`?), and with `full` also
    /// `description`, `rules`, `processedSeq`, `closeSeq`?, `pins`?, `created`?.
    public static func proposal(_ p: BotProposal, full: Bool) -> JSON {
        var object = JSONObject([
            ("key", .string(p.key)), ("kind", .string(p.kind.rawValue)), ("channel", .string(p.channel)),
            ("chainId", .number(String(p.chainId))),
            ("proposalId", .string(p.proposalId)), ("title", .string(p.title)), ("phase", .string(p.phase.rawValue)),
            ("clock", .string(p.clock.rawValue)), ("snapshot", .string(String(p.snapshot))), ("deadline", .string(String(p.deadline))),
            ("group", p.group.map { .string($0) } ?? .null),
        ])
        if let g = p.governor { object["governor"] = .string(g.checksummed) }
        if let b = p.powerBlock { object["powerBlock"] = .string(String(b)) }
        if let r = p.result { object["outcome"] = .string(r.result.outcome.rawValue) }
        if full {
            object["description"] = .string(p.description)
            object["rules"] = p.rules.json
            object["processedSeq"] = .number(String(p.processedSeq))
            if let c = p.closeSeq { object["closeSeq"] = .number(String(c)) }
            if let pins = p.pins { object["pins"] = pins.json }
            if let created = p.created { object["created"] = created.json }
        }
        return .object(object)
    }

    /// A proposal in full with its `votes` (every decision on a message of its group, in order).
    public static func proposal(_ p: BotProposal, votes: [VoteRecord]) -> JSON {
        var object = proposal(p, full: true).objectValue!
        object["votes"] = .array(votes.map(vote))
        return .object(object)
    }

    /// One decision: `{"seq", "sender", "status", "messageHash", "ballot"?, "voter"?, "reason"?, "detail"?, "vote"?}`.
    public static func vote(_ v: VoteRecord) -> JSON {
        var object = JSONObject([
            ("seq", .number(String(v.seq))), ("sender", .string(v.sender.checksummed)), ("status", .string(v.status.rawValue)),
            ("messageHash", .string(v.messageHash.description)),
        ])
        if let id = v.ballotId { object["ballot"] = .string(id.description) }
        if let voter = v.voter { object["voter"] = .string(voter.checksummed) }
        if let reason = v.reason { object["reason"] = .string(reason.rawValue) }
        if let detail = v.detail { object["detail"] = .string(detail) }
        if let vote = v.vote { object["vote"] = vote.json }
        return .object(object)
    }

    /// A signed result: `{"result": {…}, "digest", "signed": {EIP-712 typed data + "signature"}}`;
    /// `signed` is exactly what `plenum verify` checks.
    public static func result(_ r: SignedResult) throws -> JSON {
        var document = try r.result.typedDataJSON().objectValue!
        document["signature"] = .string(r.signature.description)
        return ["result": try r.result.json(), "digest": .string(r.digest.description), "signed": .object(document)]
    }
}
