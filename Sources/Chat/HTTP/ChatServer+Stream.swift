import Ethereum
import Hummingbird
import HummingbirdWebSocket
import NIOWebSocket

extension ChatServer {
    /// The WebSocket route `GET /v1/groups/{id}/stream?after=SEQ`.
    ///
    /// Hummingbird answers a refused upgrade with an empty 400, so every upgrade request is
    /// accepted and a refusal is sent inside the stream: one `error` frame, then a close with
    /// 1013 (try again later: rate or connection limits) or 1008 (policy: unknown group, bad `after`).
    public func webSocketRouter() -> Router<ChatRequestContext> {
        let router = Router(context: ChatRequestContext.self)
        router.ws("/v1/groups/:id/stream") { inbound, outbound, context in
            let ip = context.requestContext.clientIP
            func refuse(_ error: ChatError) async throws {
                try await Self.send(StreamFrame.error(error), to: outbound)
                let retryable = error.code == .rateLimited || error.code == .tooManyConnections || error.code == .unavailable
                try await outbound.close(retryable ? .unknown(1013) : .policyViolation, reason: error.code.rawValue)
            }
            if let requestLimiter, let wait = requestLimiter.take(ip, now: hub.clock.now()) {
                return try await refuse(ChatError(.rateLimited, "too many requests from \(ip); retry in \(wait) s", retryAfter: wait))
            }
            guard streams.acquire(ip) else { return try await refuse(tooManyStreams(ip)) }
            defer { streams.release(ip) }
            let group: GroupID, after: UInt64
            do { (group, after) = try await streamParameters(context.request, context.requestContext) } catch {
                return try await refuse(Self.chatError(error))
            }
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                // The client sends nothing; its stream ends when it closes, and then so does ours.
                tasks.addTask {
                    for try await _ in inbound.messages(maxSize: 4096) {}
                }
                tasks.addTask {
                    try await serve(group: group, after: after, outbound: outbound)
                }
                try await tasks.next()
                tasks.cancelAll()
            }
        }
        return router
    }

    /// Sends the group's entries after `after`, a `caught-up` marker, live entries, and `closed`
    /// followed by a normal close when the group has closed.
    func serve(group: GroupID, after: UInt64, outbound: WebSocketOutboundWriter) async throws {
        var cursor = hub.cursor(for: group, after: after)
        do {
            while let event = try await cursor.next() {
                try await Self.send(StreamFrame.event(event), to: outbound)
                if case .closed = event {
                    try await outbound.close(.normalClosure, reason: "group closed")
                    return
                }
            }
        } catch is CancellationError {
            return
        } catch let error as ChatError {
            try await Self.send(StreamFrame.error(error), to: outbound)
            try await outbound.close(.unexpectedServerError, reason: error.code.rawValue)
        }
    }

    static func send(_ frame: JSON, to outbound: WebSocketOutboundWriter) async throws {
        try await outbound.write(.text(frame.serialized()))
    }
}

/// The JSON text frames of a stream.
public enum StreamFrame {
    /// `{"type": "message", "message": {…}}`, `{"type": "caught-up", "seq": n}`, `{"type": "closed", "seq": n}`.
    public static func event(_ event: StreamEvent) -> JSON {
        switch event {
        case .message(let entry): ["type": "message", "message": entry.json]
        case .caughtUp(let seq): ["type": "caught-up", "seq": .number(String(seq))]
        case .closed(let seq): ["type": "closed", "seq": .number(String(seq))]
        }
    }

    /// `{"type": "error", "error": {"code", "message"}}`.
    public static func error(_ error: ChatError) -> JSON {
        ["type": "error", "error": error.json["error"] ?? .null]
    }
}
