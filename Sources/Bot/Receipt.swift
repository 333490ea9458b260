import Ethereum
import Governance

/// The bot's signed answer to a ballot: counted (with choice and weight) or rejected (with the
/// reason), bound to the ballot's position in the group's hash-linked log. A voter who holds it can
/// later prove, with `plenum retally --receipt`, that an export left their ballot out.
///
/// EIP-712 type (domain `{name: "Plenum", version: "1", chainId}`):
/// `PlenumReceipt(string proposal,bytes32 ballot,string group,uint64 sequence,bytes32 logHead,string status,string reason,string choice,uint256 weight)`
public struct Receipt: Hashable, Sendable {
    /// The proposal's key (`gov:…` or `poll:…`).
    public let proposal: String
    /// The ballot's id (its EIP-712 digest); zero when the message did not parse as a ballot.
    public let ballot: Hash32
    public let group: String
    /// The ballot message's sequence number in the group.
    public let sequence: UInt64
    /// The hash of the ballot message in the group's log (it commits to every message before it).
    public let logHead: Hash32
    /// `counted` or `rejected`.
    public let status: String
    /// The rejection reason's code, empty when counted.
    public let reason: String
    /// The counted choice as canonical JSON text, empty when rejected.
    public let choice: String
    /// The counted weight in token base units, zero when rejected.
    public let weight: UInt256
    public let chainId: UInt64

    public init(
        proposal: String, ballot: Hash32, group: String, sequence: UInt64, logHead: Hash32, status: String, reason: String, choice: String,
        weight: UInt256, chainId: UInt64
    ) {
        self.proposal = proposal
        self.ballot = ballot
        self.group = group
        self.sequence = sequence
        self.logHead = logHead
        self.status = status
        self.reason = reason
        self.choice = choice
        self.weight = weight
        self.chainId = chainId
    }

    public static let primaryType = "PlenumReceipt"
    static let fields: [(String, String)] = [
        ("proposal", "string"), ("ballot", "bytes32"), ("group", "string"), ("sequence", "uint64"), ("logHead", "bytes32"),
        ("status", "string"), ("reason", "string"), ("choice", "string"), ("weight", "uint256"),
    ]

    /// The typed data, in the wallet JSON form (`plenum verify` reads it with the signature added).
    public var typedDataJSON: JSON {
        [
            "types": Self.typesJSON,
            "primaryType": .string(Self.primaryType),
            "domain": ["name": "Plenum", "version": "1", "chainId": .number(String(chainId))],
            "message": [
                "proposal": .string(proposal), "ballot": .string(ballot.description), "group": .string(group),
                "sequence": .number(String(sequence)), "logHead": .string(logHead.description), "status": .string(status),
                "reason": .string(reason), "choice": .string(choice), "weight": .string(weight.description),
            ],
        ]
    }

    static let typesJSON: JSON = [
        "EIP712Domain": [
            ["name": "name", "type": "string"], ["name": "version", "type": "string"], ["name": "chainId", "type": "uint256"],
        ],
        "PlenumReceipt": .array(fields.map { ["name": .string($0.0), "type": .string($0.1)] }),
    ]

    /// The EIP-712 digest, hashed directly from the fields (the same bytes `TypedData` encodes for
    /// `typedDataJSON`, which the tests check, without building and walking the JSON).
    public func digest() throws -> Hash32 {
        var words: [UInt8] = []
        words.reserveCapacity(10 * 32)
        func put(_ word: Hash32) { word.withUnsafeBytes { words.append(contentsOf: $0) } }
        put(Self.typeHash)
        put(Keccak256.hash(proposal))
        put(ballot)
        put(Keccak256.hash(group))
        put(UInt256(sequence).word)
        put(logHead)
        put(Keccak256.hash(status))
        put(Keccak256.hash(reason))
        put(Keccak256.hash(choice))
        put(weight.word)
        return TypedData.digest(domainSeparator: Self.domainSeparator(chainId: chainId), structHash: Keccak256.hash(words))
    }

    static let typeHash = Keccak256.hash(
        "PlenumReceipt(" + fields.map { "\($0.1) \($0.0)" }.joined(separator: ",") + ")")

    static let domainTypeHash = Keccak256.hash("EIP712Domain(string name,string version,uint256 chainId)")
    static let domainNameHash = Keccak256.hash("Plenum")
    static let domainVersionHash = Keccak256.hash("1")

    static func domainSeparator(chainId: UInt64) -> Hash32 {
        var words: [UInt8] = []
        words.reserveCapacity(4 * 32)
        for word in [domainTypeHash, domainNameHash, domainVersionHash, UInt256(chainId).word] {
            word.withUnsafeBytes { words.append(contentsOf: $0) }
        }
        return Keccak256.hash(words)
    }

    /// The signed document: the typed data plus `signature`.
    public func signed(with key: PrivateKey) throws -> JSON {
        var object = typedDataJSON.objectValue!
        object["signature"] = .string(key.sign(digest: try digest()).description)
        return .object(object)
    }

    /// Reads a signed receipt document; checks the signature recovers to `signer` when given.
    public init(signedDocument json: JSON, signer: Address? = nil) throws {
        guard json["primaryType"]?.stringValue == Self.primaryType, let m = json["message"], let d = json["domain"] else {
            throw ReceiptError.notAReceipt
        }
        guard let proposal = m["proposal"]?.stringValue, let b = m["ballot"]?.stringValue, let ballot = try? Hash32(hex: b),
            let group = m["group"]?.stringValue, case .number(let s)? = m["sequence"], let sequence = UInt64(s),
            let h = m["logHead"]?.stringValue, let logHead = try? Hash32(hex: h), let status = m["status"]?.stringValue,
            let reason = m["reason"]?.stringValue, let choice = m["choice"]?.stringValue, let w = m["weight"]?.stringValue,
            let weight = try? UInt256(decimal: w), case .number(let c)? = d["chainId"], let chainId = UInt64(c)
        else { throw ReceiptError.malformed }
        self.init(
            proposal: proposal, ballot: ballot, group: group, sequence: sequence, logHead: logHead, status: status, reason: reason,
            choice: choice,
            weight: weight, chainId: chainId)
        // The document must be exactly these fields: as the bot writes it (compared as JSON), or
        // any equivalent typed data (compared by digest).
        let digest = try digest()
        var posted = json.objectValue ?? JSONObject()
        posted["signature"] = nil
        posted["detail"] = nil
        if JSON.object(posted) != typedDataJSON {
            guard digest == (try TypedData(json: json).digest()) else { throw ReceiptError.malformed }
        }
        if let signer {
            guard let sig = json["signature"]?.stringValue, let signature = try? Signature(hex: sig),
                (try? signature.recoverAddress(digest: digest)) == signer
            else { throw ReceiptError.badSignature }
        }
    }
}

public enum ReceiptError: Error, Hashable, Sendable, CustomStringConvertible {
    case notAReceipt
    case malformed
    case badSignature

    public var description: String {
        switch self {
        case .notAReceipt: "not a PlenumReceipt document"
        case .malformed: "the receipt's fields are missing or malformed"
        case .badSignature: "the receipt is not signed by the bot"
        }
    }
}
