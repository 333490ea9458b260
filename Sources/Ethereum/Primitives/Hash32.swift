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
        var w: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for (i, byte) in bytes.enumerated() {
            switch i >> 3 {
            case 0: w.0 = w.0 << 8 | UInt64(byte)
            case 1: w.1 = w.1 << 8 | UInt64(byte)
            case 2: w.2 = w.2 << 8 | UInt64(byte)
            default: w.3 = w.3 << 8 | UInt64(byte)
            }
        }
        self.init(words: w)
    }

    /// `0x` followed by exactly 64 hex digits.
    public init(hex: some StringProtocol) throws {
        // The usual case, read straight into the four words; anything else takes the general
        // decoder, which says what is wrong.
        if let words = hex.utf8.withContiguousStorageIfAvailable({ Self.words(hex: $0) }), let words {
            self.init(words: words)
            return
        }
        let bytes = try Hex.decode(hex, requirePrefix: true)
        try self.init(bytes: bytes)
    }

    private static func words(hex utf8: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64, UInt64, UInt64)? {
        guard utf8.count == 66, utf8[0] == UInt8(ascii: "0"), utf8[1] | 0x20 == UInt8(ascii: "x") else { return nil }
        func word(_ start: Int) -> UInt64? {
            var value: UInt64 = 0
            for i in start..<start + 16 {
                guard let n = Hex.nibble(utf8[i]) else { return nil }
                value = value << 4 | UInt64(n)
            }
            return value
        }
        guard let a = word(2), let b = word(18), let c = word(34), let d = word(50) else { return nil }
        return (a, b, c, d)
    }

    /// The 32 bytes in order.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
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
