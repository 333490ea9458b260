import Ethereum

/// The built-in chat hub: groups per proposal, wallet-signed messages, a hash-linked log per
/// group, committed in batches and streamed to subscribers from any cursor.
///
/// The bot uses it in-process (`createGroup`, `post`, `close`, `committed(after:)`); the HTTP
/// server (`buildChatApplication`) exposes it to members. Every failure is a `ChatError`.
public final class ChatHub: Sendable {
    public let configuration: Configuration
    public let store: any ChatStore
    let policy: any PostingPolicy
    let clock: any ChatClock
    let feed = MessageFeed()
    let committer: CommitQueue
    let addressLimiter: RateLimiter<Address>?
    let openGroups = OpenGroupCache()

    /// A hub over `store`; `policy` defaults to `StandardPostingPolicy(store:)`.
    public init(
        store: any ChatStore, policy: (any PostingPolicy)? = nil, configuration: Configuration, clock: any ChatClock = SystemChatClock()
    ) {
        self.store = store
        self.policy = policy ?? StandardPostingPolicy(store: store)
        self.configuration = configuration
        self.clock = clock
        committer = CommitQueue(
            store: store, feed: feed, openGroups: openGroups, clock: clock, maxBatch: configuration.maxBatch,
            maxPending: configuration.maxPending)
        addressLimiter = configuration.postRatePerAddress.map { RateLimiter(limit: $0) }
    }

    // MARK: Groups

    /// Creates the group for `spec.key`, or returns the one that exists.
    public func createGroup(_ spec: GroupSpec) async throws -> GroupInfo {
        guard !spec.key.isEmpty, spec.key.utf8.count <= 255 else {
            throw ChatError(.badParameter, "a group key is 1 to 255 bytes, found \(spec.key.utf8.count)")
        }
        guard spec.title.utf8.count <= 1024, spec.topic.utf8.count <= 16 * 1024 else {
            throw ChatError(.badParameter, "a group title is at most 1024 bytes and a topic at most 16384")
        }
        return try await storeCall { try await store.createGroup(spec, id: .random(), hub: configuration.hub, at: clock.now()).group }
    }

    /// The group, or `group-not-found`.
    public func group(_ id: GroupID) async throws -> GroupInfo {
        if let cached = openGroups[id] { return cached }
        guard let info = try await storeCall({ try await store.group(id) }) else { throw ChatError(.groupNotFound, "no group \(id)") }
        openGroups.remember(info)
        return info
    }

    /// Groups in creation order after `ordinal`.
    public func groups(afterOrdinal ordinal: Int64, limit: Int) async throws -> [GroupInfo] {
        try await storeCall { try await store.groups(afterOrdinal: ordinal, limit: min(max(0, limit), configuration.maxPage)) }
    }

    public func head(of group: GroupID) async throws -> ChainHead {
        _ = try await self.group(group)
        return try await storeCall { try await store.head(of: group) }
    }

    /// Adds members to a group gated by `members`; returns how many were new.
    public func addMembers(_ addresses: [Address], to group: GroupID) async throws -> Int {
        try await storeCall { try await store.addMembers(addresses, to: group, at: clock.now()) }
    }

    // MARK: Posting

    /// Accepts a member's signed message: checks it, commits it, returns the stored entry.
    ///
    /// The checks, cheapest first: body size, group known and open, hub, timestamp skew, signature
    /// and signer, the sender's rate, gating; then replay (same group, sender and nonce) in the
    /// store. Returns only after the entry's transaction has committed.
    public func submit(_ signed: SignedChatMessage) async throws -> StoredMessage {
        try await accept(signed, trusted: false, closesGroup: false)
    }

    /// Posts `body` as the holder of `key` (the bot), idempotently: posting again with the same
    /// `idempotencyKey` in the same group returns the first entry. Skips gating and rate limits.
    public func post(_ body: String, to group: GroupID, signedBy key: PrivateKey, idempotencyKey: String) async throws -> StoredMessage {
        try await postTrusted(body, to: group, key: key, idempotencyKey: idempotencyKey, closesGroup: false)
    }

    /// Closes a group with a last message (`notice`) from `key`; nothing can be posted after it.
    /// Idempotent: if the group is already closed, returns its closing entry.
    public func close(_ group: GroupID, notice: String, signedBy key: PrivateKey, idempotencyKey: String) async throws -> StoredMessage {
        let info = try await self.group(group)
        if let closing = info.closingSeq {
            guard let entry = try await storeCall({ try await store.messages(in: group, afterSeq: closing - 1, limit: 1).first }) else {
                throw ChatError(.internalError, "group \(group) is closed at seq \(closing) but that entry is missing")
            }
            return entry
        }
        return try await postTrusted(notice, to: group, key: key, idempotencyKey: idempotencyKey, closesGroup: true)
    }

    /// The nonce the hub derives from an idempotency key: keccak256("plenum-chat/idempotency:" ‖ key).
    public static func nonce(forIdempotencyKey key: String) -> Hash32 {
        Keccak256.hash("plenum-chat/idempotency:" + key)
    }

    private func postTrusted(
        _ body: String, to group: GroupID, key: PrivateKey, idempotencyKey: String, closesGroup: Bool
    )
        async throws -> StoredMessage
    {
        let nonce = Self.nonce(forIdempotencyKey: idempotencyKey)
        if let existing = try await storeCall({ try await store.message(in: group, sender: key.address, nonce: nonce) }) {
            return existing
        }
        let info = try await self.group(group)
        let message = ChatMessage(hub: info.hub, group: group, sender: key.address, body: body, timestamp: clock.now(), nonce: nonce)
        do {
            return try await accept(message.signed(with: key), trusted: true, closesGroup: closesGroup)
        } catch let error as ChatError where error.code == .replayed && error.existing != nil {
            return error.existing!
        }
    }

    private func accept(_ signed: SignedChatMessage, trusted: Bool, closesGroup: Bool) async throws -> StoredMessage {
        let m = signed.message
        guard m.body.utf8.count <= configuration.maxBodyBytes else {
            throw ChatError(.tooLarge, "message.body is \(m.body.utf8.count) bytes of UTF-8; the limit is \(configuration.maxBodyBytes)")
        }
        let info = try await group(m.group)
        if let rejection = MessageDraft(signed: signed, id: .zero, receivedAt: 0).rejection(for: info) { throw rejection }
        let now = clock.now()
        let skew = m.timestamp > now ? m.timestamp - now : now - m.timestamp
        guard skew <= configuration.maxClockSkew else {
            throw ChatError(
                .timestampOutOfRange,
                "message.timestamp \(m.timestamp) is \(skew / 1000) s from the hub's clock (\(now)); at most \(configuration.maxClockSkew / 1000) s is accepted"
            )
        }
        let id = try signed.verify()
        let privileged = trusted || configuration.operators.contains(m.sender)
        if !privileged {
            if let limiter = addressLimiter, let wait = limiter.take(m.sender, now: now) {
                throw ChatError(.rateLimited, "\(m.sender.checksummed) posts too often; retry in \(wait) s", retryAfter: wait)
            }
            let decision: PostingDecision
            do { decision = try await policy.mayPost(sender: m.sender, group: info) } catch let error as ChatError { throw error } catch {
                throw ChatError(.unavailable, "the posting policy could not decide: \(error)", retryAfter: 1)
            }
            if case .deny(let reason) = decision { throw ChatError(.notAMember, reason) }
        }
        let draft = MessageDraft(signed: signed, id: id, receivedAt: now, closesGroup: closesGroup)
        switch await committer.append(draft) {
        case .success(.appended(let entry)):
            if closesGroup { await policy.groupClosed(info) }
            return entry
        case .success(.duplicate(let existing)):
            throw ChatError(
                .replayed,
                "\(m.sender.checksummed) already used nonce \(m.nonce) in group \(m.group) (stored at seq \(existing.seq))",
                existing: existing)
        case .success(.rejected(let error)):
            if error.code == .groupClosed { await closed(info) }
            throw error
        case .failure(let error):
            throw error
        }
    }

    /// A post found the group closed (by another process, or a cache behind): drop it, wake readers
    /// and let the policy forget it.
    private func closed(_ group: GroupInfo) async {
        openGroups.forget([group.id])
        feed.poke(group.id)
        await policy.groupClosed(group)
    }

    // MARK: Reading

    /// A page of a group's entries after `seq`.
    public func messages(in group: GroupID, after seq: UInt64, limit: Int) async throws -> [StoredMessage] {
        _ = try await self.group(group)
        return try await storeCall { try await store.messages(in: group, afterSeq: seq, limit: min(max(0, limit), configuration.maxPage)) }
    }

    /// Every entry of `group` after `seq`, then each new one as it commits; ends after the closing entry.
    public func subscribe(to group: GroupID, after seq: UInt64) -> GroupSubscription {
        GroupSubscription(hub: self, group: group, after: seq)
    }

    /// Every entry of every group after `position` in commit order, then each new one as it
    /// commits; never ends (cancel the task). The bot keeps `position` as its cursor.
    public func committed(after position: Int64) -> CommitSubscription {
        CommitSubscription(hub: self, after: position)
    }

    /// Batches committed and messages in them since start, and the time spent in the store's
    /// appends (transactions, commits and fsyncs; one at a time, so its rate is how busy the writer is).
    public func commitStatistics() async -> (batches: Int, messages: Int, storeTime: Duration) {
        let s = await committer.statistics
        return (s.batches, s.drafts, s.storeTime)
    }

    /// Posts waiting for the writer behind the transaction in progress (a gauge); when it reaches
    /// `Configuration.maxPending`, new posts are refused with `overloaded` (503).
    public func writesWaiting() async -> Int { await committer.waiting }

    /// Subscribers parked waiting for a commit (a metric; tests check cancelled ones leave).
    public func waitingSubscribers() async -> Int { feed.waiting }

    /// Groups whose last committed `seq` the hub keeps in memory to wake their readers: those that
    /// committed since start and are open, plus at most the last 1,024 closed (tests check the bound).
    public func trackedGroups() async -> Int { feed.trackedGroups }

    func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as ChatError { throw error } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ChatError(.unavailable, "the message store failed: \(error)", retryAfter: 1)
        }
    }
}
