import Ethereum

/// A `ChatMessage` with its sender's signature, as posted to the hub:
/// `{"message": {hub, group, sender, body, timestamp, nonce}, "signature": "0x…"}`.
public struct SignedChatMessage: Hashable, Sendable {
    public var message: ChatMessage
    public var signature: Signature

    public init(message: ChatMessage, signature: Signature) {
        self.message = message
        self.signature = signature
    }

    /// Recovers the signer and checks that it is `message.sender`; returns the digest (the message id).
    public func verify() throws(ChatError) -> Hash32 {
        let digest = message.digest
        let signer: Address
        do { signer = try signature.recoverAddress(digest: digest) } catch {
            throw ChatError(.badSignature, "no signer can be recovered from the signature: \(error)")
        }
        guard signer == message.sender else {
            throw ChatError(
                .signerMismatch,
                "the signature was made by \(signer.checksummed), not by the sender \(message.sender.checksummed) "
                    + "(the signed ChatMessage must match the posted fields exactly)")
        }
        return digest
    }

    /// The posted JSON form.
    public var json: JSON {
        .object(JSONObject([("message", .object(message.messageJSON)), ("signature", .string(signature.description))]))
    }

    /// Parses the posted form strictly: every member present and of its type, no other members.
    /// A body longer than `maxBodyBytes` (UTF-8) is `too-large`; an unparseable signature is `bad-signature`.
    public init(json: JSON, maxBodyBytes: Int) throws(ChatError) {
        guard let root = json.objectValue else { throw ChatError(.malformed, "the request body must be a JSON object, found \(json.kind)") }
        for key in root.keys where key != "message" && key != "signature" {
            throw ChatError(.malformed, "unknown member \"\(key.prefix(60))\" (expected \"message\" and \"signature\")")
        }
        guard let messageJSON = root["message"] else { throw ChatError(.malformed, "missing member \"message\"") }
        guard let fields = messageJSON.objectValue else {
            throw ChatError(.malformed, "\"message\" must be an object, found \(messageJSON.kind)")
        }
        let known = ["hub", "group", "sender", "body", "timestamp", "nonce"]
        for key in fields.keys where !known.contains(key) {
            throw ChatError(.malformed, "unknown member message.\(key.prefix(60)) (ChatMessage has \(known.joined(separator: ", ")))")
        }
        func string(_ name: String) throws(ChatError) -> String {
            guard let value = fields[name] else { throw ChatError(.malformed, "missing member message.\(name)") }
            guard let text = value.stringValue else { throw ChatError(.malformed, "message.\(name) must be a string, found \(value.kind)") }
            return text
        }
        let hub = try string("hub")
        let group = try GroupID(try string("group"))
        let senderText = try string("sender")
        let sender: Address
        do { sender = try Address(senderText) } catch {
            throw ChatError(.malformed, "message.sender \"\(senderText.prefix(60))\" is not an address: \(error)")
        }
        let body = try string("body")
        guard body.utf8.count <= maxBodyBytes else {
            throw ChatError(.tooLarge, "message.body is \(body.utf8.count) bytes of UTF-8; the limit is \(maxBodyBytes)")
        }
        guard let timestampJSON = fields["timestamp"] else { throw ChatError(.malformed, "missing member message.timestamp") }
        let timestampText: String
        switch timestampJSON {
        case .number(let n): timestampText = n
        case .string(let s): timestampText = s
        default: throw ChatError(.malformed, "message.timestamp must be an integer (Unix milliseconds), found \(timestampJSON.kind)")
        }
        guard let timestamp = UInt64(timestampText) else {
            throw ChatError(.malformed, "message.timestamp \"\(timestampText.prefix(40))\" is not a uint64 (Unix milliseconds, decimal)")
        }
        let nonceText = try string("nonce")
        let nonce: Hash32
        do { nonce = try Hash32(hex: nonceText) } catch {
            throw ChatError(.malformed, "message.nonce must be 0x and 64 hex digits (bytes32), found \"\(nonceText.prefix(80))\"")
        }
        guard let signatureJSON = root["signature"] else {
            throw ChatError(
                .badSignature, "the message is unsigned (missing member \"signature\"): every message must be signed by its sender")
        }
        guard let signatureText = signatureJSON.stringValue else {
            throw ChatError(.malformed, "\"signature\" must be a 0x-hex string, found \(signatureJSON.kind)")
        }
        let signature: Signature
        do { signature = try Signature(hex: signatureText) } catch {
            throw ChatError(.badSignature, "the signature is not acceptable: \(error)")
        }
        self.init(
            message: ChatMessage(hub: hub, group: group, sender: sender, body: body, timestamp: timestamp, nonce: nonce),
            signature: signature)
    }
}
