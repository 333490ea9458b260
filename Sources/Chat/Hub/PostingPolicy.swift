import Ethereum

/// Decides whether a member may post in a group; the bot implements it (voting power > 0 at the
/// snapshot, allowlists). The hub asks after the signature has been verified, so `sender` is proven.
public protocol PostingPolicy: Sendable {
    func mayPost(sender: Address, group: GroupInfo) async throws -> PostingDecision
    /// The hub saw `group` close: nobody posts there again, so what the policy keeps about it can go.
    func groupClosed(_ group: GroupInfo) async
}

extension PostingPolicy {
    /// Keeps nothing per group.
    public func groupClosed(_ group: GroupInfo) async {}
}

/// A policy's answer; a denial's reason is shown to the sender.
public enum PostingDecision: Sendable, Equatable {
    case allow
    case deny(reason: String)
}

/// The hub's own policy: `anyone` allows every wallet, `members` asks the store, and
/// `votingPower` is handed to `votingPower` (denied when none is given).
public struct StandardPostingPolicy: PostingPolicy {
    let store: any ChatStore
    let votingPower: (any PostingPolicy)?

    public init(store: any ChatStore, votingPower: (any PostingPolicy)? = nil) {
        self.store = store
        self.votingPower = votingPower
    }

    public func mayPost(sender: Address, group: GroupInfo) async throws -> PostingDecision {
        switch group.gating {
        case .anyone:
            return .allow
        case .members:
            return try await store.isMember(sender, of: group.id)
                ? .allow : .deny(reason: "\(sender.checksummed) is not a member of group \(group.id)")
        case .votingPower:
            guard let votingPower else {
                return .deny(reason: "group \(group.id) is gated by voting power and this hub has no voting-power source")
            }
            return try await votingPower.mayPost(sender: sender, group: group)
        }
    }

    public func groupClosed(_ group: GroupInfo) async {
        await votingPower?.groupClosed(group)
    }
}
