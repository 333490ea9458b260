import Synchronization

/// A `ChainWatchStore` in memory, for fast unit tests of the follower logic.
public final class InMemoryChainWatchStore: ChainWatchStore {
    struct StoredEvent {
        var record: ChainEventRecord
        var status: EventStatus
        let follower: FollowerID
    }

    private struct Data {
        var followers: [FollowerID: FollowerState] = [:]
        var events: [StoredEvent] = []
        var notifications: [ChainNotification] = []
    }

    private let data = Mutex(Data())

    public init() {}

    public func loadFollower(_ id: FollowerID) async throws -> FollowerState? { data.withLock { $0.followers[id] } }

    public func commit(_ id: FollowerID, _ commit: FollowerCommit) async throws {
        data.withLock { d in
            if let rollback = commit.rollback {
                var removed: [ChainEventRecord] = []
                for i in d.events.indices where d.events[i].follower == id && d.events[i].status != .removed {
                    if rollback.keepThrough.map({ d.events[i].record.position.blockNumber > $0 }) ?? true {
                        if d.events[i].status == .confirmed { removed.append(d.events[i].record) }
                        d.events[i].status = .removed
                    }
                }
                if !removed.isEmpty {
                    d.notifications.append(
                        .rolledBack(
                            sequence: Int64(d.notifications.count + 1), follower: id, keepThrough: rollback.keepThrough, removed: removed))
                }
            }
            for record in commit.events {
                let key = (record.position.blockHash, record.position.logIndex)
                if let i = d.events.firstIndex(where: {
                    $0.follower == id && ($0.record.position.blockHash, $0.record.position.logIndex) == key
                }) {
                    if d.events[i].status == .removed { d.events[i].status = .tentative }
                } else {
                    d.events.append(StoredEvent(record: record, status: .tentative, follower: id))
                }
            }
            if let through = commit.confirmThrough {
                let ready = d.events.indices.filter {
                    d.events[$0].follower == id && d.events[$0].status == .tentative && d.events[$0].record.position.blockNumber <= through
                }.sorted {
                    (d.events[$0].record.position.blockNumber, d.events[$0].record.position.logIndex) < (
                        d.events[$1].record.position.blockNumber, d.events[$1].record.position.logIndex
                    )
                }
                for i in ready {
                    d.events[i].status = .confirmed
                    d.notifications.append(.confirmed(sequence: Int64(d.notifications.count + 1), event: d.events[i].record))
                }
            }
            d.followers[id] = commit.state
        }
    }

    public func notifications(after: Int64, limit: Int) async throws -> [ChainNotification] {
        data.withLock { Array($0.notifications.filter { $0.sequence > after }.prefix(limit)) }
    }

    public func events(_ id: FollowerID) async throws -> [(record: ChainEventRecord, status: EventStatus)] {
        data.withLock { $0.events.filter { $0.follower == id }.map { ($0.record, $0.status) } }
    }
}
