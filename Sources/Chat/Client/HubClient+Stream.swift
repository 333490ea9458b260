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
    /// in a row without a frame (nil: no limit) the last failure is thrown. A stream the hub refuses
    /// for good (`group-not-found`, `bad-parameter`) throws `refused`. Cancel the task to stop.
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
            let from = state.withLock { s in
                s.framesThisConnection = 0
                return s.lastSeq
            }
            let url = webSocketBaseURL + "/v1/groups/\(group.rawValue)/stream?after=\(from)"
            var failure: HubClientError
            do {
                try await connect(url) { frame in
                    if case .message(let entry) = frame {
                        let fresh = state.withLock { s in
                            s.framesThisConnection += 1
                            guard entry.seq > s.lastSeq else { return false }
                            s.lastSeq = entry.seq
                            return true
                        }
                        guard fresh else { return .proceed }
                    } else {
                        state.withLock { $0.framesThisConnection += 1 }
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
                let (end, refusal) = state.withLock { ($0.end, $0.refusal) }
                if let end { return end }
                if let refusal {
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
            if state.withLock({ $0.framesThisConnection }) > 0 {
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
        var lastSeq: UInt64
        var framesThisConnection = 0
        var end: FollowEnd?
        var refusal: HubRefusal?
    }

    /// One WebSocket connection: frames to `handler` until it stops or the server closes.
    func connect(_ url: String, handler: @escaping @Sendable (HubStreamFrame) async throws -> StreamControl) async throws {
        var logger = Logger(label: "plenum.hub-client")
        logger.logLevel = .critical
        var socket = WebSocketClientConfiguration(maxFrameSize: configuration.maxFrameBytes)
        socket.closeTimeout = .seconds(2)
        let maxFrame = configuration.maxFrameBytes
        try await WebSocketClient.connect(url: url, configuration: socket, logger: logger) { inbound, outbound, _ in
            for try await message in inbound.messages(maxSize: maxFrame) {
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
