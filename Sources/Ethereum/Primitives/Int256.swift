/// A signed 256-bit integer in two's complement, for ABI `intN` values.
public struct Int256: Hashable, Comparable, Sendable {
    /// The two's-complement bits.
    public var bitPattern: UInt256

    public init(bitPattern: UInt256) { self.bitPattern = bitPattern }

    public init(_ value: Int) {
        let magnitude = UInt256(UInt64(value.magnitude))
        self.bitPattern = value < 0 ? Int256.negate(magnitude) : magnitude
    }

    public var isNegative: Bool { bitPattern.limbs.3 >> 63 == 1 }

    /// The absolute value (which for the minimum value is 2^255, still representable unsigned).
    public var magnitude: UInt256 { isNegative ? Int256.negate(bitPattern) : bitPattern }

    static func negate(_ value: UInt256) -> UInt256 {
        (~value).addingReportingOverflow(.one).partialValue
    }

    /// Whether the value fits in a signed integer of `bits` bits.
    public func fits(bits: Int) -> Bool {
        if bits >= 256 { return true }
        let limit = UInt256.powerOfTwo(bits - 1)
        return isNegative ? magnitude <= limit : bitPattern < limit
    }

    /// Parses an optional `-` followed by decimal digits, or `0x` hex (non-negative).
    public init(parsing text: some StringProtocol) throws {
        let s = Substring(text)
        if s.hasPrefix("-") {
            let magnitude = try UInt256(parsing: s.dropFirst())
            guard magnitude <= UInt256.powerOfTwo(255) else { throw UInt256Error.overflow(String(s)) }
            self.bitPattern = Int256.negate(magnitude)
        } else {
            let value = try UInt256(parsing: s)
            guard value < UInt256.powerOfTwo(255) else { throw UInt256Error.overflow(String(s)) }
            self.bitPattern = value
        }
    }

    public static func < (lhs: Int256, rhs: Int256) -> Bool {
        switch (lhs.isNegative, rhs.isNegative) {
        case (true, false): true
        case (false, true): false
        default: lhs.bitPattern < rhs.bitPattern
        }
    }
}

extension Int256: CustomStringConvertible {
    /// Decimal, with a leading `-` when negative.
    public var description: String { (isNegative ? "-" : "") + magnitude.description }
}
