import Ethereum

/// How a voter's power is measured at a proposal's snapshot, in token base units (never floats).
///
/// Parsed from channel configuration JSON (see `init(json:)` and `docs/voting.md`); evaluated by
/// `VotingPowerReader` through a `ChainReader`.
public indirect enum VotingPowerStrategy: Hashable, Sendable {
    /// The governor's `getVotes(account, snapshot)`, read at the checkpoint block.
    case governorVotes(governor: Address)
    /// An ERC20Votes / ERC-5805 token's `getPastVotes(account, snapshot)`, read at the checkpoint block.
    case erc20Votes(token: Address)
    /// An ERC-20 token's `balanceOf(account)` read at the snapshot block.
    case erc20Balance(token: Address)
    /// An ERC-721 token's `balanceOf(owner)` (number of tokens) read at the snapshot block.
    case erc721Balance(token: Address)
    /// Fixed weights; an address not listed has none. Addresses sorted ascending.
    case allowlist([AllowlistEntry])
    /// 1 for each member, 0 for anyone else. Addresses sorted ascending.
    case onePerMember([Address])
    /// The sum of several strategies.
    case sum([VotingPowerStrategy])

    /// One entry of an allowlist.
    public struct AllowlistEntry: Hashable, Sendable {
        public let address: Address
        public let weight: UInt256

        public init(address: Address, weight: UInt256) {
            self.address = address
            self.weight = weight
        }
    }

    /// Most entries in an allowlist or member list.
    public static let maxListEntries = 100_000
    /// Most strategies in one sum.
    public static let maxSumTerms = 16
    /// Deepest nesting of sums.
    public static let maxDepth = 4

    /// The configuration name of the strategy (the `"strategy"` member of its JSON).
    public var name: String {
        switch self {
        case .governorVotes: "governor-votes"
        case .erc20Votes: "erc20-votes"
        case .erc20Balance: "erc20-balance"
        case .erc721Balance: "erc721-balance"
        case .allowlist: "allowlist"
        case .onePerMember: "one-per-member"
        case .sum: "sum"
        }
    }

    /// Whether evaluating the strategy reads the chain.
    public var readsChain: Bool {
        switch self {
        case .governorVotes, .erc20Votes, .erc20Balance, .erc721Balance: true
        case .allowlist, .onePerMember: false
        case .sum(let terms): terms.contains { $0.readsChain }
        }
    }
}
