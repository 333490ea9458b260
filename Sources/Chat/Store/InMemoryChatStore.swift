import Ethereum

/// A `ChatStore` in memory, for unit tests and throwaway hubs: the same rules as the SQLite store,
/// nothing durable.
public actor InMemoryChatStore: ChatStore {
    private var groupsByID: [GroupID: GroupInfo] = [:]
    private var groupsByKey: [String: GroupID] = [:]
    private var ordered: [GroupID] = []
    private var logs: [GroupID: [StoredMessage]] = [:]
    private var all: [StoredMessage] = []
    private var byNonce: [NonceKey: StoredMessage] = [:]
    private var members: [GroupID: Set<Address>] = [:]

    private struct NonceKey: Hashable {
        let group: GroupID
        let sender: Address
        let nonce: Hash32
    }

    public init() {}

    public func createGroup(_ spec: GroupSpec, id: GroupID, hub: String, at time: UInt64) throws -> (group: GroupInfo, created: Bool) {
        if let existing = groupsByKey[spec.key] { return (groupsByID[existing]!, false) }
        guard groupsByID[id] == nil else { throw ChatError(.internalError, "group id \(id) already exists") }
        let info = GroupInfo(
            id: id, ordinal: Int64(ordered.count + 1), hub: hub, key: spec.key, title: spec.title, topic: spec.topic, gating: spec.gating,
            createdAt: time, closedAt: nil, closingSeq: nil)
        groupsByID[id] = info
        groupsByKey[spec.key] = id
        ordered.append(id)
        return (info, true)
    }

    public func group(_ id: GroupID) -> GroupInfo? { groupsByID[id] }

    public func groups(afterOrdinal ordinal: Int64, limit: Int) -> [GroupInfo] {
        guard ordinal < Int64(ordered.count) else { return [] }
        return ordered[Int(max(0, ordinal))...].prefix(max(0, limit)).map { groupsByID[$0]! }
    }

    public func head(of group: GroupID) -> ChainHead {
        guard let last = logs[group]?.last else { return .empty }
        return ChainHead(seq: last.seq, hash: last.hash)
    }

    public func append(_ drafts: [MessageDraft]) -> [AppendOutcome] {
        drafts.map { draft in
            if let rejection = draft.rejection(for: groupsByID[draft.group]) { return .rejected(rejection) }
            let m = draft.signed.message
            let key = NonceKey(group: m.group, sender: m.sender, nonce: m.nonce)
            if let existing = byNonce[key] { return .duplicate(existing) }
            let info = groupsByID[draft.group]!
            let entry = draft.entry(position: Int64(all.count + 1), hub: info.hub, after: head(of: draft.group))
            logs[draft.group, default: []].append(entry)
            all.append(entry)
            byNonce[key] = entry
            if draft.closesGroup {
                groupsByID[draft.group] = GroupInfo(
                    id: info.id, ordinal: info.ordinal, hub: info.hub, key: info.key, title: info.title, topic: info.topic,
                    gating: info.gating, createdAt: info.createdAt, closedAt: entry.receivedAt, closingSeq: entry.seq)
            }
            return .appended(entry)
        }
    }

    public func messages(in group: GroupID, afterSeq: UInt64, limit: Int) -> [StoredMessage] {
        guard let log = logs[group], afterSeq < UInt64(log.count) else { return [] }
        return Array(log[Int(afterSeq)...].prefix(max(0, limit)))
    }

    public func messages(afterPosition: Int64, limit: Int) -> [StoredMessage] {
        guard afterPosition < Int64(all.count) else { return [] }
        return Array(all[Int(max(0, afterPosition))...].prefix(max(0, limit)))
    }

    public func message(in group: GroupID, sender: Address, nonce: Hash32) -> StoredMessage? {
        byNonce[NonceKey(group: group, sender: sender, nonce: nonce)]
    }

    public func lastPosition() -> Int64 { Int64(all.count) }

    public func addMembers(_ addresses: [Address], to group: GroupID, at time: UInt64) throws -> Int {
        guard groupsByID[group] != nil else { throw ChatError(.groupNotFound, "no group \(group)") }
        var added = 0
        for address in addresses where members[group, default: []].insert(address).inserted { added += 1 }
        return added
    }

    public func isMember(_ address: Address, of group: GroupID) -> Bool { members[group]?.contains(address) ?? false }
}
