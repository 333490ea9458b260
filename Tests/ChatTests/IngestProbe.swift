import AsyncHTTPClient
import Chat
import Ethereum
import Foundation
import NIOCore
import PlenumTesting
import Storage
import Testing

/// A measurement, not a test: sustained ingest of pre-signed messages, acknowledged after commit.
/// Runs only with PLENUM_CHAT_PROBE=1 (e.g. `PLENUM_CHAT_PROBE=1 swift test -c release --filter IngestProbe`).
@Suite("Ingest probe", .serialized, .enabled(if: ProcessInfo.processInfo.environment["PLENUM_CHAT_PROBE"] == "1"))
struct IngestProbe {
    static let clients = 64
    static let perClient = Int(ProcessInfo.processInfo.environment["PLENUM_CHAT_PROBE_PER_CLIENT"] ?? "") ?? 150

    static func presigned(group: GroupID) -> [[SignedChatMessage]] {
        let now = SystemChatClock().now()
        return (0..<clients).map { c in
            let key = PrivateKey.generate()
            return (0..<perClient).map { i in ChatFixtures.signed("ballot \(c)-\(i)", by: key, in: group, at: now) }
        }
    }

    static func report(
        _ label: String, _ latencies: [Duration], elapsed: Duration, batches: (batches: Int, messages: Int, storeTime: Duration)
    ) {
        let ms = latencies.map { Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000 }.sorted()
        func p(_ q: Double) -> Double { ms[min(ms.count - 1, Int(Double(ms.count) * q))] }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "PROBE \(label): \(ms.count) messages from \(clients) clients in \(String(format: "%.2f", seconds)) s = "
                + "\(Int(Double(ms.count) / seconds))/s; latency p50 \(String(format: "%.1f", p(0.5))) ms, "
                + "p99 \(String(format: "%.1f", p(0.99))) ms; \(batches.batches) transactions")
    }

    @Test func inProcess() async throws {
        let folder = try TemporaryDirectory()
        let store = try SQLiteStore(path: folder.file("probe.sqlite"))
        let hub = ChatHub(store: store, configuration: ChatFixtures.configuration())
        let group = try await hub.createGroup(ChatFixtures.spec("probe")).id
        let work = Self.presigned(group: group)
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { tasks in
            for messages in work {
                tasks.addTask {
                    var out: [Duration] = []
                    for message in messages {
                        let t = clock.now
                        _ = try await hub.submit(message)
                        out.append(clock.now - t)
                    }
                    return out
                }
            }
            return try await tasks.reduce(into: []) { $0 += $1 }
        }
        Self.report("in-process", latencies, elapsed: clock.now - start, batches: await hub.commitStatistics())
        #expect(try await store.lastPosition() == Int64(Self.clients * Self.perClient))
    }

    @Test func overHTTP() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = Self.clients
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        try await LiveHub.run { live in
            let group = try await live.hub.createGroup(ChatFixtures.spec("probe")).id
            let bodies = Self.presigned(group: group).map { $0.map { ByteBuffer(string: $0.json.serialized()) } }
            let url = "\(live.base)/v1/groups/\(group)/messages"
            let clock = ContinuousClock()
            let start = clock.now
            let latencies = try await withThrowingTaskGroup(of: [Duration].self) { tasks in
                for messages in bodies {
                    tasks.addTask {
                        var out: [Duration] = []
                        for body in messages {
                            var request = HTTPClientRequest(url: url)
                            request.method = .POST
                            request.body = .bytes(body)
                            let t = clock.now
                            let response = try await client.execute(request, timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            out.append(clock.now - t)
                            #expect(response.status.code == 201)
                        }
                        return out
                    }
                }
                return try await tasks.reduce(into: []) { $0 += $1 }
            }
            Self.report("HTTP", latencies, elapsed: clock.now - start, batches: await live.hub.commitStatistics())
            #expect(try await live.store.lastPosition() == Int64(Self.clients * Self.perClient))
        }
        try await client.shutdown()
    }
}
