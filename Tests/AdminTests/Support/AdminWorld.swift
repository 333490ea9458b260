import Bot
import BotTesting
import ChainWatch
import Ethereum
import Foundation
import Governance
import PlenumService
import PlenumTesting
import Storage
import Synchronization

/// A service's files in a temporary folder (configuration, a channel file, the bot key, the admin
/// token, the SQLite database) and the real bot over that database with a fake chat and chain.
/// `runProposals()` leaves proposal 7 closed with a signed result and proposal 8 open.
struct AdminWorld: Sendable {
    static let chainId: UInt64 = 31337
    static let governor = try! Address("0x00000000000000000000000000000000000000cc")
    static let token = "test-admin-token-0123456789abcdef"

    let dir: TemporaryDirectory
    let configuration: PlenumConfiguration
    let store: SQLiteStore
    let chat: FakeChat
    let chain: FakeChain
    let bot: Bot
    let botKey: PrivateKey
    let clock: WallClockStub
    let alice = PrivateKey.generate(), bob = PrivateKey.generate(), carol = PrivateKey.generate(), mallory = PrivateKey.generate()

    var configPath: String { dir.file("config/plenum.toml") }
    var databasePath: String { configuration.storagePath }

    init(adminPort: Int = 0) throws {
        dir = try TemporaryDirectory()
        for folder in ["config", "proposals"] {
            try FileManager.default.createDirectory(atPath: dir.file(folder), withIntermediateDirectories: true)
        }
        try """
        channels = "../proposals"

        [storage]
        path = "../data/plenum.sqlite"

        [bot]
        key = "bot.key"

        [admin]
        token_file = "admin.token"
        port = \(adminPort)

        [chains.test]
        chain_id = \(Self.chainId)
        rpc = ["http://127.0.0.1:9"]
        confirmations = 2
        """.write(toFile: dir.file("config/plenum.toml"), atomically: true, encoding: .utf8)
        try """
        name = "treasury"
        chain = "test"
        governor = "\(Self.governor.checksummed)"
        start_block = 0
        """.write(toFile: dir.file("proposals/treasury.toml"), atomically: true, encoding: .utf8)
        botKey = PrivateKey.generate()
        try KeyFile.write(botKey, to: dir.file("config/bot.key"))
        try KeyFile.writePrivateFile(path: dir.file("config/admin.token"), contents: Array((Self.token + "\n").utf8))
        configuration = try PlenumConfiguration.load(path: dir.file("config/plenum.toml"))
        store = try SQLiteStore(path: configuration.storagePath)
        chat = FakeChat(bot: botKey.address)
        chain = FakeChain()
        clock = WallClockStub()
        var botConfiguration = Bot.Configuration(
            key: botKey,
            channels: configuration.channels.map {
                Bot.Channel(name: $0.name, chainId: Self.chainId, governor: $0.governor, rules: $0.rules)
            })
        botConfiguration.webhookBackoff = .zero
        let clock = self.clock
        bot = Bot(
            configuration: botConfiguration, store: store, chainEvents: store, chat: chat, chain: chain, webhooks: FakeWebhooks(),
            now: { clock.now })
    }

    /// Proposal 7 runs to a signed result (alice For 1000; bob Against then Abstain 500; mallory
    /// signs for alice: wrong-signer; carol has no power; one chat message); proposal 8 stays open.
    func runProposals() async throws {
        chain.setPower([alice.address: 1000, bob.address: 500, carol.address: 0])
        try await confirm(GovernorEventFixtures.created(7, proposer: alice.address, governor: Self.governor), block: 101)
        try await bot.step()
        let group = try require(chat.groupIDs.first, "the proposal's group")
        chain.setHead(115)
        try chat.memberPost(group, from: alice.address, ballot(alice, proposal: 7, support: 1))
        try chat.memberPost(group, from: bob.address, ballot(bob, proposal: 7, support: 0))
        try chat.memberPost(group, from: bob.address, ballot(bob, proposal: 7, support: 2))
        try chat.memberPost(group, from: mallory.address, ballot(mallory, proposal: 7, support: 0, voter: alice.address))
        try chat.memberPost(group, from: carol.address, ballot(carol, proposal: 7, support: 1))
        try chat.memberPost(group, from: carol.address, "hello everyone")
        for _ in 0..<3 { try await bot.step() }
        chain.setHead(131)
        for _ in 0..<5 { try await bot.step() }
        try await confirm(
            GovernorEventFixtures.created(
                8, proposer: alice.address, governor: Self.governor, start: 140, end: 400, description: "# Second\nLater."),
            block: 132)
        try await bot.step()
        let phases = try await store.allProposals().map(\.phase)
        guard phases == [.closed, .open] else { throw WorldError("the bot left the proposals in phases \(phases)") }
    }

    func confirm(_ event: GovernorEvent, block: UInt64) async throws {
        try await GovernorEventFixtures.confirm(event, chainId: Self.chainId, governor: Self.governor, block: block, in: store)
    }

    func ballot(_ key: PrivateKey, proposal: UInt64, support: Int, voter: Address? = nil) throws -> String {
        try BallotFactory.governorBallot(
            signer: key, voter: voter, governorName: "Test Governor", chainId: Self.chainId, governor: Self.governor,
            proposalId: "\(proposal)", support: support)
    }

    /// The admin API over this world (polls opened by the bot).
    func api(token: String = AdminWorld.token) -> AdminAPI {
        AdminAPI(
            token: token, channels: configuration.channels, store: store,
            polls: BotPollOpener(bot: bot, channels: configuration.channels, chains: configuration.chains))
    }
}

/// The bot's wall clock, moved by hand (Unix ms).
final class WallClockStub: Sendable {
    private let value = Mutex<UInt64>(1_800_000_000_000)
    var now: UInt64 { value.withLock { $0 } }
    func advance(seconds: UInt64) { value.withLock { $0 += seconds * 1000 } }
}

struct WorldError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func require<T>(_ value: T?, _ what: String = "value") throws -> T {
    guard let value else { throw WorldError("missing \(what)") }
    return value
}
