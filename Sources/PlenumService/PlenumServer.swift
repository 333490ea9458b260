import AsyncHTTPClient
import Bot
import ChainWatch
import Chat
import Ethereum
import EthereumRPC
import Hummingbird
import Logging
import ServiceLifecycle
import Storage

/// The composition root of `plenum serve`: one SQLite store, the chain followers, the chat hub and
/// its HTTP server, the bot, and the admin/metrics HTTP server, run as one `ServiceGroup` that shuts
/// down gracefully on SIGTERM/SIGINT (in reverse order).
public struct PlenumServer: Sendable {
    public let configuration: PlenumConfiguration
    public let store: SQLiteStore
    public let hub: ChatHub
    public let followers: ChainFollowers
    public let bot: Bot
    public let botChain: RPCBotChain
    public let botKey: PrivateKey
    public let adminToken: String?
    let logger: Logger

    /// Builds everything from the configuration (reads keys and token files, checks chain ids).
    ///
    /// - Parameter now: the bot's clock in Unix milliseconds (the wall clock; tests move it to close
    ///   polls, whose windows are in wall-clock seconds, without waiting).
    public static func build(
        _ configuration: PlenumConfiguration, logger: Logger = Logger(label: "plenum"),
        now: @escaping @Sendable () -> UInt64 = { UInt64(WallClock.milliseconds()) }
    ) async throws -> PlenumServer {
        guard let botSettings = configuration.bot else {
            throw ConfigurationError([
                ConfigProblem(
                    file: configuration.file, line: nil, key: "bot.key",
                    message: "plenum serve needs the bot's key: add [bot] key = \"…\" (create one with plenum keys new --out FILE)")
            ])
        }
        let key = try KeyFile.read(path: botSettings.keyFile) {
            guard let file = botSettings.passwordFile else { throw KeyFileError.passwordRequired }
            return String(decoding: try KeyFile.readPrivateFile(path: file), as: UTF8.self).trimmingCharacters()
        }
        let adminToken = try configuration.admin.map {
            String(decoding: try KeyFile.readPrivateFile(path: $0.tokenFile), as: UTF8.self).trimmingCharacters()
        }
        if let token = adminToken, token.count < 16 {
            throw ConfigurationError([
                ConfigProblem(
                    file: configuration.file, line: nil, key: "admin.token_file", message: "the admin token must be at least 16 characters")
            ])
        }
        let secret = try configuration.webhooks.secretFile.map { try KeyFile.readPrivateFile(path: $0) } ?? []

        var storage = SQLiteStore.Configuration()
        storage.writerNice = configuration.storageWriterNice == 0 ? nil : configuration.storageWriterNice
        let store = try SQLiteStore(path: configuration.storagePath, configuration: storage)
        if storage.writerNice != nil && !store.writerPriorityInEffect {
            logger.notice(
                "the database writer runs at normal priority: this process may not raise a thread's priority ([storage] writer_nice; see docs/operations.md)"
            )
        }
        let followers = try await ChainFollowers.make(configuration, store: store, logger: logger)
        var chains: [UInt64: RPCBotChain.Chain] = [:]
        for (name, chain) in configuration.chains {
            chains[chain.chainId] = RPCBotChain.Chain(
                client: followers.clients[name]!, confirmations: chain.confirmations, crossCheck: followers.crossCheckClients[name])
        }
        let botChain = RPCBotChain(chains: chains)
        let policy = StandardPostingPolicy(store: store, votingPower: BotPostingPolicy(store: store, chain: botChain))
        var hubConfiguration = ChatHub.Configuration(hub: configuration.hub.name)
        hubConfiguration.operators = [key.address]
        hubConfiguration.postRatePerAddress = RateLimit(
            perSecond: configuration.hub.postsPerAddress, burst: configuration.hub.postsPerAddress * 4)
        let hub = ChatHub(store: store, policy: policy, configuration: hubConfiguration)
        var botConfiguration = Bot.Configuration(
            key: key,
            channels: configuration.channels.map {
                Bot.Channel(name: $0.name, chainId: configuration.chains[$0.chain]!.chainId, governor: $0.governor, rules: $0.rules)
            })
        botConfiguration.webhooks = configuration.webhooks.urls
        botConfiguration.webhookSecret = secret
        botConfiguration.hubHint = " --hub \(configuration.hub.publicURL)"
        let bot = Bot(
            configuration: botConfiguration, store: store, chainEvents: store, chat: HubBotChat(hub: hub, key: key), chain: botChain,
            webhooks: HTTPWebhookSender(), logger: logger, now: now)
        return PlenumServer(
            configuration: configuration, store: store, hub: hub, followers: followers, bot: bot, botChain: botChain, botKey: key,
            adminToken: adminToken, logger: logger)
    }

    /// Runs every service until SIGTERM/SIGINT (or cancellation). `onReady` gets the bound ports.
    public func run(onReady: @escaping @Sendable (_ hubPort: Int, _ adminPort: Int?) async -> Void = { _, _ in }) async throws {
        var chatServer = ChatServer.Configuration()
        chatServer.host = configuration.hub.host
        chatServer.port = configuration.hub.port
        chatServer.requestRatePerIP = RateLimit(perSecond: configuration.hub.requestsPerIP, burst: configuration.hub.requestsPerIP * 4)
        chatServer.postRatePerIP = RateLimit(perSecond: configuration.hub.postsPerIP, burst: configuration.hub.postsPerIP * 4)
        let ports = PortsReady(expectAdmin: configuration.admin != nil, onReady: onReady)
        let chatApp = buildChatApplication(hub: hub, configuration: chatServer, logger: logger) { port in await ports.hub(port) }
        var services: [any Service] = [FollowersService(followers: followers), chatApp, BotService(bot: bot)]
        if let admin = configuration.admin, let token = adminToken {
            services.append(
                adminApplication(token: token, host: admin.host, port: admin.port) { port in await ports.admin(port) })
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info(
            "plenum serve starting",
            metadata: [
                "channels": "\(configuration.channels.count)", "hub": "\(configuration.hub.host):\(configuration.hub.port)",
                "bot": "\(botKey.address)",
            ])
        try await group.run()
    }
}

/// The chain followers as a service. A graceful shutdown cancels them; the cancellation that ends
/// them is then the expected way out, not a failure (which would make `plenum serve` exit 1).
struct FollowersService: Service {
    let followers: ChainFollowers
    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await followers.run() }
        } catch is CancellationError where Task.isShuttingDownGracefully {
            return
        }
    }
}

/// The bot as a service; stopped like the followers.
struct BotService: Service {
    let bot: Bot
    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await bot.run() }
        } catch is CancellationError where Task.isShuttingDownGracefully {
            return
        }
    }
}

/// Calls `onReady` once every HTTP server has bound its port.
actor PortsReady {
    let expectAdmin: Bool
    let onReady: @Sendable (Int, Int?) async -> Void
    var hubPort: Int?
    var adminPort: Int?

    init(expectAdmin: Bool, onReady: @escaping @Sendable (Int, Int?) async -> Void) {
        self.expectAdmin = expectAdmin
        self.onReady = onReady
    }

    func hub(_ port: Int) async {
        hubPort = port
        await fire()
    }

    func admin(_ port: Int) async {
        adminPort = port
        await fire()
    }

    func fire() async {
        guard let hubPort, !expectAdmin || adminPort != nil else { return }
        await onReady(hubPort, adminPort)
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}
