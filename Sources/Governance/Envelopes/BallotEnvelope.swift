import Ethereum

/// A signed ballot as it arrives in a chat message: EIP-712 typed data of a known ballot type plus
/// its signature. Its id is its EIP-712 digest.
///
/// Two body shapes are accepted: the wallet form `{"types", "primaryType", "domain", "message",
/// "signature"}` (what `eth_signTypedData_v4` takes, plus the result), and Snapshot's sequencer
/// envelope `{"address", "sig", "data": {"domain", "types", "message"}}`.
public struct BallotEnvelope: Sendable {
    public enum Body: Hashable, Sendable {
        case governor(GovernorBallot)
        case snapshot(SnapshotVote)
    }

    /// Size bounds, each enforced with a `too-large` rejection naming the field.
    public struct Limits: Hashable, Sendable {
        public var maxBodyBytes = 100_000
        /// `reason` (Snapshot's bound), in Unicode scalars.
        public var maxReasonLength = 5_000
        /// Snapshot's `app`, in Unicode scalars.
        public var maxAppLength = 24
        /// Snapshot's `metadata`, in Unicode scalars (Snapshot's bound).
        public var maxMetadataLength = 2_000
        public var maxSpaceLength = 128
        public var maxProposalLength = 256
        /// A `string` choice (JSON text), in bytes.
        public var maxChoiceTextBytes = 10_000
        /// Entries of a `uint32[]` choice.
        public var maxChoiceEntries = TallyRules.maxChoices
        /// ExtendedBallot `params`, in bytes.
        public var maxParamsBytes = 4_096
        /// Signature bytes (longer ones only make sense for EIP-1271 wallets).
        public var maxSignatureBytes = 4_096

        public init() {}
    }

    public let body: Body
    /// The typed data as signed.
    public let typedData: TypedData
    /// The EIP-712 digest: the envelope's id.
    public let id: Hash32
    public let domain: EnvelopeDomain
    /// The signature bytes as carried: 65 (r ‖ s ‖ v), 64 (EIP-2098) or any length for EIP-1271 wallets.
    public let signature: [UInt8]

    /// The voter the ballot claims; nil for Bravo ballots, whose voter is their signer.
    public var claimedVoter: Address? {
        switch body {
        case .governor(let ballot): ballot.voter
        case .snapshot(let vote): vote.from
        }
    }

    /// A short name of the envelope's type: `oz-ballot`, `oz-extended-ballot`, `bravo-ballot`, `snapshot-vote`.
    public var kind: String {
        switch body {
        case .governor(let ballot): ballot.form.rawValue
        case .snapshot: "snapshot-vote"
        }
    }

    /// The signer's time for ordering vote changes: Snapshot's `timestamp`; nil for governor ballots.
    public var signedTimestamp: UInt64? {
        if case .snapshot(let vote) = body { return vote.timestamp }
        return nil
    }
}
