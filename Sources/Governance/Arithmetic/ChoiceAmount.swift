import BigInt

/// A non-negative decimal number as a weighted or quadratic ballot writes it (`{"1": 2.5, "3": 1}`),
/// kept exactly: `units / 10^fractionDigits`, normalised so that equal numbers compare equal.
public struct ChoiceAmount: Hashable, Sendable, CustomStringConvertible {
    public let units: BigUInt
    /// 0…`maxFractionDigits`, with no trailing zero in `units` when positive.
    public let fractionDigits: Int

    /// Most fractional digits accepted (after removing trailing zeros).
    public static let maxFractionDigits = 18
    /// Most digits before the point accepted.
    public static let maxIntegerDigits = 60

    public init(units: BigUInt, fractionDigits: Int) {
        var u = units, f = fractionDigits
        while f > 0, !u.isZero, u % 10 == 0 {
            u /= 10
            f -= 1
        }
        if u.isZero { f = 0 }
        self.units = u
        self.fractionDigits = f
    }

    public var isZero: Bool { units.isZero }

    /// The value in units of `10^-digits` (`digits` ≥ `fractionDigits`).
    func scaled(to digits: Int) -> BigUInt {
        units * BigUInt(10).power(digits - fractionDigits)
    }

    /// Shortest plain decimal text: `2`, `2.5`, `0.001`.
    public var description: String {
        FixedPoint(units: units, decimals: fractionDigits).description
    }

    /// Parses a JSON number literal (RFC 8259 grammar, as `JSON.number` keeps it).
    /// Returns nil for a negative number or one outside the bounds.
    public init?(jsonNumber text: String) {
        var s = Substring(text)
        if s.hasPrefix("-") {
            // "-0", "-0.0" are zero; every other negative is rejected by the caller's rule.
            s = s.dropFirst()
            guard s.allSatisfy({ $0 == "0" || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-" }) else { return nil }
        }
        var mantissa = s, exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let exp = Int(s[s.index(after: e)...].drop(while: { $0 == "+" })), abs(exp) <= 1000 else { return nil }
            exponent = exp
            mantissa = s[..<e]
        }
        let pieces = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count <= 2 else { return nil }
        let integer = pieces[0].drop(while: { $0 == "0" }), fraction = pieces.count == 2 ? pieces[1] : ""
        guard (integer + fraction).allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let digits = String(integer + fraction)
        let trimmed = digits.drop(while: { $0 == "0" })
        guard trimmed.count <= ChoiceAmount.maxIntegerDigits + ChoiceAmount.maxFractionDigits else { return nil }
        let units = BigUInt(String(trimmed.isEmpty ? "0" : trimmed), radix: 10)!
        let fractionDigits = fraction.count - exponent
        if fractionDigits < 0 {
            guard integer.count + (-fractionDigits) <= ChoiceAmount.maxIntegerDigits || units.isZero else { return nil }
            self.init(units: units * BigUInt(10).power(-fractionDigits), fractionDigits: 0)
        } else {
            self.init(units: units, fractionDigits: fractionDigits)
        }
        guard self.fractionDigits <= ChoiceAmount.maxFractionDigits,
            String(self.units).count - self.fractionDigits <= ChoiceAmount.maxIntegerDigits
        else { return nil }
    }
}
