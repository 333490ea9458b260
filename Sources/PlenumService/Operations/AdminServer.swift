import Bot
import Chat
import Ethereum
import Foundation
import Governance
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The admin HTTP server: `/health` (open), `/metrics` (Prometheus text, open) and `/admin/*`
/// (bearer token, see `AdminAPI`). Every request except `/health` takes a token from its client
/// IP's rate bucket; bodies are bounded. Bound to 127.0.0.1 by default.
public enum AdminServer {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port (`onServerRunning` receives it).
        public var port = 8491
        /// Largest request body, bytes.
        public var maxRequestBytes = AdminAPI.maxBodyBytes
        /// Requests from one IP to `/admin/*` and `/metrics`; nil for none.
        public var requestRatePerIP: RateLimit? = RateLimit(perSecond: 5, burst: 30)
        public var serverName = "plenum-admin"

        public init(host: String = "127.0.0.1", port: Int = 8491) {
            self.host = host
            self.port = port
        }
    }
}

/// The request context of the admin routes: Hummingbird's core storage and the client's address.
public struct AdminRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text ("unknown" when the socket has none).
    public var clientIP: String { remoteAddress?.ipAddress ?? "unknown" }
}

/// Builds the admin HTTP server as a swift-service-lifecycle `Service`. `metrics` renders the
/// Prometheus text when `/metrics` is scraped; `now` (Unix ms) drives the rate limit.
public func buildAdminApplication(
    api: AdminAPI, configuration: AdminServer.Configuration = .init(), metrics: @escaping @Sendable () async -> String,
    logger: Logger = Logger(label: "plenum.admin"), now: @escaping @Sendable () -> UInt64 = { UInt64(WallClock.milliseconds()) },
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = Router(context: AdminRequestContext.self)
    router.add(middleware: AdminErrorMiddleware())
    if let rate = configuration.requestRatePerIP {
        router.add(middleware: AdminRateLimitMiddleware(limiter: RateLimiter(limit: rate), now: now))
    }
    router.get("/health") { _, _ -> Response in
        adminJSON(["status": "ok"], status: 200)
    }
    router.get("/metrics") { _, _ -> Response in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: await metrics())))
    }
    let maxBytes = configuration.maxRequestBytes
    for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
        router.on("/admin/**", method: method) { request, context -> Response in
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: maxBytes) } catch is NIOTooManyBytesError {
                return adminJSON(AdminJSON.error("too-large", "the request body is larger than \(maxBytes) bytes"), status: 413)
            }
            let answer = await api.handle(
                method: method.rawValue, path: request.uri.path, authorization: request.headers[.authorization], body: Array(buffer: body))
            return adminJSON(answer.body, status: answer.status)
        }
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: configuration.serverName),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) }, logger: logger)
}

func adminJSON(_ value: JSON, status: Int, headers: HTTPFields = [:]) -> Response {
    var fields = headers
    fields[.contentType] = "application/json; charset=utf-8"
    return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: value.serialized())))
}

/// Answers unknown routes and failures as JSON errors.
struct AdminErrorMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do { return try await next(request, context) } catch let error as HTTPError {
            let status = Int(error.status.code)
            if status == 404 {
                return adminJSON(
                    AdminJSON.error("not-found", "no endpoint \(request.method) \(request.uri.path) (see docs/operations.md)"), status: 404)
            }
            return adminJSON(
                AdminJSON.error(status < 500 ? "bad-request" : "internal", error.body ?? "request failed (\(status))"), status: status)
        } catch {
            context.logger.error("admin request failed", metadata: ["error": "\(type(of: error))"])
            return adminJSON(AdminJSON.error("internal", "internal error"), status: 500)
        }
    }
}

/// Takes a token from the client IP's bucket for every request except `/health`.
struct AdminRateLimitMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext
    let limiter: RateLimiter<String>
    let now: @Sendable () -> UInt64

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path != "/health", let wait = limiter.take(context.clientIP, now: now()) {
            return adminJSON(
                AdminJSON.error("rate-limited", "too many requests from \(context.clientIP); retry in \(wait) s"), status: 429,
                headers: [.retryAfter: String(wait)])
        }
        return try await next(request, context)
    }
}

extension PlenumServer {
    /// The admin server of `plenum serve`: the API over this server's channels, store and bot.
    func adminApplication(
        token: String, host: String, port: Int, onServerRunning: @escaping @Sendable (Int) async -> Void
    )
        -> some ApplicationProtocol
    {
        let api = AdminAPI(
            token: token, channels: configuration.channels, store: store,
            polls: BotPollOpener(bot: bot, channels: configuration.channels, chains: configuration.chains))
        let sources = metricsSources
        return buildAdminApplication(
            api: api, configuration: .init(host: host, port: port), metrics: { await MetricsReport.render(sources) }, logger: logger,
            onServerRunning: onServerRunning)
    }
}

/// Opens polls through the admin API with a running bot, taking confirmations from the configuration.
public struct BotPollOpener: PollOpener {
    public let bot: Bot
    public let channels: [PlenumConfiguration.Channel]
    public let chains: [String: PlenumConfiguration.Chain]

    public init(bot: Bot, channels: [PlenumConfiguration.Channel], chains: [String: PlenumConfiguration.Chain]) {
        self.bot = bot
        self.channels = channels
        self.chains = chains
    }

    public func openPoll(_ request: PollRequest) async throws -> BotProposal {
        guard let channel = channels.first(where: { $0.name.hasSameBytes(as: request.channel) }) else {
            throw PollError.invalid("no channel \"\(request.channel)\" (channels: \(channels.map(\.name).joined(separator: ", ")))")
        }
        let confirmations = channel.confirmations ?? chains[channel.chain]?.confirmations ?? 12
        do {
            return try await bot.openPoll(
                channel: channel.name, title: request.title, description: request.description, choices: request.choices,
                system: request.system, duration: request.duration, snapshotBlock: request.snapshotBlock, confirmations: confirmations)
        } catch let error as BotError {
            throw PollError.invalid(error.description)
        } catch let error as TallyRulesError {
            throw PollError.invalid(error.description)
        }
    }
}
