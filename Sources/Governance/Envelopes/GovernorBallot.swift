import Ethereum

/// A governor ballot: exactly what `castVoteBySig` (or Bravo's `castVoteBySig(v, r, s)`) accepts,
/// so Plenum can relay it on-chain.
public struct GovernorBallot: Hashable, Sendable {
    public enum Form: String, Hashable, Sendable, CaseIterable {
        /// OpenZeppelin 5: `Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)`.
        case ballot = "oz-ballot"
        /// OpenZeppelin 5: `ExtendedBallot(uint256 proposalId,uint8 support,address voter,uint256 nonce,string reason,bytes params)`.
        case extendedBallot = "oz-extended-ballot"
        /// OpenZeppelin 4 and Compound GovernorBravo: `Ballot(uint256 proposalId,uint8 support)`; the
        /// voter is whoever signed.
        case bravo = "bravo-ballot"

        public var primaryType: String { self == .extendedBallot ? "ExtendedBallot" : "Ballot" }

        public var fields: [(name: String, type: String)] {
            switch self {
            case .bravo: [("proposalId", "uint256"), ("support", "uint8")]
            case .ballot: [("proposalId", "uint256"), ("support", "uint8"), ("voter", "address"), ("nonce", "uint256")]
            case .extendedBallot:
                [
                    ("proposalId", "uint256"), ("support", "uint8"), ("voter", "address"), ("nonce", "uint256"),
                    ("reason", "string"), ("params", "bytes"),
                ]
            }
        }

        /// The EIP-712 `encodeType`.
        public var typeString: String { primaryType + "(" + fields.map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")" }
    }

    public let form: Form
    public let proposalId: UInt256
    /// The support code as signed (0 against, 1 for, 2 abstain are valid for counting).
    public let support: UInt8
    /// The claimed voter; nil for the Bravo form.
    public let voter: Address?
    public let nonce: UInt256?
    public let reason: String?
    public let params: [UInt8]?
}
