import AsyncHTTPClient
import Chat
import Ethereum
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import PlenumTesting
import Storage

/// A hub served over loopback for the length of `body`: a real SQLite file in a temporary
/// folder, the real HTTP/WebSocket server on a free port.
struct LiveHub {
    let hub: ChatHub
    let store: SQLiteStore
    /// The store the hub writes through: `store`, or what `wrapStore` made of it.
    let chatStore: any ChatStore
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }
    var webSocketBase: String { "ws://127.0.0.1:\(port)" }

    /// Runs `body` against a fresh hub and server; stops the server afterwards.
    static func run<T: Sendable>(
        hub hubConfiguration: ChatHub.Configuration = ChatFixtures.configuration(),
        server serverConfiguration: ChatServer.Configuration = LiveHub.permissive(),
        policy: (any PostingPolicy)? = nil, clock: any ChatClock = SystemChatClock(),
        directory: TemporaryDirectory? = nil, wrapStore: (SQLiteStore) -> any ChatStore = { $0 },
        _ body: @Sendable (LiveHub) async throws -> T
    ) async throws -> T {
        let folder = try directory ?? TemporaryDirectory()
        let store = try SQLiteStore(path: folder.file("plenum.sqlite"))
        let chatStore = wrapStore(store)
        let hub = ChatHub(store: chatStore, policy: policy, configuration: hubConfiguration, clock: clock)
        var configuration = serverConfiguration
        configuration.port = 0
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "chat-test")
        // Stopping the server by cancelling its task makes Hummingbird log the cancellation as an error.
        logger.logLevel = .critical
        let app = buildChatApplication(hub: hub, configuration: configuration, logger: logger) { port in
            portSink.yield(port)
            portSink.finish()
        }
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await app.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw TestFailure("the server did not start") }
            let live = LiveHub(hub: hub, store: store, chatStore: chatStore, port: port)
            let result: T
            do { result = try await body(live) } catch {
                tasks.cancelAll()
                throw error
            }
            tasks.cancelAll()
            _ = folder
            return result
        }
    }

    /// Server limits high enough not to get in a test's way.
    static func permissive() -> ChatServer.Configuration {
        var configuration = ChatServer.Configuration()
        configuration.requestRatePerIP = nil
        configuration.postRatePerIP = nil
        configuration.maxStreamsPerIP = 64
        return configuration
    }

    struct Reply: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let json: JSON

        var errorCode: String? { json["error"]?["code"]?.stringValue }
        var message: StoredMessage? { json["message"].flatMap { try? StoredMessage(json: $0) } }
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        try await request(.GET, path, body: nil, headers: headers)
    }

    func post(_ path: String, text: String) async throws -> Reply {
        try await request(.POST, path, body: Array(text.utf8))
    }

    func post(_ signed: SignedChatMessage, to group: GroupID? = nil) async throws -> Reply {
        try await post("/v1/groups/\((group ?? signed.message.group).rawValue)/messages", text: signed.json.serialized())
    }

    func request(_ method: HTTPMethod, _ path: String, body: [UInt8]?, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30 * TestTiming.scale))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        let text = String(buffer: bytes)
        let json = text.isEmpty ? JSON.null : try JSONParser.parse(text)
        return Reply(status: Int(response.status.code), headers: response.headers, json: json)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
