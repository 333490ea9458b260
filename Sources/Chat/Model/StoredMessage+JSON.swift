import Ethereum

extension StoredMessage {
    /// The served form: every field of the entry, hashes and nonce as 0x hex, integers as JSON numbers.
    public var json: JSON {
        .object(
            JSONObject([
                ("position", .number(String(position))), ("hub", .string(hub)), ("group", .string(group.rawValue)),
                ("seq", .number(String(seq))), ("prevHash", .string(prevHash.description)), ("hash", .string(hash.description)),
                ("id", .string(id.description)), ("sender", .string(sender.checksummed)), ("body", .string(body)),
                ("timestamp", .number(String(timestamp))), ("nonce", .string(nonce.description)),
                ("signature", .string(signature.description)), ("receivedAt", .number(String(receivedAt))),
            ]))
    }

    /// Reads the served form back (clients, tests, exports); the hash is taken as given. With
    /// `position`, a `position` member is not read (an export line carries none).
    public init(json: JSON, position: Int64? = nil) throws(ChatError) {
        guard let object = json.objectValue else { throw ChatError(.malformed, "a stored message must be an object, found \(json.kind)") }
        func text(_ key: String) throws(ChatError) -> String {
            switch object[key] {
            case .string(let s)?: return s
            case .number(let n)?: return n
            default: throw ChatError(.malformed, "stored message: missing or wrong \(key)")
            }
        }
        func parse<T>(_ key: String, _ make: (String) throws -> T?) throws(ChatError) -> T {
            let value = try text(key)
            guard let parsed = try? make(value) else {
                throw ChatError(.malformed, "stored message: \(key) \"\(value.prefix(80))\" is invalid")
            }
            return parsed
        }
        let at: Int64
        if let position { at = position } else { at = try parse("position") { Int64($0) } }
        self.init(
            position: at, hub: try text("hub"), group: try GroupID(try text("group")),
            seq: try parse("seq") { UInt64($0) }, prevHash: try parse("prevHash") { try Hash32(hex: $0) },
            id: try parse("id") { try Hash32(hex: $0) }, sender: try parse("sender") { try Address($0) }, body: try text("body"),
            timestamp: try parse("timestamp") { UInt64($0) }, nonce: try parse("nonce") { try Hash32(hex: $0) },
            signature: try parse("signature") { try Signature(hex: $0) }, receivedAt: try parse("receivedAt") { UInt64($0) },
            storedHash: try parse("hash") { try Hash32(hex: $0) })
    }
}
