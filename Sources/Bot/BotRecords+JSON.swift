import ChainWatch
import Ethereum
import Governance

extension VotingPowerRecord {
    /// Reads the JSON form back.
    public init(json: JSON) throws {
        guard let v = json["voter"]?.stringValue, let t = json["total"]?.stringValue, let items = json["components"]?.arrayValue else {
            throw RulesDecodingError(what: "voting power record")
        }
        let components = try items.map { item -> Component in
            guard let path = item["path"]?.stringValue, let strategy = item["strategy"]?.stringValue, let value = item["value"]?.stringValue
            else { throw RulesDecodingError(what: "voting power component") }
            var block: BlockRef?
            if let b = item["block"], let n = b["number"]?.stringValue, let number = UInt64(n), let h = b["hash"]?.stringValue {
                block = BlockRef(number: number, hash: try Hash32(hex: h))
            }
            return Component(path: path, strategy: strategy, value: try UInt256(decimal: value), block: block)
        }
        self.init(voter: try Address(v), total: try UInt256(decimal: t), components: components)
    }
}

extension AcceptedVote {
    /// `{"id", "voter", "kind", "choice", "weight", "time", "signature", "power"?}` — stored and exported.
    public var json: JSON {
        var object = JSONObject([
            ("id", .string(id.description)), ("voter", .string(voter.checksummed)), ("kind", .string(kind)), ("choice", choice),
            ("weight", .string(weight.description)), ("time", .number(String(time))), ("signature", .string(signature.rawValue)),
        ])
        if let power { object["power"] = power.json }
        return .object(object)
    }

    public init(json: JSON) throws {
        guard let i = json["id"]?.stringValue, let v = json["voter"]?.stringValue, let kind = json["kind"]?.stringValue,
            let choice = json["choice"],
            let w = json["weight"]?.stringValue, case .number(let t)? = json["time"], let time = UInt64(t),
            let s = json["signature"]?.stringValue, let signature = SignatureKind(rawValue: s)
        else { throw RulesDecodingError(what: "accepted vote") }
        self.init(
            id: try Hash32(hex: i), voter: try Address(v), kind: kind, choice: choice, weight: try UInt256(decimal: w), time: time,
            signature: signature, power: try json["power"].map { try VotingPowerRecord(json: $0) })
    }
}

extension TallyResult {
    /// Convenience for storage: the JSON form, or nil when it cannot be produced.
    public var storedJSON: JSON? { try? json() }
}

extension PowerPins {
    public var json: JSON { ["snapshotBlock": snapshotBlock.json, "checkpointBlock": checkpointBlock.json] }

    public init(json: JSON) throws {
        func ref(_ k: String) throws -> BlockRef {
            guard let b = json[k], let n = b["number"]?.stringValue, let number = UInt64(n), let h = b["hash"]?.stringValue else {
                throw RulesDecodingError(what: k)
            }
            return BlockRef(number: number, hash: try Hash32(hex: h))
        }
        self.init(snapshotBlock: try ref("snapshotBlock"), checkpointBlock: try ref("checkpointBlock"))
    }
}
