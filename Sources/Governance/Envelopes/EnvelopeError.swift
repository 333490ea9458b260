/// Why a message body is not a usable ballot envelope.
public enum EnvelopeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Not JSON, not an envelope shape, or a typed-data error.
    case malformed(String)
    /// Well-formed EIP-712 of a type Plenum does not take as a ballot.
    case unknownType(String)
    /// A field (or the whole body) over its size bound.
    case tooLarge(field: String, size: Int, limit: Int)
    /// The signature is missing or not hex.
    case badSignatureEncoding(String)
    /// A Snapshot envelope's `address` differs from the vote's `from` (aliases are not supported).
    case addressMismatch(String)

    /// The rejection reason this maps to.
    public var reason: RejectionReason {
        switch self {
        case .malformed: .malformed
        case .unknownType: .unknownType
        case .tooLarge: .tooLarge
        case .badSignatureEncoding: .invalidSignature
        case .addressMismatch: .wrongSigner
        }
    }

    public var description: String {
        switch self {
        case .malformed(let why): "malformed ballot: \(why)"
        case .unknownType(let what): "not a ballot type Plenum accepts: \(what)"
        case .tooLarge(let field, let size, let limit): "\(field) is \(size) long; the limit is \(limit)"
        case .badSignatureEncoding(let why): "signature: \(why)"
        case .addressMismatch(let why): why
        }
    }
}
