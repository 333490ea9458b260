import Ethereum

/// What ballots for one proposal must match: where they are signed (domain), what they name, when
/// they are accepted, and how they are counted.
public struct ProposalContext: Hashable, Sendable {
    /// A governor proposal: OpenZeppelin or Bravo ballots under the governor's EIP-712 domain.
    public struct Governor: Hashable, Sendable {
        public let chainId: UInt256
        public let governor: Address
        /// The governor's `name()`, the domain name.
        public let name: String
        /// The domain version: `"1"` for OpenZeppelin governors; nil for GovernorBravo, whose domain
        /// has no version field.
        public let version: String?
        public let proposalId: UInt256

        public init(chainId: UInt256, governor: Address, name: String, version: String? = "1", proposalId: UInt256) {
            self.chainId = chainId
            self.governor = governor
            self.name = name
            self.version = version
            self.proposalId = proposalId
        }
    }

    /// A poll taking Snapshot `Vote` envelopes (domain `{name: "snapshot", version: "0.1.4"}`).
    public struct Snapshot: Hashable, Sendable {
        public let space: String
        /// The id the votes' `proposal` must name (text, or 0x + 64 hex digits matched as bytes).
        public let proposal: String
        /// When set, a domain that carries a chainId (some wallets add one) must carry this one.
        public let chainId: UInt256?
        /// When set, the `app` a vote names must be one of these (the empty string for none).
        public let apps: [String]?

        public static let domainName = "snapshot"
        public static let domainVersion = "0.1.4"

        public init(space: String, proposal: String, chainId: UInt256? = nil, apps: [String]? = nil) {
            self.space = space
            self.proposal = proposal
            self.chainId = chainId
            self.apps = apps
        }
    }

    public let governor: Governor?
    public let snapshot: Snapshot?
    /// The voting system and choices (basic for governor ballots).
    public let rules: TallyRules
    public let window: VotingWindow
    /// The block contract-wallet signatures are checked at (the proposal's pinned block).
    public let pinnedBlock: BlockRef?

    public init(governor: Governor? = nil, snapshot: Snapshot? = nil, rules: TallyRules, window: VotingWindow, pinnedBlock: BlockRef? = nil)
    {
        precondition(governor != nil || snapshot != nil, "a proposal takes governor ballots, Snapshot votes, or both")
        self.governor = governor
        self.snapshot = snapshot
        self.rules = rules
        self.window = window
        self.pinnedBlock = pinnedBlock
    }
}
