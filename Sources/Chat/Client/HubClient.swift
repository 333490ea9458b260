import AsyncHTTPClient
import Ethereum
import NIOCore
import NIOHTTP1

/// A client of the built-in hub's HTTP API (docs/chat-api.md), for members' tools and the CLI.
///
/// Every method throws `HubClientError` (or `CancellationError`). Answers are read strictly and with
/// bounds: at most `maxResponseBytes` per answer, JSON at most 32 levels deep. Requests that the hub
/// refuses for the moment (`429`, `503` with `retryAfter` up to `maxRetryWait`) and requests that get
/// no answer are retried up to `attempts` times in all; a post is safe to retry because the hub
/// answers a repeated signed message with `replayed` and the stored entry.
public struct HubClient: Sendable {
    public struct Configuration: Sendable {
        /// Per HTTP request.
        public var requestTimeout: Duration = .seconds(30)
        /// Largest answer read, in bytes.
        public var maxResponseBytes = 32 << 20
        /// Tries per request, the first included.
        public var attempts = 3
        /// The longest `Retry-After` honoured; a longer one fails the request.
        public var maxRetryWait: Duration = .seconds(10)
        /// The first pause before retrying a request that got no answer; doubles per try.
        public var backoff: Duration = .milliseconds(250)
        /// Largest WebSocket frame accepted.
        public var maxFrameBytes = 1 << 20
        /// A stream connection that has delivered no frame this long after connecting is given up
        /// and reopened: the hub always sends one at once (an entry, `caught-up` or an error), so
        /// silence means the frames were lost on the client's side of the upgrade.
        public var firstFrameTimeout: Duration = .seconds(10)

        public init() {}
    }

    /// The hub's base URL without a trailing slash, e.g. `http://127.0.0.1:8490`.
    public let baseURL: String
    public let configuration: Configuration
    let http: HTTPClient

    /// Longest base URL accepted.
    public static let maxURLBytes = 2048

    /// Checks `baseURL` (http or https, no query or fragment; a path prefix is kept).
    public init(
        baseURL: String, configuration: Configuration = .init(), httpClient: HTTPClient = HubClient.defaultHTTPClient
    ) throws(HubClientError) {
        var url = baseURL
        guard url.utf8.count <= Self.maxURLBytes else { throw .invalidURL(baseURL, reason: "longer than \(Self.maxURLBytes) bytes") }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw .invalidURL(baseURL, reason: "it must start with http:// or https://")
        }
        guard !url.contains("?"), !url.contains("#"), !url.contains(where: { $0.isWhitespace }) else {
            throw .invalidURL(baseURL, reason: "it must not contain a query, a fragment or spaces")
        }
        while url.hasSuffix("/") { url.removeLast() }
        let host = url.drop(while: { $0 != "/" }).dropFirst(2).prefix(while: { $0 != "/" })
        guard !host.isEmpty else { throw .invalidURL(baseURL, reason: "it names no host") }
        self.baseURL = url
        self.configuration = configuration
        self.http = httpClient
    }

    /// The HTTP client hub clients share by default: AsyncHTTPClient with a 10 s connect timeout and
    /// without its own retries of failed connection attempts (it would retry until the request's
    /// deadline; `HubClient` retries a few times itself), so a hub that is down is reported at once.
    /// Never shut down: it lives as long as the process, like `HTTPClient.shared`.
    public static let defaultHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(10))
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// The WebSocket base (`ws://` or `wss://`).
    public var webSocketBaseURL: String {
        baseURL.hasPrefix("https://") ? "wss://" + baseURL.dropFirst(8) : "ws://" + baseURL.dropFirst(7)
    }

    // MARK: - Endpoints

    /// `GET /v1/hub`: the hub's name and limits.
    public func describe() async throws -> HubDescription {
        let (url, json) = try await get("/v1/hub")
        return try Self.reading(url) { () throws(ChatError) in try HubDescription(json: json) }
    }

    /// `GET /v1/groups?after=&limit=`: a page of groups in creation order.
    public func groups(after: Int64 = 0, limit: Int = 100) async throws -> GroupPage {
        let (url, json) = try await get("/v1/groups?after=\(after)&limit=\(limit)")
        return try Self.reading(url) { () throws(ChatError) in
            guard let items = json["groups"]?.arrayValue else { throw ChatError(.malformed, "missing groups") }
            var groups: [HubGroup] = []
            groups.reserveCapacity(items.count)
            for item in items { groups.append(try HubGroup(json: item)) }
            var next: Int64?
            if case .number(let n)? = json["next"] {
                guard let value = Int64(n), value > after else { throw ChatError(.malformed, "next \(n.prefix(30)) does not advance") }
                next = value
            }
            return GroupPage(groups: groups, next: next)
        }
    }

    /// Every group, page by page, stopping early when `body` returns false. At most `maxPages` pages.
    public func forEachGroup(pageSize: Int = 500, maxPages: Int = 10_000, _ body: (HubGroup) throws -> Bool) async throws {
        var after: Int64 = 0
        for _ in 0..<maxPages {
            let page = try await groups(after: after, limit: pageSize)
            for group in page.groups where try !body(group) { return }
            guard let next = page.next else { return }
            after = next
        }
        throw HubClientError.badResponse(url: baseURL + "/v1/groups", reason: "more than \(maxPages) pages of groups")
    }

    /// `GET /v1/groups/{id}`: one group with its head.
    public func group(_ id: GroupID) async throws -> HubGroup {
        let (url, json) = try await get("/v1/groups/\(id.rawValue)")
        return try Self.reading(url) { () throws(ChatError) in try HubGroup(json: json["group"] ?? .null) }
    }

    /// `GET /v1/groups/{id}/messages?after=&limit=`: entries with `seq > after`, ascending.
    public func messages(in id: GroupID, after: UInt64 = 0, limit: Int = 100) async throws -> MessagePage {
        let (url, json) = try await get("/v1/groups/\(id.rawValue)/messages?after=\(after)&limit=\(limit)")
        return try Self.reading(url) { () throws(ChatError) in
            guard let items = json["messages"]?.arrayValue else { throw ChatError(.malformed, "missing messages") }
            guard items.count <= limit else { throw ChatError(.malformed, "\(items.count) messages in a page of at most \(limit)") }
            var messages: [StoredMessage] = []
            messages.reserveCapacity(items.count)
            for item in items { messages.append(try StoredMessage(json: item)) }
            var next: UInt64?
            if case .number(let n)? = json["next"] {
                guard let value = UInt64(n), value > after else { throw ChatError(.malformed, "next \(n.prefix(30)) does not advance") }
                next = value
            }
            return MessagePage(group: id, messages: messages, head: try ChainHead(json: json["head"] ?? .null), next: next)
        }
    }

    /// What a post returned: the stored entry, and whether the hub had it already (`replayed`).
    public struct Posted: Hashable, Sendable {
        public let entry: StoredMessage
        public let replayed: Bool
    }

    /// `POST /v1/groups/{id}/messages`: stores a signed message. A repeat of a message already stored
    /// returns the stored entry with `replayed` set.
    public func post(_ signed: SignedChatMessage) async throws -> Posted {
        let path = "/v1/groups/\(signed.message.group.rawValue)/messages"
        do {
            let (url, json) = try await send(.POST, path, body: Array(signed.json.serialized().utf8))
            let entry = try Self.reading(url) { () throws(ChatError) in try StoredMessage(json: json["message"] ?? .null) }
            return Posted(entry: entry, replayed: false)
        } catch HubClientError.refused(let refusal) where refusal.code == ChatError.Code.replayed.rawValue && refusal.existing != nil {
            return Posted(entry: refusal.existing!, replayed: true)
        }
    }

    // MARK: - Transport

    func get(_ path: String) async throws -> (String, JSON) {
        try await send(.GET, path, body: nil)
    }

    /// Sends a request, retrying as the type's documentation says; returns the URL and the JSON answer
    /// of a 2xx, and throws `refused` for the hub's JSON errors.
    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]?) async throws -> (String, JSON) {
        let url = baseURL + path
        var pause = configuration.backoff
        var attempt = 1
        while true {
            do {
                return (url, try await once(method, url, body: body))
            } catch let error as HubClientError {
                guard attempt < configuration.attempts else { throw error }
                switch error {
                case .unreachable:
                    try await Task.sleep(for: pause)
                    pause *= 2
                case .refused(let refusal) where refusal.status == 429 || refusal.status == 503:
                    let wait = Duration.seconds(refusal.retryAfter ?? 1)
                    guard wait <= configuration.maxRetryWait else { throw error }
                    try await Task.sleep(for: wait)
                default:
                    throw error
                }
                attempt += 1
            }
        }
    }

    func once(_ method: HTTPMethod, _ url: String, body: [UInt8]?) async throws -> JSON {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let timeout = TimeAmount.milliseconds(Int64(configuration.requestTimeout.components.seconds * 1000))
        let response: HTTPClientResponse
        do { response = try await http.execute(request, timeout: timeout) } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw HubClientError.unreachable(url: url, reason: "\(error)")
        }
        let bytes: ByteBuffer
        do { bytes = try await response.body.collect(upTo: configuration.maxResponseBytes) } catch is NIOTooManyBytesError {
            throw HubClientError.badResponse(url: url, reason: "the answer is larger than \(configuration.maxResponseBytes) bytes")
        } catch {
            throw HubClientError.unreachable(url: url, reason: "the answer was cut: \(error)")
        }
        let status = Int(response.status.code)
        let json: JSON
        do {
            json = try JSONParser(limits: .init(maxBytes: configuration.maxResponseBytes, maxDepth: 32)).parse(
                Array(bytes.readableBytesView))
        } catch {
            throw HubClientError.badResponse(url: url, reason: "HTTP \(status), not JSON: \(error)")
        }
        guard (200..<300).contains(status) else {
            guard let inner = json["error"], let code = inner["code"]?.stringValue else {
                throw HubClientError.badResponse(url: url, reason: "HTTP \(status) without a JSON error")
            }
            var retryAfter: Int?
            if case .number(let n)? = inner["retryAfter"] { retryAfter = Int(n) }
            let existing = inner["existing"].flatMap { try? StoredMessage(json: $0) }
            throw HubClientError.refused(
                HubRefusal(
                    status: status, code: code, message: inner["message"]?.stringValue ?? "", retryAfter: retryAfter, existing: existing))
        }
        return json
    }

    /// Reads a model out of an answer, reporting a shape error as `badResponse`.
    static func reading<T>(_ url: String, _ read: () throws(ChatError) -> T) throws(HubClientError) -> T {
        do { return try read() } catch { throw .badResponse(url: url, reason: error.message) }
    }
}
