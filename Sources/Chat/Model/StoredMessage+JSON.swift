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

    /// The served form's text, exactly `json.serialized()`, written straight into `out` (no JSON
    /// tree, no string per field): what every answer that carries entries sends.
    public func appendJSON(to out: inout [UInt8]) {
        func member(_ key: StaticString, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func number<N: BinaryInteger>(_ n: N) { out.append(contentsOf: String(n).utf8) }
        func quoted(_ body: (inout [UInt8]) -> Void) {
            out.append(UInt8(ascii: "\""))
            body(&out)
            out.append(UInt8(ascii: "\""))
        }
        out.reserveCapacity(out.count + 720 + body.utf8.count + hub.utf8.count + group.rawValue.utf8.count)
        out.append(UInt8(ascii: "{"))
        member("position", first: true)
        number(position)
        member("hub")
        JSON.appendString(hub, to: &out)
        member("group")
        JSON.appendString(group.rawValue, to: &out)
        member("seq")
        number(seq)
        member("prevHash")
        quoted(prevHash.appendHex)
        member("hash")
        quoted(hash.appendHex)
        member("id")
        quoted(id.appendHex)
        member("sender")
        quoted(sender.appendChecksummed)
        member("body")
        JSON.appendString(body, to: &out)
        member("timestamp")
        number(timestamp)
        member("nonce")
        quoted(nonce.appendHex)
        member("signature")
        quoted(signature.appendHex)
        member("receivedAt")
        number(receivedAt)
        out.append(UInt8(ascii: "}"))
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
