import Ethereum

/// One entry of a group's hash-linked log, as the hub stores and serves it.
///
/// `hash` is keccak256 of the ABI encoding (`abi.encode`, not packed) of
/// `(bytes32 prevHash, string hub, string group, uint64 seq, bytes32 id, address sender,
/// string body, uint64 timestamp, bytes32 nonce, bytes signature, uint64 receivedAt)`, where
/// `id` is the EIP-712 digest of the `ChatMessage` and `signature` its 65 bytes `r ‖ s ‖ v` with
/// v ∈ {27, 28}. `prevHash` is the previous entry's `hash` in the same group, zero for `seq` 1.
public struct StoredMessage: Hashable, Sendable {
    /// Commit order across all groups of the store (1, 2, 3, … with no reuse): the bot's cursor.
    public let position: Int64
    public let hub: String
    public let group: GroupID
    /// 1-based, gap-free within the group.
    public let seq: UInt64
    public let prevHash: Hash32
    /// The EIP-712 digest of the signed `ChatMessage`.
    public let id: Hash32
    public let sender: Address
    public let body: String
    public let timestamp: UInt64
    public let nonce: Hash32
    public let signature: Signature
    /// When the hub placed the message in its log (Unix milliseconds); non-decreasing in `position` order.
    public let receivedAt: UInt64
    public let hash: Hash32

    /// Builds an entry and computes its hash.
    public init(
        position: Int64, hub: String, group: GroupID, seq: UInt64, prevHash: Hash32, id: Hash32, sender: Address, body: String,
        timestamp: UInt64, nonce: Hash32, signature: Signature, receivedAt: UInt64
    ) {
        let hash = Keccak256.hash(
            Self.canonicalEncoding(
                prevHash: prevHash, hub: hub, group: group.rawValue, seq: seq, id: id, sender: sender, body: body,
                timestamp: timestamp, nonce: nonce, signature: signature.bytes, receivedAt: receivedAt))
        self.init(
            position: position, hub: hub, group: group, seq: seq, prevHash: prevHash, id: id, sender: sender, body: body,
            timestamp: timestamp, nonce: nonce, signature: signature, receivedAt: receivedAt, storedHash: hash)
    }

    /// An entry as read back from a store, with the hash it was stored with (not recomputed;
    /// `verificationProblem()` recomputes and compares).
    public init(
        position: Int64, hub: String, group: GroupID, seq: UInt64, prevHash: Hash32, id: Hash32, sender: Address, body: String,
        timestamp: UInt64, nonce: Hash32, signature: Signature, receivedAt: UInt64, storedHash: Hash32
    ) {
        self.position = position
        self.hub = hub
        self.group = group
        self.seq = seq
        self.prevHash = prevHash
        self.id = id
        self.sender = sender
        self.body = body
        self.timestamp = timestamp
        self.nonce = nonce
        self.signature = signature
        self.receivedAt = receivedAt
        self.hash = storedHash
    }

    /// The same entry at another store position (the hash does not cover the position).
    public func placed(at position: Int64) -> StoredMessage {
        StoredMessage(
            position: position, hub: hub, group: group, seq: seq, prevHash: prevHash, id: id, sender: sender, body: body,
            timestamp: timestamp, nonce: nonce, signature: signature, receivedAt: receivedAt, storedHash: hash)
    }

    /// The signed message this entry carries.
    public var message: ChatMessage {
        ChatMessage(hub: hub, group: group, sender: sender, body: body, timestamp: timestamp, nonce: nonce)
    }

    /// The ABI type list of the canonical encoding, in order.
    public static let canonicalTypes = [
        "bytes32", "string", "string", "uint64", "bytes32", "address", "string", "uint64", "bytes32", "bytes", "uint64",
    ]

    /// `abi.encode(prevHash, hub, group, seq, id, sender, body, timestamp, nonce, signature, receivedAt)`.
    public static func canonicalEncoding(
        prevHash: Hash32, hub: String, group: String, seq: UInt64, id: Hash32, sender: Address, body: String, timestamp: UInt64,
        nonce: Hash32, signature: [UInt8], receivedAt: UInt64
    ) -> [UInt8] {
        let headWords = 11
        func padded(_ n: Int) -> Int { (n + 31) / 32 * 32 }
        let hubCount = hub.utf8.count, groupCount = group.utf8.count, bodyCount = body.utf8.count
        var out: [UInt8] = []
        out.reserveCapacity(
            32 * headWords + 4 * 32 + padded(hubCount) + padded(groupCount) + padded(bodyCount) + padded(signature.count))
        func word(_ value: Hash32) { value.withUnsafeBytes { out.append(contentsOf: $0) } }
        func integer(_ value: UInt64) {
            out.append(contentsOf: repeatElement(0, count: 24))
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
        }
        // Heads: static values in place, offsets (from the start of the encoding) for dynamic ones.
        var offset = 32 * headWords
        func dynamicHead(_ count: Int) {
            integer(UInt64(offset))
            offset += 32 + padded(count)
        }
        word(prevHash)
        dynamicHead(hubCount)
        dynamicHead(groupCount)
        integer(seq)
        word(id)
        word(sender.word)
        dynamicHead(bodyCount)
        integer(timestamp)
        word(nonce)
        dynamicHead(signature.count)
        integer(receivedAt)
        func tail<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
            integer(UInt64(bytes.count))
            out.append(contentsOf: bytes)
            out.append(contentsOf: repeatElement(0, count: padded(bytes.count) - bytes.count))
        }
        tail(hub.utf8)
        tail(group.utf8)
        tail(body.utf8)
        tail(signature)
        return out
    }

    /// Recomputes `id` from the message fields and the signer from the signature, and `hash` from
    /// every field; nil when all agree, otherwise what does not.
    public func verificationProblem() -> String? {
        let message = self.message
        guard message.digest == id else { return "id \(id) is not the EIP-712 digest of the message fields" }
        guard (try? signature.recoverAddress(digest: id)) == sender else { return "the signature does not recover to the sender" }
        let recomputed = StoredMessage(
            position: position, hub: hub, group: group, seq: seq, prevHash: prevHash, id: id, sender: sender, body: body,
            timestamp: timestamp, nonce: nonce, signature: signature, receivedAt: receivedAt)
        guard recomputed.hash == hash else { return "hash does not match the canonical encoding" }
        return nil
    }
}
