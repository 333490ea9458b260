import Ethereum

/// A voter's power at a proposal's snapshot, with every value it is made of and where it was read.
public struct VotingPowerRecord: Hashable, Sendable {
    /// One strategy's value.
    public struct Component: Hashable, Sendable {
        /// Where the strategy sits in the configuration: `strategy`, `strategy.of[1]`, …
        public let path: String
        /// The strategy's configuration name (`erc20-votes`, `allowlist`, …).
        public let strategy: String
        public let value: UInt256
        /// The block the value was read at; nil for values that need no chain read.
        public let block: BlockRef?

        public init(path: String, strategy: String, value: UInt256, block: BlockRef?) {
            self.path = path
            self.strategy = strategy
            self.value = value
            self.block = block
        }

        public var json: JSON {
            var object = JSONObject([("path", .string(path)), ("strategy", .string(strategy)), ("value", .string(value.description))])
            if let block { object["block"] = block.json }
            return .object(object)
        }
    }

    public let voter: Address
    /// The sum of the components, in token base units.
    public let total: UInt256
    public let components: [Component]

    public init(voter: Address, total: UInt256, components: [Component]) {
        self.voter = voter
        self.total = total
        self.components = components
    }

    /// `{"voter", "total", "components": [{"path", "strategy", "value", "block"?}]}`.
    public var json: JSON {
        [
            "voter": .string(voter.checksummed), "total": .string(total.description),
            "components": .array(components.map(\.json)),
        ]
    }
}

/// Supplies voters' power at a proposal's snapshot, many voters at a time.
public protocol VotingPowerProvider: Sendable {
    /// One record per distinct voter, in the order of first appearance in `voters`.
    func votingPower(of voters: [Address]) async throws -> [VotingPowerRecord]
}

/// Voting power from a fixed table (tests, what-if tallies, allowlist-only channels).
public struct FixedVotingPower: VotingPowerProvider {
    public let weights: [Address: UInt256]

    public init(_ weights: [Address: UInt256]) { self.weights = weights }

    public func votingPower(of voters: [Address]) async throws -> [VotingPowerRecord] {
        var seen = Set<Address>()
        return voters.filter { seen.insert($0).inserted }.map { voter in
            let value = weights[voter] ?? .zero
            return VotingPowerRecord(
                voter: voter, total: value, components: [.init(path: "fixed", strategy: "fixed", value: value, block: nil)])
        }
    }
}
