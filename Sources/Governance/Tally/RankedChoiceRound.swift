import BigInt

/// One round of an instant-runoff count.
public struct RankedChoiceRound: Hashable, Sendable {
    /// Weight of the ballots whose highest-ranked remaining choice is each choice (index 0 = choice 1).
    public let counts: [BigUInt]
    /// 1-based choices that hold first preferences in this round (Snapshot's candidates).
    public let candidates: [Int]
    /// The 1-based choice eliminated after this round; nil in the last round.
    public let eliminated: Int?
}
