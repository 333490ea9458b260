/// 32 bytes: a Keccak-256 digest, a block or transaction hash, an EIP-712 struct hash, a `bytes32`.
///
/// Stored as four big-endian 64-bit words so that it is compared, hashed and copied without allocating.
public struct Hash32: Hashable, Comparable, Sendable {
    var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    init(words: (UInt64, UInt64, UInt64, UInt64)) {
        (w0, w1, w2, w3) = words
    }

    /// All zero bytes.
    public static let zero = Hash32(words: (0, 0, 0, 0))

    /// Exactly 32 bytes.
    public init<Bytes: Collection>(bytes: Bytes) throws where Bytes.Element == UInt8 {
        guard bytes.count == 32 else { throw HexError.wrongLength(expected: 32, found: bytes.count) }
        var words: [UInt64] = [0, 0, 0, 0]
        for (i, byte) in bytes.enumerated() {
            words[i / 8] = words[i / 8] << 8 | UInt64(byte)
        }
        self.init(words: (words[0], words[1], words[2], words[3]))
    }

    /// `0x` followed by exactly 64 hex digits.
    public init(hex: some StringProtocol) throws {
        let bytes = try Hex.decode(hex, requirePrefix: true)
        try self.init(bytes: bytes)
    }

    /// The 32 bytes in order.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return out
    }

    /// Calls `body` with the 32 bytes in order, without allocating.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var be = (w0.bigEndian, w1.bigEndian, w2.bigEndian, w3.bigEndian)
        return try Swift.withUnsafeBytes(of: &be) { try body($0) }
    }

    public static func < (lhs: Hash32, rhs: Hash32) -> Bool {
        (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
    }
}

extension Hash32: CustomStringConvertible {
    /// `0x`-prefixed lowercase hex.
    public var description: String { Hex.encode(bytes) }
}

extension Hash32: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(hex: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
