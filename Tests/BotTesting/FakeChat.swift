import Bot
import Ethereum
import PlenumTesting

/// An in-memory chat carrier with idempotent posts, that also counts every post it was asked for.
public final class FakeChat: BotChat {
    public struct Group: Sendable {
        public var key: String
        public var title: String
        public var messages: [BotMessage] = []
        public var closed = false
        var keys: [String: BotMessage] = [:]
    }

    public struct State: Sendable {
        public var groups: [String: Group] = [:]
        var byKey: [String: String] = [:]
        /// The receive time (Unix ms) of the last message; each message adds a second.
        public var now: UInt64 = 1_700_000_000_000
    }

    public let state = PthreadLocked(State())
    public let botAddress: Address

    public init(bot: Address) { botAddress = bot }

    public func openGroup(key: String, title: String, topic: String, gating: BotGating) async throws -> String {
        state.withLock { s in
            if let id = s.byKey[key] { return id }
            let id = "g\(s.groups.count + 1)"
            s.groups[id] = Group(key: key, title: title)
            s.byKey[key] = id
            return id
        }
    }

    func append(_ group: String, sender: Address, body: String, key: String?) throws -> BotMessage {
        try state.withLock { s in
            guard var g = s.groups[group] else { throw FakeChatError.noGroup }
            if let key, let existing = g.keys[key] { return existing }
            guard !g.closed else { throw FakeChatError.closed }
            s.now += 1000
            let prev = g.messages.last?.hash ?? .zero
            let hash = Keccak256.hash(prev.bytes + Array(body.utf8) + sender.bytes)
            let message = BotMessage(
                group: group, seq: UInt64(g.messages.count + 1), sender: sender, body: body, receivedAt: s.now, hash: hash)
            g.messages.append(message)
            if let key { g.keys[key] = message }
            s.groups[group] = g
            return message
        }
    }

    /// A member posts (no idempotency).
    @discardableResult
    public func memberPost(_ group: String, from sender: Address, _ body: String) throws -> BotMessage {
        try append(group, sender: sender, body: body, key: nil)
    }

    public func post(_ body: String, to group: String, idempotencyKey: String) async throws -> BotMessage {
        try append(group, sender: botAddress, body: body, key: idempotencyKey)
    }

    public func messages(in group: String, after seq: UInt64, limit: Int) async throws -> [BotMessage] {
        state.withLock { s in Array((s.groups[group]?.messages ?? []).filter { $0.seq > seq }.prefix(limit)) }
    }

    public func head(of group: String) async throws -> (seq: UInt64, hash: Hash32) {
        state.withLock { s in
            let last = s.groups[group]?.messages.last
            return (last?.seq ?? 0, last?.hash ?? .zero)
        }
    }

    public func close(_ group: String, notice: String, idempotencyKey: String) async throws -> BotMessage {
        let message = try append(group, sender: botAddress, body: notice, key: idempotencyKey)
        state.withLock { $0.groups[group]?.closed = true }
        return message
    }

    public func all(_ group: String) -> [BotMessage] { state.withLock { $0.groups[group]?.messages ?? [] } }
    public var groupIDs: [String] { state.withLock { $0.groups.keys.sorted() } }
}

public enum FakeChatError: Error { case noGroup, closed }
