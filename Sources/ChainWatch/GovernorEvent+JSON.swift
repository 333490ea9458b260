import Ethereum

extension GovernorEvent {
    /// The event as JSON (`{"event": name, …fields}`), integers as decimal strings, bytes as 0x hex.
    /// This form is stored, printed by `plenum watch --json` and written to exports.
    public var json: JSON {
        switch self {
        case .proposalCreated(let p):
            return [
                "event": "ProposalCreated", "proposalId": .string(p.proposalId.description), "proposer": .string(p.proposer.checksummed),
                "targets": .array(p.targets.map { .string($0.checksummed) }), "values": .array(p.values.map { .string($0.description) }),
                "signatures": .array(p.signatures.map { .string($0) }), "calldatas": .array(p.calldatas.map { .string(Hex.encode($0)) }),
                "voteStart": .string(p.voteStart.description), "voteEnd": .string(p.voteEnd.description),
                "description": .string(p.description),
            ]
        case .proposalCanceled(let id):
            return ["event": "ProposalCanceled", "proposalId": .string(id.description)]
        case .proposalQueued(let id, let eta):
            return ["event": "ProposalQueued", "proposalId": .string(id.description), "eta": .string(eta.description)]
        case .proposalExecuted(let id):
            return ["event": "ProposalExecuted", "proposalId": .string(id.description)]
        case .proposalExtended(let id, let deadline):
            return ["event": "ProposalExtended", "proposalId": .string(id.description), "deadline": .string(String(deadline))]
        case .voteCast(let v):
            var object: JSONObject = JSONObject([
                ("event", .string(name)), ("voter", .string(v.voter.checksummed)), ("proposalId", .string(v.proposalId.description)),
                ("support", .number(String(v.support))), ("weight", .string(v.weight.description)), ("reason", .string(v.reason)),
            ])
            if let params = v.params { object["params"] = .string(Hex.encode(params)) }
            return .object(object)
        }
    }

    /// Reads the JSON form back.
    public init(json: JSON) throws {
        func u(_ k: String) throws -> UInt256 {
            guard let s = json[k]?.stringValue else { throw GovernorEventError.undecodable("\(k) missing") }
            return try UInt256(parsing: s)
        }
        func a(_ k: String) throws -> Address {
            guard let s = json[k]?.stringValue else { throw GovernorEventError.undecodable("\(k) missing") }
            return try Address(s)
        }
        func strings(_ k: String) throws -> [String] {
            guard let items = json[k]?.arrayValue else { throw GovernorEventError.undecodable("\(k) missing") }
            return try items.map {
                guard let s = $0.stringValue else { throw GovernorEventError.undecodable("\(k) holds a non-string") }
                return s
            }
        }
        switch json["event"]?.stringValue {
        case "ProposalCreated":
            self = .proposalCreated(
                ProposalCreated(
                    proposalId: try u("proposalId"), proposer: try a("proposer"), targets: try strings("targets").map { try Address($0) },
                    values: try strings("values").map { try UInt256(parsing: $0) }, signatures: try strings("signatures"),
                    calldatas: try strings("calldatas").map { try Hex.decode($0) }, voteStart: try u("voteStart"),
                    voteEnd: try u("voteEnd"),
                    description: json["description"]?.stringValue ?? ""))
        case "ProposalCanceled": self = .proposalCanceled(proposalId: try u("proposalId"))
        case "ProposalQueued": self = .proposalQueued(proposalId: try u("proposalId"), eta: try u("eta"))
        case "ProposalExecuted": self = .proposalExecuted(proposalId: try u("proposalId"))
        case "ProposalExtended":
            guard let d = try u("deadline").uint64Value else { throw GovernorEventError.undecodable("deadline too large") }
            self = .proposalExtended(proposalId: try u("proposalId"), deadline: d)
        case "VoteCast", "VoteCastWithParams":
            guard case .number(let s)? = json["support"], let support = UInt8(s) else { throw GovernorEventError.undecodable("support") }
            self = .voteCast(
                VoteCast(
                    voter: try a("voter"), proposalId: try u("proposalId"), support: support, weight: try u("weight"),
                    reason: json["reason"]?.stringValue ?? "", params: try json["params"]?.stringValue.map { try Hex.decode($0) }))
        default:
            throw GovernorEventError.undecodable("unknown event \(json["event"]?.serialized() ?? "nil")")
        }
    }
}
