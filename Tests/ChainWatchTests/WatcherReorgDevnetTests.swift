import ChainWatch
import Ethereum
import EthereumRPC
import PlenumTesting
import Storage
import Testing

@Suite("Chain watcher: reorgs and clocks on the devnet")
struct WatcherReorgDevnetTests {
    func watcher(_ devnet: Devnet, store: any ChainWatchStore, confirmations: UInt64 = 5) async throws -> GovernorWatcher {
        var configuration = GovernorWatcher.Configuration(follower: .init(startBlock: 0, confirmations: confirmations))
        configuration.pollInterval = .milliseconds(20)
        return try await GovernorWatcher(
            id: FollowerID(chainId: devnet.chainId, governor: devnet.governor), configuration: configuration, source: devnet.client(),
            store: store)
    }

    /// Reads until the watcher has seen the current head.
    func followHead(_ w: GovernorWatcher, _ devnet: Devnet) async throws {
        let head = try await devnet.setupClient().blockNumber()
        while (await w.cursor ?? 0) < head { try await w.step() }
    }

    func confirmations(of id: UInt256, in store: SQLiteStore) async throws -> [(kind: String, block: UInt64, hash: Hash32)] {
        try await store.notifications(after: 0, limit: 10_000).flatMap { n -> [(String, UInt64, Hash32)] in
            switch n {
            case .confirmed(_, let e):
                if case .success(let event) = e.event, event.proposalId == id, event.name == "ProposalCreated" {
                    return [("confirmed", e.position.blockNumber, e.position.blockHash)]
                }
                return []
            case .rolledBack(_, _, _, let removed):
                return removed.filter { (try? $0.event.get().proposalId) == id }.map {
                    ("rolledBack", $0.position.blockNumber, $0.position.blockHash)
                }
            }
        }
    }

    @Test(arguments: [(1, false), (3, true), (12, true)])
    func reorgWithFiveConfirmations(depth: Int, reinclude: Bool) async throws {
        let devnet = try Devnet(accounts: 2)
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("w.sqlite"))
        let w = try await watcher(devnet, store: store)
        try await devnet.mine(20)
        try await followHead(w, devnet)
        let gov = DevnetGovernor(devnet)
        let (id, receipt) = try await gov.propose("Reorg test at depth \(depth)", from: gov.sender(devnet.accounts[0].key))
        if depth > 1 { try await devnet.mine(depth - 1) }
        try await followHead(w, devnet)
        let before = try await confirmations(of: id, in: store)
        #expect(before.count == (depth > 5 ? 1 : 0), "tentative until 5 blocks deep")
        let result = try await devnet.reorg(depth: depth, newBlocks: depth + 2, reinclude: reinclude ? "all" : "none")
        #expect(result["removedBlocks"]?.arrayValue?.count == depth)
        try await devnet.mine(8)
        let head = try await devnet.setupClient().blockNumber()
        try await w.run(untilConfirmed: head - 5)
        let after = try await confirmations(of: id, in: store)
        let stats = await w.statistics
        #expect(stats.reorgs >= 1, "the reorg was detected")
        if !reinclude {
            #expect(after.isEmpty, "a tentative proposal that a reorg removed never reached the bot")
            let stored = try await store.events(w.id).filter { (try? $0.record.event.get().proposalId) == id }
            #expect(stored.count == 1 && stored[0].status == .removed)
        } else if depth <= 5 {
            #expect(after.count == 1, "reported once")
            #expect(after.first?.hash != receipt.blockHash, "at its new block")
        } else {
            #expect(stats.deepReorgs >= 1, "a reorg deeper than the confirmations is detected as such")
            #expect(
                after.map(\.kind) == ["confirmed", "rolledBack", "confirmed"], "confirmed, rolled back, confirmed again at the new block")
            #expect(after.first?.hash == receipt.blockHash && after.last?.hash != receipt.blockHash)
        }
    }

    @Test func timestampClockGovernorEndToEnd() async throws {
        let devnet = try Devnet(accounts: 2, clock: "timestamp")
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("w.sqlite"))
        let gov = DevnetGovernor(devnet)
        let (id, receipt) = try await gov.propose("Timestamp clock", from: gov.sender(devnet.accounts[0].key))
        try await devnet.mine(6)
        let w = try await watcher(devnet, store: store)
        try await w.run(untilConfirmed: receipt.blockNumber)
        #expect(await w.clockMode == .timestamp)
        let events = try await store.events(w.id)
        guard case .success(.proposalCreated(let p)) = events.first?.record.event, let reading = events.first?.record.proposal else {
            Issue.record("no proposal: \(events)"); return
        }
        let block = try #require(try await devnet.setupClient().header(.hash(receipt.blockHash, requireCanonical: true)))
        #expect(p.proposalId == id)
        #expect(reading.clockMode == .timestamp)
        #expect(reading.snapshot == p.voteStart && reading.deadline == p.voteEnd)
        #expect(p.voteStart == UInt256(block.timestamp + 60), "voteStart is a timestamp: the block's time plus the 60 s voting delay")
        #expect(reading.state == 0, "Pending at its creation block")
    }
}

@Suite("Chain watcher: doubted answers")
struct WatcherDoubtTests {
    /// An endpoint that answers every eth_getLogs with [] (a provider that has not indexed the blocks yet).
    struct EmptyLogsTransport: RPCTransport {
        let inner = NoFaultsTransport()
        func post(_ body: [UInt8], to endpoint: RPCEndpoint, timeout: Duration) async throws -> HTTPReply {
            let request = try JSONParser().parse(body)
            if request["method"]?.stringValue == "eth_getLogs" {
                let answer: JSON = ["jsonrpc": "2.0", "id": request["id"]!, "result": []]
                return HTTPReply(status: 200, body: Array(answer.serialized().utf8))
            }
            return try await inner.post(body, to: endpoint, timeout: timeout)
        }
    }

    /// Sends the first endpoint's traffic through `EmptyLogsTransport`, the others' as they are.
    struct SplitTransport: RPCTransport {
        func post(_ body: [UInt8], to endpoint: RPCEndpoint, timeout: Duration) async throws -> HTTPReply {
            endpoint.name == "lagging"
                ? try await EmptyLogsTransport().post(body, to: endpoint, timeout: timeout)
                : try await NoFaultsTransport().post(body, to: endpoint, timeout: timeout)
        }
    }

    @Test func emptyLogsForAMatchingBloomAreAskedOfAnotherEndpoint() async throws {
        let devnet = try Devnet(accounts: 2)
        let gov = DevnetGovernor(devnet)
        let (id, _) = try await gov.propose("Asked again elsewhere", from: gov.sender(devnet.accounts[0].key))
        try await devnet.mine(10)
        let client = RPCClient(
            configuration: .init(endpoints: [
                RPCEndpoint(url: devnet.rpcURL, name: "lagging"), RPCEndpoint(url: devnet.rpcURL, name: "honest"),
            ]),
            transport: SplitTransport(), seed: 1)
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("w.sqlite"))
        var configuration = GovernorWatcher.Configuration(follower: .init(startBlock: 0, confirmations: 2))
        configuration.pollInterval = .milliseconds(10)
        let w = try await GovernorWatcher(
            id: FollowerID(chainId: devnet.chainId, governor: devnet.governor), configuration: configuration, source: client, store: store)
        try await w.run(untilConfirmed: try await devnet.setupClient().blockNumber() - 2)
        let events = try await store.events(w.id)
        #expect(events.map { try? $0.record.event.get().proposalId } == [id])
        let metrics = await client.metrics
        #expect((metrics.endpoints["honest"]?.callsByMethod["eth_getLogs"] ?? 0) >= 1, "the doubted block was asked of the other endpoint")
    }
}
