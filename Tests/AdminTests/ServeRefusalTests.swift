import Ethereum
import Foundation
import PlenumTesting
import Testing

/// `plenum serve` refuses to start, with exit 2 and a message naming the key, when what it would
/// trust is wrong: RPC endpoints serving another chain, or an admin token short enough to guess.
@Suite("plenum serve refuses unsafe set-ups")
struct ServeRefusalTests {
    func setUp(_ devnet: Devnet, chainId: UInt64, token: String) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("proposals"), withIntermediateDirectories: true)
        try KeyFile.write(PrivateKey.generate(), to: dir.file("bot.key"))
        try KeyFile.writePrivateFile(path: dir.file("admin.token"), contents: Array(token.utf8))
        try """
        channels = "proposals"
        [storage]
        path = "plenum.sqlite"
        [bot]
        key = "bot.key"
        [hub]
        port = 0
        [admin]
        port = 0
        token_file = "admin.token"
        [chains.devnet]
        chain_id = \(chainId)
        rpc = ["\(devnet.rpcURL)"]
        """.write(toFile: dir.file("plenum.toml"), atomically: true, encoding: .utf8)
        try "chain = \"devnet\"\ngovernor = \"\(devnet.governor)\"\nstart_block = 0\n"
            .write(toFile: dir.file("proposals/devnet.toml"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func endpointsOfAnotherChainAndAShortAdminTokenAreRefused() throws {
        let devnet = try Devnet(accounts: 1)
        defer { devnet.stop() }
        let goodToken = "a-long-enough-admin-token-0123456789"
        let wrongChain = try setUp(devnet, chainId: devnet.chainId + 1, token: goodToken)
        let refused = try PlenumBinary.run(["serve", "--config", wrongChain.file("plenum.toml")])
        #expect(refused.status == 2, "\(refused.stderrText)")
        #expect(refused.stderrText.contains("chains.devnet.chain_id") && refused.stderrText.contains("serve chain \(devnet.chainId)"))

        let shortToken = try setUp(devnet, chainId: devnet.chainId, token: "short-token")
        let short = try PlenumBinary.run(["serve", "--config", shortToken.file("plenum.toml")])
        #expect(short.status == 2, "\(short.stderrText)")
        #expect(short.stderrText.contains("admin.token_file") && short.stderrText.contains("at least 16 characters"))
        #expect(!short.stderrText.contains("short-token"), "the token itself is never printed")
    }
}
