import Ethereum

/// One voter's effective ballot as a tally takes it: the choice in its JSON form (parsed and checked
/// against the voting system by the tally) and the voting power it carries, in token base units.
public struct TallyBallot: Hashable, Sendable {
    public var voter: Address
    /// `1`, `[1, 3]` or `{"1": 2, "2": 1}`, as in Snapshot; invalid forms count as invalid ballots.
    public var choice: JSON
    public var weight: UInt256
    /// The envelope's EIP-712 digest, when the ballot came from one.
    public var id: Hash32?

    public init(voter: Address, choice: JSON, weight: UInt256, id: Hash32? = nil) {
        self.voter = voter
        self.choice = choice
        self.weight = weight
        self.id = id
    }
}
