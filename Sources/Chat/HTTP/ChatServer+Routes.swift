import Ethereum
import HTTPTypes
import Hummingbird
import NIOCore

extension ChatServer {
    /// The HTTP routes (see docs/chat-api.md). Every error is answered as JSON.
    public func router() -> Router<ChatRequestContext> {
        let router = Router(context: ChatRequestContext.self)
        router.middlewares.add(ChatErrorMiddleware())
        if let requestLimiter { router.middlewares.add(IPRateLimitMiddleware(limiter: requestLimiter, clock: hub.clock)) }
        router.get("/health") { _, _ in try await health() }
        router.get("/v1/hub") { _, _ in hubDescription() }
        router.get("/v1/groups") { request, _ in try await listGroups(request) }
        router.get("/v1/groups/:id") { _, context in try await showGroup(context) }
        router.get("/v1/groups/:id/messages") { request, context in try await listMessages(request, context) }
        router.post("/v1/groups/:id/messages") { request, context in try await postMessage(request, context) }
        router.get("/v1/groups/:id/stream") { request, context in try await refusedStream(request, context) }
        return router
    }

    func health() async throws -> Response {
        let position = try await hub.storeCall { try await hub.store.lastPosition() }
        return Self.json(["status": "ok", "hub": .string(hub.configuration.hub), "position": .number(String(position))])
    }

    /// What a client needs to sign: the hub's name, the EIP-712 domain and type, and the limits.
    func hubDescription() -> Response {
        let template = ChatMessage(
            hub: hub.configuration.hub, group: GroupID(unchecked: "GROUP"), sender: .zero, body: "", timestamp: 0, nonce: .zero)
        let typed = template.typedDataJSON
        return Self.json([
            "hub": .string(hub.configuration.hub),
            "typedData": ["types": typed["types"] ?? .null, "primaryType": "ChatMessage", "domain": typed["domain"] ?? .null],
            "limits": [
                "maxBodyBytes": .number(String(hub.configuration.maxBodyBytes)),
                "maxRequestBytes": .number(String(configuration.maxRequestBytes)),
                "maxClockSkewMs": .number(String(hub.configuration.maxClockSkew)),
                "maxPage": .number(String(hub.configuration.maxPage)),
                "maxStreamsPerIP": .number(String(configuration.maxStreamsPerIP)),
            ],
        ])
    }

    func listGroups(_ request: Request) async throws -> Response {
        let after = try Self.integer(request, "after", default: 0, max: UInt64(Int64.max))
        let limit = try Self.integer(request, "limit", default: 100, max: UInt64(hub.configuration.maxPage), min: 1)
        let groups = try await hub.groups(afterOrdinal: Int64(after), limit: Int(limit))
        let next: JSON = groups.count == Int(limit) ? .number(String(groups.last!.ordinal)) : .null
        return Self.json(["groups": .array(groups.map { $0.json() }), "next": next])
    }

    func showGroup(_ context: ChatRequestContext) async throws -> Response {
        let id = try Self.groupID(context)
        let info = try await hub.group(id)
        let head = try await hub.head(of: id)
        return Self.json(["group": info.json(head: head)])
    }

    func listMessages(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let id = try Self.groupID(context)
        let after = try Self.integer(request, "after", default: 0, max: UInt64(Int64.max))
        let limit = try Self.integer(request, "limit", default: 100, max: UInt64(hub.configuration.maxPage), min: 1)
        let messages = try await hub.messages(in: id, after: after, limit: Int(limit))
        let head = try await hub.storeCall { try await hub.store.head(of: id) }
        let next: JSON = messages.count == Int(limit) && messages.last!.seq < head.seq ? .number(String(messages.last!.seq)) : .null
        // The text of {"group", "messages", "head", "next"}, each entry written without a JSON tree.
        var out = Array(#"{"group":"#.utf8)
        JSON.appendString(id.rawValue, to: &out)
        out.append(contentsOf: #","messages":["#.utf8)
        for (i, entry) in messages.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            entry.appendJSON(to: &out)
        }
        out.append(contentsOf: #"],"head":"#.utf8)
        out.append(contentsOf: head.json.serializedBytes())
        out.append(contentsOf: #","next":"#.utf8)
        out.append(contentsOf: next.serializedBytes())
        out.append(UInt8(ascii: "}"))
        return Self.json(bytes: out)
    }

    func postMessage(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        let path = try Self.groupID(context)
        if let postLimiter, let wait = postLimiter.take(context.clientIP, now: hub.clock.now()) {
            throw ChatError(.rateLimited, "too many posts from \(context.clientIP); retry in \(wait) s", retryAfter: wait)
        }
        let limit = configuration.maxRequestBytes
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw ChatError(.tooLarge, "the request body is \(declared) bytes; the limit is \(limit)")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch is NIOTooManyBytesError {
            throw ChatError(.tooLarge, "the request body is larger than \(limit) bytes")
        }
        let json: JSON
        do { json = try JSONParser(limits: .init(maxBytes: limit, maxDepth: 8)).parse(Array(buffer.readableBytesView)) } catch {
            throw ChatError(.malformed, "the request body is not JSON: \(error)")
        }
        let signed = try SignedChatMessage(json: json, maxBodyBytes: hub.configuration.maxBodyBytes)
        guard signed.message.group == path else {
            throw ChatError(
                .wrongGroup, "the message is signed for group \(signed.message.group) but was posted to group \(path)")
        }
        let entry = try await hub.submit(signed)
        var out = Array(#"{"message":"#.utf8)
        entry.appendJSON(to: &out)
        out.append(UInt8(ascii: "}"))
        return Self.json(bytes: out, status: .created)
    }

    /// A plain GET of a stream (no WebSocket upgrade): says what is wrong.
    func refusedStream(_ request: Request, _ context: ChatRequestContext) async throws -> Response {
        _ = try await streamParameters(request, context)
        throw ChatError(.upgradeRequired, "this endpoint is a WebSocket stream: connect with Upgrade: websocket")
    }

    /// Checks a stream request: the group exists, `after` is a seq.
    func streamParameters(_ request: Request, _ context: ChatRequestContext) async throws -> (GroupID, UInt64) {
        let id = try Self.groupID(context)
        let after = try Self.integer(request, "after", default: 0, max: UInt64(Int64.max))
        _ = try await hub.group(id)
        return (id, after)
    }

    func tooManyStreams(_ ip: String) -> ChatError {
        ChatError(
            .tooManyConnections,
            "too many open streams (at most \(configuration.maxStreamsPerIP) per IP and \(configuration.maxStreams) in all); close one or retry later",
            retryAfter: 5)
    }

    static func groupID(_ context: ChatRequestContext) throws -> GroupID {
        guard let text = context.parameters.get("id") else { throw ChatError(.badParameter, "missing group id") }
        return try GroupID(text)
    }

    /// A non-negative integer query parameter.
    static func integer(_ request: Request, _ name: String, default value: UInt64, max: UInt64, min: UInt64 = 0) throws -> UInt64 {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let parsed = UInt64(text), parsed >= min, parsed <= max else {
            throw ChatError(.badParameter, "query parameter \(name)=\(text.prefix(40)) must be an integer from \(min) to \(max)")
        }
        return parsed
    }
}
