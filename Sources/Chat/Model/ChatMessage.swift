import Ethereum

/// What a sender signs: the EIP-712 struct
/// `ChatMessage(string hub,string group,address sender,string body,uint64 timestamp,bytes32 nonce)`
/// under the domain `{name: "Plenum Chat", version: "1"}`.
///
/// `hub` names the hub instance and `group` the group, so a signed message cannot be replayed into
/// another group or onto another hub; `nonce` is chosen by the sender and may be used once per
/// (group, sender); `timestamp` is the sender's clock in Unix milliseconds.
public struct ChatMessage: Hashable, Sendable {
    public var hub: String
    public var group: GroupID
    public var sender: Address
    public var body: String
    /// Unix time in milliseconds, by the sender's clock.
    public var timestamp: UInt64
    public var nonce: Hash32

    public init(hub: String, group: GroupID, sender: Address, body: String, timestamp: UInt64, nonce: Hash32) {
        self.hub = hub
        self.group = group
        self.sender = sender
        self.body = body
        self.timestamp = timestamp
        self.nonce = nonce
    }

    /// The EIP-712 type, as `encodeType` writes it.
    public static let typeString =
        "ChatMessage(string hub,string group,address sender,string body,uint64 timestamp,bytes32 nonce)"
    /// The EIP-712 domain's name and version (no chainId: a hub serves groups of any chain, and
    /// wallets then sign whatever chain they are connected to).
    public static let domainName = "Plenum Chat"
    public static let domainVersion = "1"

    /// `keccak256(typeString)`.
    public static let typeHash = Keccak256.hash(typeString)

    /// `hashStruct(EIP712Domain{name, version})`.
    public static let domainSeparator: Hash32 = {
        var words: [UInt8] = []
        words.reserveCapacity(96)
        Keccak256.hash("EIP712Domain(string name,string version)").withUnsafeBytes { words.append(contentsOf: $0) }
        Keccak256.hash(domainName).withUnsafeBytes { words.append(contentsOf: $0) }
        Keccak256.hash(domainVersion).withUnsafeBytes { words.append(contentsOf: $0) }
        return Keccak256.hash(words)
    }()

    /// `hashStruct(message)`: keccak256 of the type hash and the six encoded members.
    public var structHash: Hash32 {
        withUnsafeTemporaryAllocation(byteCount: 7 * 32, alignment: 8) { buffer in
            func put(_ word: Hash32, at index: Int) {
                word.withUnsafeBytes { buffer.baseAddress!.advanced(by: index * 32).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            }
            put(Self.typeHash, at: 0)
            put(Keccak256.hash(hub), at: 1)
            put(Keccak256.hash(group.rawValue), at: 2)
            put(sender.word, at: 3)
            put(Keccak256.hash(body), at: 4)
            put(UInt256(timestamp).word, at: 5)
            put(nonce, at: 6)
            return Keccak256.hash(UnsafeRawBufferPointer(buffer))
        }
    }

    /// The EIP-712 digest the sender signs; the hub uses it as the message's id.
    public var digest: Hash32 {
        TypedData.digest(domainSeparator: Self.domainSeparator, structHash: structHash)
    }

    /// The typed data in the wallet form (`eth_signTypedData_v4`), for wallets and `plenum sign`.
    public var typedDataJSON: JSON {
        let fields: [(String, String)] = [
            ("hub", "string"), ("group", "string"), ("sender", "address"), ("body", "string"), ("timestamp", "uint64"),
            ("nonce", "bytes32"),
        ]
        let types: JSON = [
            "EIP712Domain": [["name": "name", "type": "string"], ["name": "version", "type": "string"]],
            "ChatMessage": .array(fields.map { ["name": .string($0.0), "type": .string($0.1)] }),
        ]
        return [
            "types": types, "primaryType": "ChatMessage",
            "domain": ["name": .string(Self.domainName), "version": .string(Self.domainVersion)],
            "message": .object(messageJSON),
        ]
    }

    /// The `message` member: strings, the sender as EIP-55, the timestamp as a JSON number, the nonce as hex.
    public var messageJSON: JSONObject {
        JSONObject([
            ("hub", .string(hub)), ("group", .string(group.rawValue)), ("sender", .string(sender.checksummed)),
            ("body", .string(body)), ("timestamp", .number(String(timestamp))), ("nonce", .string(nonce.description)),
        ])
    }

    /// Signs the digest with `key` (whose address should be `sender`).
    public func signed(with key: PrivateKey) -> SignedChatMessage {
        SignedChatMessage(message: self, signature: key.sign(digest: digest))
    }

    /// A random 32-byte nonce.
    public static func randomNonce() -> Hash32 {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            let word = generator.next()
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return try! Hash32(bytes: bytes)
    }
}
