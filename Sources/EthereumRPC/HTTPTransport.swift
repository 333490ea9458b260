import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `RPCTransport` over AsyncHTTPClient: POSTs with a per-request timeout that covers the whole
/// exchange (connect, send, and reading the body), and a bound on the answer's size.
public struct HTTPTransport: RPCTransport {
    let client: HTTPClient
    let maxResponseBytes: Int

    /// A client that fails at once when an endpoint refuses connections (the RPC client fails over
    /// itself; AsyncHTTPClient's default retries connecting until the request's deadline).
    public static let failFastClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public init(client: HTTPClient = HTTPTransport.failFastClient, maxResponseBytes: Int = 64 << 20) {
        self.client = client
        self.maxResponseBytes = maxResponseBytes
    }

    public func post(_ body: [UInt8], to endpoint: RPCEndpoint, timeout: Duration) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let limit = maxResponseBytes
        let client = self.client
        let prepared = request
        return try await withThrowingTaskGroup(of: HTTPReply.self) { group in
            group.addTask {
                // AsyncHTTPClient's own deadline is set later than ours so that a slow answer is always
                // reported the same way (RPCTimeout, from the task below).
                let nanos = Int64(timeout.components.seconds + 5) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
                let response = try await client.execute(prepared, timeout: .nanoseconds(nanos))
                let collected = try await response.body.collect(upTo: limit)
                let retryAfter = response.headers.first(name: "Retry-After").flatMap(HTTPTransport.parseRetryAfter)
                return HTTPReply(status: Int(response.status.code), retryAfter: retryAfter, body: Array(buffer: collected))
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw RPCTimeout(timeout: timeout)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// `Retry-After: 2` or an HTTP date.
    static func parseRetryAfter(_ value: String) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds >= 0, seconds < 86_400 { return .milliseconds(Int64(seconds * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        let delay = date.timeIntervalSinceNow
        return delay > 0 ? .milliseconds(Int64(min(delay, 86_400) * 1000)) : .zero
    }
}
