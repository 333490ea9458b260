import Synchronization

/// Open groups by id, so posts and streams skip a store read. The writer removes a group in the
/// same step that publishes its closing entry, before any subscriber can be woken by it, so a
/// reader never sees the closing entry and then an "open" group.
final class OpenGroupCache: Sendable {
    private let table = Mutex<[GroupID: GroupInfo]>([:])
    private let capacity: Int

    init(capacity: Int = 10_000) { self.capacity = capacity }

    subscript(id: GroupID) -> GroupInfo? { table.withLock { $0[id] } }

    /// Keeps `info` if it is open (the whole table is dropped when full: it refills from the store).
    func remember(_ info: GroupInfo) {
        guard info.isOpen else { return }
        table.withLock { t in
            if t.count >= capacity { t.removeAll(keepingCapacity: true) }
            t[info.id] = info
        }
    }

    func forget(_ ids: some Sequence<GroupID>) {
        table.withLock { t in for id in ids { t[id] = nil } }
    }
}
