import Bot
import BotTesting
import ChainWatch
import Ethereum
import EthereumRPC
import Governance
import PlenumTesting
import Storage
import Testing

@Suite("Bot lifecycle (fake chat and chain, real SQLite)")
struct BotLifecycleTests {
    static let governor = try! Address("0x00000000000000000000000000000000000000cc")
    let chainId: UInt64 = 31337
    let bot = PrivateKey.generate()
    let alice = PrivateKey.generate(), bob = PrivateKey.generate(), carol = PrivateKey.generate(), mallory = PrivateKey.generate()

    struct World {
        let dir: TemporaryDirectory
        let store: SQLiteStore
        let chat: FakeChat
        let chain: FakeChain
        let webhooks: FakeWebhooks
    }

    func world(statuses: [Int] = []) throws -> World {
        let dir = try TemporaryDirectory()
        let bot = self.bot
        return World(
            dir: dir, store: try SQLiteStore(path: dir.file("p.sqlite")), chat: FakeChat(bot: bot.address), chain: FakeChain(),
            webhooks: FakeWebhooks(statuses: statuses))
    }

    func makeBot(_ w: World, webhooks urls: [String] = []) -> Bot {
        var configuration = Bot.Configuration(
            key: bot,
            channels: [
                Bot.Channel(
                    name: "treasury", chainId: chainId, governor: Self.governor, rules: ProposalRules.defaults(governor: Self.governor))
            ])
        configuration.webhooks = urls
        configuration.webhookSecret = Array("s3cret".utf8)
        configuration.webhookBackoff = .zero
        return Bot(configuration: configuration, store: w.store, chainEvents: w.store, chat: w.chat, chain: w.chain, webhooks: w.webhooks)
    }

    /// Confirms a governor event in the chain-watch store, as the watcher would.
    func confirm(_ event: GovernorEvent, block: UInt64, in store: SQLiteStore, logIndex: UInt64 = 0) async throws {
        try await GovernorEventFixtures.confirm(
            event, chainId: chainId, governor: Self.governor, block: block, in: store, logIndex: logIndex)
    }

    func created(_ id: UInt64, start: UInt64 = 110, end: UInt64 = 130) -> GovernorEvent {
        GovernorEventFixtures.created(id, proposer: alice.address, governor: Self.governor, start: start, end: end)
    }

    func ballot(_ key: PrivateKey, proposal: UInt64, support: Int, voter: Address? = nil) throws -> String {
        try BallotFactory.governorBallot(
            signer: key, voter: voter, governorName: "Test Governor", chainId: chainId, governor: Self.governor, proposalId: "\(proposal)",
            support: support)
    }

    func receipts(_ chat: FakeChat, _ group: String) throws -> [Receipt] {
        try chat.all(group).filter { $0.sender == bot.address && $0.body.contains("PlenumReceipt") }.map {
            try Receipt(signedDocument: try JSONParser.parse($0.body), signer: bot.address)
        }
    }

    @Test func aProposalRunsToASignedResult() async throws {
        let w = try world()
        w.chain.setPower([alice.address: 1000, bob.address: 500, carol.address: 0])
        let b = makeBot(w, webhooks: ["https://hooks.example/plenum"])
        try await confirm(created(7), block: 101, in: w.store)
        try await b.step()
        let group = try #require(w.chat.groupIDs.first)
        #expect(w.chat.all(group).count == 2 && w.chat.all(group)[1].body.contains("Fund the grants round"), "described and announced once")
        w.chain.setHead(115)
        try w.chat.memberPost(group, from: alice.address, ballot(alice, proposal: 7, support: 1))
        try w.chat.memberPost(group, from: bob.address, ballot(bob, proposal: 7, support: 0))
        try w.chat.memberPost(group, from: bob.address, ballot(bob, proposal: 7, support: 2))  // bob changes his vote
        try w.chat.memberPost(group, from: mallory.address, ballot(mallory, proposal: 7, support: 0, voter: alice.address))  // wrong key
        try w.chat.memberPost(group, from: carol.address, ballot(carol, proposal: 7, support: 1))  // no power
        try w.chat.memberPost(group, from: carol.address, "hello everyone")
        for _ in 0..<3 { try await b.step() }
        let r = try receipts(w.chat, group)
        #expect(r.map(\.status) == ["counted", "counted", "counted", "rejected", "rejected"])
        #expect(r[3].reason == "wrong-signer" && r[4].reason == "no-voting-power", "\(r[3].reason) \(r[4].reason)")
        #expect(r[0].weight == 1000 && r[0].choice == "1")
        w.chain.setHead(131)
        for _ in 0..<5 { try await b.step() }
        let proposal = try #require(try await w.store.allProposals().first)
        #expect(proposal.phase == .closed)
        let result = try #require(proposal.result)
        // Independent tally: alice For 1000, bob's last ballot Abstain 500.
        #expect(result.result.scores.map(\.description) == ["1000", "0", "500"])
        #expect(result.result.outcome == .passed)
        #expect(try result.signature.recoverAddress(digest: result.result.digest()) == bot.address)
        let posted = w.chat.all(group).filter { $0.body.contains("TallyResult") }
        #expect(posted.count == 1, "one signed result in the group")
        let document = try SignableDocument(bytes: Array(posted[0].body.utf8), allowPlainText: false)
        #expect(try document.recoverSigner() == bot.address)
        #expect(w.webhooks.posts.count == 1)
        let hook = w.webhooks.posts[0]
        let ts = UInt64(hook.headers.first { $0.0 == "X-Plenum-Timestamp" }!.1)!
        #expect(
            WebhookSignature.verify(
                body: hook.body, timestamp: ts, secret: Array("s3cret".utf8), header: hook.headers.first { $0.0 == "X-Plenum-Signature" }!.1
            ))
        // Nothing more happens however often the bot steps.
        let count = w.chat.all(group).count
        for _ in 0..<5 { try await b.step() }
        #expect(w.chat.all(group).count == count)
    }

    @Test func aProposalWhoseReadsFailDoesNotHoldUpTheOthers() async throws {
        let w = try world()
        w.chain.setPower([alice.address: 1000, bob.address: 500])
        let b = makeBot(w)
        try await confirm(created(7), block: 101, in: w.store)
        try await confirm(created(8), block: 102, in: w.store, logIndex: 1)
        try await b.step()
        let groups = w.chat.groupIDs
        #expect(groups.count == 2)
        w.chain.setHead(115)
        for (group, id) in zip(groups, [7, 8] as [UInt64]) {
            try w.chat.memberPost(group, from: alice.address, ballot(alice, proposal: id, support: 1))
        }
        // Proposal 7's voting power cannot be read: proposal 8, behind it, still gets its receipt.
        w.chain.state.withLock { $0.failingPower = ["7"] }
        await #expect(throws: FakeChain.Disputed.self) { try await b.step() }
        let byGroup = try Dictionary(uniqueKeysWithValues: groups.map { ($0, try receipts(w.chat, $0).count) })
        let group7 = try #require(try await w.store.allProposals().first { $0.proposalId == "7" }?.group)
        #expect(byGroup[group7] == 0 && byGroup.values.reduce(0, +) == 1, "\(byGroup)")
        #expect(await b.statistics.stepFailures == 1)
        // Once the read works again, proposal 7's ballot is taken too, once.
        w.chain.state.withLock { $0.failingPower = [] }
        try await b.step()
        #expect(try groups.map { try receipts(w.chat, $0).map(\.status) } == [["counted"], ["counted"]])
    }

    @Test func restartsAtAnyPointNeverRepeatOrSkip() async throws {
        for seed in 1...8 {
            let w = try world(statuses: [500, 503])
            w.chain.setPower([alice.address: 10, bob.address: 20, carol.address: 30])
            try await confirm(created(9), block: 101, in: w.store)
            var rng = SplitMix64(seed: UInt64(seed))
            var b = makeBot(w, webhooks: ["https://h.example/x"])
            var posted = false
            for round in 0..<30 {
                if rng.next() % 3 == 0 { b = makeBot(w, webhooks: ["https://h.example/x"]) }  // "crash" and restart from the store
                if round == 4 { w.chain.setHead(115) }
                if round == 6, let group = w.chat.groupIDs.first, !posted {
                    posted = true
                    for (i, voter) in [alice, bob, carol].enumerated() {
                        try w.chat.memberPost(group, from: voter.address, ballot(voter, proposal: 9, support: i % 3))
                    }
                }
                if round == 14 { w.chain.setHead(140) }
                try await b.step()
            }
            let group = try #require(w.chat.groupIDs.first)
            let all = w.chat.all(group)
            #expect(all.filter { $0.body.contains("TallyResult") }.count == 1, "seed \(seed): one result")
            #expect(try receipts(w.chat, group).count == 3, "seed \(seed): one receipt per ballot")
            #expect(all.filter { $0.body.hasPrefix("New proposal") }.count == 1, "seed \(seed): one announcement")
            let p = try #require(try await w.store.allProposals().first)
            #expect(p.phase == .closed && p.result?.result.scores.map(\.description) == ["20", "10", "30"], "seed \(seed)")
            let deliveries = try await w.store.deliveries(p.key)
            #expect(
                deliveries.map(\.attempt) == [1, 2, 3] && deliveries.last?.delivered == true,
                "seed \(seed): retried webhook, each attempt recorded")
        }
    }

    @Test func canceledExtendedAndRemovedProposals() async throws {
        let w = try world()
        let b = makeBot(w)
        try await confirm(created(1), block: 101, in: w.store)
        try await confirm(created(2), block: 102, in: w.store)
        try await b.step()
        try await confirm(.proposalCanceled(proposalId: 1), block: 103, in: w.store)
        try await confirm(.proposalExtended(proposalId: 2, deadline: 200), block: 104, in: w.store)
        try await b.step()
        try await b.step()
        let proposals = try await w.store.allProposals()
        #expect(proposals.map(\.phase) == [.canceled, .open])
        #expect(proposals[1].deadline == 200)
        let g1 = w.chat.all("g1"), g2 = w.chat.all("g2")
        #expect(g1.last?.body.contains("canceled") == true)
        #expect(g2.last?.body.contains("extended") == true)
        // A deep reorg removes proposal 2's creation: the group is closed with a notice.
        let id = FollowerID(chainId: chainId, governor: Self.governor)
        var rollback = FollowerCommit(
            state: FollowerState(
                follower: .init(
                    cursorNumber: 101, cursorHash: Keccak256.hash("b101"), confirmedThrough: 101, window: [], range: RangeSizer()),
                clockMode: .blocknumber))
        rollback.rollback = .init(keepThrough: 101, deep: true)
        try await w.store.commit(id, rollback)
        try await b.step()
        try await b.step()
        #expect(try await w.store.proposal(proposals[1].key)?.phase == .removed)
        #expect(w.chat.all("g2").last?.body.contains("no longer exists") == true)
    }
}
