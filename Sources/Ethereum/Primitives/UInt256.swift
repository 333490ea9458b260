/// An unsigned 256-bit integer: EVM words, token amounts, proposal ids.
///
/// Four 64-bit limbs, least significant first. Arithmetic traps on overflow like Swift's own
/// integers; the `…ReportingOverflow` forms let callers handle it.
public struct UInt256: Hashable, Comparable, Sendable {
    /// Limbs, least significant first.
    public internal(set) var limbs: (UInt64, UInt64, UInt64, UInt64)

    public init(limbs: (UInt64, UInt64, UInt64, UInt64)) { self.limbs = limbs }

    public static let zero = UInt256(limbs: (0, 0, 0, 0))
    public static let one = UInt256(limbs: (1, 0, 0, 0))
    public static let max = UInt256(limbs: (.max, .max, .max, .max))

    public init(_ value: UInt64) { limbs = (value, 0, 0, 0) }

    /// A non-negative `Int`; traps on a negative value.
    public init(_ value: Int) {
        precondition(value >= 0, "UInt256 cannot hold a negative value")
        limbs = (UInt64(value), 0, 0, 0)
    }

    /// Big-endian bytes, at most 32 (shorter input is left-padded).
    public init<Bytes: Collection>(bigEndian bytes: Bytes) throws where Bytes.Element == UInt8 {
        guard bytes.count <= 32 else { throw UInt256Error.overflow("\(bytes.count) bytes") }
        var value = UInt256.zero
        for byte in bytes {
            value = value.shiftedLeft(8)
            value.limbs.0 |= UInt64(byte)
        }
        self = value
    }

    /// The 32-byte big-endian ABI word.
    public init(word: Hash32) {
        limbs = (word.w3, word.w2, word.w1, word.w0)
    }

    /// The 32-byte big-endian ABI word.
    public var word: Hash32 { Hash32(words: (limbs.3, limbs.2, limbs.1, limbs.0)) }

    /// 32 big-endian bytes.
    public var bigEndianBytes: [UInt8] { word.bytes }

    public var isZero: Bool { limbs == (0, 0, 0, 0) }

    /// Limb `i` (0 = least significant).
    @inline(__always)
    subscript(limb i: Int) -> UInt64 {
        get {
            switch i {
            case 0: limbs.0
            case 1: limbs.1
            case 2: limbs.2
            default: limbs.3
            }
        }
        set {
            switch i {
            case 0: limbs.0 = newValue
            case 1: limbs.1 = newValue
            case 2: limbs.2 = newValue
            default: limbs.3 = newValue
            }
        }
    }

    /// Number of significant bits (0 for zero).
    public var bitWidth: Int {
        for i in stride(from: 3, through: 0, by: -1) where self[limb: i] != 0 {
            return i * 64 + 64 - self[limb: i].leadingZeroBitCount
        }
        return 0
    }

    /// The value as an `Int`, when it fits.
    public var intValue: Int? {
        guard limbs.1 == 0, limbs.2 == 0, limbs.3 == 0, limbs.0 <= UInt64(Int.max) else { return nil }
        return Int(limbs.0)
    }

    /// The value as a `UInt64`, when it fits.
    public var uint64Value: UInt64? {
        guard limbs.1 == 0, limbs.2 == 0, limbs.3 == 0 else { return nil }
        return limbs.0
    }

    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        (lhs.limbs.3, lhs.limbs.2, lhs.limbs.1, lhs.limbs.0) < (rhs.limbs.3, rhs.limbs.2, rhs.limbs.1, rhs.limbs.0)
    }

    public static func == (lhs: UInt256, rhs: UInt256) -> Bool { lhs.limbs == rhs.limbs }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(limbs.0)
        hasher.combine(limbs.1)
        hasher.combine(limbs.2)
        hasher.combine(limbs.3)
    }
}

/// Why a value does not fit or parse as a 256-bit integer.
public enum UInt256Error: Error, Equatable, Sendable, CustomStringConvertible {
    case overflow(String)
    case invalid(String)
    case empty

    public var description: String {
        switch self {
        case .overflow(let s): "value \(s.prefix(90)) does not fit in 256 bits"
        case .invalid(let s): "\"\(s.prefix(90))\" is not an unsigned integer (decimal digits, or 0x and hex digits)"
        case .empty: "an integer was expected but the text is empty"
        }
    }
}
