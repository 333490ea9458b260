import Bot
import ChainWatch
import Ethereum
import EthereumRPC
import Foundation
import TOML

/// The service configuration: `config/plenum.toml`, plus one file per channel in the channels folder
/// (`proposals/*.toml`). Relative paths are resolved against the folder of the file that names them.
public struct PlenumConfiguration: Sendable {
    public struct Chain: Sendable, Hashable {
        public let name: String
        public let chainId: UInt64
        public let rpc: [RPCEndpoint]
        /// A second, independent provider (failover within the list) that confirmed events, voting
        /// power and the other reads the bot acts on are checked against; empty when not cross-checked.
        public let crossCheck: [RPCEndpoint]
        /// Linked blocks on top of an event's block before it counts.
        public let confirmations: UInt64
        public let pollInterval: Duration
        public let requestTimeout: Duration
        public let maxLogRange: UInt64
    }

    public struct Channel: Sendable, Hashable {
        public let name: String
        public let file: String
        public let chain: String
        public let governor: Address
        public let startBlock: UInt64
        /// Overrides the chain's confirmations when set.
        public let confirmations: UInt64?
        /// How its proposals are voted on.
        public let rules: ProposalRules
    }

    /// The bot's identity: its key signs receipts, results and its chat messages.
    public struct BotSettings: Sendable, Hashable {
        /// The key file (hex or keystore v3; mode 0600).
        public let keyFile: String
        /// A file holding the keystore's password, when the key file is a keystore.
        public let passwordFile: String?
    }

    /// The built-in chat hub's HTTP/WebSocket server.
    public struct HubSettings: Sendable, Hashable {
        public let host: String
        public let port: Int
        /// The hub's name, signed into every chat message (set it to the public host name).
        public let name: String
        /// The URL members use (shown in announcements).
        public let publicURL: String
        /// Rate limits (per second; bursts are four times as large): all requests per IP, posts per IP, posts per sender address.
        public var requestsPerIP: Double = 50
        public var postsPerIP: Double = 10
        public var postsPerAddress: Double = 2
    }

    /// The admin HTTP API, `/health` and `/metrics`.
    public struct AdminSettings: Sendable, Hashable {
        public let host: String
        public let port: Int
        /// A file holding the bearer token that admin endpoints require (mode 0600).
        public let tokenFile: String
    }

    public struct WebhookSettings: Sendable, Hashable {
        /// Webhook URLs that receive every channel's results.
        public let urls: [String]
        /// A file holding the HMAC-SHA256 secret (mode 0600); required as soon as any webhook URL is configured.
        public let secretFile: String?
    }

    public let file: String
    /// The SQLite database.
    public let storagePath: String
    /// The nice value of the database writer's transactions (`[storage] writer_nice`, default −10;
    /// 0 runs them at the service's own priority). See `SQLiteStore.Configuration.writerNice`.
    public let storageWriterNice: Int32
    public let bot: BotSettings?
    public let hub: HubSettings
    public let admin: AdminSettings?
    public let webhooks: WebhookSettings
    public let channelsDirectory: String
    public let chains: [String: Chain]
    public let channels: [Channel]

    /// Loads and validates; throws `ConfigurationError` listing every problem.
    public static func load(path: String) throws -> PlenumConfiguration {
        var problems: [ConfigProblem] = []
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError([ConfigProblem(file: path, line: nil, key: "", message: "cannot read the file")])
        }
        let base = (path as NSString).deletingLastPathComponent
        let document: TOMLTable
        do { document = try TOMLParser.parse(text) } catch let error as TOMLError {
            throw ConfigurationError([ConfigProblem(file: path, line: error.line, key: "", message: error.message)])
        }
        var root = TOMLReader(file: path, table: document)
        var storagePath = resolve("plenum.sqlite", against: base)
        var writerNice: Int32 = -10
        if let (table, line) = root.table("storage") {
            var storage = TOMLReader(file: path, table: table, prefix: "storage", line: line)
            if let p = storage.string("path") { storagePath = resolve(p, against: base) }
            if let n = storage.integer("writer_nice", range: -20...0) { writerNice = Int32(n) }
            storage.rejectUnknownKeys()
            problems += storage.problems
        }
        let channelsDirectory = resolve(root.string("channels") ?? "../proposals", against: base)
        var bot: BotSettings?
        if let (table, line) = root.table("bot") {
            var b = TOMLReader(file: path, table: table, prefix: "bot", line: line)
            if let key = b.string("key", required: true) {
                bot = BotSettings(
                    keyFile: resolve(key, against: base), passwordFile: b.string("password_file").map { resolve($0, against: base) })
            }
            b.rejectUnknownKeys()
            problems += b.problems
        }
        var hub = HubSettings(host: "127.0.0.1", port: 8490, name: "plenum-local", publicURL: "http://127.0.0.1:8490")
        if let (table, line) = root.table("hub") {
            var h = TOMLReader(file: path, table: table, prefix: "hub", line: line)
            let host = h.string("host") ?? hub.host
            let port = Int(h.integer("port", range: 0...65535) ?? Int64(hub.port))
            let name = h.string("name") ?? hub.name
            hub = HubSettings(host: host, port: port, name: name, publicURL: h.string("public_url") ?? "http://\(host):\(port)")
            func rate(_ key: String) -> Double? {
                guard let node = h.node(key, required: false) else { return nil }
                switch node.value {
                case .integer(let i) where i > 0: return Double(i)
                case .float(let f) where f > 0: return f
                default:
                    h.problem(key, "must be a positive number (per second)")
                    return nil
                }
            }
            if let r = rate("requests_per_ip") { hub.requestsPerIP = r }
            if let r = rate("posts_per_ip") { hub.postsPerIP = r }
            if let r = rate("posts_per_address") { hub.postsPerAddress = r }
            h.rejectUnknownKeys()
            problems += h.problems
        }
        var admin: AdminSettings?
        if let (table, line) = root.table("admin") {
            var a = TOMLReader(file: path, table: table, prefix: "admin", line: line)
            if let token = a.string("token_file", required: true) {
                admin = AdminSettings(
                    host: a.string("host") ?? "127.0.0.1", port: Int(a.integer("port", range: 0...65535) ?? 8491),
                    tokenFile: resolve(token, against: base))
            }
            a.rejectUnknownKeys()
            problems += a.problems
        }
        var webhooks = WebhookSettings(urls: [], secretFile: nil)
        if let (table, line) = root.table("webhooks") {
            var w = TOMLReader(file: path, table: table, prefix: "webhooks", line: line)
            let urls = w.stringArray("urls") ?? []
            for url in urls where !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                w.problem("urls", "\"\(url)\" is not an http(s) URL")
            }
            webhooks = WebhookSettings(urls: urls, secretFile: w.string("secret_file").map { resolve($0, against: base) })
            w.rejectUnknownKeys()
            problems += w.problems
        }
        var chains: [String: Chain] = [:]
        if let (table, _) = root.table("chains", required: true) {
            for name in table.keys {
                guard case .table(let t)? = table[name]?.value else {
                    problems.append(ConfigProblem(file: path, line: table[name]?.line, key: "chains.\(name)", message: "must be a table"))
                    continue
                }
                var chain = TOMLReader(file: path, table: t, prefix: "chains.\(name)", line: table[name]?.line)
                let chainId = chain.integer("chain_id", required: true, range: 1...Int64.max)
                let urls = chain.stringArray("rpc", required: true) ?? []
                if urls.isEmpty { chain.problem("rpc", "needs at least one JSON-RPC URL") }
                let checkURLs = chain.stringArray("cross_check_rpc") ?? []
                for (key, list) in [("rpc", urls), ("cross_check_rpc", checkURLs)] {
                    for url in list where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                        chain.problem(key, "\"\(RPCEndpoint.host(of: url))…\" is not an http:// or https:// URL")
                    }
                }
                if checkURLs.contains(where: urls.contains) {
                    chain.problem("cross_check_rpc", "repeats a URL of rpc: a cross-check needs an independent endpoint")
                }
                let confirmations = chain.integer("confirmations", range: 0...10_000) ?? 12
                let poll = chain.duration("poll_interval") ?? .seconds(2)
                let timeout = chain.duration("request_timeout") ?? .seconds(10)
                let maxRange = chain.integer("max_log_range", range: 1...1_000_000) ?? 2000
                chain.rejectUnknownKeys()
                problems += chain.problems
                if let chainId {
                    chains[name] = Chain(
                        name: name, chainId: UInt64(chainId), rpc: urls.enumerated().map { RPCEndpoint(url: $1, name: "\(name)-\($0)") },
                        crossCheck: checkURLs.enumerated().map { RPCEndpoint(url: $1, name: "\(name)-check-\($0)") },
                        confirmations: UInt64(confirmations), pollInterval: poll, requestTimeout: timeout, maxLogRange: UInt64(maxRange))
                }
            }
            if table.keys.isEmpty {
                problems.append(ConfigProblem(file: path, line: nil, key: "chains", message: "define at least one [chains.NAME]"))
            }
        }
        root.rejectUnknownKeys(except: PlenumConfiguration.reservedSections)
        problems += root.problems

        var channels: [Channel] = []
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: channelsDirectory)) ?? []).filter { $0.hasSuffix(".toml") }
            .sorted()
        if !FileManager.default.fileExists(atPath: channelsDirectory) {
            problems.append(ConfigProblem(file: path, line: nil, key: "channels", message: "folder \(channelsDirectory) does not exist"))
        }
        for name in files {
            let file = (channelsDirectory as NSString).appendingPathComponent(name)
            do {
                channels.append(try loadChannel(file: file, chains: chains))
            } catch let error as ConfigurationError {
                problems += error.problems
            }
        }
        let channelsWithWebhooks = channels.filter { !$0.rules.webhooks.isEmpty }.map(\.name)
        if webhooks.secretFile == nil && (!webhooks.urls.isEmpty || !channelsWithWebhooks.isEmpty) {
            let users = (webhooks.urls.isEmpty ? [] : ["[webhooks] urls"]) + channelsWithWebhooks.map { "channel \($0)" }
            problems.append(
                ConfigProblem(
                    file: path, line: nil, key: "webhooks.secret_file",
                    message:
                        "webhooks are configured (\(users.joined(separator: ", "))) but no secret: set secret_file to a file "
                        + "(mode 0600) holding the HMAC-SHA256 key, so that receivers can tell Plenum's deliveries from forgeries"))
        }
        guard problems.isEmpty else { throw ConfigurationError(problems) }
        return PlenumConfiguration(
            file: path, storagePath: storagePath, storageWriterNice: writerNice, bot: bot, hub: hub, admin: admin, webhooks: webhooks,
            channelsDirectory: channelsDirectory,
            chains: chains, channels: channels)
    }

    /// Sections read elsewhere.
    static let reservedSections: Set<String> = ["log"]

    static func loadChannel(file: String, chains: [String: Chain]) throws -> Channel {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ConfigurationError([ConfigProblem(file: file, line: nil, key: "", message: "cannot read the file")])
        }
        let document: TOMLTable
        do { document = try TOMLParser.parse(text) } catch let error as TOMLError {
            throw ConfigurationError([ConfigProblem(file: file, line: error.line, key: "", message: error.message)])
        }
        var reader = TOMLReader(file: file, table: document)
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = reader.string("name") ?? stem
        let chain = reader.string("chain", required: true)
        if let chain, chains[chain] == nil {
            reader.problem(
                "chain", "\"\(chain)\" is not a chain of the service configuration (known: \(chains.keys.sorted().joined(separator: ", ")))"
            )
        }
        let governor = reader.address("governor", required: true)
        let start = reader.integer("start_block", required: true)
        let confirmations = reader.integer("confirmations", range: 0...10_000)
        let rules = ProposalRules.read(&reader, governor: governor)
        reader.rejectUnknownKeys()
        guard reader.problems.isEmpty, let chain, let governor, let start else { throw ConfigurationError(reader.problems) }
        return Channel(
            name: name, file: file, chain: chain, governor: governor, startBlock: UInt64(start),
            confirmations: confirmations.map(UInt64.init), rules: rules)
    }

    /// `path` relative to `base` (unless absolute), with `.` and `..` components folded.
    static func resolve(_ path: String, against base: String) -> String {
        let joined = path.hasPrefix("/") ? path : ((base.isEmpty ? "." : base) as NSString).appendingPathComponent(path)
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." { parts.removeLast() } else if !joined.hasPrefix("/") { parts.append(part) }
            default: parts.append(part)
            }
        }
        let text = parts.joined(separator: "/")
        return joined.hasPrefix("/") ? "/" + text : (text.isEmpty ? "." : text)
    }
}
