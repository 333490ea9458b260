import AsyncHTTPClient
import Bot
import Chat
import Ethereum
import Foundation
import Hummingbird
import NIOCore
import PlenumService
import PlenumTesting

/// A running `plenum serve` (in-process) against a test devnet, with its files in a temporary folder.
final class ServiceHarness: Sendable {
    let devnet: Devnet
    let dir: TemporaryDirectory
    let botKey: PrivateKey
    let configuration: PlenumConfiguration
    let server: PlenumServer
    let task: Task<Void, any Error>
    let hubURL: String
    let adminURL: String
    let adminToken = "test-admin-token-0123456789abcdef"
    let webhooks: WebhookReceiver

    /// Starts devnet-backed Plenum; `channel` is extra TOML for the channel file; `now` is the bot's
    /// clock (the wall clock by default).
    init(
        devnet: Devnet, confirmations: Int = 2, channel: String = "", webhook: Bool = true,
        now: (@Sendable () -> UInt64)? = nil
    ) async throws {
        self.devnet = devnet
        dir = try TemporaryDirectory()
        botKey = PrivateKey.generate()
        try KeyFile.write(botKey, to: dir.file("bot.key"))
        try KeyFile.writePrivateFile(path: dir.file("admin.token"), contents: Array(adminToken.utf8))
        try KeyFile.writePrivateFile(path: dir.file("webhook.secret"), contents: Array("whsec-test".utf8))
        webhooks = try await WebhookReceiver.start()
        try FileManager.default.createDirectory(atPath: dir.file("proposals"), withIntermediateDirectories: true)
        try """
        channels = "proposals"
        [storage]
        path = "plenum.sqlite"
        [bot]
        key = "bot.key"
        [hub]
        port = 0
        name = "plenum-test"
        [admin]
        port = 0
        token_file = "admin.token"
        [webhooks]
        urls = [\(webhook ? "\"\(webhooks.url)\"" : "")]
        secret_file = "webhook.secret"
        [chains.devnet]
        chain_id = \(devnet.chainId)
        rpc = ["\(devnet.rpcURL)"]
        cross_check_rpc = ["\(devnet.noFaultsURL)"]
        confirmations = \(confirmations)
        poll_interval = "50ms"
        """.write(toFile: dir.file("plenum.toml"), atomically: true, encoding: .utf8)
        try """
        chain = "devnet"
        governor = "\(devnet.governor)"
        start_block = 0
        \(channel)
        """.write(toFile: dir.file("proposals/devnet.toml"), atomically: true, encoding: .utf8)
        configuration = try PlenumConfiguration.load(path: dir.file("plenum.toml"))
        server =
            if let now { try await PlenumServer.build(configuration, now: now) } else { try await PlenumServer.build(configuration) }
        let ports = AsyncOnce<(Int, Int?)>.Box()
        let server = self.server
        task = Task { try await server.run { hub, admin in await ports.set((hub, admin)) } }
        let (hub, admin) = try await ports.wait()
        hubURL = "http://127.0.0.1:\(hub)"
        adminURL = "http://127.0.0.1:\(admin ?? 0)"
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
        await webhooks.stop()
    }

    // MARK: hub over HTTP

    func get(_ path: String) async throws -> JSON {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: hubURL + path), timeout: .seconds(30 * TestTiming.scale))
        let body = try await response.body.collect(upTo: 16 << 20)
        return try JSONParser(limits: .init(maxBytes: 16 << 20)).parse(Array(buffer: body))
    }

    /// Waits (polling the hub) until `condition` holds, or fails after `timeout`.
    func waitFor<T>(_ what: String, timeout: Duration = TestTiming.seconds(60), _ condition: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = try await condition() { return value }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw OracleError("timed out waiting for \(what)")
    }

    func group(forKey key: String) async throws -> String? {
        let groups = try await get("/v1/groups?limit=500")["groups"]?.arrayValue ?? []
        return groups.first { $0["key"]?.stringValue == key }?["id"]?.stringValue
    }

    func messages(_ group: String) async throws -> [JSON] {
        var all: [JSON] = []
        var after = 0
        while true {
            let page = try await get("/v1/groups/\(group)/messages?after=\(after)&limit=500")["messages"]?.arrayValue ?? []
            all += page
            guard page.count == 500, case .number(let n)? = page.last?["seq"], let last = Int(n) else { return all }
            after = last
        }
    }

    /// Posts `body` as a member signed by `key`; returns the HTTP status and the answer.
    @discardableResult
    func post(_ body: String, to group: String, as key: PrivateKey) async throws -> (Int, JSON) {
        let message = ChatMessage(
            hub: configuration.hub.name, group: try GroupID(group), sender: key.address, body: body,
            timestamp: UInt64(WallClock.milliseconds()), nonce: ChatMessage.randomNonce())
        var request = HTTPClientRequest(url: "\(hubURL)/v1/groups/\(group)/messages")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: message.signed(with: key).json.serialized()))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30 * TestTiming.scale))
        let answer = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), (try? JSONParser.parse(String(buffer: answer))) ?? .null)
    }

    /// The body of the bot's receipt for the ballot at `sequence` (the signed document a voter keeps).
    func receiptDocument(_ group: String, sequence: UInt64) async throws -> String {
        for m in try await messages(group) where m["sender"]?.stringValue == botKey.address.checksummed {
            guard let body = m["body"]?.stringValue, body.contains("PlenumReceipt"),
                let receipt = try? Receipt(signedDocument: try JSONParser.parse(body)), receipt.sequence == sequence
            else { continue }
            return body
        }
        throw OracleError("no receipt for seq \(sequence)")
    }

    /// Receipts the bot posted in a group, by the sequence of the ballot they answer.
    func receipts(_ group: String) async throws -> [UInt64: Receipt] {
        var out: [UInt64: Receipt] = [:]
        for m in try await messages(group) where m["sender"]?.stringValue == botKey.address.checksummed {
            guard let body = m["body"]?.stringValue, body.contains("PlenumReceipt") else { continue }
            let receipt = try Receipt(signedDocument: try JSONParser.parse(body), signer: botKey.address)
            out[receipt.sequence] = receipt
        }
        return out
    }
}

extension AsyncOnce {
    /// A value set once and awaited by others.
    actor Box {
        var value: Value?
        var waiters: [CheckedContinuation<Value, Never>] = []

        init() {}

        func set(_ v: Value) {
            guard value == nil else { return }
            value = v
            for w in waiters { w.resume(returning: v) }
            waiters = []
        }

        func wait() async -> Value {
            if let value { return value }
            return await withCheckedContinuation { waiters.append($0) }
        }
    }
}

/// A local HTTP server that records webhook deliveries.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        let body: [UInt8]
        let headers: [String: String]
    }

    actor Recorder {
        var deliveries: [Delivery] = []
        func add(_ d: Delivery) { deliveries.append(d) }
    }

    let url: String
    let recorder: Recorder
    let task: Task<Void, any Error>

    private init(url: String, recorder: Recorder, task: Task<Void, any Error>) {
        self.url = url
        self.recorder = recorder
        self.task = task
    }

    static func start() async throws -> WebhookReceiver {
        let recorder = Recorder()
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            await recorder.add(Delivery(body: Array(buffer: body), headers: headers))
            return .ok
        }
        let port = AsyncOnce<Int>.Box()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in await port.set(channel.localAddress?.port ?? 0) })
        let task = Task { try await app.runService() }
        let bound = await port.wait()
        return WebhookReceiver(url: "http://127.0.0.1:\(bound)/hook", recorder: recorder, task: task)
    }

    var deliveries: [Delivery] { get async { await recorder.deliveries } }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

extension ServiceHarness {
    /// Exports a proposal with `plenum export` (the database read-only beside the running service)
    /// and re-tallies the file with `plenum retally --json`, pinning the bot's address; returns the
    /// export's path, the exit status and the report.
    func exportAndRetally(
        key: String, receipts: [String] = [], extra: [String] = []
    ) async throws -> (file: String, status: Int32, report: JSON) {
        let file = dir.file("export-\(UUID().uuidString).jsonl")
        let exported = try await ChildProcess.run(
            PlenumBinary.path, ["export", "--proposal", key, "--out", file, "--config", dir.file("plenum.toml")])
        guard exported.status == 0 else { throw OracleError("plenum export failed (\(exported.status)): \(exported.stderrText)") }
        let retally = try await retally(file, receipts: receipts, extra: extra)
        return (file, retally.status, retally.report)
    }

    /// `plenum retally --json --bot <bot> FILE`.
    func retally(
        _ file: String, receipts: [String] = [], extra: [String] = []
    ) async throws -> (status: Int32, report: JSON, stderr: String) {
        var arguments = ["retally", "--json", "--bot", botKey.address.checksummed, file] + extra
        for r in receipts { arguments += ["--receipt", r] }
        let result = try await PlenumBinary.runDetached(arguments)
        let report = (try? JSONParser(limits: .init(maxBytes: 64 << 20)).parse(Array(result.stdout))) ?? .null
        return (result.status, report, result.stderrText)
    }
}
