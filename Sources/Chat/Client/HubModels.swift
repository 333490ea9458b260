import Ethereum

/// A group as the hub serves it (`GET /v1/groups`, `GET /v1/groups/{id}`).
public struct HubGroup: Hashable, Sendable {
    public let id: GroupID
    public let hub: String
    /// The bot's key for the group, e.g. `gov:<chainId>:<governor>:<proposalId>` or `poll:<channel>:<id>`.
    public let key: String
    public let title: String
    public let topic: String
    public let gating: GatingRule
    public let isOpen: Bool
    /// Unix milliseconds.
    public let createdAt: UInt64
    public let closedAt: UInt64?
    public let closingSeq: UInt64?
    /// The log's head; only `GET /v1/groups/{id}` sends it.
    public let head: ChainHead?

    public init(
        id: GroupID, hub: String, key: String, title: String, topic: String, gating: GatingRule, isOpen: Bool, createdAt: UInt64,
        closedAt: UInt64?, closingSeq: UInt64?, head: ChainHead?
    ) {
        self.id = id
        self.hub = hub
        self.key = key
        self.title = title
        self.topic = topic
        self.gating = gating
        self.isOpen = isOpen
        self.createdAt = createdAt
        self.closedAt = closedAt
        self.closingSeq = closingSeq
        self.head = head
    }

    /// Reads the served form.
    public init(json: JSON) throws(ChatError) {
        guard json.objectValue != nil else { throw ChatError(.malformed, "a group must be an object, found \(json.kind)") }
        func text(_ key: String) throws(ChatError) -> String {
            guard let value = json[key]?.stringValue else { throw ChatError(.malformed, "group: missing or wrong \(key)") }
            return value
        }
        func optionalInteger(_ key: String) throws(ChatError) -> UInt64? {
            switch json[key] {
            case nil, .null?: return nil
            case .number(let n)?:
                guard let value = UInt64(n) else { throw ChatError(.malformed, "group: \(key) \(n.prefix(40)) is not a uint64") }
                return value
            default: throw ChatError(.malformed, "group: \(key) must be an integer or null")
            }
        }
        guard let open = json["open"]?.boolValue else { throw ChatError(.malformed, "group: missing or wrong open") }
        guard let createdAt = try optionalInteger("createdAt") else { throw ChatError(.malformed, "group: missing createdAt") }
        var head: ChainHead?
        if let headJSON = json["head"], headJSON != .null { head = try ChainHead(json: headJSON) }
        self.init(
            id: try GroupID(try text("id")), hub: try text("hub"), key: try text("key"), title: try text("title"), topic: try text("topic"),
            gating: try GatingRule(json: json["gating"] ?? .null), isOpen: open, createdAt: createdAt,
            closedAt: try optionalInteger("closedAt"), closingSeq: try optionalInteger("closingSeq"), head: head)
    }
}

extension ChainHead {
    /// Reads `{"seq": n, "hash": "0x…"}`.
    public init(json: JSON) throws(ChatError) {
        guard case .number(let n)? = json["seq"], let seq = UInt64(n), let text = json["hash"]?.stringValue,
            let hash = try? Hash32(hex: text)
        else { throw ChatError(.malformed, "a head must be {\"seq\": integer, \"hash\": 0x + 64 hex digits}") }
        self.init(seq: seq, hash: hash)
    }
}

/// What `GET /v1/hub` says: the hub's name (signed into every message) and its limits.
public struct HubDescription: Hashable, Sendable {
    public let name: String
    public let maxBodyBytes: Int
    public let maxPage: Int
    public let maxClockSkewMs: UInt64

    public init(name: String, maxBodyBytes: Int, maxPage: Int, maxClockSkewMs: UInt64) {
        self.name = name
        self.maxBodyBytes = maxBodyBytes
        self.maxPage = maxPage
        self.maxClockSkewMs = maxClockSkewMs
    }

    public init(json: JSON) throws(ChatError) {
        guard let name = json["hub"]?.stringValue, !name.isEmpty else { throw ChatError(.malformed, "hub: missing name") }
        func limit(_ key: String, default value: UInt64) -> UInt64 {
            if case .number(let n)? = json["limits"]?[key], let parsed = UInt64(n) { return parsed }
            return value
        }
        self.init(
            name: name, maxBodyBytes: Int(min(limit("maxBodyBytes", default: 16384), 1 << 24)),
            maxPage: Int(max(1, min(limit("maxPage", default: 100), 10_000))), maxClockSkewMs: limit("maxClockSkewMs", default: 300_000))
    }
}

/// A page of a group's log (`GET /v1/groups/{id}/messages`).
public struct MessagePage: Hashable, Sendable {
    public let group: GroupID
    public let messages: [StoredMessage]
    /// The group's head when the page was read.
    public let head: ChainHead
    /// Pass as `after` for the next page; nil when this page reached the head.
    public let next: UInt64?
}

/// A page of the hub's groups (`GET /v1/groups`).
public struct GroupPage: Hashable, Sendable {
    public let groups: [HubGroup]
    /// Pass as `after` for the next page; nil at the end.
    public let next: Int64?
}

/// One frame of a group's WebSocket stream.
public enum HubStreamFrame: Hashable, Sendable {
    case message(StoredMessage)
    /// Everything committed when the stream started has been sent.
    case caughtUp(seq: UInt64)
    /// The group is closed and its last entry was sent.
    case closed(seq: UInt64)
    /// The stream cannot start or continue.
    case error(code: String, message: String)

    /// Reads a text frame.
    public init(json: JSON) throws(ChatError) {
        func seq() throws(ChatError) -> UInt64 {
            guard case .number(let n)? = json["seq"], let value = UInt64(n) else { throw ChatError(.malformed, "stream frame: bad seq") }
            return value
        }
        switch json["type"]?.stringValue {
        case "message": self = .message(try StoredMessage(json: json["message"] ?? .null))
        case "caught-up": self = .caughtUp(seq: try seq())
        case "closed": self = .closed(seq: try seq())
        case "error":
            self = .error(
                code: json["error"]?["code"]?.stringValue ?? "unknown", message: json["error"]?["message"]?.stringValue ?? "")
        default: throw ChatError(.malformed, "stream frame of unknown type \(json["type"]?.serialized().prefix(40) ?? "none")")
        }
    }
}

extension HubGroup {
    /// The served form (with `head` when known).
    public var json: JSON {
        var object = JSONObject([
            ("id", .string(id.rawValue)), ("hub", .string(hub)), ("key", .string(key)), ("title", .string(title)),
            ("topic", .string(topic)), ("gating", gating.json), ("open", .bool(isOpen)), ("createdAt", .number(String(createdAt))),
            ("closedAt", closedAt.map { .number(String($0)) } ?? .null), ("closingSeq", closingSeq.map { .number(String($0)) } ?? .null),
        ])
        if let head { object["head"] = head.json }
        return .object(object)
    }
}
