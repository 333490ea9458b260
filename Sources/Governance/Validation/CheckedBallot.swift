import Ethereum

/// A ballot that passed every offline check; what remains is voting power and, when its ECDSA
/// signature is not the voter's, the voter's contract wallet.
public struct CheckedBallot: Sendable {
    /// How far the signature has been verified.
    public enum SignatureStatus: Hashable, Sendable {
        case verified(SignatureKind)
        /// ECDSA did not prove the voter; only the voter's EIP-1271 wallet can. If it does not,
        /// the ballot is rejected with `failure`.
        case needsContractCheck(failure: RejectionReason, detail: String)
    }

    public let envelope: BallotEnvelope
    /// The claimed voter (the recovered signer for Bravo ballots).
    public let voter: Address
    /// The choice in canonical JSON, valid for the proposal's system.
    public let choice: JSON
    public let signature: SignatureStatus
    /// The ordering time (see `AcceptedVote.time`).
    public let time: UInt64

    public var id: Hash32 { envelope.id }
}
