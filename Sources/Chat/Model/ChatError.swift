import Ethereum

/// Why the hub refused a request: a stable machine-readable code, the HTTP status it maps to and a
/// sentence that names the field, the value and the rule.
///
/// Over HTTP every error is sent as `{"error": {"code": …, "message": …}}`, with `retryAfter`
/// (seconds, also in the `Retry-After` header) on 429/503 and `existing` (the stored message) on
/// `replayed`.
public struct ChatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable codes; `docs/chat-api.md` lists each with its status.
    public enum Code: String, Sendable, CaseIterable {
        case malformed = "malformed"
        case tooLarge = "too-large"
        case badParameter = "bad-parameter"
        case badSignature = "bad-signature"
        case signerMismatch = "signer-mismatch"
        case wrongHub = "wrong-hub"
        case wrongGroup = "wrong-group"
        case timestampOutOfRange = "timestamp-out-of-range"
        case replayed = "replayed"
        case notAMember = "not-a-member"
        case groupNotFound = "group-not-found"
        case groupClosed = "group-closed"
        case notFound = "not-found"
        case methodNotAllowed = "method-not-allowed"
        case upgradeRequired = "upgrade-required"
        case rateLimited = "rate-limited"
        case tooManyConnections = "too-many-connections"
        case overloaded = "overloaded"
        case unavailable = "unavailable"
        case internalError = "internal"

        /// The HTTP status code this error is answered with.
        public var status: Int {
            switch self {
            case .malformed, .badParameter, .badSignature, .wrongHub, .wrongGroup, .timestampOutOfRange: 400
            case .signerMismatch, .notAMember: 403
            case .groupNotFound, .notFound: 404
            case .methodNotAllowed: 405
            case .replayed, .groupClosed: 409
            case .tooLarge: 413
            case .upgradeRequired: 426
            case .rateLimited, .tooManyConnections: 429
            case .internalError: 500
            case .overloaded, .unavailable: 503
            }
        }
    }

    public let code: Code
    public let message: String
    /// Seconds after which a retry may succeed (429, 503).
    public let retryAfter: Int?
    /// For `replayed`: the message already stored under the same (group, sender, nonce).
    public let existing: StoredMessage?

    public init(_ code: Code, _ message: String, retryAfter: Int? = nil, existing: StoredMessage? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.existing = existing
    }

    public var status: Int { code.status }
    public var description: String { "\(code.rawValue): \(message)" }

    /// `{"error": {"code", "message", "retryAfter"?, "existing"?}}`.
    public var json: JSON {
        var inner = JSONObject([("code", .string(code.rawValue)), ("message", .string(message))])
        if let retryAfter { inner["retryAfter"] = .number(String(retryAfter)) }
        if let existing { inner["existing"] = existing.json }
        return .object(JSONObject([("error", .object(inner))]))
    }
}
