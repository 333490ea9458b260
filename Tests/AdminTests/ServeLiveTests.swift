import Ethereum
import Foundation
import PlenumService
import PlenumTesting
import Synchronization
import Testing

@Suite("plenum serve against the devnet: admin server, metrics, polls, clean stop")
struct ServeLiveTests {
    @Test func servesAdminAndMetricsAndStopsCleanlyOnSIGTERM() async throws {
        let devnet = try Devnet(accounts: 2)
        defer { devnet.stop() }
        let dir = try TemporaryDirectory()
        for folder in ["config", "proposals"] {
            try FileManager.default.createDirectory(atPath: dir.file(folder), withIntermediateDirectories: true)
        }
        let token = "live-admin-token-\(UInt64.random(in: 1 ... .max))"
        try """
        channels = "../proposals"
        [storage]
        path = "../data/plenum.sqlite"
        [bot]
        key = "bot.key"
        [hub]
        port = 0
        [admin]
        token_file = "admin.token"
        port = 0
        [chains.devnet]
        chain_id = \(devnet.chainId)
        rpc = ["\(devnet.rpcURL)"]
        confirmations = 2
        poll_interval = "200ms"
        """.write(toFile: dir.file("config/plenum.toml"), atomically: true, encoding: .utf8)
        try """
        name = "devnet-governor"
        chain = "devnet"
        governor = "\(devnet.governor.checksummed)"
        start_block = 0
        """.write(toFile: dir.file("proposals/devnet-governor.toml"), atomically: true, encoding: .utf8)
        let botKey = PrivateKey.generate()
        try KeyFile.write(botKey, to: dir.file("config/bot.key"))
        try KeyFile.writePrivateFile(path: dir.file("config/admin.token"), contents: Array(token.utf8))
        let config = dir.file("config/plenum.toml")

        let serve = try RunningProcess(PlenumBinary.path, ["serve", "--config", config])
        let ready = try #require(await serve.firstStderrLine { $0.hasPrefix("plenum serve:") }, "\(serve.stderr)")
        let portText = ready.components(separatedBy: "admin and metrics on http://127.0.0.1:").dropFirst().first?.prefix { $0.isNumber }
        let adminPort = try #require(portText.flatMap { Int($0) }, "\(ready)")
        let admin = "http://127.0.0.1:\(adminPort)"
        #expect(ready.contains("bot \(botKey.address.checksummed)"))

        let live = LiveAdmin(port: adminPort)
        #expect(try await live.get("/health", token: nil).status == 200)
        #expect(try await live.get("/admin/channels", token: nil).status == 401)
        let channels = try await live.get("/admin/channels", token: token)
        #expect(channels.json.arrayValue?.first?["governor"]?.stringValue == devnet.governor.checksummed)
        let metrics = try await live.get("/metrics", token: nil)
        let exposition = try PrometheusExposition(metrics.text)
        #expect(exposition.families["plenum_votes_accepted_total"] != nil && exposition.families["plenum_proposals"] != nil)
        #expect(exposition.value("plenum_rpc_calls_total", ["chain": "devnet", "endpoint": "devnet-0", "method": "eth_chainId"]) == "1")

        // A poll through the CLI, then read back by the CLI from the database the service is writing.
        let created = try await runPlenum([
            "polls", "create", "--config", config, "--admin", admin, "--channel", "devnet-governor", "--title", "Live poll", "--choices",
            "Yes,No", "--system", "single-choice", "--duration", "10m", "--json",
        ])
        #expect(created.status == 0, "\(created.stderrText)")
        let key = try JSONParser.parse(created.stdoutText)["key"]?.stringValue
        let listed = try await runPlenum(["proposals", "list", "--config", config, "--json"])
        #expect(listed.status == 0, "\(listed.stderrText)")
        #expect(try JSONParser.parse(listed.stdoutText).arrayValue?.contains { $0["key"]?.stringValue == key } == true)

        // SIGTERM: a graceful stop, exit 0, and no secret in the logs.
        let status = await serve.terminate()
        #expect(status == 0, "\(serve.stderr)")
        let keyText = String(decoding: try KeyFile.readPrivateFile(path: dir.file("config/bot.key")), as: UTF8.self)
        let keyHex = keyText.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "0x", with: "")
        #expect(keyHex.count == 64 && !serve.stderr.contains(keyHex.prefix(16)))
        #expect(!serve.stderr.contains(token) && !serve.stderr.contains(devnet.rpcURL))
    }

    func runPlenum(_ arguments: [String]) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try PlenumBinary.run(arguments) }) }
        }
    }
}

/// A child process whose standard error is read line by line as it comes.
final class RunningProcess: Sendable {
    let process: Process
    private let lines: AsyncStream<String>
    private let collected = Collected()

    final class Collected: Sendable {
        let lines = Mutex<[String]>([])
    }

    init(_ executable: String, _ arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        let (stream, sink) = AsyncStream<String>.makeStream()
        lines = stream
        let reader = pipe.fileHandleForReading
        let collected = self.collected
        try process.run()
        Thread.detachNewThread {
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    collected.lines.withLock { $0.append(line) }
                    sink.yield(line)
                }
            }
            sink.finish()
        }
    }

    /// Everything written to standard error so far.
    var stderr: String { collected.lines.withLock { $0.joined(separator: "\n") } }

    /// The first line that matches, or nil when the process ends first.
    func firstStderrLine(where matches: (String) -> Bool) async -> String? {
        for await line in lines where matches(line) { return line }
        return nil
    }

    /// Sends SIGTERM and waits for the exit status.
    func terminate() async -> Int32 {
        process.terminate()
        let process = self.process
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
    }

    deinit { if process.isRunning { process.terminate() } }
}
