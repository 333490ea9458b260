import ChainWatch
import Ethereum
import EthereumRPC
import PlenumTesting
import Storage

/// Issue 4's benchmark: catch-up speed of a governor watcher against the devnet, in blocks per second
/// and RPC requests per 10,000 blocks, beside the same run's raw `eth_getLogs` sweep of the same blocks
/// (the least any follower must do).
enum WatchBenchmark {
    static func run() async throws {
        print("## Chain watcher catch-up (devnet, release build)\n")
        let devnet = try Devnet(accounts: 2)
        let gov = DevnetGovernor(devnet)
        let proposer = TransactionSender(
            client: gov.client, key: devnet.accounts[0].key, fixedFees: (maxFee: UInt256(100_000_000_000), tip: UInt256(1_000_000_000)))
        for i in 0..<100 {
            try await gov.propose("Benchmark proposal \(i)", from: proposer)
            try await devnet.mine(99)
        }
        let head = try await devnet.setupClient().blockNumber()
        print("chain: \(head) blocks, 100 proposals\n")
        print(
            "| provider limit | raw eth_getLogs sweep | watcher catch-up | ratio | watcher HTTP requests per 10,000 blocks | eth_getLogs calls |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        for (label, spec, chunk) in [("none", "off", UInt64(2000)), ("500-block range", "range_limit=500", UInt64(500))] {
            try await devnet.setFaults(spec)
            let clock = ContinuousClock()
            let raw = devnet.client()
            let rawTime = try await clock.measure {
                var from: UInt64 = 0
                while from <= head {
                    _ = try await raw.logs(
                        LogFilter(range: .blocks(from: from, to: min(head, from + chunk - 1)), addresses: [devnet.governor]))
                    from += chunk
                }
            }
            let dir = try TemporaryDirectory()
            let store = try SQLiteStore(path: dir.file("bench.sqlite"))
            let client = devnet.client()
            var configuration = GovernorWatcher.Configuration(follower: .init(startBlock: 0, confirmations: 12))
            configuration.pollInterval = .milliseconds(10)
            let watcher = try await GovernorWatcher(
                id: FollowerID(chainId: devnet.chainId, governor: devnet.governor), configuration: configuration, source: client,
                store: store)
            let watchTime = try await clock.measure { try await watcher.run(untilConfirmed: head - 12) }
            let metrics = await client.metrics
            let stats = await watcher.statistics
            let rawRate = Double(head) / seconds(rawTime)
            let watchRate = Double(head) / seconds(watchTime)
            print(
                "| \(label) | \(Int(rawRate)) blocks/s | \(Int(watchRate)) blocks/s | \(format(100 * watchRate / rawRate, decimals: 1))% | \(metrics.totalRequests * 10_000 / Int(head)) | \(stats.getLogsCalls) |"
            )
        }
        try await devnet.setFaults("off")
        devnet.stop()
        print("")
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}
