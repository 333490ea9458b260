/// Why a request to a hub failed, as a `HubClient` reports it.
public enum HubClientError: Error, Sendable, CustomStringConvertible {
    /// The hub URL is not usable (not http/https, has a query or fragment, too long).
    case invalidURL(String, reason: String)
    /// No answer: the connection failed, timed out, or was cut.
    case unreachable(url: String, reason: String)
    /// The hub answered with one of its JSON errors (`{"error": {"code", "message"}}`, docs/chat-api.md).
    case refused(HubRefusal)
    /// The hub answered something this client cannot read (not JSON, the wrong shape, too large).
    case badResponse(url: String, reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason): "hub URL \"\(url.prefix(200))\" is not usable: \(reason)"
        case .unreachable(let url, let reason): "cannot reach the hub at \(url): \(reason)"
        case .refused(let refusal): refusal.description
        case .badResponse(let url, let reason): "the hub's answer to \(url) is not usable: \(reason)"
        }
    }

    /// The hub's error code when it refused the request.
    public var code: String? {
        if case .refused(let refusal) = self { return refusal.code }
        return nil
    }
}

/// A JSON error answer from the hub.
public struct HubRefusal: Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status.
    public let status: Int
    /// The hub's stable code (`not-a-member`, `group-closed`, …); `unknown` when the answer had none.
    public let code: String
    public let message: String
    /// Seconds after which a retry may succeed (429, 503).
    public let retryAfter: Int?
    /// For `replayed`: the entry already stored under the same (group, sender, nonce).
    public let existing: StoredMessage?

    public init(status: Int, code: String, message: String, retryAfter: Int? = nil, existing: StoredMessage? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.existing = existing
    }

    /// The code as one of the hub's known codes.
    public var chatCode: ChatError.Code? { ChatError.Code(rawValue: code) }

    public var description: String { "\(code) (HTTP \(status)): \(message)" }
}
