import AsyncHTTPClient
import Ethereum
import NIOCore
import NIOHTTP1

/// Talks to a running service's admin API (`plenum polls create`).
public struct AdminClient: Sendable {
    /// `http://host:port`, without a trailing slash.
    public let baseURL: String
    let token: String

    public init(baseURL: String, token: String) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.token = token
    }

    /// The URL of the configured admin server; a wildcard bind address is reached on loopback.
    public static func baseURL(for admin: PlenumConfiguration.AdminSettings) -> String {
        var host = admin.host
        if host == "0.0.0.0" || host.isEmpty { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
        if host.contains(":") && !host.hasPrefix("[") { host = "[\(host)]" }
        return "http://\(host):\(admin.port)"
    }

    /// Sends one request with the bearer token; the answer's status and JSON body.
    public func send(
        _ method: String, _ path: String, body: JSON? = nil, timeout: Duration = .seconds(30)
    ) async throws(AdminClientError)
        -> AdminAPI.Response
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.serialized()))
        }
        // One attempt to connect: a service that is down is reported at once, not retried until the deadline.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(5)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let exchange: Result<(Int, ByteBuffer), any Error>
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout.components.seconds) * 1000))
            exchange = .success((Int(response.status.code), try await response.body.collect(upTo: 16 << 20)))
        } catch {
            exchange = .failure(error)
        }
        try? await client.shutdown()
        let status: Int
        let bytes: ByteBuffer
        switch exchange {
        case .success(let answer): (status, bytes) = answer
        case .failure(let error): throw .unreachable(url: baseURL, reason: "\(error)")
        }
        let text = String(buffer: bytes)
        guard let json = try? JSONParser.parse(text) else {
            throw .notAdminAPI(url: baseURL, status: status, body: String(text.prefix(200)))
        }
        return AdminAPI.Response(status: status, body: json)
    }
}

/// The admin API could not be asked.
public enum AdminClientError: Error, Hashable, Sendable, CustomStringConvertible {
    case unreachable(url: String, reason: String)
    case notAdminAPI(url: String, status: Int, body: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason): "cannot reach the admin API at \(url) (is plenum serve running?): \(reason)"
        case .notAdminAPI(let url, let status, let body): "\(url) answered \(status) without JSON; is it Plenum's admin API? \(body)"
        }
    }
}
