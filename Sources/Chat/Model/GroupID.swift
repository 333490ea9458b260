import Ethereum

/// A group's identifier: the built-in hub's 32 lowercase hex digits, or a Matrix room ID.
///
/// At most 255 bytes of printable ASCII without `/`, `?`, `#`, `%` or spaces, so that it travels in
/// a URL path segment as it is.
public struct GroupID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Validates `text` as a group identifier.
    public init(_ text: String) throws(ChatError) {
        guard Self.isValid(text) else {
            throw ChatError(
                .malformed,
                "group \"\(text.prefix(80))\" is not a group identifier (1 to 255 printable ASCII characters, none of / ? # % or space)")
        }
        rawValue = text
    }

    init(unchecked text: String) { rawValue = text }

    /// A fresh random identifier for a new hub group: 128 random bits as 32 lowercase hex digits.
    public static func random() -> GroupID {
        GroupID(unchecked: String(ChatMessage.randomNonce().description.dropFirst(2).prefix(32)))
    }

    static func isValid(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= 255 else { return false }
        return utf8.allSatisfy { c in c > 0x20 && c < 0x7f && c != 0x2f && c != 0x3f && c != 0x23 && c != 0x25 }
    }

    public var description: String { rawValue }
    public static func < (lhs: GroupID, rhs: GroupID) -> Bool { lhs.rawValue < rhs.rawValue }
}
