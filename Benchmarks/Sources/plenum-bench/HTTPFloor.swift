import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// The least any Hummingbird server must spend per post in the ingest benchmark: the same server
/// type as the hub (HTTP/1.1 with the WebSocket upgrade), the same route pattern and the same
/// load generator, requests and answer size, but a handler that only collects the body and
/// answers 201 with a prepared answer. Its CPU per request, measured in the same run as the hub,
/// is the framework's share of the hub's CPU per vote.
enum HTTPFloor {
    struct Measurement {
        let rate: Double
        /// CPU per request of the server (process minus the generator's thread), seconds.
        let serverCPU: Double
        let p99: Double
    }

    static func measure(bodies: [[UInt8]], path: String, answer: [UInt8], clients: Int, logger: Logger) async throws -> Measurement {
        let router = Router()
        let prepared = ByteBuffer(bytes: answer)
        router.post("/v1/groups/:id/messages") { request, context -> Response in
            guard context.parameters.get("id") != nil else { throw HTTPError(.badRequest) }
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: prepared))
        }
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: Router(context: BasicWebSocketRequestContext.self),
                configuration: .init(ws: .init(maxFrameSize: 1 << 20))),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            },
            logger: logger)
        let server = Task { try await app.run() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw BenchFailure("the floor server did not start") }
        let load = LoopbackLoad(port: UInt16(port), path: path, connections: clients)
        _ = try await load.post(Array(bodies.prefix(bodies.count / 8)))
        let before = IngestBenchmark.cpuSeconds()
        let outcome = try await load.post(bodies)
        let cpu = IngestBenchmark.cpuSeconds() - before - outcome.cpuSeconds
        let latencies = outcome.latencies.sorted()
        return Measurement(
            rate: Double(bodies.count) / outcome.seconds, serverCPU: cpu / Double(bodies.count),
            p99: 1000 * latencies[min(latencies.count - 1, latencies.count * 99 / 100)])
    }
}
