import Synchronization

/// Wakes subscribers when entries commit. It holds no messages: subscribers read the store from
/// their own cursor, so they see every entry once, in order, however late they are.
///
/// Heads only grow. A subscriber that read nothing after `seq` and then waits is woken by any
/// commit past `seq`, including one published between its read and its wait.
///
/// A closed group's head is kept until `closedRetention` more groups have closed, then dropped, so
/// the heads stay bounded by the open groups plus that many. After the closing entry, the only
/// reader that can still wait on the group is one that found it open just before (its next look
/// sees it closed); such a reader waits within moments, long before a thousand more groups close.
final class MessageFeed: Sendable {
    /// Closed groups whose heads are kept.
    static let closedRetention = 1024

    private struct State {
        var heads: [GroupID: UInt64] = [:]
        /// Closed groups whose heads are still kept, oldest first.
        var closed: [GroupID] = []
        var lastPosition: Int64 = 0
        var groupWaiters: [GroupID: [UInt64: CheckedContinuation<Void, any Error>]] = [:]
        var positionWaiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var nextID: UInt64 = 0

        /// Notes that `group` has closed; drops the head of the oldest closed group beyond the retention.
        mutating func retire(_ group: GroupID) {
            closed.append(group)
            guard closed.count > MessageFeed.closedRetention else { return }
            heads[closed.removeFirst()] = nil
        }
    }

    private let state = Mutex(State())

    /// Records committed entries (in position order) and the groups they closed, and wakes whoever
    /// waits for them.
    func publish(_ entries: [StoredMessage], closing: [GroupID] = []) {
        let woken = state.withLock { s in
            var woken: [CheckedContinuation<Void, any Error>] = []
            for entry in entries {
                s.heads[entry.group] = max(s.heads[entry.group] ?? 0, entry.seq)
                s.lastPosition = max(s.lastPosition, entry.position)
                if let waiters = s.groupWaiters.removeValue(forKey: entry.group) { woken.append(contentsOf: waiters.values) }
            }
            for group in closing { s.retire(group) }
            woken.append(contentsOf: s.positionWaiters.values)
            s.positionWaiters = [:]
            return woken
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns once an entry of `group` with seq > `seq` has been published (at once if one has),
    /// or `poke` was called; throws `CancellationError` when the task is cancelled.
    func waitForGroup(_ group: GroupID, after seq: UInt64) async throws {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: (any Error)?? = state.withLock { s in
                    if Task.isCancelled { return .some(CancellationError()) }
                    if (s.heads[group] ?? 0) > seq { return .some(nil) }
                    s.groupWaiters[group, default: [:]][id] = continuation
                    return .none
                }
                switch immediate {
                case .some(.some(let error)): continuation.resume(throwing: error)
                case .some(.none): continuation.resume()
                case .none: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { s in
                let waiter = s.groupWaiters[group]?.removeValue(forKey: id)
                if s.groupWaiters[group]?.isEmpty == true { s.groupWaiters[group] = nil }
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Returns once an entry with position > `position` has been published (at once if one has).
    func waitForPosition(after position: Int64) async throws {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: (any Error)?? = state.withLock { s in
                    if Task.isCancelled { return .some(CancellationError()) }
                    if s.lastPosition > position { return .some(nil) }
                    s.positionWaiters[id] = continuation
                    return .none
                }
                switch immediate {
                case .some(.some(let error)): continuation.resume(throwing: error)
                case .some(.none): continuation.resume()
                case .none: break
                }
            }
        } onCancel: {
            state.withLock { $0.positionWaiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }

    /// Wakes the waiters of a group found closed without a new entry here (closed by another
    /// process, or a cache behind), so they look again; its head is retired like a closed group's.
    func poke(_ group: GroupID) {
        let woken = state.withLock { s in
            s.retire(group)
            return s.groupWaiters.removeValue(forKey: group)
        }
        for waiter in woken?.values ?? [:].values { waiter.resume() }
    }

    /// Groups whose head is kept.
    var trackedGroups: Int { state.withLock { $0.heads.count } }

    /// Number of suspended waiters (tests check that cancelled subscribers leave none behind).
    var waiting: Int { state.withLock { s in s.groupWaiters.values.reduce(0) { $0 + $1.count } + s.positionWaiters.count } }
}
