/// What a group stream yields: entries, once each in `seq` order; a marker when the backlog is
/// delivered; and the end when the group has closed and its closing entry was delivered.
public enum StreamEvent: Sendable, Equatable {
    case message(StoredMessage)
    /// Everything committed so far has been delivered; `seq` is the last one (sent once).
    case caughtUp(seq: UInt64)
    /// The group is closed and its last entry (`seq`) was delivered; nothing follows.
    case closed(seq: UInt64)
}

/// A reader's position in one group: reads pages from the store after its cursor, and when it has
/// read everything, waits for the feed to announce a commit past it. Gap-free and duplicate-free
/// by construction: the cursor is the last `seq` delivered.
public struct GroupCursor: Sendable {
    let hub: ChatHub
    public let group: GroupID
    /// The last `seq` delivered.
    public private(set) var seq: UInt64
    private var buffer: [StoredMessage] = []
    private var index = 0
    private var announcedCaughtUp = false
    private var finished = false
    static let pageSize = 256

    init(hub: ChatHub, group: GroupID, after seq: UInt64) {
        self.hub = hub
        self.group = group
        self.seq = seq
    }

    /// The next event; nil after `.closed`. Throws `group-not-found`, store failures, or
    /// `CancellationError` while waiting.
    public mutating func next() async throws -> StreamEvent? {
        while !finished {
            if index < buffer.count {
                let entry = buffer[index]
                index += 1
                seq = entry.seq
                return .message(entry)
            }
            let page = try await hub.storeCall { [seq, group] in
                try await hub.store.messages(in: group, afterSeq: seq, limit: Self.pageSize)
            }
            if !page.isEmpty {
                buffer = page
                index = 0
                continue
            }
            buffer = []
            index = 0
            let info = try await hub.group(group)
            if let closing = info.closingSeq, seq >= closing {
                finished = true
                return .closed(seq: seq)
            }
            if !announcedCaughtUp {
                announcedCaughtUp = true
                return .caughtUp(seq: seq)
            }
            try await hub.feed.waitForGroup(group, after: seq)
        }
        return nil
    }
}

/// A group's entries after a `seq`, then live ones, ending after the closing entry.
public struct GroupSubscription: AsyncSequence, Sendable {
    public typealias Element = StoredMessage
    let hub: ChatHub
    let group: GroupID
    let after: UInt64

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        var cursor: GroupCursor

        public mutating func next() async throws -> StoredMessage? {
            while let event = try await cursor.next() {
                if case .message(let entry) = event { return entry }
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(cursor: GroupCursor(hub: hub, group: group, after: after))
    }
}

/// Entries of all groups after a store `position`, in commit order, then live ones; never ends.
public struct CommitSubscription: AsyncSequence, Sendable {
    public typealias Element = StoredMessage
    let hub: ChatHub
    let after: Int64

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let hub: ChatHub
        /// The last position delivered.
        public private(set) var position: Int64
        var buffer: [StoredMessage] = []
        var index = 0

        init(hub: ChatHub, position: Int64) {
            self.hub = hub
            self.position = position
        }

        public mutating func next() async throws -> StoredMessage? {
            while true {
                if index < buffer.count {
                    let entry = buffer[index]
                    index += 1
                    position = entry.position
                    return entry
                }
                let page = try await hub.storeCall { [position, hub] in
                    try await hub.store.messages(afterPosition: position, limit: GroupCursor.pageSize)
                }
                buffer = page
                index = 0
                if page.isEmpty { try await hub.feed.waitForPosition(after: position) }
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(hub: hub, position: after)
    }
}

extension ChatHub {
    /// A cursor over a group's stream with catch-up and close markers (what the WebSocket serves).
    public func cursor(for group: GroupID, after seq: UInt64) -> GroupCursor {
        GroupCursor(hub: self, group: group, after: seq)
    }
}
