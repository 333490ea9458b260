import Chat
import Ethereum
import Foundation
import PlenumTesting
import Synchronization
import Testing

/// `HubClient.follow` against the real hub, through a proxy that loses on the first connection
/// what the WebSocket client library can lose right after the upgrade (`LossyStreamProxy`):
/// `follow` must notice (a skipped `seq`, or a silent stream) and reopen the stream, delivering
/// every entry once and in order.
@Suite("HubClient streams: frames lost after the upgrade are fetched again")
struct HubClientStreamTests {
    static func client(_ proxy: LossyStreamProxy) throws -> HubClient {
        var configuration = HubClient.Configuration()
        configuration.firstFrameTimeout = TestTiming.seconds(2)
        configuration.backoff = .milliseconds(20)
        return try HubClient(baseURL: "http://127.0.0.1:\(proxy.port)", configuration: configuration)
    }

    @Test func everyEntryArrivesOnceInOrderWhenTheFirstFramesAreLost() async throws {
        try await LiveHub.run { live in
            let group = try await live.hub.createGroup(ChatFixtures.spec("lossy")).id
            for i in 0..<5 {
                _ = try await live.hub.post("m\(i)", to: group, signedBy: ChatFixtures.bot, idempotencyKey: "m\(i)")
            }
            let proxy = try LossyStreamProxy(to: live.port, loss: .dropFirstFrame, lossyConnections: 1)
            defer { proxy.stop() }
            let delivered = Mutex<[UInt64]>([])
            let reconnects = Mutex<[String]>([])
            let hub = live.hub
            let end = try await Self.client(proxy).follow(
                group: group, after: 0, maxReconnects: 5, onReconnect: { reason in reconnects.withLock { $0.append(reason) } }
            ) { frame in
                switch frame {
                case .message(let entry):
                    delivered.withLock { $0.append(entry.seq) }
                    if entry.seq == 5 {
                        _ = try await hub.close(group, notice: "closed", signedBy: ChatFixtures.bot, idempotencyKey: "close")
                    }
                default: break
                }
                return .proceed
            }
            #expect(end == .closed(seq: 6))
            #expect(delivered.withLock { $0 } == Array(1...6), "reconnections: \(reconnects.withLock { $0 })")
            #expect(proxy.lossy.load(ordering: .relaxed) == 1)
            // The lossy connection was given up for its gap (or, if the client library also lost the
            // rest of it, for its silence), and nothing else made follow reconnect.
            let reasons = reconnects.withLock { $0 }
            #expect(reasons.contains { $0.contains("expected seq 1, the stream sent 2") || $0.contains("sent nothing") }, "\(reasons)")
            #expect(reasons.allSatisfy { $0.contains("lost on the way") || $0.contains("sent nothing") }, "\(reasons)")
        }
    }

    @Test func aStreamSilentAfterTheUpgradeIsOpenedAgain() async throws {
        try await LiveHub.run { live in
            let proxy = try LossyStreamProxy(to: live.port, loss: .silenceAfterHead, lossyConnections: 1)
            defer { proxy.stop() }
            let reconnects = Mutex<[String]>([])
            await #expect {
                try await Self.client(proxy).follow(
                    group: try GroupID("nope"), after: 0, maxReconnects: 5,
                    onReconnect: { reason in reconnects.withLock { $0.append(reason) } }
                ) { _ in .proceed }
            } throws: { error in
                guard case .refused(let refusal)? = error as? HubClientError else { return false }
                return refusal.code == "group-not-found"
            }
            #expect(proxy.lossy.load(ordering: .relaxed) == 1)
            // Under load a healthy connection can be silent for the short test timeout too; each
            // reconnection must be for silence, and the lossy one was one of them.
            let reasons = reconnects.withLock { $0 }
            #expect(!reasons.isEmpty && reasons.allSatisfy { $0.contains("sent nothing") }, "\(reasons)")
        }
    }
}
