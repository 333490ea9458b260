import ChainWatch
import Ethereum
import EthereumRPC
import Foundation
import PlenumTesting
import Storage
import Synchronization
import Testing

/// A devnet holding 200 proposals spread over more than 5,000 blocks, prepared once.
struct BackfillChain: Sendable {
    let devnet: Devnet
    let head: UInt64
    let proposalIds: [UInt256]
    /// Every governor log on the chain, read once without faults: the ground truth.
    let logs: [Log]

    static let shared = AsyncOnce<BackfillChain> { try await BackfillChain.make() }

    static func make() async throws -> BackfillChain {
        let devnet = try Devnet(accounts: 2)
        let gov = DevnetGovernor(devnet)
        let proposer = TransactionSender(
            client: gov.client, key: devnet.accounts[0].key, fixedFees: (maxFee: UInt256(100_000_000_000), tip: UInt256(1_000_000_000)))
        var ids: [UInt256] = []
        for i in 0..<200 {
            ids.append(try await gov.propose("Backfill proposal \(i)\n\nspread over the chain", from: proposer).id)
            try await devnet.mine(24)
        }
        let client = devnet.setupClient()
        let head = try await client.blockNumber()
        let logs = try await client.logs(LogFilter(range: .blocks(from: 0, to: head), addresses: [devnet.governor]))
        return BackfillChain(devnet: devnet, head: head, proposalIds: ids, logs: logs)
    }

    func expectedKeys(confirmations: UInt64) -> [String] {
        logs.filter { $0.blockNumber <= head - confirmations }.map { "\($0.blockHash):\($0.logIndex)" }
    }
}

@Suite("Chain watcher against the devnet", .serialized)
struct WatcherDevnetTests {
    func watcher(_ devnet: Devnet, client: RPCClient, store: any ChainWatchStore, confirmations: UInt64 = 5) async throws -> GovernorWatcher
    {
        var configuration = GovernorWatcher.Configuration(follower: .init(startBlock: 0, confirmations: confirmations))
        configuration.pollInterval = .milliseconds(50)
        return try await GovernorWatcher(
            id: FollowerID(chainId: devnet.chainId, governor: devnet.governor), configuration: configuration, source: client, store: store)
    }

    /// Confirmed events still standing (confirmed and not rolled back), and any confirmed twice.
    static func standing(_ store: any ChainWatchStore) async throws -> (keys: [String], twice: [String], rollbacks: Int) {
        var live: [String: Bool] = [:]
        var order: [String] = []
        var twice: [String] = []
        var rollbacks = 0
        for n in try await store.notifications(after: 0, limit: 1_000_000) {
            switch n {
            case .confirmed(_, let e):
                let k = "\(e.position.blockHash):\(e.position.logIndex)"
                if live[k] == true { twice.append(k) }
                live[k] = true
                order.append(k)
            case .rolledBack(_, _, _, let removed):
                rollbacks += 1
                for e in removed { live["\(e.position.blockHash):\(e.position.logIndex)"] = false }
            }
        }
        return (order.filter { live[$0] == true }, twice, rollbacks)
    }

    func faultFreeClient(_ devnet: Devnet) -> RPCClient {
        var configuration = RPCClient.Configuration(endpoints: [RPCEndpoint(url: devnet.rpcURL, name: "devnet")])
        configuration.retry.baseBackoff = .milliseconds(10)
        return RPCClient(configuration: configuration, seed: 1)
    }

    @Test func backfillUnderARangeLimitReadsAllProposalsOnceWithFewCalls() async throws {
        let chain = try await BackfillChain.shared.get()
        try await chain.devnet.setFaults("range_limit=500")
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("w.sqlite"))
        let w = try await watcher(chain.devnet, client: faultFreeClient(chain.devnet), store: store)
        try await w.run(untilConfirmed: chain.head - 5)
        let result = try await Self.standing(store)
        #expect(result.keys == chain.expectedKeys(confirmations: 5))
        #expect(result.twice.isEmpty)
        let created = try await store.events(w.id).compactMap { e -> UInt256? in
            if case .success(.proposalCreated(let p)) = e.record.event, e.status == .confirmed { return p.proposalId } else { return nil }
        }
        #expect(created == chain.proposalIds, "all 200 proposals, once each, in order")
        let minimum = Int((chain.head + 499) / 500)
        let calls = await w.statistics.getLogsCalls
        #expect(calls <= 2 * minimum, "\(calls) eth_getLogs calls for \(chain.head) blocks; a 500-block limit allows \(minimum)")
        try await chain.devnet.setFaults("off")
    }

    @Test func backfillUnderAResultLimit() async throws {
        let chain = try await BackfillChain.shared.get()
        try await chain.devnet.setFaults("result_limit=25,range_hint=1")
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("w.sqlite"))
        let w = try await watcher(chain.devnet, client: faultFreeClient(chain.devnet), store: store)
        try await w.run(untilConfirmed: chain.head - 5)
        #expect(try await Self.standing(store).keys == chain.expectedKeys(confirmations: 5))
        let minimum = (chain.logs.count + 24) / 25
        let calls = await w.statistics.getLogsCalls
        #expect(calls <= 2 * minimum + 2, "\(calls) eth_getLogs calls for \(chain.logs.count) logs; a 25-result cap allows \(minimum)")
        try await chain.devnet.setFaults("off")
    }

    @Test func faultsOnAboutAThirdOfCallsDoNotChangeTheEvents() async throws {
        let chain = try await BackfillChain.shared.get()
        try await chain.devnet.setFaults(
            "seed=5,http429=0.06,http429_retry_after=0.02:1,rpc429=0.06,batch429=0.06,hang=0.02:2s,stale_head=0.1:3,empty_logs=0.15,malformed=0.03,range_limit=700"
        )
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("w.sqlite"))
        var configuration = RPCClient.Configuration(endpoints: [RPCEndpoint(url: chain.devnet.rpcURL, name: "devnet")])
        configuration.requestTimeout = .milliseconds(800)
        configuration.retry.baseBackoff = .milliseconds(10)
        configuration.retry.failureCooldown = .milliseconds(20)
        configuration.retry.rateLimitCooldown = .milliseconds(20)
        configuration.retry.maxAttempts = 40
        let client = RPCClient(configuration: configuration, seed: 3)
        let w = try await watcher(chain.devnet, client: client, store: store)
        // Step by hand, checking after every step that the cursor never passed an event that was not stored.
        while (await w.confirmedThrough ?? 0) < chain.head - 5 {
            do { try await w.step() } catch let error as RPCClientError { Issue.record("step failed: \(error)") }
            if let cursor = await w.cursor {
                let stored = Set(try await store.events(w.id).map { "\($0.record.position.blockHash):\($0.record.position.logIndex)" })
                let due = chain.logs.filter { $0.blockNumber <= cursor }.map { "\($0.blockHash):\($0.logIndex)" }
                #expect(due.allSatisfy(stored.contains), "cursor \(cursor) passed an event that is not stored")
            }
        }
        let result = try await Self.standing(store)
        #expect(result.keys == chain.expectedKeys(confirmations: 5))
        #expect(result.twice.isEmpty)
        let errors = await client.metrics.endpoints.values.flatMap(\.errors).map(\.key)
        for kind in ["http_429", "rate_limited", "malformed", "timeout"] { #expect(errors.contains(kind), "fault \(kind) was injected") }
        #expect(await w.statistics.bloomReasks > 0, "empty answers for blocks whose bloom matches were asked again")
        try await chain.devnet.setFaults("off")
    }

    @Test func aDeadEndpointDoesNotStopTheWatcher() async throws {
        let chain = try await BackfillChain.shared.get()
        try await chain.devnet.setFaults("off")
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("w.sqlite"))
        var configuration = RPCClient.Configuration(endpoints: [
            RPCEndpoint(url: "http://127.0.0.1:9", name: "dead"), RPCEndpoint(url: chain.devnet.rpcURL, name: "devnet"),
        ])
        configuration.requestTimeout = .seconds(2)
        let client = RPCClient(configuration: configuration, seed: 4)
        let w = try await watcher(chain.devnet, client: client, store: store)
        try await w.run(untilConfirmed: chain.head - 5)
        #expect(try await Self.standing(store).keys == chain.expectedKeys(confirmations: 5))
        let metrics = await client.metrics
        #expect((metrics.endpoints["dead"]?.errors.values.reduce(0, +) ?? 0) >= 1, "the dead endpoint failed (refused or timed out)")
        #expect(
            (metrics.endpoints["devnet"]?.requests ?? 0) > (metrics.endpoints["dead"]?.requests ?? 0), "the live endpoint carried the work")
    }

    @Test func killNineDuringBackfillLosesAndDuplicatesNothing() async throws {
        let chain = try await BackfillChain.shared.get()
        try await chain.devnet.setFaults("range_limit=150")
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("config"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.file("proposals"), withIntermediateDirectories: true)
        try """
        channels = "../proposals"
        [storage]
        path = "../plenum.sqlite"
        [chains.devnet]
        chain_id = \(chain.devnet.chainId)
        rpc = ["\(chain.devnet.rpcURL)"]
        confirmations = 5
        poll_interval = "100ms"
        """.write(toFile: dir.file("config/plenum.toml"), atomically: true, encoding: .utf8)
        try """
        chain = "devnet"
        governor = "\(chain.devnet.governor)"
        start_block = 0
        """.write(toFile: dir.file("proposals/main.toml"), atomically: true, encoding: .utf8)
        let id = FollowerID(chainId: chain.devnet.chainId, governor: chain.devnet.governor)
        var rng = SplitMix64(seed: 2026)
        var thresholds = (0..<10).map { _ in 200 + rng.next() % (chain.head - 400) }.sorted()
        thresholds = thresholds.enumerated().map { $1 + UInt64($0) * 10 }
        var kills = 0
        for threshold in thresholds {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: PlenumBinary.path)
            process.arguments = ["watch", "--config", dir.file("config/plenum.toml"), "--json", "--exit-when-caught-up"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait until the watcher has committed past the threshold, then kill it without warning.
            while process.isRunning {
                let store = try SQLiteStore(path: dir.file("plenum.sqlite"))
                if let cursor = try await store.loadFollower(id)?.follower.cursorNumber, cursor >= threshold { break }
                try await Task.sleep(for: .milliseconds(5))
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        #expect(kills >= 10, "killed \(kills) times mid-backfill")
        let finish = try PlenumBinary.run(["watch", "--config", dir.file("config/plenum.toml"), "--json", "--exit-when-caught-up"])
        #expect(finish.status == 0, "\(finish.stderrText)")
        let store = try SQLiteStore(path: dir.file("plenum.sqlite"))
        let result = try await Self.standing(store)
        #expect(result.twice.isEmpty && result.rollbacks == 0)
        let confirmedThrough = try #require(try await store.loadFollower(id)?.follower.confirmedThrough)
        let expected = chain.logs.filter { $0.blockNumber <= confirmedThrough }.map { "\($0.blockHash):\($0.logIndex)" }
        #expect(result.keys == expected)
        #expect(confirmedThrough >= chain.head - 5)
        try await chain.devnet.setFaults("off")
    }
}
