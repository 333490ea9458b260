import BigInt

/// Plenum's fixed-point convention: a non-negative amount held as an integer count of `10^-decimals`
/// units, so every machine computes and prints the same digits.
///
/// Tallies use `decimals = 0` (exact integers) for basic, single choice, approval and ranked choice,
/// and `decimals = 18` for weighted, quadratic and Copeland. Every division or square root in those
/// rules rounds toward zero (floor) at the step the rule names; see `docs/voting.md`.
public struct FixedPoint: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The amount in units of `10^-decimals`.
    public let units: BigUInt
    /// Number of fractional digits.
    public let decimals: Int

    /// The fractional digits used where the arithmetic is not exact.
    public static let fractionalDigits = 18
    /// `10^18`.
    public static let scale = BigUInt(10).power(fractionalDigits)

    public init(units: BigUInt, decimals: Int) {
        precondition(decimals >= 0 && decimals <= 77, "decimals out of range")
        self.units = units
        self.decimals = decimals
    }

    /// An integer amount at `decimals` fractional digits.
    public init(integer: BigUInt, decimals: Int) {
        self.init(units: integer * BigUInt(10).power(decimals), decimals: decimals)
    }

    /// Decimal text with exactly `decimals` fractional digits (none, and no point, when `decimals` is 0).
    public var description: String {
        let digits = String(units)
        guard decimals > 0 else { return digits }
        let padded = digits.count <= decimals ? String(repeating: "0", count: decimals - digits.count + 1) + digits : digits
        let split = padded.index(padded.endIndex, offsetBy: -decimals)
        return padded[..<split] + "." + padded[split...]
    }

    /// Parses text written as `description` writes it (exactly `decimals` fractional digits).
    public init(parsing text: String, decimals: Int) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integer = parts[0], fraction = parts.count == 2 ? parts[1] : ""
        guard parts.count <= 2, !integer.isEmpty, fraction.count == decimals, (decimals == 0) == (parts.count == 1),
            (integer + fraction).allSatisfy({ $0.isASCII && $0.isNumber }),
            let units = BigUInt(String(integer + fraction), radix: 10)
        else {
            throw FixedPointError(text: text, decimals: decimals)
        }
        self.init(units: units, decimals: decimals)
    }

    public static func < (lhs: FixedPoint, rhs: FixedPoint) -> Bool {
        precondition(lhs.decimals == rhs.decimals, "comparing amounts of different precision")
        return lhs.units < rhs.units
    }
}

/// Why text is not a fixed-point amount.
public struct FixedPointError: Error, Equatable, Sendable, CustomStringConvertible {
    public let text: String
    public let decimals: Int

    public var description: String {
        decimals == 0
            ? "\"\(text.prefix(80))\" is not a non-negative decimal integer"
            : "\"\(text.prefix(80))\" is not a non-negative decimal with exactly \(decimals) fractional digits"
    }
}
