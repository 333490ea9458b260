/// Why a member's command (`plenum vote`, `plenum chat …`) stopped, and the exit status it maps to.
public struct MemberError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The arguments, the key, the proposal or the choice cannot be used (exit 2).
        case badInput
        /// The hub cannot be reached or answers nonsense (exit 2).
        case unreachable
        /// The ballot or message was refused, by the hub or by the bot's receipt (exit 1).
        case rejected
        /// No receipt came in time, or the group closed first (exit 1).
        case noReceipt
        /// Something the hub served does not verify (exit 1).
        case verification
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// 2 for unusable input or an unreachable hub, 1 for a refusal, a missing receipt or a failed check.
    public var exitCode: Int32 {
        switch kind {
        case .badInput, .unreachable: 2
        case .rejected, .noReceipt, .verification: 1
        }
    }
}
