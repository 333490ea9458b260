import Ethereum
import Hummingbird
import HummingbirdWebSocket
import NIOWebSocket

extension ChatServer {
    /// The WebSocket route `GET /v1/groups/{id}/stream?after=SEQ`. A request it refuses falls
    /// through to `router()`, which answers with the JSON error.
    public func webSocketRouter() -> Router<ChatRequestContext> {
        let router = Router(context: ChatRequestContext.self)
        router.ws("/v1/groups/:id/stream") { request, context in
            if let requestLimiter, requestLimiter.take(context.clientIP, now: hub.clock.now()) != nil { return .dontUpgrade }
            guard (try? await streamParameters(request, context)) != nil, streams.wouldAdmit(context.clientIP) else { return .dontUpgrade }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let ip = context.requestContext.clientIP
            guard streams.acquire(ip) else {
                try await Self.send(StreamFrame.error(tooManyStreams(ip)), to: outbound)
                try await outbound.close(.unknown(1013), reason: "too many streams")
                return
            }
            defer { streams.release(ip) }
            let (group, after) = try await streamParameters(context.request, context.requestContext)
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
