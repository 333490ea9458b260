import Ethereum
import Foundation
import PlenumTesting
import Testing

/// `plenum serve` at its most talkative (PLENUM_LOG_LEVEL=trace), with every kind of secret
/// configured and every path that logs exercised — RPC faults, failed webhook deliveries, a
/// proposal run to its result — never writes a secret to its logs.
@Suite("Secrets never reach the logs")
struct SecretsInLogsTests {
    @Test func aTraceLevelRunLogsNoKeyPasswordTokenSecretOrRPCURL() async throws {
        let devnet = try Devnet(accounts: 2)
        defer { devnet.stop() }
        let dir = try TemporaryDirectory()
        for folder in ["config", "proposals"] {
            try FileManager.default.createDirectory(atPath: dir.file(folder), withIntermediateDirectories: true)
        }
        let botKey = PrivateKey.generate()
        let password = "correct-horse-\(UInt64.random(in: 1 ... .max))"
        let token = "admin-token-\(UInt64.random(in: 1 ... .max))"
        let secret = "webhook-secret-\(UInt64.random(in: 1 ... .max))"
        let apiKey = "apikey\(UInt64.random(in: 1 ... .max))"
        // The devnet answers on any path, so an RPC URL can carry an API key in its path, as providers' do.
        let rpc = devnet.rpcURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/v3/" + apiKey
        let checkKey = "checkkey\(UInt64.random(in: 1 ... .max))"
        let check = devnet.rpcURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/v2/" + checkKey
        let keystore = try Keystore(encrypting: botKey, password: password, kdf: .scrypt(n: 4096, r: 8, p: 1))
        try KeyFile.writePrivateFile(path: dir.file("config/bot.key"), contents: Array(keystore.json.serialized().utf8))
        try KeyFile.writePrivateFile(path: dir.file("config/bot.password"), contents: Array("\(password)\n".utf8))
        try KeyFile.writePrivateFile(path: dir.file("config/admin.token"), contents: Array(token.utf8))
        try KeyFile.writePrivateFile(path: dir.file("config/hook.secret"), contents: Array(secret.utf8))
        try """
        channels = "../proposals"
        [storage]
        path = "../data/plenum.sqlite"
        [bot]
        key = "bot.key"
        password_file = "bot.password"
        [hub]
        port = 0
        [admin]
        token_file = "admin.token"
        port = 0
        [webhooks]
        urls = ["http://127.0.0.1:9/hook"]
        secret_file = "hook.secret"
        [chains.devnet]
        chain_id = \(devnet.chainId)
        rpc = ["\(rpc)"]
        cross_check_rpc = ["\(check)"]
        confirmations = 2
        poll_interval = "100ms"
        """.write(toFile: dir.file("config/plenum.toml"), atomically: true, encoding: .utf8)
        try """
        chain = "devnet"
        governor = "\(devnet.governor.checksummed)"
        start_block = 0
        """.write(toFile: dir.file("proposals/devnet-governor.toml"), atomically: true, encoding: .utf8)

        var environment = ProcessInfo.processInfo.environment
        environment["PLENUM_LOG_LEVEL"] = "trace"
        let serve = try ChildProcess(PlenumBinary.path, ["serve", "--config", dir.file("config/plenum.toml")], environment: environment)
        #expect(await serve.waitForOutput("plenum serve:", on: .stderr), "\(serve.output(.stderr))")
        // RPC faults: retried requests are logged with the endpoint's name.
        try await devnet.setFaults("seed=3,http429=0.2,rpc429=0.2,malformed=0.1")
        let gov = DevnetGovernor(devnet)
        _ = try await gov.propose("Secrets test", from: gov.sender(devnet.accounts[0].key))
        try await devnet.mine(3)
        #expect(await serve.waitForOutput("proposal opened", on: .stderr), "\(serve.output(.stderr).suffix(3000))")
        try await devnet.mine(25)
        // The result is published, and its delivery to a closed port fails and is logged.
        #expect(await serve.waitForOutput("webhook delivery failed", on: .stderr), "\(serve.output(.stderr).suffix(3000))")
        try await devnet.setFaults("off")
        serve.signal(SIGTERM)
        let result = await serve.result()
        #expect(result.status == 0, "\(result.stderrText.suffix(3000))")

        let logs = result.stderrText + result.stdoutText
        #expect(logs.contains("trace") || logs.contains("debug"), "the run logged below info")
        #expect(logs.contains("rpc endpoint failed"), "an RPC fault was logged (by the endpoint's name)")
        let keyHex = Hex.encode(botKey.rawBytes, prefix: false)
        let forbidden: [(String, String)] = [
            ("the bot key", keyHex), ("the bot key (upper case)", keyHex.uppercased()),
            ("the bot key's first half", String(keyHex.prefix(32))),
            ("the bot key's second half", String(keyHex.suffix(32))), ("the keystore password", password), ("the admin token", token),
            ("the webhook secret", secret), ("the RPC API key", apiKey), ("the RPC URL", rpc),
            ("the cross-check endpoint's API key", checkKey), ("the cross-check URL", check),
        ]
        for (what, text) in forbidden {
            #expect(!logs.contains(text), "\(what) appears in the logs")
        }
    }
}
