/// Group commit: concurrent appends are gathered into one store transaction (one fsync).
///
/// No background task: the first caller to find the queue idle becomes the leader, commits
/// everything waiting (at most `maxBatch`), answers every caller in that batch, and hands the
/// lead to the oldest caller still waiting, so no caller waits for more than its own batch and the
/// one before it. Committed entries are published to the feed before any caller is answered.
actor CommitQueue {
    enum Turn: Sendable {
        case done(Result<AppendOutcome, ChatError>)
        case lead
    }

    private struct Entry {
        let ticket: UInt64
        var draft: MessageDraft
        let waiter: CheckedContinuation<Turn, Never>?
    }

    private let store: any ChatStore
    private let feed: MessageFeed
    private let openGroups: OpenGroupCache
    private let clock: any ChatClock
    private let maxBatch: Int
    private let maxPending: Int
    private var pending: [Entry] = []
    private var leading = false
    private var nextTicket: UInt64 = 0
    private var lastReceivedAt: UInt64 = 0
    /// Batches committed and drafts in them (for metrics and tests).
    private(set) var batches = 0
    private(set) var committedDrafts = 0
    /// Time spent in the store's append (the transaction, its commit and fsync), summed over batches.
    private(set) var storeTime = Duration.zero

    init(store: any ChatStore, feed: MessageFeed, openGroups: OpenGroupCache, clock: any ChatClock, maxBatch: Int, maxPending: Int) {
        self.store = store
        self.feed = feed
        self.openGroups = openGroups
        self.clock = clock
        self.maxBatch = max(1, maxBatch)
        self.maxPending = max(1, maxPending)
    }

    /// Appends one draft; returns after its batch has committed (or failed).
    func append(_ draft: MessageDraft) async -> Result<AppendOutcome, ChatError> {
        guard pending.count < maxPending else {
            return .failure(
                ChatError(.overloaded, "the hub has \(pending.count) messages waiting to be written; retry shortly", retryAfter: 1))
        }
        nextTicket += 1
        let ticket = nextTicket
        if leading {
            let turn = await withCheckedContinuation { continuation in
                pending.append(Entry(ticket: ticket, draft: draft, waiter: continuation))
            }
            if case .done(let result) = turn { return result }
        } else {
            leading = true
            pending.append(Entry(ticket: ticket, draft: draft, waiter: nil))
        }
        return await lead(ticket: ticket)
    }

    /// Commits the next batch (which holds `ticket`), answers it and passes the lead on.
    private func lead(ticket: UInt64) async -> Result<AppendOutcome, ChatError> {
        var batch = Array(pending.prefix(maxBatch))
        pending.removeFirst(batch.count)
        let now = max(lastReceivedAt, clock.now())
        lastReceivedAt = now
        for i in batch.indices { batch[i].draft.receivedAt = now }
        let results: [Result<AppendOutcome, ChatError>]
        let started = ContinuousClock.now
        do {
            let outcomes: [AppendOutcome]
            do {
                defer { storeTime += ContinuousClock.now - started }
                outcomes = try await store.append(batch.map(\.draft))
            }
            precondition(outcomes.count == batch.count, "a ChatStore returned \(outcomes.count) outcomes for \(batch.count) drafts")
            let appended = outcomes.compactMap { if case .appended(let m) = $0 { m } else { nil } }
            batches += 1
            committedDrafts += appended.count
            // Closed groups leave the cache before their closing entries wake anyone.
            let closing = zip(batch, outcomes).compactMap { entry, outcome in
                if case .appended = outcome, entry.draft.closesGroup { entry.draft.group } else { nil }
            }
            openGroups.forget(closing)
            if !appended.isEmpty { feed.publish(appended, closing: closing) }
            results = outcomes.map { .success($0) }
        } catch let error as ChatError {
            results = Array(repeating: .failure(error), count: batch.count)
        } catch {
            results = Array(
                repeating: .failure(ChatError(.unavailable, "the message store failed: \(error)", retryAfter: 1)), count: batch.count)
        }
        var own: Result<AppendOutcome, ChatError>?
        for (entry, result) in zip(batch, results) {
            if entry.ticket == ticket { own = result } else { entry.waiter?.resume(returning: .done(result)) }
        }
        if let next = pending.first {
            next.waiter?.resume(returning: .lead)
        } else {
            leading = false
        }
        return own!
    }

    var statistics: (batches: Int, drafts: Int, storeTime: Duration) { (batches, committedDrafts, storeTime) }

    /// Drafts waiting for a transaction (not the batch being written); at `maxPending`, posts are refused.
    var waiting: Int { pending.count }
}
