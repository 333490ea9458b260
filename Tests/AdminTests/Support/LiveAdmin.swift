import AsyncHTTPClient
import Ethereum
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PlenumService
import PlenumTesting

/// The real admin HTTP server on a free loopback port for the length of `body`.
struct LiveAdmin: Sendable {
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    static func run<T: Sendable>(
        api: AdminAPI, configuration: AdminServer.Configuration = LiveAdmin.permissive(), metrics: MetricsSources = MetricsSources(),
        now: @escaping @Sendable () -> UInt64 = { 1_800_000_000_000 }, _ body: @Sendable (LiveAdmin) async throws -> T
    ) async throws -> T {
        var configuration = configuration
        configuration.port = 0
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "admin-test")
        // Stopping the server by cancelling its task makes Hummingbird log the cancellation as an error.
        logger.logLevel = .critical
        let app = buildAdminApplication(
            api: api, configuration: configuration, metrics: { await MetricsReport.render(metrics) }, logger: logger, now: now
        ) { port in
            portSink.yield(port)
            portSink.finish()
        }
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await app.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw WorldError("the admin server did not start") }
            let result: T
            do { result = try await body(LiveAdmin(port: port)) } catch {
                tasks.cancelAll()
                throw error
            }
            tasks.cancelAll()
            return result
        }
    }

    /// No rate limit (tests of the limit set their own).
    static func permissive() -> AdminServer.Configuration {
        var configuration = AdminServer.Configuration()
        configuration.requestRatePerIP = nil
        return configuration
    }

    struct Reply: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let text: String
        var json: JSON { (try? JSONParser.parse(text)) ?? .null }
        var errorCode: String? { json["error"]?["code"]?.stringValue }
        var errorMessage: String { json["error"]?["message"]?.stringValue ?? "" }
    }

    func get(_ path: String, token: String? = AdminWorld.token) async throws -> Reply {
        try await request(.GET, path, token: token)
    }

    func post(_ path: String, _ body: String, token: String? = AdminWorld.token) async throws -> Reply {
        try await request(.POST, path, body: Array(body.utf8), token: token)
    }

    func request(
        _ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, token: String? = AdminWorld.token, headers: [(String, String)] = []
    )
        async throws -> Reply
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30 * TestTiming.scale))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: bytes))
    }
}
