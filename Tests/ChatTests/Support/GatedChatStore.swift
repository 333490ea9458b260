import Chat
import Ethereum

/// A store whose writes can be held at a gate: while the gate is shut, `append` waits before
/// handing its batch to the real store beneath. Tests use it to fill the hub's queue of posts
/// waiting for the writer without depending on how fast the disk is.
final class GatedChatStore: ChatStore {
    let inner: any ChatStore
    let gate = Gate()

    init(_ inner: any ChatStore) { self.inner = inner }

    func append(_ drafts: [MessageDraft]) async throws -> [AppendOutcome] {
        await gate.pass()
        return try await inner.append(drafts)
    }

    func createGroup(_ spec: GroupSpec, id: GroupID, hub: String, at time: UInt64) async throws -> (group: GroupInfo, created: Bool) {
        try await inner.createGroup(spec, id: id, hub: hub, at: time)
    }
    func group(_ id: GroupID) async throws -> GroupInfo? { try await inner.group(id) }
    func groups(afterOrdinal ordinal: Int64, limit: Int) async throws -> [GroupInfo] {
        try await inner.groups(afterOrdinal: ordinal, limit: limit)
    }
    func head(of group: GroupID) async throws -> ChainHead { try await inner.head(of: group) }
    func messages(in group: GroupID, afterSeq: UInt64, limit: Int) async throws -> [StoredMessage] {
        try await inner.messages(in: group, afterSeq: afterSeq, limit: limit)
    }
    func messages(afterPosition: Int64, limit: Int) async throws -> [StoredMessage] {
        try await inner.messages(afterPosition: afterPosition, limit: limit)
    }
    func message(in group: GroupID, sender: Address, nonce: Hash32) async throws -> StoredMessage? {
        try await inner.message(in: group, sender: sender, nonce: nonce)
    }
    func lastPosition() async throws -> Int64 { try await inner.lastPosition() }
    func addMembers(_ addresses: [Address], to group: GroupID, at time: UInt64) async throws -> Int {
        try await inner.addMembers(addresses, to: group, at: time)
    }
    func isMember(_ address: Address, of group: GroupID) async throws -> Bool { try await inner.isMember(address, of: group) }

    /// Open by default. `shut()` holds every later `pass()` until `open()`; `arrivals(atLeast:)`
    /// returns once that many callers have reached the gate (held or not).
    actor Gate {
        private var isOpen = true
        private var held: [CheckedContinuation<Void, Never>] = []
        private var arrived = 0
        private var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

        func shut() { isOpen = false }

        func open() {
            isOpen = true
            let released = held
            held = []
            for continuation in released { continuation.resume() }
        }

        func pass() async {
            arrived += 1
            let ready = watchers.filter { $0.count <= arrived }
            watchers.removeAll { $0.count <= arrived }
            for watcher in ready { watcher.continuation.resume() }
            if isOpen { return }
            await withCheckedContinuation { held.append($0) }
        }

        func arrivals(atLeast count: Int) async {
            if arrived >= count { return }
            await withCheckedContinuation { watchers.append((count, $0)) }
        }
    }
}
