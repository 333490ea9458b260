/// What one HTTP exchange with an endpoint gave back.
public struct HTTPReply: Sendable {
    public let status: Int
    /// `Retry-After`, when the server sent one (seconds, or an HTTP date converted to a delay).
    public let retryAfter: Duration?
    public let body: [UInt8]

    public init(status: Int, retryAfter: Duration? = nil, body: [UInt8]) {
        self.status = status
        self.retryAfter = retryAfter
        self.body = body
    }
}

/// Sends one JSON-RPC HTTP POST. Throws on connection failures and timeouts.
public protocol RPCTransport: Sendable {
    func post(_ body: [UInt8], to endpoint: RPCEndpoint, timeout: Duration) async throws -> HTTPReply
}

/// The request did not complete within its timeout.
public struct RPCTimeout: Error, CustomStringConvertible {
    public let timeout: Duration
    public init(timeout: Duration) { self.timeout = timeout }
    public var description: String { "no answer within \(timeout)" }
}
