import Ethereum

/// Why a ballot was not counted. `rawValue` is a stable code, stored with the message and exported.
public enum RejectionReason: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Not JSON, not an envelope, or invalid EIP-712.
    case malformed
    /// EIP-712 of a type that is not a ballot Plenum accepts.
    case unknownType = "unknown-type"
    /// The body or a field is over its size bound.
    case tooLarge = "too-large"
    /// The domain's name, version or fields are not the ones this proposal's ballots are signed under.
    case wrongDomain = "wrong-domain"
    /// The domain's chainId is not the proposal's chain.
    case wrongChain = "wrong-chain"
    /// The domain's verifyingContract is not the proposal's governor.
    case wrongContract = "wrong-contract"
    /// The Snapshot `space` is not the channel's.
    case wrongSpace = "wrong-space"
    /// The Snapshot `app` is not one the channel accepts.
    case wrongApp = "wrong-app"
    /// The ballot names another proposal, or a kind of ballot this proposal does not take.
    case wrongProposal = "wrong-proposal"
    /// The voting window has not opened yet.
    case windowNotOpen = "window-not-open"
    /// The voting window has closed.
    case windowClosed = "window-closed"
    /// The signed timestamp is further in the future than the channel allows.
    case futureTimestamp = "future-timestamp"
    /// The choice is malformed for the proposal's voting system.
    case invalidChoice = "invalid-choice"
    /// The signature is malformed or non-canonical (high s, bad v) and no contract wallet accepts it.
    case invalidSignature = "invalid-signature"
    /// The signature is valid but its signer is not the claimed voter, and the voter's contract wallet
    /// (EIP-1271) does not accept it.
    case wrongSigner = "wrong-signer"
    /// An envelope with the same id (EIP-712 digest) was already received.
    case duplicate
    /// An OpenZeppelin ballot whose nonce is not the voter's current governor nonce.
    case wrongNonce = "wrong-nonce"
    /// The voter has no voting power at the snapshot.
    case noVotingPower = "no-voting-power"
    /// Replaced by the same voter's later ballot ("last vote wins").
    case superseded
    /// The same voter had already voted ("first vote is final").
    case alreadyVoted = "already-voted"

    public var description: String { rawValue }
}

/// A rejected ballot: the reason, what was wrong, and whatever could be read of the envelope.
public struct VoteRejection: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: RejectionReason
    /// A sentence naming the field, the value and the rule.
    public let detail: String
    /// The envelope's id, when it parsed far enough to have one.
    public let id: Hash32?
    /// The claimed (or recovered) voter, when known.
    public let voter: Address?

    public init(_ reason: RejectionReason, _ detail: String, id: Hash32? = nil, voter: Address? = nil) {
        self.reason = reason
        self.detail = detail
        self.id = id
        self.voter = voter
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}
