import Ethereum
import Governance

extension ProposalRules {
    /// The rules as stored with each proposal and written into exports.
    public var json: JSON {
        var object = JSONObject([
            ("system", .string(system.rawValue)), ("choices", .array(choices.map { .string($0) })),
            ("voteChange", .string(voteChange.rawValue)), ("threshold", .string(threshold.jsonText)),
            ("power", power.json), ("quorum", quorum.jsonValue), ("gating", gating.json),
            ("reminders", .array(reminders.map { .number(String($0.components.seconds)) })),
            ("webhooks", .array(webhooks.map { .string($0) })),
        ])
        if let title { object["title"] = .string(title) }
        switch quorumCounting {
        case .allValidBallots?: object["quorumCounting"] = "all"
        case .choices(let set)?: object["quorumCounting"] = .array(set.sorted().map { .number(String($0)) })
        case nil: break
        }
        return .object(object)
    }

    public init(json: JSON) throws {
        func fail(_ what: String) -> RulesDecodingError { RulesDecodingError(what: what) }
        guard let systemText = json["system"]?.stringValue, let system = VotingSystem(rawValue: systemText) else { throw fail("system") }
        guard let choices = json["choices"]?.arrayValue?.compactMap(\.stringValue) else { throw fail("choices") }
        guard let vc = json["voteChange"]?.stringValue, let voteChange = VoteChangeRule(rawValue: vc) else { throw fail("voteChange") }
        guard let t = json["threshold"]?.stringValue, let threshold = try? PassThreshold(parsing: t) else { throw fail("threshold") }
        guard let powerJSON = json["power"], let power = try? VotingPowerStrategy(json: powerJSON) else { throw fail("power") }
        guard let quorumJSON = json["quorum"], let quorum = QuorumRequirement(jsonValue: quorumJSON) else { throw fail("quorum") }
        guard let gatingJSON = json["gating"], let gating = Gating(json: gatingJSON) else { throw fail("gating") }
        var counting: QuorumCounting?
        switch json["quorumCounting"] {
        case .string("all")?: counting = .allValidBallots
        case .array(let items)?: counting = .choices(Set(items.compactMap { if case .number(let n) = $0 { Int(n) } else { nil } }))
        default: counting = nil
        }
        let reminders = (json["reminders"]?.arrayValue ?? []).compactMap { item -> Duration? in
            if case .number(let n) = item, let s = Int64(n) { return .seconds(s) }
            return nil
        }
        self.init(
            title: json["title"]?.stringValue, system: system, choices: choices, voteChange: voteChange, threshold: threshold,
            quorumCounting: counting, power: power, quorum: quorum, gating: gating, reminders: reminders,
            webhooks: json["webhooks"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }
}

extension ProposalRules.Gating {
    var json: JSON {
        switch self {
        case .votingPower: ["rule": "voting-power"]
        case .anyone: ["rule": "anyone"]
        case .allowlist(let members): ["rule": "allowlist", "members": .array(members.map { .string($0.checksummed) })]
        }
    }

    init?(json: JSON) {
        switch json["rule"]?.stringValue {
        case "voting-power": self = .votingPower
        case "anyone": self = .anyone
        case "allowlist":
            guard let members = json["members"]?.arrayValue?.compactMap({ $0.stringValue.flatMap { try? Address($0) } }) else { return nil }
            self = .allowlist(members)
        default: return nil
        }
    }
}

extension PassThreshold {
    var jsonText: String {
        switch self {
        case .simpleMajority: "simple-majority"
        case .supermajority(let n, let d): "\(n)/\(d)"
        }
    }
}

extension QuorumRequirement {
    /// `{"rule": "none"|"absolute"|"governor"|"fraction", …}`
    public var jsonValue: JSON {
        switch self {
        case .none: ["rule": "none"]
        case .absolute(let amount): ["rule": "absolute", "amount": .string(amount.description)]
        case .governor(let g): ["rule": "governor", "governor": .string(g.checksummed)]
        case .fractionOfSupply(let token, let n, let d, let source):
            [
                "rule": "fraction", "token": .string(token.checksummed), "numerator": .string(n.description),
                "denominator": .string(d.description), "source": .string(source.rawValue),
            ]
        }
    }

    public init?(jsonValue json: JSON) {
        switch json["rule"]?.stringValue {
        case "none": self = .none
        case "absolute":
            guard let a = json["amount"]?.stringValue, let amount = try? UInt256(decimal: a) else { return nil }
            self = .absolute(amount)
        case "governor":
            guard let g = json["governor"]?.stringValue, let governor = try? Address(g) else { return nil }
            self = .governor(governor)
        case "fraction":
            guard let t = json["token"]?.stringValue, let token = try? Address(t), let n = json["numerator"]?.stringValue,
                let numerator = try? UInt256(decimal: n), let d = json["denominator"]?.stringValue,
                let denominator = try? UInt256(decimal: d),
                let s = json["source"]?.stringValue, let source = SupplySource(rawValue: s)
            else { return nil }
            self = .fractionOfSupply(token: token, numerator: numerator, denominator: denominator, source: source)
        default: return nil
        }
    }
}

public struct RulesDecodingError: Error, CustomStringConvertible {
    public let what: String
    public var description: String { "stored proposal rules: \(what) is missing or invalid" }
}
