import Bot
import Chat
import Ethereum

/// The bot's chat carrier over the built-in hub, in-process.
public struct HubBotChat: BotChat {
    let hub: ChatHub
    let key: PrivateKey

    public init(hub: ChatHub, key: PrivateKey) {
        self.hub = hub
        self.key = key
    }

    public var botAddress: Address { key.address }

    public func openGroup(key groupKey: String, title: String, topic: String, gating: BotGating) async throws -> String {
        let rule: GatingRule
        switch gating {
        case .anyone: rule = .anyone
        case .allowlist: rule = .members
        case .votingPower(let chainId, let snapshot):
            rule = .votingPower(
                VotingPowerGate(chainId: chainId, snapshot: snapshot, source: "the channel's voting power strategy at the snapshot"))
        }
        let group = try await hub.createGroup(GroupSpec(key: groupKey, title: title, topic: topic, gating: rule))
        if case .allowlist(let members) = gating, !members.isEmpty {
            _ = try await hub.addMembers(members, to: group.id)
        }
        return group.id.rawValue
    }

    public func post(_ body: String, to group: String, idempotencyKey: String) async throws -> BotMessage {
        Self.message(try await hub.post(body, to: try GroupID(group), signedBy: key, idempotencyKey: idempotencyKey))
    }

    public func messages(in group: String, after seq: UInt64, limit: Int) async throws -> [BotMessage] {
        try await hub.messages(in: try GroupID(group), after: seq, limit: limit).map(Self.message)
    }

    public func head(of group: String) async throws -> (seq: UInt64, hash: Hash32) {
        let head = try await hub.head(of: try GroupID(group))
        return (head.seq, head.hash)
    }

    public func close(_ group: String, notice: String, idempotencyKey: String) async throws -> BotMessage {
        Self.message(try await hub.close(try GroupID(group), notice: notice, signedBy: key, idempotencyKey: idempotencyKey))
    }

    static func message(_ m: StoredMessage) -> BotMessage {
        BotMessage(group: m.group.rawValue, seq: m.seq, sender: m.sender, body: m.body, receivedAt: m.receivedAt, hash: m.hash)
    }
}

/// The hub's posting policy for voting-power-gated groups: a member may post when their voting power
/// at the proposal's snapshot is above zero. Before the snapshot's blocks are confirmed the power
/// cannot be read yet, and posts are allowed (ballots are still weighed, and rejected without power).
///
/// Answers are kept per group until the group closes, and at most `maxCached` in all (the whole
/// cache is dropped when full: it refills from the chain).
public actor BotPostingPolicy: PostingPolicy {
    let store: any BotStore
    let chain: any BotChain
    var cache: [String: [Address: Bool]] = [:]
    var cached = 0
    static let maxCached = 200_000

    public init(store: any BotStore, chain: any BotChain) {
        self.store = store
        self.chain = chain
    }

    public func mayPost(sender: Address, group: GroupInfo) async throws -> PostingDecision {
        if let known = cache[group.key]?[sender] {
            return known ? .allow : .deny(reason: "\(sender.checksummed) has no voting power at this proposal's snapshot")
        }
        guard let proposal = try await store.proposal(group.key) else { return .allow }
        var pins = proposal.pins
        if pins == nil { pins = try await chain.pins(for: proposal) }
        guard let pins else { return .allow }
        let power = try await chain.votingPower(of: [sender], for: proposal, pins: pins).first?.total ?? .zero
        if cached >= Self.maxCached {
            cache = [:]
            cached = 0
        }
        if cache[group.key, default: [:]].updateValue(!power.isZero, forKey: sender) == nil { cached += 1 }
        return power.isZero ? .deny(reason: "\(sender.checksummed) has no voting power at this proposal's snapshot") : .allow
    }

    public func groupClosed(_ group: GroupInfo) {
        if let answers = cache.removeValue(forKey: group.key) { cached -= answers.count }
    }

    /// Answers kept (tests check that a closed group's answers go).
    public var cachedAnswers: Int { cached }
}
