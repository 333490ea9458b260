import Chat
import Ethereum
import Hummingbird
import Logging
import NIOCore

/// A hub that serves a group's log as the test wrote it (edited, re-linked…): the read endpoints only,
/// in the real hub's JSON, on a free loopback port.
enum FakeHub {
    static func serve(_ group: GroupInfo, _ log: [StoredMessage], _ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        let head = log.last.map { ChainHead(seq: $0.seq, hash: $0.hash) } ?? .empty
        @Sendable func json(_ value: JSON) -> Response {
            Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: value.serialized())))
        }
        router.get("/v1/hub") { _, _ in
            json(["hub": .string(group.hub), "limits": ["maxBodyBytes": 16384, "maxPage": 500]])
        }
        router.get("/v1/groups/:id") { _, _ in json(["group": group.json(head: head)]) }
        router.get("/v1/groups/:id/messages") { request, _ in
            let after = request.uri.queryParameters.get("after").flatMap { UInt64($0) } ?? 0
            let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 100
            let page = Array(log.filter { $0.seq > after }.prefix(limit))
            let next: JSON = page.count == limit && page.last!.seq < head.seq ? .number(String(page.last!.seq)) : .null
            return json(["group": .string(group.id.rawValue), "messages": .array(page.map(\.json)), "head": head.json, "next": next])
        }
        var logger = Logger(label: "fake-hub")
        logger.logLevel = .critical
        let (ports, sink) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                sink.yield(channel.localAddress?.port ?? 0)
                sink.finish()
            }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await app.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw TestFailure("the fake hub did not start") }
            defer { tasks.cancelAll() }
            try await body("http://127.0.0.1:\(port)")
        }
    }
}
