import ChainWatch
import Ethereum
import EthereumRPC
import PlenumTesting
import Storage
import Testing

/// A provider that lies about governor logs, with and without a second endpoint to check it
/// against: the devnet's `tamper_logs` and `empty_logs` faults on its usual URL, and the same node
/// on `/nofaults` as the honest cross-check endpoint.
@Suite("Chain watcher cross-checking a lying provider", .serialized)
struct CrossCheckDevnetTests {
    let confirmations: UInt64 = 3

    func watcher(_ devnet: Devnet, witness: RPCClient?, store: any ChainWatchStore) async throws -> GovernorWatcher {
        var configuration = GovernorWatcher.Configuration(follower: .init(startBlock: 0, confirmations: confirmations))
        configuration.pollInterval = .milliseconds(20)
        configuration.bloomRetries = 2
        return try await GovernorWatcher(
            id: FollowerID(chainId: devnet.chainId, governor: devnet.governor), configuration: configuration, source: devnet.client(),
            witness: witness, store: store)
    }

    func honest(_ devnet: Devnet) -> RPCClient {
        RPCClient(configuration: .init(endpoints: [RPCEndpoint(url: devnet.noFaultsURL, name: "devnet-check")]), seed: 2)
    }

    /// Proposal ids of the confirmed ProposalCreated notifications.
    static func confirmedProposals(_ store: any ChainWatchStore) async throws -> [UInt256] {
        try await store.notifications(after: 0, limit: 10_000).compactMap { n -> UInt256? in
            if case .confirmed(_, let e) = n, case .success(.proposalCreated(let p)) = e.event { p.proposalId } else { nil }
        }
    }

    /// Steps until `done` holds, recording each cross-check error; at most `limit` steps.
    func step(_ w: GovernorWatcher, limit: Int = 200, until done: () async throws -> Bool) async throws -> [CrossCheckError] {
        var errors: [CrossCheckError] = []
        for _ in 0..<limit {
            if try await done() { return errors }
            do { try await w.step() } catch let error as CrossCheckError { errors.append(error) }
        }
        Issue.record("not done after \(limit) steps")
        return errors
    }

    func proposeAndBury(_ devnet: Devnet, _ description: String) async throws -> (id: UInt256, block: UInt64) {
        let gov = DevnetGovernor(devnet)
        let (id, receipt) = try await gov.propose(description, from: gov.sender(devnet.accounts[0].key))
        try await devnet.mine(Int(confirmations) + 4)
        return (id, receipt.blockNumber)
    }

    @Test func alteredEventsAreNeverConfirmedAndTheTrueOnesAreOnceTheProviderStopsLying() async throws {
        let devnet = try Devnet(accounts: 2)
        let (id, block) = try await proposeAndBury(devnet, "Cross-checked proposal\n\nits id is altered by the provider")
        try await devnet.setFaults("tamper_logs=1")

        // Without a cross-check the altered event is confirmed: the lie gets through (the defence's control).
        let uncheckedStore = InMemoryChainWatchStore()
        let plain = try await watcher(devnet, witness: nil, store: uncheckedStore)
        try await plain.run(untilConfirmed: block)
        let believed = try await Self.confirmedProposals(uncheckedStore)
        #expect(believed.count == 1 && believed.first != id, "the tampered provider's proposal id was taken as is: \(believed)")

        // With one, the watcher stops below the event's block and says why.
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("w.sqlite"))
        let w = try await watcher(devnet, witness: honest(devnet), store: store)
        let errors = try await step(w) { await w.statistics.crossCheckMismatches >= 3 }
        #expect(try await Self.confirmedProposals(store).isEmpty)
        #expect((await w.confirmedThrough ?? 0) < block, "no block at or above the disputed event is confirmed")
        let mismatch = errors.first { $0.mismatchKind == "logs" }
        #expect(mismatch.map { "\($0)".contains("disagree about ProposalCreated") } == true, "\(errors)")

        // The provider is honest again: the true event is confirmed, once.
        try await devnet.setFaults("off")
        _ = try await step(w) { (await w.confirmedThrough ?? 0) >= block }
        #expect(try await Self.confirmedProposals(store) == [id])
        let statistics = await w.statistics
        #expect(statistics.crossChecks > statistics.crossCheckMismatches)
    }

    @Test func aHiddenEventStopsTheWatcherInsteadOfBeingSkipped() async throws {
        let devnet = try Devnet(accounts: 2)
        let (id, block) = try await proposeAndBury(devnet, "Hidden proposal\n\nthe provider answers no logs")
        try await devnet.setFaults("empty_logs=1")

        // Without a cross-check the proposal is skipped for good (the control).
        let uncheckedStore = InMemoryChainWatchStore()
        let plain = try await watcher(devnet, witness: nil, store: uncheckedStore)
        try await plain.run(untilConfirmed: block)
        #expect(try await Self.confirmedProposals(uncheckedStore).isEmpty)

        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("w.sqlite"))
        let w = try await watcher(devnet, witness: honest(devnet), store: store)
        let errors = try await step(w) { await w.statistics.crossCheckMismatches >= 2 }
        #expect((await w.confirmedThrough ?? 0) < block)
        #expect(errors.contains { "\($0)".contains("rpc endpoint left out ProposalCreated of proposal \(id)") }, "\(errors)")

        try await devnet.setFaults("off")
        _ = try await step(w) { (await w.confirmedThrough ?? 0) >= block }
        #expect(try await Self.confirmedProposals(store) == [id])
    }
}
