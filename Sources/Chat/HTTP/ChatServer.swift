import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// The hub's HTTP and WebSocket server (Hummingbird 2): routes, per-IP limits, stream slots.
public struct ChatServer: Sendable {
    /// Where and how the server listens, and its per-IP and connection limits.
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port (tests read it from `onServerRunning`).
        public var port = 8090
        /// Largest request body, bytes.
        public var maxRequestBytes = 64 * 1024
        /// All requests from one IP (except `/health`); nil for none.
        public var requestRatePerIP: RateLimit? = RateLimit(perSecond: 50, burst: 100)
        /// Posts from one IP; nil for none.
        public var postRatePerIP: RateLimit? = RateLimit(perSecond: 10, burst: 40)
        /// Open WebSocket streams in total and per IP.
        public var maxStreams = 1024
        public var maxStreamsPerIP = 16
        /// Idle HTTP connections are closed after this long.
        public var idleTimeout: TimeAmount = .seconds(60)
        public var serverName = "plenum-chat"

        public init() {}
    }

    public let hub: ChatHub
    public let configuration: Configuration
    let requestLimiter: RateLimiter<String>?
    let postLimiter: RateLimiter<String>?
    let streams: ConnectionLimiter

    public init(hub: ChatHub, configuration: Configuration = .init()) {
        self.hub = hub
        self.configuration = configuration
        requestLimiter = configuration.requestRatePerIP.map { RateLimiter(limit: $0) }
        postLimiter = configuration.postRatePerIP.map { RateLimiter(limit: $0) }
        streams = ConnectionLimiter(maxTotal: configuration.maxStreams, maxPerIP: configuration.maxStreamsPerIP)
    }

    /// Number of WebSocket streams open now.
    public var openStreams: Int { streams.open }
}

/// Builds the hub's HTTP server as a swift-service-lifecycle `Service` (run it in a `ServiceGroup`,
/// or call `runService()`); `onServerRunning` receives the bound port.
public func buildChatApplication(
    hub: ChatHub, configuration: ChatServer.Configuration = .init(), logger: Logger = Logger(label: "plenum.chat"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let server = ChatServer(hub: hub, configuration: configuration)
    return Application(
        router: server.router(),
        server: .http1WebSocketUpgrade(
            webSocketRouter: server.webSocketRouter(),
            configuration: .init(
                http1: .init(idleTimeout: configuration.idleTimeout),
                ws: .init(maxFrameSize: 1 << 20, autoPing: .enabled(timePeriod: .seconds(30))))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: configuration.serverName),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: logger
    )
}
