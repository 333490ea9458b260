import Ethereum

/// A ballot a tally could not count, and why.
public struct InvalidBallot: Hashable, Sendable {
    /// Its position in the tally's input (0-based).
    public let position: Int
    public let voter: Address
    public let id: Hash32?
    public let reason: InvalidChoice
}
