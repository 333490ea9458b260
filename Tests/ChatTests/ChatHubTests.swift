import Chat
import Ethereum
import PlenumTesting
import Storage
import Synchronization
import Testing

@Suite("ChatHub in-process: posting, idempotency, gating, group commit, streams")
struct ChatHubTests {
    static func hub(
        store: any ChatStore = InMemoryChatStore(), policy: (any PostingPolicy)? = nil, clock: ManualChatClock = ManualChatClock(),
        _ edit: (inout ChatHub.Configuration) -> Void = { _ in }
    ) -> ChatHub {
        ChatHub(store: store, policy: policy, configuration: ChatFixtures.configuration(edit), clock: clock)
    }

    @Test func botPostsAreIdempotentAndCloseEndsTheGroup() async throws {
        let clock = ManualChatClock()
        let hub = Self.hub(clock: clock)
        let group = try await hub.createGroup(ChatFixtures.spec("proposal:1:0xabc:7"))
        #expect(try await hub.createGroup(ChatFixtures.spec("proposal:1:0xabc:7")).id == group.id)
        let first = try await hub.post("Proposal 7 is open", to: group.id, signedBy: ChatFixtures.bot, idempotencyKey: "announce")
        clock.advance(1000)
        let again = try await hub.post("Proposal 7 is open", to: group.id, signedBy: ChatFixtures.bot, idempotencyKey: "announce")
        #expect(again == first)
        let member = try await hub.submit(ChatFixtures.signed("yes", by: ChatFixtures.alice, in: group.id, at: clock.now()))
        #expect(member.seq == 2 && member.prevHash == first.hash)
        let closing = try await hub.close(group.id, notice: "Voting closed", signedBy: ChatFixtures.bot, idempotencyKey: "close")
        #expect(closing.seq == 3)
        #expect(try await hub.close(group.id, notice: "Voting closed", signedBy: ChatFixtures.bot, idempotencyKey: "close") == closing)
        await #expect(throws: ChatError.self) {
            _ = try await hub.submit(ChatFixtures.signed("late", by: ChatFixtures.alice, in: group.id, at: clock.now()))
        }
        do {
            _ = try await hub.submit(ChatFixtures.signed("late", by: ChatFixtures.alice, in: group.id, at: clock.now()))
        } catch let error as ChatError {
            #expect(error.code == .groupClosed)
        }
        let info = try await hub.group(group.id)
        #expect(!info.isOpen && info.closingSeq == 3)
        // A subscription replays the whole log and ends after the closing entry.
        var seen: [UInt64] = []
        for try await entry in hub.subscribe(to: group.id, after: 0) { seen.append(entry.seq) }
        #expect(seen == [1, 2, 3])
    }

    @Test func everyRejectionHasItsCodeAndStoresNothing() async throws {
        let clock = ManualChatClock()
        let store = InMemoryChatStore()
        let hub = Self.hub(store: store, clock: clock) { $0.maxBodyBytes = 100 }
        let group = try await hub.createGroup(ChatFixtures.spec("g")).id
        let now = clock.now()
        let good = ChatFixtures.signed("ok", by: ChatFixtures.alice, in: group, at: now)
        _ = try await hub.submit(good)
        var forged = ChatFixtures.signed("I vote no", by: ChatFixtures.mallory, in: group, at: now)
        forged.message.sender = ChatFixtures.alice.address
        var altered = ChatFixtures.signed("I vote yes", by: ChatFixtures.alice, in: group, at: now)
        altered.message.body = "I vote no"
        let cases: [(SignedChatMessage, ChatError.Code)] = [
            (good, .replayed),
            (forged, .signerMismatch),
            (altered, .signerMismatch),
            (ChatFixtures.signed(String(repeating: "x", count: 101), by: ChatFixtures.alice, in: group, at: now), .tooLarge),
            (ChatFixtures.signed("old", by: ChatFixtures.alice, in: group, at: now - 5 * 60 * 1000 - 1), .timestampOutOfRange),
            (ChatFixtures.signed("future", by: ChatFixtures.alice, in: group, at: now + 5 * 60 * 1000 + 1), .timestampOutOfRange),
            (ChatFixtures.signed("hub", by: ChatFixtures.alice, in: group, hub: "another.hub", at: now), .wrongHub),
            (ChatFixtures.signed("none", by: ChatFixtures.alice, in: try GroupID("no-such-group"), at: now), .groupNotFound),
        ]
        for (message, code) in cases {
            do {
                _ = try await hub.submit(message)
                Issue.record("accepted a message that should get \(code)")
            } catch let error as ChatError {
                #expect(error.code == code, "\(error)")
                if code == .replayed { #expect(error.existing?.seq == 1) }
            }
        }
        // Within the skew window is fine.
        _ = try await hub.submit(ChatFixtures.signed("edge", by: ChatFixtures.alice, in: group, at: now - 5 * 60 * 1000))
        #expect(await store.lastPosition() == 2)
    }

    /// A hub name spelled with other bytes is another hub, even where Swift's `==` calls the two
    /// spellings equal: the signature covers the bytes.
    @Test func aHubNameMatchesByteForByte() async throws {
        let clock = ManualChatClock()
        let store = InMemoryChatStore()
        let composed = "caf\u{E9}.example", decomposed = "cafe\u{301}.example"
        #expect(composed == decomposed)
        let hub = Self.hub(store: store, clock: clock) { $0.hub = composed }
        let group = try await hub.createGroup(ChatFixtures.spec("g")).id
        do {
            _ = try await hub.submit(ChatFixtures.signed("hi", by: ChatFixtures.alice, in: group, hub: decomposed, at: clock.now()))
            Issue.record("a message signed for hub \(decomposed.utf8.count) bytes long was taken by a hub of \(composed.utf8.count)")
        } catch let error as ChatError {
            #expect(error.code == .wrongHub, "\(error)")
        }
        let entry = try await hub.submit(ChatFixtures.signed("hi", by: ChatFixtures.alice, in: group, hub: composed, at: clock.now()))
        #expect(entry.verificationProblem() == nil)
        #expect(await store.lastPosition() == 1)
    }

    @Test func gatingByMembersAndByPolicy() async throws {
        let clock = ManualChatClock()
        let policy = ListPolicy([ChatFixtures.alice.address])
        let store = InMemoryChatStore()
        let hub = Self.hub(
            store: store, policy: StandardPostingPolicy(store: store, votingPower: policy), clock: clock
        ) { $0.operators = [ChatFixtures.bot.address] }
        let gate = VotingPowerGate(chainId: 1, snapshot: 100, source: "governor getVotes")
        let powered = try await hub.createGroup(ChatFixtures.spec("vp", gating: .votingPower(gate))).id
        let members = try await hub.createGroup(ChatFixtures.spec("members", gating: .members)).id
        _ = try await hub.submit(ChatFixtures.signed("I have power", by: ChatFixtures.alice, in: powered, at: clock.now()))
        await #expect(throws: ChatError(.notAMember, "\(ChatFixtures.bob.address) has no voting power at the snapshot")) {
            _ = try await hub.submit(ChatFixtures.signed("me too", by: ChatFixtures.bob, in: powered, at: clock.now()))
        }
        // Operators (the bot posting over HTTP) skip gating.
        _ = try await hub.submit(ChatFixtures.signed("bot", by: ChatFixtures.bot, in: powered, at: clock.now()))
        #expect(policy.callCount == 2)
        do {
            _ = try await hub.submit(ChatFixtures.signed("hi", by: ChatFixtures.bob, in: members, at: clock.now()))
            Issue.record("a non-member posted")
        } catch let error as ChatError { #expect(error.code == .notAMember) }
        #expect(try await hub.addMembers([ChatFixtures.bob.address], to: members) == 1)
        _ = try await hub.submit(ChatFixtures.signed("hi", by: ChatFixtures.bob, in: members, at: clock.now()))
        #expect(await store.lastPosition() == 3)
    }

    @Test func perAddressRateLimitAnswersWithRetryAfter() async throws {
        let clock = ManualChatClock()
        let hub = Self.hub(clock: clock) { $0.postRatePerAddress = RateLimit(perSecond: 1, burst: 3) }
        let group = try await hub.createGroup(ChatFixtures.spec("rate")).id
        for i in 0..<3 { _ = try await hub.submit(ChatFixtures.signed("m\(i)", by: ChatFixtures.alice, in: group, at: clock.now())) }
        do {
            _ = try await hub.submit(ChatFixtures.signed("flood", by: ChatFixtures.alice, in: group, at: clock.now()))
            Issue.record("the fourth post was accepted")
        } catch let error as ChatError {
            #expect(error.code == .rateLimited && error.retryAfter == 1)
        }
        // Another sender is not affected; after a second Alice may post again.
        _ = try await hub.submit(ChatFixtures.signed("bob", by: ChatFixtures.bob, in: group, at: clock.now()))
        clock.advance(1000)
        _ = try await hub.submit(ChatFixtures.signed("again", by: ChatFixtures.alice, in: group, at: clock.now()))
    }

    @Test(arguments: ChatStoreTests.Kind.allCases) func concurrentPostersKeepSequencesGapFreeInFewerTransactions(
        kind: ChatStoreTests.Kind
    )
        async throws
    {
        let (store, folder) = try ChatStoreTests.store(kind)
        _ = folder
        let hub = ChatHub(store: store, configuration: ChatFixtures.configuration(), clock: SystemChatClock())
        var groups: [GroupID] = []
        for i in 0..<3 { groups.append(try await hub.createGroup(ChatFixtures.spec("c\(i)")).id) }
        let posters = 32, each = 20
        let keys = (0..<posters).map { _ in PrivateKey.generate() }
        let ids = groups
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for (p, key) in keys.enumerated() {
                tasks.addTask {
                    for i in 0..<each {
                        let group = ids[(p + i) % ids.count]
                        let entry = try await hub.submit(
                            ChatFixtures.signed("p\(p) m\(i)", by: key, in: group, at: SystemChatClock().now()))
                        #expect(entry.group == group)
                    }
                }
            }
            try await tasks.waitForAll()
        }
        var total = 0
        for group in groups {
            let log = try await store.messages(in: group, afterSeq: 0, limit: 10_000)
            #expect(ChatFixtures.chainProblem(log) == nil)
            total += log.count
        }
        #expect(total == posters * each)
        let all = try await store.messages(afterPosition: 0, limit: 10_000)
        #expect(all.map(\.position) == Array(1...Int64(posters * each)))
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.receivedAt <= $1.receivedAt })
        let statistics = await hub.commitStatistics()
        #expect(statistics.messages == posters * each)
        #expect(statistics.storeTime > .zero, "the writer's time in transactions is measured")
        if kind == .sqlite {
            // While one transaction waits for its fsync, the posts that arrive meanwhile queue for the next.
            #expect(statistics.batches < statistics.messages / 2, "group commit batched little: \(statistics)")
        }
    }

    @Test func subscriptionsDeliverEveryEntryOnceWhilePostsArrive() async throws {
        let folder = try TemporaryDirectory()
        let store = try SQLiteStore(path: folder.file("s.sqlite"))
        let hub = ChatHub(store: store, configuration: ChatFixtures.configuration(), clock: SystemChatClock())
        let group = try await hub.createGroup(ChatFixtures.spec("live")).id
        let total = 300
        for i in 0..<40 {
            _ = try await hub.submit(ChatFixtures.signed("early \(i)", by: ChatFixtures.alice, in: group, at: SystemChatClock().now()))
        }
        try await withThrowingTaskGroup(of: [StoredMessage].self) { tasks in
            // Two readers: one from the start, one resuming from seq 17.
            for start in [UInt64(0), 17] {
                tasks.addTask {
                    var got: [StoredMessage] = []
                    for try await entry in hub.subscribe(to: group, after: start) {
                        got.append(entry)
                        if entry.seq == UInt64(total) { break }
                    }
                    return got
                }
            }
            // The bot's cursor across groups.
            tasks.addTask {
                var got: [StoredMessage] = []
                for try await entry in hub.committed(after: 0) {
                    got.append(entry)
                    if got.count == total { break }
                }
                return got
            }
            tasks.addTask {
                for i in 40..<total {
                    _ = try await hub.submit(ChatFixtures.signed("live \(i)", by: ChatFixtures.bob, in: group, at: SystemChatClock().now()))
                }
                return []
            }
            var results: [[StoredMessage]] = []
            for try await result in tasks where !result.isEmpty { results.append(result) }
            #expect(results.count == 3)
            for result in results {
                let seqs = result.map(\.seq)
                let first = seqs.first ?? 0
                #expect(seqs == Array(first...UInt64(total)), "gap or duplicate")
                #expect(first == 1 || first == 18)
            }
        }
        #expect(ChatFixtures.chainProblem(try await store.messages(in: group, afterSeq: 0, limit: 1000)) == nil)
    }

    @Test func theBotResumesFromItsCursorAfterARestart() async throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("r.sqlite")
        var cursor: ChatCursor?
        var seen: [String] = []
        let group: GroupID
        do {
            let hub = ChatHub(store: try SQLiteStore(path: path), configuration: ChatFixtures.configuration())
            let transport = HubTransport(hub: hub, botKey: ChatFixtures.bot)
            group = try await transport.createGroup(ChatFixtures.spec("restart")).id
            _ = try await transport.post("hello", to: group, transactionID: "t1")
            for i in 0..<4 {
                _ = try await hub.submit(ChatFixtures.signed("m\(i)", by: ChatFixtures.alice, in: group, at: SystemChatClock().now()))
            }
            for try await message in transport.events(since: nil) {
                seen.append(message.body)
                cursor = message.cursor
                if seen.count == 3 { break }
            }
        }
        // Restart: a new hub over the reopened file; the bot continues after its cursor.
        let hub = ChatHub(store: try SQLiteStore(path: path), configuration: ChatFixtures.configuration())
        let transport = HubTransport(hub: hub, botKey: ChatFixtures.bot)
        #expect(try await transport.post("hello", to: group, transactionID: "t1").entry?.seq == 1)
        _ = try await hub.submit(ChatFixtures.signed("after restart", by: ChatFixtures.bob, in: group, at: SystemChatClock().now()))
        for try await message in transport.events(since: cursor) {
            seen.append(message.body)
            #expect(message.signer == message.entry?.sender)
            if seen.count == 6 { break }
        }
        #expect(seen == ["hello", "m0", "m1", "m2", "m3", "after restart"])
        let history = try await transport.history(of: group, after: ChatCursor("seq:4"), limit: 10)
        #expect(history.map(\.body) == ["m3", "after restart"])
        #expect(ChatFixtures.chainProblem(try await hub.messages(in: group, after: 0, limit: 100)) == nil)
    }

    @Test func cancelledSubscribersLeaveNothingBehind() async throws {
        let hub = Self.hub()
        let group = try await hub.createGroup(ChatFixtures.spec("cancel")).id
        let reader = Task {
            for try await _ in hub.subscribe(to: group, after: 0) {}
        }
        let commits = Task {
            for try await _ in hub.committed(after: 0) {}
        }
        // Wait until both are parked, then cancel them.
        while await hub.waitingSubscribers() < 2 { await Task.yield() }
        reader.cancel()
        commits.cancel()
        _ = await reader.result
        _ = await commits.result
        #expect(await hub.waitingSubscribers() == 0)
    }

    @Test func closedGroupsDoNotAccumulateInMemory() async throws {
        let hub = Self.hub()
        let open = try await hub.createGroup(ChatFixtures.spec("still-open")).id
        _ = try await hub.post("open", to: open, signedBy: ChatFixtures.bot, idempotencyKey: "open")
        var closed: [GroupID] = []
        for i in 0..<1100 {
            let group = try await hub.createGroup(ChatFixtures.spec("closed-\(i)")).id
            _ = try await hub.close(group, notice: "closed", signedBy: ChatFixtures.bot, idempotencyKey: "close")
            closed.append(group)
        }
        // The open group and at most the last 1,024 closed ones are remembered, not all 1,101.
        let tracked = await hub.trackedGroups()
        #expect(tracked >= 1 && tracked <= 1 + 1024, "\(tracked) groups tracked")
        // Streams of forgotten and remembered closed groups still replay and end.
        for group in [closed[0], closed[closed.count - 1]] {
            var seen: [UInt64] = []
            for try await entry in hub.subscribe(to: group, after: 0) { seen.append(entry.seq) }
            #expect(seen == [1])
        }
    }
}

/// A store whose appends fail while `failing` is set (the disk is full, the database is locked).
final class FlakyStore: ChatStore {
    let inner = InMemoryChatStore()
    private let failing = Mutex(false)

    func setFailing(_ value: Bool) { failing.withLock { $0 = value } }

    struct DiskFull: Error {}

    func createGroup(_ spec: GroupSpec, id: GroupID, hub: String, at time: UInt64) async throws -> (group: GroupInfo, created: Bool) {
        try await inner.createGroup(spec, id: id, hub: hub, at: time)
    }
    func group(_ id: GroupID) async throws -> GroupInfo? { await inner.group(id) }
    func groups(afterOrdinal ordinal: Int64, limit: Int) async throws -> [GroupInfo] {
        await inner.groups(afterOrdinal: ordinal, limit: limit)
    }
    func head(of group: GroupID) async throws -> ChainHead { await inner.head(of: group) }
    func append(_ drafts: [MessageDraft]) async throws -> [AppendOutcome] {
        if failing.withLock({ $0 }) { throw DiskFull() }
        return await inner.append(drafts)
    }
    func messages(in group: GroupID, afterSeq: UInt64, limit: Int) async throws -> [StoredMessage] {
        await inner.messages(in: group, afterSeq: afterSeq, limit: limit)
    }
    func messages(afterPosition: Int64, limit: Int) async throws -> [StoredMessage] {
        await inner.messages(afterPosition: afterPosition, limit: limit)
    }
    func message(in group: GroupID, sender: Address, nonce: Hash32) async throws -> StoredMessage? {
        await inner.message(in: group, sender: sender, nonce: nonce)
    }
    func lastPosition() async throws -> Int64 { await inner.lastPosition() }
    func addMembers(_ addresses: [Address], to group: GroupID, at time: UInt64) async throws -> Int {
        try await inner.addMembers(addresses, to: group, at: time)
    }
    func isMember(_ address: Address, of group: GroupID) async throws -> Bool { await inner.isMember(address, of: group) }
}

@Suite("ChatHub when the store fails")
struct ChatHubStoreFailureTests {
    @Test func aFailedCommitAnswersUnavailableAndTheNextOneWorks() async throws {
        let store = FlakyStore()
        let hub = ChatHub(store: store, configuration: ChatFixtures.configuration(), clock: SystemChatClock())
        let group = try await hub.createGroup(ChatFixtures.spec("flaky")).id
        store.setFailing(true)
        let message = ChatFixtures.signed("lost?", by: ChatFixtures.alice, in: group, at: SystemChatClock().now())
        do {
            _ = try await hub.submit(message)
            Issue.record("a failed commit was acknowledged")
        } catch let error as ChatError {
            #expect(error.code == .unavailable && error.retryAfter == 1 && error.message.contains("DiskFull"))
        }
        #expect(try await store.lastPosition() == 0)
        store.setFailing(false)
        // The same signed message can be retried: nothing of the failed batch was kept.
        #expect(try await hub.submit(message).seq == 1)
    }
}
