import Ethereum
import HummingbirdWSClient
import Logging
import Synchronization

extension HubClient {
    /// What a stream handler wants next.
    public enum StreamControl: Sendable {
        case proceed
        case stop
    }

    /// How `follow` ended.
    public enum FollowEnd: Hashable, Sendable {
        /// The group closed; its last entry (`seq`) was delivered.
        case closed(seq: UInt64)
        /// The handler asked to stop.
        case stopped
    }

    /// Follows a group's WebSocket stream (`/v1/groups/{id}/stream?after=`), delivering every entry
    /// with `seq > after` once and in order, then live ones, until the group closes or `handler` says
    /// stop. A dropped connection, or a stream refused for the moment (`rate-limited`,
    /// `too-many-connections`, `unavailable`), is reopened after the last delivered `seq`, with a pause
    /// that starts at `configuration.backoff` and doubles up to 5 s; after `maxReconnects` reopenings
    /// in a row that delivered no new entry (nil: no limit) the last failure is thrown. A stream the
    /// hub refuses for good (`group-not-found`, `bad-parameter`) throws `refused`. Cancel the task to stop.
    ///
    /// The hub's stream has no gap, so a frame that skips a `seq` (an entry, or a `caught-up` or
    /// `closed` naming a later `seq` than the last entry received) means frames were lost on the way:
    /// nothing after the gap is delivered, and the stream is reopened after the last delivered
    /// entry. A connection silent for `configuration.firstFrameTimeout` after opening is reopened too.
    /// (Both happen with the WebSocket client library in use when the hub's first frames arrive in
    /// the same read as its upgrade answer: docs/chat-api.md, "Streams".)
    ///
    /// `handler` sees `caughtUp` once per connection; `onReconnect` is told of each reopening and why.
    public func follow(
        group: GroupID, after: UInt64, maxReconnects: Int? = nil, onReconnect: @escaping @Sendable (String) -> Void = { _ in },
        handler: @escaping @Sendable (HubStreamFrame) async throws -> StreamControl
    ) async throws -> FollowEnd {
        let state = LockedValue(FollowState(lastSeq: after))
        var pause = configuration.backoff
        var failures = 0
        while true {
            try Task.checkCancellation()
            let from = state.withLock { $0.lastSeq }
            let url = webSocketBaseURL + "/v1/groups/\(group.rawValue)/stream?after=\(from)"
            var failure: HubClientError
            do {
                try await connect(url) { frame in
                    switch state.withLock({ $0.admit(frame) }) {
                    case .skip: return .proceed
                    case .gap: return .stop
                    case .deliver: break
                    }
                    switch frame {
                    case .closed(let seq):
                        state.withLock { $0.end = .closed(seq: seq) }
                        _ = try await handler(frame)
                        return .stop
                    case .error(let code, let message):
                        state.withLock { $0.refusal = HubRefusal(status: 0, code: code, message: message) }
                        return .stop
                    default:
                        let control = try await handler(frame)
                        if case .stop = control { state.withLock { $0.end = .stopped } }
                        return control
                    }
                }
                let (end, refusal, gap) = state.withLock { s in
                    defer { s.gap = nil }
                    return (s.end, s.refusal, s.gap)
                }
                if let end { return end }
                if let gap {
                    failure = .unreachable(
                        url: url, reason: "frames were lost on the way (expected seq \(gap.expected), the stream sent \(gap.found))")
                } else if let refusal {
                    state.withLock { $0.refusal = nil }
                    let transient = ["rate-limited", "too-many-connections", "unavailable", "overloaded"].contains(refusal.code)
                    guard transient else { throw HubClientError.refused(refusal) }
                    failure = .refused(refusal)
                } else {
                    failure = .unreachable(url: url, reason: "the stream ended before the group closed")
                }
            } catch let error as HubClientError {
                if case .refused = error { throw error }
                failure = error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failure = .unreachable(url: url, reason: "\(error)")
            }
            try Task.checkCancellation()
            if state.withLock({ $0.lastSeq }) > from {
                failures = 0
                pause = configuration.backoff
            }
            failures += 1
            if let maxReconnects, failures > maxReconnects { throw failure }
            onReconnect("\(failure); reconnecting in \(pause)")
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(5))
        }
    }

    /// A value behind a lock, shareable with `@Sendable` closures.
    final class LockedValue<Value: Sendable>: Sendable {
        let mutex: Mutex<Value>
        init(_ value: Value) { mutex = Mutex(value) }
        func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    }

    struct FollowState: Sendable {
        enum Admission {
            /// A new frame for the handler.
            case deliver
            /// An entry delivered before (a reconnection's overlap).
            case skip
            /// Frames before this one were lost: end the connection and reopen after `lastSeq`.
            case gap
        }

        var lastSeq: UInt64
        var end: FollowEnd?
        var refusal: HubRefusal?
        var gap: (expected: UInt64, found: UInt64)?

        /// Checks a frame against the stream's gap-free order; entries advance `lastSeq`.
        mutating func admit(_ frame: HubStreamFrame) -> Admission {
            let claimed: UInt64
            switch frame {
            case .message(let entry):
                if entry.seq <= lastSeq { return .skip }
                guard entry.seq == lastSeq + 1 else {
                    gap = (lastSeq + 1, entry.seq)
                    return .gap
                }
                lastSeq = entry.seq
                return .deliver
            case .caughtUp(let seq), .closed(let seq): claimed = seq
            case .error: return .deliver
            }
            guard claimed <= lastSeq else {
                gap = (lastSeq + 1, claimed)
                return .gap
            }
            return .deliver
        }
    }

    /// One WebSocket connection: frames to `handler` until it stops or the server closes. Throws
    /// `unreachable` when no frame arrives within `configuration.firstFrameTimeout`.
    func connect(_ url: String, handler: @escaping @Sendable (HubStreamFrame) async throws -> StreamControl) async throws {
        let firstFrame = LockedValue(false)
        let timeout = configuration.firstFrameTimeout
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                try await self.connection(url, firstFrame: firstFrame, handler: handler)
                return true
            }
            tasks.addTask {
                try await Task.sleep(for: timeout)
                guard firstFrame.withLock({ $0 }) else {
                    throw HubClientError.unreachable(url: url, reason: "the stream sent nothing within \(timeout) of opening")
                }
                return false
            }
            // The watchdog's quiet end (a frame came in time) leaves the connection running.
            while let connectionEnded = try await tasks.next(), !connectionEnded {}
            tasks.cancelAll()
        }
    }

    private func connection(
        _ url: String, firstFrame: LockedValue<Bool>, handler: @escaping @Sendable (HubStreamFrame) async throws -> StreamControl
    ) async throws {
        var logger = Logger(label: "plenum.hub-client")
        logger.logLevel = .critical
        var socket = WebSocketClientConfiguration(maxFrameSize: configuration.maxFrameBytes)
        socket.closeTimeout = .seconds(2)
        let maxFrame = configuration.maxFrameBytes
        try await WebSocketClient.connect(url: url, configuration: socket, logger: logger) { inbound, outbound, _ in
            for try await message in inbound.messages(maxSize: maxFrame) {
                firstFrame.withLock { $0 = true }
                guard case .text(let text) = message else { continue }
                let json: JSON
                do { json = try JSONParser(limits: .init(maxBytes: maxFrame, maxDepth: 32)).parse(Array(text.utf8)) } catch {
                    throw HubClientError.badResponse(url: url, reason: "a stream frame is not JSON: \(error)")
                }
                let frame: HubStreamFrame
                do { frame = try HubStreamFrame(json: json) } catch {
                    throw HubClientError.badResponse(url: url, reason: "\(error)")
                }
                if case .stop = try await handler(frame) { break }
            }
            try? await outbound.close(.normalClosure, reason: nil)
        }
    }
}
