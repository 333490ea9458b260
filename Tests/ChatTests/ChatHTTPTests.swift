import AsyncHTTPClient
import Chat
import Ethereum
import Foundation
import HummingbirdWSClient
import Logging
import PlenumTesting
import Storage
import Synchronization
import Testing

// A time limit turns a stream that never ends (seen once, under heavy load) into a named failure instead of a hung run.
@Suite("Hub over HTTP and WebSocket (loopback, SQLite file)", .timeLimit(.minutes(5 * TestTiming.scale)))
struct ChatHTTPTests {
    static func now() -> UInt64 { SystemChatClock().now() }

    @Test func postReadAndPaginate() async throws {
        try await LiveHub.run { live in
            let group = try await live.hub.createGroup(ChatFixtures.spec("proposal:1:0xabc:1"))
            let health = try await live.get("/health")
            #expect(health.status == 200 && health.json["status"]?.stringValue == "ok")
            let about = try await live.get("/v1/hub")
            #expect(about.json["hub"]?.stringValue == ChatFixtures.hubName)
            #expect(about.json["typedData"]?["primaryType"]?.stringValue == "ChatMessage")
            var posted: [StoredMessage] = []
            for i in 0..<25 {
                let key = [ChatFixtures.alice, ChatFixtures.bob][i % 2]
                let reply = try await live.post(ChatFixtures.signed("message \(i)", by: key, in: group.id, at: Self.now()))
                #expect(reply.status == 201, "\(reply.json)")
                posted.append(try #require(reply.message))
            }
            #expect(posted.map(\.seq) == Array(1...25))
            // Acknowledged means committed: a fresh reader of the file sees every acknowledged entry.
            let reader = try SQLiteStore(path: live.store.path)
            #expect(try await reader.messages(in: group.id, afterSeq: 0, limit: 100) == posted)
            var collected: [StoredMessage] = []
            var after: UInt64 = 0
            var pages = 0
            while true {
                let page = try await live.get("/v1/groups/\(group.id)/messages?after=\(after)&limit=10")
                #expect(page.status == 200)
                let entries = try (page.json["messages"]?.arrayValue ?? []).map { try StoredMessage(json: $0) }
                collected += entries
                pages += 1
                guard case .number(let next)? = page.json["next"], let n = UInt64(next) else { break }
                after = n
            }
            #expect(pages == 3 && collected == posted)
            #expect(ChatFixtures.chainProblem(collected) == nil)
            let shown = try await live.get("/v1/groups/\(group.id)")
            #expect(shown.json["group"]?["head"]?["seq"] == .number("25"))
            #expect(shown.json["group"]?["head"]?["hash"]?.stringValue == posted.last!.hash.description)
            let list = try await live.get("/v1/groups")
            #expect(list.json["groups"]?.arrayValue?.count == 1)
        }
    }

    @Test func badInputGetsItsErrorAndChangesNothing() async throws {
        try await LiveHub.run { live in
            let group = try await live.hub.createGroup(ChatFixtures.spec("bad")).id
            let other = try await live.hub.createGroup(ChatFixtures.spec("other")).id
            let accepted = ChatFixtures.signed("first", by: ChatFixtures.alice, in: group, at: Self.now())
            #expect(try await live.post(accepted).status == 201)
            let path = "/v1/groups/\(group)/messages"
            func text(_ signed: SignedChatMessage, _ edit: (inout JSONObject) -> Void) -> String {
                var root = signed.json.objectValue!
                edit(&root)
                return JSON.object(root).serialized()
            }
            let fresh = { ChatFixtures.signed("hello", by: ChatFixtures.alice, in: group, at: Self.now()) }
            var misSigned = fresh()
            misSigned.message.body = "hello!"
            var highS = fresh().json.objectValue!
            let sig = try Signature(hex: highS["signature"]!.stringValue!)
            let order = try UInt256(parsing: "115792089237316195423570985008687907852837564279074904382605163141518161494337")
            let flippedS = order.subtractingReportingOverflow(UInt256(word: sig.s)).partialValue
            highS["signature"] = .string(Hex.encode(sig.r.bytes + flippedS.word.bytes + [28 - sig.yParity]))
            let cases: [(String, String, Int, String)] = [
                ("not JSON", "{\"message\": ", 400, "malformed"),
                ("not an object", "[1, 2]", 400, "malformed"),
                ("unsigned", text(fresh()) { $0["signature"] = nil }, 400, "bad-signature"),
                ("signature not hex", text(fresh()) { $0["signature"] = "0xzz" }, 400, "bad-signature"),
                ("high-s signature", JSON.object(highS).serialized(), 400, "bad-signature"),
                ("mis-signed", misSigned.json.serialized(), 403, "signer-mismatch"),
                (
                    "signed by another key",
                    ChatFixtures.signed("x", by: ChatFixtures.mallory, in: group, at: Self.now()).json.serialized()
                        .replacingOccurrences(of: ChatFixtures.mallory.address.checksummed, with: ChatFixtures.alice.address.checksummed),
                    403, "signer-mismatch"
                ),
                ("missing field", text(fresh()) { $0["message"] = .object(JSONObject([("hub", "x")])) }, 400, "malformed"),
                ("unknown field", text(fresh()) { $0["extra"] = 1 }, 400, "malformed"),
                (
                    "bad timestamp",
                    text(fresh()) { r in
                        var m = r["message"]!.objectValue!; m["timestamp"] = "-1"; r["message"] = .object(m)
                    },
                    400, "malformed"
                ),
                (
                    "short nonce",
                    text(fresh()) { r in
                        var m = r["message"]!.objectValue!; m["nonce"] = "0x12"; r["message"] = .object(m)
                    },
                    400, "malformed"
                ),
                (
                    "bad sender",
                    text(fresh()) { r in
                        var m = r["message"]!.objectValue!; m["sender"] = "0x1234"; r["message"] = .object(m)
                    },
                    400, "malformed"
                ),
                ("replayed", accepted.json.serialized(), 409, "replayed"),
                (
                    "wrong group", ChatFixtures.signed("x", by: ChatFixtures.alice, in: other, at: Self.now()).json.serialized(), 400,
                    "wrong-group"
                ),
                (
                    "wrong hub",
                    ChatFixtures.signed("x", by: ChatFixtures.alice, in: group, hub: "evil.hub", at: Self.now()).json.serialized(),
                    400, "wrong-hub"
                ),
                (
                    "stale", ChatFixtures.signed("x", by: ChatFixtures.alice, in: group, at: Self.now() - 3_600_000).json.serialized(), 400,
                    "timestamp-out-of-range"
                ),
                (
                    "oversized body",
                    ChatFixtures.signed(String(repeating: "é", count: 9000), by: ChatFixtures.alice, in: group, at: Self.now())
                        .json.serialized(), 413, "too-large"
                ),
                ("oversized request", "{\"pad\": \"" + String(repeating: " ", count: 70_000) + "\"}", 413, "too-large"),
            ]
            let before = try await live.store.lastPosition()
            for (name, body, status, code) in cases {
                let reply = try await live.post(path, text: body)
                #expect(reply.status == status && reply.errorCode == code, "\(name): \(reply.status) \(reply.json)")
                #expect(reply.json["error"]?["message"]?.stringValue?.isEmpty == false, "\(name) has no explanation")
                if code == "replayed" { #expect(reply.json["error"]?["existing"]?["seq"] == .number("1")) }
            }
            #expect(try await live.store.lastPosition() == before)
            let gated = try await live.hub.createGroup(ChatFixtures.spec("gated", gating: .members)).id
            let outsider = try await live.post(ChatFixtures.signed("let me in", by: ChatFixtures.mallory, in: gated, at: Self.now()))
            #expect(outsider.status == 403 && outsider.errorCode == "not-a-member", "\(outsider.json)")
            let missing = try await live.post(ChatFixtures.signed("x", by: ChatFixtures.alice, in: try GroupID("feedface"), at: Self.now()))
            #expect(missing.status == 404 && missing.errorCode == "group-not-found")
            let unknownRoute = try await live.get("/v2/nothing")
            #expect(unknownRoute.status == 404 && unknownRoute.errorCode == "not-found")
            let badQuery = try await live.get("/v1/groups/\(group)/messages?limit=0")
            #expect(badQuery.status == 400 && badQuery.errorCode == "bad-parameter")
            let notUpgraded = try await live.get("/v1/groups/\(group)/stream")
            #expect(notUpgraded.status == 426 && notUpgraded.errorCode == "upgrade-required")
            #expect(try await live.store.lastPosition() == before)
        }
    }

    @Test func floodsGet429WithRetryAfter() async throws {
        var server = LiveHub.permissive()
        server.requestRatePerIP = RateLimit(perSecond: 1, burst: 10)
        server.postRatePerIP = RateLimit(perSecond: 1, burst: 4)
        // A frozen clock: no token refills while the test runs, however slow the machine is.
        let clock = ManualChatClock(Self.now())
        try await LiveHub.run(server: server, clock: clock) { live in
            let group = try await live.hub.createGroup(ChatFixtures.spec("flood")).id
            var statuses: [Int] = []
            var limited: LiveHub.Reply?
            for i in 0..<8 {
                let reply = try await live.post(ChatFixtures.signed("m\(i)", by: PrivateKey.generate(), in: group, at: clock.now()))
                statuses.append(reply.status)
                if reply.status == 429 { limited = reply }
            }
            #expect(statuses == [201, 201, 201, 201, 429, 429, 429, 429], "\(statuses)")
            let reply = try #require(limited)
            #expect(reply.errorCode == "rate-limited")
            let retryAfter = Int(reply.headers.first(name: "Retry-After") ?? "")
            #expect(retryAfter == 1)
            #expect(reply.json["error"]?["retryAfter"] == .number(String(retryAfter ?? -1)))
            // Reads share the per-IP request bucket (10): 8 posts spent 8, so two reads pass.
            var readStatuses: [Int] = []
            for _ in 0..<4 { readStatuses.append(try await live.get("/v1/groups/\(group)").status) }
            #expect(readStatuses == [200, 200, 429, 429], "\(readStatuses)")
            #expect(try await live.get("/health").status == 200, "health is never limited")
            #expect(try await live.store.lastPosition() == 4)
            // A second later one token is back: one read passes, the next is limited again.
            clock.advance(1_000)
            #expect(try await live.get("/v1/groups/\(group)").status == 200)
            #expect(try await live.get("/v1/groups/\(group)").status == 429)
        }
    }

    @Test func aFullWriteQueueGets503OverloadedAndLosesNothing() async throws {
        var hubConfiguration = ChatFixtures.configuration()
        hubConfiguration.maxPending = 2
        try await LiveHub.run(hub: hubConfiguration, wrapStore: { GatedChatStore($0) }) { live in
            let gate = try #require(live.chatStore as? GatedChatStore).gate
            let group = try await live.hub.createGroup(ChatFixtures.spec("overload")).id
            let messages = (0..<4).map { ChatFixtures.signed("m\($0)", by: PrivateKey.generate(), in: group, at: Self.now()) }
            // The writer is held with the first post in its transaction; two more wait behind it.
            await gate.shut()
            let first = Task { try await live.post(messages[0]) }
            let queued = [Task { try await live.post(messages[1]) }, Task { try await live.post(messages[2]) }]
            let refused: LiveHub.Reply
            do {
                await gate.arrivals(atLeast: 1)
                let deadline = ContinuousClock.now + TestTiming.seconds(60)
                while await live.hub.writesWaiting() < 2 {
                    guard ContinuousClock.now < deadline else { throw TestFailure("the posts never filled the write queue") }
                    await Task.yield()
                }
                // The queue is full: the next post is refused at once, with a time to retry, and not stored.
                refused = try await live.post(messages[3])
            } catch {
                await gate.open()
                throw error
            }
            #expect(refused.status == 503 && refused.errorCode == "overloaded", "\(refused.status) \(refused.json.serialized())")
            #expect(refused.headers.first(name: "Retry-After") == "1")
            #expect(refused.json["error"]?["retryAfter"] == .number("1"))
            // The writer resumes: every post it took is acknowledged, in order, and nothing else is stored.
            await gate.open()
            var acknowledged = [try await first.value]
            for task in queued { acknowledged.append(try await task.value) }
            #expect(acknowledged.map(\.status) == [201, 201, 201])
            #expect(Set(acknowledged.compactMap { $0.message?.seq }) == [1, 2, 3])
            #expect(try await live.store.head(of: group).seq == 3)
            #expect(try await live.store.message(in: group, sender: messages[3].message.sender, nonce: messages[3].message.nonce) == nil)
            // Retried as Retry-After says, the refused post is taken.
            let retried = try await live.post(messages[3])
            #expect(retried.status == 201 && retried.message?.seq == 4)
            #expect(await live.hub.writesWaiting() == 0)
            #expect(ChatFixtures.chainProblem(try await live.hub.messages(in: group, after: 0, limit: 10)) == nil)
        }
    }

    @Test func streamResumesWithoutGapOrDuplicateWhileMessagesArrive() async throws {
        try await LiveHub.run { live in
            let group = try await live.hub.createGroup(ChatFixtures.spec("stream")).id
            let total = 200
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    for i in 0..<total {
                        let reply = try await live.post(ChatFixtures.signed("m\(i)", by: ChatFixtures.alice, in: group, at: Self.now()))
                        #expect(reply.status == 201)
                    }
                }
                tasks.addTask {
                    var received: [StoredMessage] = []
                    var connections = 0
                    var caughtUp = 0
                    while received.count < total && connections < 100 {
                        connections += 1
                        let after = received.last?.seq ?? 0
                        let take = 1 + (connections * 37) % 29
                        let frames = try await Self.streamFrames(live, group: group, after: after, messages: take, lastSeq: UInt64(total))
                        for frame in frames {
                            switch frame["type"]?.stringValue {
                            case "message": received.append(try StoredMessage(json: frame["message"] ?? .null))
                            case "caught-up": caughtUp += 1
                            default: Issue.record("unexpected frame \(frame)")
                            }
                        }
                    }
                    #expect(received.map(\.seq) == Array(1...UInt64(total)), "gap or duplicate across \(connections) connections")
                    #expect(ChatFixtures.chainProblem(received) == nil)
                    #expect(connections > 5)
                }
                try await tasks.waitForAll()
            }
        }
    }

    @Test func streamEndsWithClosedAndLimitsConnections() async throws {
        var server = LiveHub.permissive()
        server.maxStreamsPerIP = 2
        try await LiveHub.run(server: server) { live in
            let group = try await live.hub.createGroup(ChatFixtures.spec("closing")).id
            _ = try await live.hub.post("open", to: group, signedBy: ChatFixtures.bot, idempotencyKey: "a")
            // Two streams held open fill this IP's slots; a third is refused with a JSON 429.
            try await withThrowingTaskGroup(of: [JSON].self) { tasks in
                for _ in 0..<2 {
                    tasks.addTask { try await Self.streamFrames(live, group: group, after: 0, messages: 100, untilClosed: true) }
                }
                // Wait for both streams to hold their slots (each is parked waiting for a commit); a
                // stream that failed to open fails the test here rather than leaving it waiting.
                let deadline = ContinuousClock.now + TestTiming.seconds(60)
                while await live.hub.waitingSubscribers() < 2 {
                    guard ContinuousClock.now < deadline else {
                        throw TestFailure("only \(await live.hub.waitingSubscribers()) of 2 streams opened within 60 s")
                    }
                    await Task.yield()
                }
                let (refused, closeCode) = try await Self.stream(live, group: group, after: 0, messages: 1)
                #expect(refused.map { $0["error"]?["code"] } == [.string("too-many-connections")], "\(refused)")
                #expect(closeCode == 1013)
                _ = try await live.hub.close(group, notice: "closed", signedBy: ChatFixtures.bot, idempotencyKey: "close")
                for try await frames in tasks {
                    #expect(frames.compactMap { $0["type"]?.stringValue } == ["message", "caught-up", "message", "closed"])
                    #expect(frames.last?["seq"] == .number("2"))
                }
                let (unknown, unknownClose) = try await Self.stream(live, group: try GroupID("nope"), after: 0, messages: 1)
                #expect(unknown.map { $0["error"]?["code"] } == [.string("group-not-found")] && unknownClose == 1008, "\(unknown)")
            }
        }
    }

    /// Connects to a group's stream, reads frames until `messages` message frames, the message with
    /// `lastSeq`, or (`untilClosed`) the `closed` frame, then closes; returns the frames read.
    static func streamFrames(
        _ live: LiveHub, group: GroupID, after: UInt64, messages: Int, untilClosed: Bool = false, lastSeq: UInt64? = nil
    ) async throws -> [JSON] {
        try await stream(live, group: group, after: after, messages: messages, untilClosed: untilClosed, lastSeq: lastSeq).frames
    }

    /// Like `streamFrames`, with the close code the server sent (nil when the client closed first).
    ///
    /// The WebSocket client library loses the frames that arrive in the same read as the upgrade
    /// answer (`HubClientStreamTests` shows it through a coalescing proxy), so a connection that
    /// stays silent, or whose frames skip a `seq`, is opened again (at most three times):
    /// what the hub sent is checked, not what the client library dropped.
    static func stream(
        _ live: LiveHub, group: GroupID, after: UInt64, messages: Int, untilClosed: Bool = false, lastSeq: UInt64? = nil
    ) async throws -> (
        frames: [JSON], closeCode: Int?
    ) {
        for _ in 0..<3 {
            if let result = try await streamOnce(
                live, group: group, after: after, messages: messages, untilClosed: untilClosed, lastSeq: lastSeq)
            {
                return result
            }
        }
        throw TestFailure("three connections to the stream of \(group) lost their frames")
    }

    /// One connection; nil when its frames were lost (silence, or a skipped `seq`).
    static func streamOnce(
        _ live: LiveHub, group: GroupID, after: UInt64, messages: Int, untilClosed: Bool, lastSeq: UInt64?
    ) async throws -> (frames: [JSON], closeCode: Int?)? {
        var logger = Logger(label: "ws-client")
        logger.logLevel = .warning
        let frames = FrameBox()
        let url = "\(live.webSocketBase)/v1/groups/\(group)/stream?after=\(after)"
        let close = try await withThrowingTaskGroup(of: WebSocketCloseFrame??.self) { tasks in
            tasks.addTask { [logger] in
                try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
                    var count = 0
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        let frame = try JSONParser.parse(text)
                        frames.append(frame)
                        if frames.skipsSeq(after: after) { break }
                        if frame["type"]?.stringValue == "closed" || frame["type"]?.stringValue == "error" { break }
                        if frame["type"]?.stringValue == "message" {
                            count += 1
                            if let lastSeq, frame["message"]?["seq"] == .number(String(lastSeq)) { break }
                        }
                        if !untilClosed && count == messages { break }
                    }
                    try await outbound.close(.normalClosure, reason: nil)
                }
            }
            tasks.addTask {
                // The hub sends a first frame at once; only a lost one leaves the stream silent.
                try await Task.sleep(for: TestTiming.seconds(10))
                return frames.all.isEmpty ? .some(nil) : .none
            }
            while let outcome = try await tasks.next() {
                guard case .some(let close) = outcome else { continue }
                tasks.cancelAll()
                return close
            }
            return nil
        }
        guard !frames.all.isEmpty, !frames.skipsSeq(after: after) else { return nil }
        let code: Int? = close.map { frame in
            switch frame.closeCode {
            case .normalClosure: 1000
            case .policyViolation: 1008
            case .unknown(let value): Int(value)
            default: -1
            }
        }
        return (frames.all, code)
    }
}

/// Frames collected inside a WebSocket handler.
final class FrameBox: Sendable {
    private let frames = Mutex<[JSON]>([])
    func append(_ frame: JSON) { frames.withLock { $0.append(frame) } }

    /// Whether the frames skip a `seq` of a stream that started after `after` (frames were lost).
    func skipsSeq(after: UInt64) -> Bool {
        var last = after
        for frame in all {
            switch frame["type"]?.stringValue {
            case "message":
                guard case .number(let n)? = frame["message"]?["seq"], let seq = UInt64(n) else { return false }
                if seq != last + 1 { return true }
                last = seq
            case "caught-up", "closed":
                guard case .number(let n)? = frame["seq"], let seq = UInt64(n) else { return false }
                if seq > last { return true }
            default: break
            }
        }
        return false
    }
    var all: [JSON] { frames.withLock { $0 } }
}
