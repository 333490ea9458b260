import Ethereum

/// How a ballot's signature was verified.
public enum SignatureKind: String, Hashable, Sendable {
    /// 65-byte r ‖ s ‖ v, low s.
    case ecdsa
    /// 64-byte EIP-2098 compact form.
    case compact = "eip-2098"
    /// A contract wallet's `isValidSignature` (EIP-1271) at the pinned block.
    case contract = "eip-1271"
}

/// A ballot that passed every check, with the power it carries.
public struct AcceptedVote: Hashable, Sendable {
    /// The envelope's EIP-712 digest.
    public let id: Hash32
    public let voter: Address
    /// `oz-ballot`, `oz-extended-ballot`, `bravo-ballot` or `snapshot-vote`.
    public let kind: String
    /// The choice in its canonical JSON form, valid for the proposal's system.
    public let choice: JSON
    /// Voting power at the snapshot, in token base units (positive).
    public let weight: UInt256
    /// The time that orders this voter's ballots: the signed Snapshot timestamp, or for governor
    /// ballots the time the carrier received the message.
    public let time: UInt64
    public let signature: SignatureKind
    /// Where the weight came from.
    public let power: VotingPowerRecord?

    public init(
        id: Hash32, voter: Address, kind: String, choice: JSON, weight: UInt256, time: UInt64, signature: SignatureKind,
        power: VotingPowerRecord? = nil
    ) {
        self.id = id
        self.voter = voter
        self.kind = kind
        self.choice = choice
        self.weight = weight
        self.time = time
        self.signature = signature
        self.power = power
    }

    /// The ballot as a tally takes it.
    public var tallyBallot: TallyBallot { TallyBallot(voter: voter, choice: choice, weight: weight, id: id) }
}
