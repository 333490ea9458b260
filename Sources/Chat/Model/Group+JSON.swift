import Ethereum

extension GatingRule {
    /// `{"kind": "anyone"}`, `{"kind": "members"}` or `{"kind": "votingPower", "chainId", "snapshot", "source"}`.
    public var json: JSON {
        switch self {
        case .anyone: ["kind": "anyone"]
        case .members: ["kind": "members"]
        case .votingPower(let gate):
            [
                "kind": "votingPower", "chainId": .number(String(gate.chainId)), "snapshot": .number(String(gate.snapshot)),
                "source": .string(gate.source),
            ]
        }
    }

    /// Reads the form `json` writes.
    public init(json: JSON) throws(ChatError) {
        switch json["kind"]?.stringValue {
        case "anyone": self = .anyone
        case "members": self = .members
        case "votingPower":
            func number(_ key: String) -> UInt64? {
                if case .number(let n)? = json[key] { return UInt64(n) }
                return nil
            }
            guard let chainId = number("chainId"), let snapshot = number("snapshot"), let source = json["source"]?.stringValue else {
                throw ChatError(.malformed, "a votingPower gating rule needs chainId, snapshot (integers) and source (a string)")
            }
            self = .votingPower(VotingPowerGate(chainId: chainId, snapshot: snapshot, source: source))
        default:
            throw ChatError(.malformed, "gating kind must be anyone, members or votingPower")
        }
    }
}

extension GroupInfo {
    /// The served form; `head` is added when known.
    public func json(head: ChainHead? = nil) -> JSON {
        var object = JSONObject([
            ("id", .string(id.rawValue)), ("hub", .string(hub)), ("key", .string(key)), ("title", .string(title)),
            ("topic", .string(topic)), ("gating", gating.json), ("public", .bool(isPublic)), ("open", .bool(isOpen)),
            ("createdAt", .number(String(createdAt))), ("closedAt", closedAt.map { .number(String($0)) } ?? .null),
            ("closingSeq", closingSeq.map { .number(String($0)) } ?? .null),
        ])
        if let head { object["head"] = head.json }
        return .object(object)
    }
}

extension ChainHead {
    /// `{"seq": n, "hash": "0x…"}`.
    public var json: JSON { ["seq": .number(String(seq)), "hash": .string(hash.description)] }
}
