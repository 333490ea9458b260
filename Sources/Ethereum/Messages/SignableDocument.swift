/// A message in the forms wallets sign, as files or chat bodies carry them:
/// EIP-712 typed data `{"types", "primaryType", "domain", "message"[, "signature"]}`, or an EIP-191
/// personal message `{"message": "text"[, "signature"]}`, or (for signing only) plain text.
public struct SignableDocument: Sendable {
    public enum Scheme: String, Sendable {
        case eip712
        case eip191
    }

    public let scheme: Scheme
    /// The typed data, for EIP-712.
    public let typedData: TypedData?
    /// The text, for EIP-191.
    public let text: String?
    /// The signature carried in the document, if any.
    public let signature: Signature?
    /// The document's JSON members (plain text becomes `{"message": text}`), signature excluded.
    public let members: JSONObject

    /// Largest document accepted.
    public static let maxBytes = 1 << 20

    /// Parses a document. With `allowPlainText`, input that is not a JSON object is an EIP-191 text message
    /// (its exact bytes, including any trailing newline).
    public init(bytes: [UInt8], allowPlainText: Bool) throws {
        guard bytes.count <= SignableDocument.maxBytes else {
            throw SignableDocumentError.tooLarge(bytes.count, SignableDocument.maxBytes)
        }
        let json: JSON
        do {
            json = try JSONParser(limits: .init(maxBytes: SignableDocument.maxBytes, maxDepth: 32)).parse(bytes)
        } catch let error as JSONError {
            let looksLikeJSON = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{")
            guard allowPlainText, !looksLikeJSON else { throw SignableDocumentError.invalidJSON(error) }
            guard let text = String(validating: bytes, as: UTF8.self) else { throw SignableDocumentError.notUTF8 }
            self.init(text: text)
            return
        }
        guard var object = json.objectValue else {
            if allowPlainText, let text = String(validating: bytes, as: UTF8.self) {
                self.init(text: text)
                return
            }
            throw SignableDocumentError.wrongShape(json.kind)
        }
        let rawSignature = object["signature"]
        object["signature"] = nil
        let scheme: Scheme
        var typedData: TypedData?
        var text: String?
        if object.contains("types") || object.contains("primaryType") || object.contains("domain") {
            do { typedData = try TypedData(json: .object(object)) } catch let error as TypedDataError {
                throw SignableDocumentError.invalidTypedData(error)
            }
            scheme = .eip712
        } else if let message = object["message"] {
            guard let t = message.stringValue else { throw SignableDocumentError.wrongShape("{\"message\": \(message.kind)}") }
            text = t
            scheme = .eip191
        } else {
            throw SignableDocumentError.wrongShape("an object without \"types\" or \"message\"")
        }
        var signature: Signature?
        if let rawSignature {
            guard let hex = rawSignature.stringValue else { throw SignableDocumentError.badSignature("signature must be a 0x hex string") }
            do { signature = try Signature(hex: hex) } catch let error as SignatureError {
                switch error {
                case .wrongLength, .invalidHex: throw SignableDocumentError.badSignature("\(error)")
                default: throw SignableDocumentError.rejectedSignature(error)
                }
            }
        }
        self.init(scheme: scheme, typedData: typedData, text: text, signature: signature, members: object)
    }

    /// An EIP-191 text message.
    public init(text: String) {
        self.init(scheme: .eip191, typedData: nil, text: text, signature: nil, members: JSONObject([("message", .string(text))]))
    }

    private init(scheme: Scheme, typedData: TypedData?, text: String?, signature: Signature?, members: JSONObject) {
        self.scheme = scheme
        self.typedData = typedData
        self.text = text
        self.signature = signature
        self.members = members
    }

    /// The 32-byte digest a wallet signs for this document.
    public func digest() throws -> Hash32 {
        switch scheme {
        case .eip712: try typedData!.digest()
        case .eip191: PersonalMessage.digest(text: text!)
        }
    }

    /// The document with `signature` added (replacing any previous one).
    public func signed(with key: PrivateKey) throws -> JSON {
        var out = members
        out["signature"] = .string(key.sign(digest: try digest()).description)
        return .object(out)
    }

    /// The signer recovered from the carried signature.
    public func recoverSigner() throws -> Address {
        guard let signature else { throw SignableDocumentError.missingSignature }
        do { return try signature.recoverAddress(digest: try digest()) } catch let error as SignatureError {
            throw SignableDocumentError.rejectedSignature(error)
        }
    }
}

/// Why a document cannot be signed or verified.
public enum SignableDocumentError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLarge(Int, Int)
    case invalidJSON(JSONError)
    case notUTF8
    case wrongShape(String)
    case invalidTypedData(TypedDataError)
    case missingSignature
    case badSignature(String)
    case rejectedSignature(SignatureError)

    /// True when the input itself is malformed (as opposed to a well-formed signature that does not verify).
    public var isMalformedInput: Bool {
        if case .rejectedSignature = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .tooLarge(let n, let max): "input of \(n) bytes exceeds the limit of \(max)"
        case .invalidJSON(let e): "input is not valid JSON: \(e)"
        case .notUTF8: "input is not UTF-8 text"
        case .wrongShape(let found):
            "expected EIP-712 typed data {\"types\", \"primaryType\", \"domain\", \"message\"} or {\"message\": \"text\"}, found \(found)"
        case .invalidTypedData(let e): "invalid EIP-712 typed data: \(e)"
        case .missingSignature: "the input has no \"signature\" member"
        case .badSignature(let why): "malformed signature: \(why)"
        case .rejectedSignature(let e): "signature rejected: \(e)"
        }
    }
}
