import Ethereum

/// A Snapshot `Vote` message.
public struct SnapshotVote: Hashable, Sendable {
    /// The `proposal` field: text, or 32 bytes in the legacy layout.
    public enum ProposalReference: Hashable, Sendable, CustomStringConvertible {
        case text(String)
        case bytes32(Hash32)

        /// Whether this names the proposal `id`: equal text, or equal 32 bytes when both are 0x + 64 hex
        /// digits (case-insensitive).
        public func matches(_ id: String) -> Bool {
            let other = id.utf8.count == 66 ? try? Hash32(hex: id) : nil
            switch self {
            case .text(let text):
                if let other, text.utf8.count == 66, let mine = try? Hash32(hex: text) { return mine == other }
                return text.hasSameBytes(as: id)
            case .bytes32(let hash): return other == hash
            }
        }

        public var description: String {
            switch self {
            case .text(let text): text
            case .bytes32(let hash): hash.description
            }
        }
    }

    public let variant: SnapshotVoteVariant
    /// The voter: `from` parsed as an EVM address.
    public let from: Address
    public let space: String
    /// Seconds since 1970, as signed by the voter.
    public let timestamp: UInt64
    public let proposal: ProposalReference
    /// The choice as a tally reads it: the number, the array, or the JSON that a `string` choice holds.
    /// Nil when a `string` choice is not JSON.
    public let choice: JSON?
    /// The `choice` value as signed.
    public let signedChoice: JSON
    public let reason: String?
    public let app: String?
    public let metadata: String?
}
