import ChainWatch
import Ethereum
import EthereumRPC
import Logging
import Storage

/// The governor watchers of every configured channel, one per (chain, governor), sharing one RPC
/// client per chain (and one for the chain's `cross_check_rpc`, when it has one).
public struct ChainFollowers: Sendable {
    public let watchers: [GovernorWatcher]
    public let clients: [String: RPCClient]
    /// Clients of the chains' cross-check endpoints, by chain name.
    public let crossCheckClients: [String: RPCClient]

    /// Builds the watchers, checking first that each chain's endpoints serve the configured chain id.
    public static func make(
        _ configuration: PlenumConfiguration, store: any ChainWatchStore, logger: Logger = Logger(label: "plenum.watch")
    )
        async throws -> ChainFollowers
    {
        var clients: [String: RPCClient] = [:]
        var crossCheckClients: [String: RPCClient] = [:]
        for (name, chain) in configuration.chains.sorted(by: { $0.key < $1.key }) {
            for (endpoints, key) in [(chain.rpc, "rpc"), (chain.crossCheck, "cross_check_rpc")] where !endpoints.isEmpty {
                var rpc = RPCClient.Configuration(endpoints: endpoints)
                rpc.requestTimeout = chain.requestTimeout
                let client = RPCClient(configuration: rpc, logger: logger)
                let served = try await client.chainId()
                guard served == chain.chainId else {
                    throw ConfigurationError([
                        ConfigProblem(
                            file: configuration.file, line: nil, key: "chains.\(name).chain_id",
                            message: "is \(chain.chainId) but the \(key) endpoints serve chain \(served)")
                    ])
                }
                if key == "rpc" { clients[name] = client } else { crossCheckClients[name] = client }
            }
        }
        // Channels sharing a governor share its watcher: earliest start, most confirmations.
        var plans: [FollowerID: (chain: PlenumConfiguration.Chain, start: UInt64, confirmations: UInt64)] = [:]
        for channel in configuration.channels {
            let chain = configuration.chains[channel.chain]!
            let id = FollowerID(chainId: chain.chainId, governor: channel.governor)
            let confirmations = channel.confirmations ?? chain.confirmations
            if let existing = plans[id] {
                plans[id] = (chain, min(existing.start, channel.startBlock), max(existing.confirmations, confirmations))
            } else {
                plans[id] = (chain, channel.startBlock, confirmations)
            }
        }
        var watchers: [GovernorWatcher] = []
        for (id, plan) in plans.sorted(by: { $0.key.description < $1.key.description }) {
            var follower = LogFollower.Configuration(startBlock: plan.start, confirmations: plan.confirmations)
            follower.maxRange = plan.chain.maxLogRange
            follower.initialRange = min(2000, plan.chain.maxLogRange)
            var watch = GovernorWatcher.Configuration(follower: follower)
            watch.pollInterval = plan.chain.pollInterval
            watchers.append(
                try await GovernorWatcher(
                    id: id, configuration: watch, source: clients[plan.chain.name]!, witness: crossCheckClients[plan.chain.name],
                    store: store,
                    logger: logger))
        }
        return ChainFollowers(watchers: watchers, clients: clients, crossCheckClients: crossCheckClients)
    }

    /// Runs every watcher until cancelled.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for watcher in watchers { group.addTask { try await watcher.run() } }
            try await group.waitForAll()
        }
    }
}
