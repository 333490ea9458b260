import Bot
import ChainWatch
import Chat
import Ethereum
import Foundation
import Governance
import Hummingbird
import Logging
import PlenumService
import PlenumTesting
import Storage
import Synchronization

/// A hub served over loopback (real SQLite in a temporary folder, the real HTTP/WebSocket server on
/// a free port) with the real bot answering ballots: the bot reads a chain you set by hand
/// (`StaticChain`) and proposals are confirmed into the store as the chain watcher would.
struct MemberWorld: Sendable {
    static let hubName = "member-test-hub"
    static let chainId: UInt64 = 31337
    /// A governor whose groups only members with voting power may post in.
    static let treasury = try! Address("0x00000000000000000000000000000000000000cc")
    /// A governor whose groups anyone may post in (ballots still need power to count).
    static let open = try! Address("0x00000000000000000000000000000000000000dd")

    let dir: TemporaryDirectory
    let store: SQLiteStore
    let hub: ChatHub
    let bot: Bot
    let botKey: PrivateKey
    let chain: StaticChain
    /// The hub's clock (receive times): tests move it forward to model a member acting later.
    let hubClock: ShiftedClock
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    /// Runs `body` against a fresh hub (and bot, unless `runBot` is false); stops both afterwards.
    static func run<T: Sendable>(runBot: Bool = true, _ body: @Sendable (MemberWorld) async throws -> T) async throws -> T {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("plenum.sqlite"))
        let botKey = PrivateKey.generate()
        let chain = StaticChain()
        var openRules = ProposalRules.defaults(governor: open)
        openRules.gating = .anyone
        var botConfiguration = Bot.Configuration(
            key: botKey,
            channels: [
                Bot.Channel(name: "treasury", chainId: chainId, governor: treasury, rules: .defaults(governor: treasury)),
                Bot.Channel(name: "open", chainId: chainId, governor: open, rules: openRules),
            ])
        botConfiguration.idleInterval = .milliseconds(20)
        let policy = StandardPostingPolicy(store: store, votingPower: BotPostingPolicy(store: store, chain: chain))
        var hubConfiguration = ChatHub.Configuration(hub: hubName)
        hubConfiguration.operators = [botKey.address]
        hubConfiguration.postRatePerAddress = nil
        let hubClock = ShiftedClock()
        let hub = ChatHub(store: store, policy: policy, configuration: hubConfiguration, clock: hubClock)
        let clock = chain.wallClock
        let bot = Bot(
            configuration: botConfiguration, store: store, chainEvents: store, chat: HubBotChat(hub: hub, key: botKey), chain: chain,
            webhooks: NoWebhooks(), now: { clock.now() })
        var server = ChatServer.Configuration()
        server.port = 0
        server.requestRatePerIP = nil
        server.postRatePerIP = nil
        server.maxStreamsPerIP = 64
        var logger = Logger(label: "member-test")
        logger.logLevel = .critical
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let app = buildChatApplication(hub: hub, configuration: server, logger: logger) { port in
            portSink.yield(port)
            portSink.finish()
        }
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await app.run()
                return nil
            }
            if runBot {
                tasks.addTask {
                    try await bot.run()
                    return nil
                }
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw TestFailure("the hub did not start") }
            let world = MemberWorld(
                dir: dir, store: store, hub: hub, bot: bot, botKey: botKey, chain: chain, hubClock: hubClock, port: port)
            defer { tasks.cancelAll() }
            return try await body(world)
        }
    }

    // MARK: - Proposals

    /// Confirms a `ProposalCreated` of `governor` (voting from block `start` to `end`) in the store,
    /// as the chain watcher would, and waits until the bot has opened its group.
    func propose(_ id: UInt256, governor: Address = treasury, start: UInt64 = 110, end: UInt64 = 130) async throws -> HubGroupRef {
        let block: UInt64 = 101
        let follower = FollowerID(chainId: Self.chainId, governor: governor)
        let position = LogPosition(
            blockNumber: block, blockHash: Keccak256.hash("b\(id)"), transactionHash: Keccak256.hash("t\(id)"), logIndex: 0)
        let event = GovernorEvent.proposalCreated(
            .init(
                proposalId: id, proposer: botKey.address, targets: [governor], values: [.zero], signatures: [""], calldatas: [[]],
                voteStart: UInt256(start), voteEnd: UInt256(end), description: "# Proposal \(id)\nA test proposal."))
        let reading = ProposalReading(
            snapshot: UInt256(start), deadline: UInt256(end), state: 0, clockMode: .blocknumber, blockHash: position.blockHash)
        let record = ChainEventRecord(
            chainId: Self.chainId, governor: governor, position: position, event: .success(event), proposal: reading)
        var commit = FollowerCommit(
            state: FollowerState(
                follower: .init(
                    cursorNumber: block, cursorHash: position.blockHash, confirmedThrough: block, window: [], range: RangeSizer()),
                clockMode: .blocknumber))
        commit.events = [record]
        commit.confirmThrough = block
        try await store.commit(follower, commit)
        let key = BotProposal.governorKey(chainId: Self.chainId, governor: governor, proposalId: id)
        return try await opened(key)
    }

    /// Opens a poll on the treasury channel through the bot (as the admin API does) and waits for its group.
    func poll(_ title: String, system: VotingSystem, choices: [String]) async throws -> HubGroupRef {
        // The poll opens a minute in the past, so that a ballot in its first second is inside the window
        // by the bot's clock too.
        chain.wallClock.shift(by: -60_000)
        let poll = try await bot.openPoll(
            channel: "treasury", title: title, description: "", choices: choices, system: system, duration: .seconds(3600),
            snapshotBlock: 100, confirmations: 0)
        chain.wallClock.shift(by: 0)
        return try await opened(poll.key)
    }

    /// Waits (on the hub's commit feed, not on a timer) until the bot has posted the group's descriptor.
    func opened(_ key: String) async throws -> HubGroupRef {
        for try await entry in hub.committed(after: 0) {
            let group = try await hub.group(entry.group)
            if group.key == key, entry.seq == 1 { return HubGroupRef(id: group.id, key: key) }
        }
        throw TestFailure("the hub's feed ended before \(key) opened")
    }

    /// Every message of a group, read from the hub in-process.
    func messages(_ group: GroupID) async throws -> [StoredMessage] {
        try await hub.messages(in: group, after: 0, limit: 500)
    }

    // MARK: - Running plenum

    /// Runs the built `plenum` with `arguments`, pointing it at this hub.
    func plenum(_ arguments: [String], stdin: String = "") async throws -> ProcessResult {
        // `plenum vote` waits up to 60 s for its receipt by default; longer in a slowed-down run.
        let wait = arguments.first == "vote" && !arguments.contains("--timeout") ? ["--timeout", TestTiming.flag(60)] : []
        return try await ChildProcess.run(PlenumBinary.path, arguments + wait + ["--hub", url], stdin: stdin)
    }

    /// A key file for `key` in the world's folder.
    func keyFile(_ key: PrivateKey, name: String) throws -> String {
        let path = dir.file(name)
        if !FileManager.default.fileExists(atPath: path) { try KeyFile.write(key, to: path) }
        return path
    }
}

/// A group the test waits for.
struct HubGroupRef: Sendable {
    let id: GroupID
    let key: String
}

/// A chain with a head and voting power you set by hand; pins exist once the head is two blocks past
/// the snapshot (or a poll's power block).
final class StaticChain: BotChain {
    struct State {
        var head: UInt64 = 115
        var power: [Address: UInt256] = [:]
    }

    let state = Mutex(State())
    let wallClock = ShiftedClock()

    func setPower(_ power: [Address: UInt256]) { state.withLock { $0.power = power } }
    func setHead(_ number: UInt64) { state.withLock { $0.head = number } }

    func head(chainId: UInt64) async throws -> ChainTip {
        let number = state.withLock { $0.head }
        return ChainTip(number: number, timestamp: 1_700_000_000 + number * 12, hash: Keccak256.hash("h\(number)"))
    }

    func pins(for proposal: BotProposal) async throws -> PowerPins? {
        let head = state.withLock { $0.head }
        let block = proposal.powerBlock ?? proposal.snapshot
        guard head > block + 1 else { return nil }
        return PowerPins(
            snapshotBlock: BlockRef(number: block, hash: Keccak256.hash("s\(block)")),
            checkpointBlock: BlockRef(number: block + 1, hash: Keccak256.hash("c\(block)")))
    }

    func votingPower(of voters: [Address], for proposal: BotProposal, pins: PowerPins) async throws -> [VotingPowerRecord] {
        try await FixedVotingPower(state.withLock { $0.power }).votingPower(of: voters)
    }

    func isValidSignature(
        wallet: Address, digest: Hash32, signature: [UInt8], for proposal: BotProposal, pins: PowerPins
    ) async throws
        -> Bool
    { false }

    func quorum(for proposal: BotProposal, pins: PowerPins) async throws -> QuorumRequirement.Resolved {
        QuorumRequirement.Resolved(amount: nil, readValue: nil, readBlock: nil)
    }

    func governorName(chainId: UInt64, governor: Address) async throws -> String {
        governor == MemberWorld.open ? "Open Governor" : "Treasury Governor"
    }

    func secondsPerBlock(chainId: UInt64) async throws -> Double { 12 }
}

/// The wall clock in Unix milliseconds, shifted by an offset the test sets.
final class ShiftedClock: ChatClock {
    let offset = Mutex<Int64>(0)
    func shift(by milliseconds: Int64) { offset.withLock { $0 = milliseconds } }
    func now() -> UInt64 { UInt64(WallClock.milliseconds() + offset.withLock { $0 }) }
}

/// Webhooks are not part of these tests.
struct NoWebhooks: WebhookSender {
    func post(url: String, body: [UInt8], headers: [(String, String)]) async throws -> Int { 200 }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
