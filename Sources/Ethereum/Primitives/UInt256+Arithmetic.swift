extension UInt256 {
    public func addingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var carry: UInt64 = 0
        for i in 0..<4 {
            let (s1, o1) = self[limb: i].addingReportingOverflow(other[limb: i])
            let (s2, o2) = s1.addingReportingOverflow(carry)
            result[limb: i] = s2
            carry = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return (result, carry != 0)
    }

    public func subtractingReportingOverflow(_ other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result = UInt256.zero
        var borrow: UInt64 = 0
        for i in 0..<4 {
            let (d1, o1) = self[limb: i].subtractingReportingOverflow(other[limb: i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            result[limb: i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
        return (result, borrow != 0)
    }

    public func multipliedReportingOverflow(by other: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        var result: [UInt64] = [0, 0, 0, 0, 0, 0, 0, 0]
        for i in 0..<4 {
            var carry: UInt64 = 0
            let a = self[limb: i]
            if a == 0 { continue }
            for j in 0..<4 {
                let (high, low) = a.multipliedFullWidth(by: other[limb: j])
                let (s1, o1) = result[i + j].addingReportingOverflow(low)
                let (s2, o2) = s1.addingReportingOverflow(carry)
                result[i + j] = s2
                carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
            }
            result[i + 4] = carry
        }
        let overflow = result[4] | result[5] | result[6] | result[7] != 0
        return (UInt256(limbs: (result[0], result[1], result[2], result[3])), overflow)
    }

    /// Divides by a 64-bit divisor, returning quotient and remainder.
    public func quotientAndRemainder(dividingBy divisor: UInt64) -> (quotient: UInt256, remainder: UInt64) {
        precondition(divisor != 0, "division by zero")
        var quotient = UInt256.zero
        var remainder: UInt64 = 0
        for i in stride(from: 3, through: 0, by: -1) {
            let (q, r) = divisor.dividingFullWidth((remainder, self[limb: i]))
            quotient[limb: i] = q
            remainder = r
        }
        return (quotient, remainder)
    }

    /// Long division by a 256-bit divisor.
    public func quotientAndRemainder(dividingBy divisor: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!divisor.isZero, "division by zero")
        if divisor.limbs.1 == 0, divisor.limbs.2 == 0, divisor.limbs.3 == 0 {
            let (q, r) = quotientAndRemainder(dividingBy: divisor.limbs.0)
            return (q, UInt256(r))
        }
        if self < divisor { return (.zero, self) }
        var quotient = UInt256.zero
        var remainder = UInt256.zero
        for bit in stride(from: bitWidth - 1, through: 0, by: -1) {
            remainder = remainder.shiftedLeft(1)
            if self.bit(bit) { remainder.limbs.0 |= 1 }
            if remainder >= divisor {
                remainder = remainder.subtractingReportingOverflow(divisor).partialValue
                quotient[limb: bit / 64] |= 1 << UInt64(bit % 64)
            }
        }
        return (quotient, remainder)
    }

    /// Whether bit `i` (0 = least significant) is set.
    public func bit(_ i: Int) -> Bool {
        self[limb: i / 64] >> UInt64(i % 64) & 1 == 1
    }

    public func shiftedLeft(_ n: Int) -> UInt256 {
        if n >= 256 { return .zero }
        if n == 0 { return self }
        var result = UInt256.zero
        let limbShift = n / 64, bitShift = UInt64(n % 64)
        for i in stride(from: 3, through: limbShift, by: -1) {
            var v = self[limb: i - limbShift] << bitShift
            if bitShift > 0 && i - limbShift - 1 >= 0 {
                v |= self[limb: i - limbShift - 1] >> (64 - bitShift)
            }
            result[limb: i] = v
        }
        return result
    }

    public func shiftedRight(_ n: Int) -> UInt256 {
        if n >= 256 { return .zero }
        if n == 0 { return self }
        var result = UInt256.zero
        let limbShift = n / 64, bitShift = UInt64(n % 64)
        for i in 0..<(4 - limbShift) {
            var v = self[limb: i + limbShift] >> bitShift
            if bitShift > 0 && i + limbShift + 1 < 4 {
                v |= self[limb: i + limbShift + 1] << (64 - bitShift)
            }
            result[limb: i] = v
        }
        return result
    }

    public static func + (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.addingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 addition overflow")
        return value
    }

    public static func - (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.subtractingReportingOverflow(rhs)
        precondition(!overflow, "UInt256 subtraction underflow")
        return value
    }

    public static func * (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (value, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        precondition(!overflow, "UInt256 multiplication overflow")
        return value
    }

    public static func / (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.quotientAndRemainder(dividingBy: rhs).quotient }
    public static func % (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.quotientAndRemainder(dividingBy: rhs).remainder }
    public static func += (lhs: inout UInt256, rhs: UInt256) { lhs = lhs + rhs }
    public static func -= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs - rhs }

    public static func & (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(limbs: (lhs.limbs.0 & rhs.limbs.0, lhs.limbs.1 & rhs.limbs.1, lhs.limbs.2 & rhs.limbs.2, lhs.limbs.3 & rhs.limbs.3))
    }

    public static func | (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(limbs: (lhs.limbs.0 | rhs.limbs.0, lhs.limbs.1 | rhs.limbs.1, lhs.limbs.2 | rhs.limbs.2, lhs.limbs.3 | rhs.limbs.3))
    }

    public static prefix func ~ (value: UInt256) -> UInt256 {
        UInt256(limbs: (~value.limbs.0, ~value.limbs.1, ~value.limbs.2, ~value.limbs.3))
    }

    /// 2^n for n < 256.
    public static func powerOfTwo(_ n: Int) -> UInt256 {
        precondition(n >= 0 && n < 256)
        return UInt256.one.shiftedLeft(n)
    }
}
