import BigInt

/// The pairwise counts behind a Copeland tally, for audit.
public struct CopelandDetails: Hashable, Sendable {
    /// `pairwise[i][j]`: weight ranking choice i+1 above j+1 minus weight ranking j+1 above i+1.
    /// Antisymmetric, zero on the diagonal.
    public let pairwise: [[BigInt]]
    /// Copeland points: 2 per pairwise win, 1 per pairwise tie.
    public let points: [Int]
    /// Support: for each choice, the weight of every (ballot, lower-ranked choice) pair it beats.
    public let support: [BigUInt]
}
