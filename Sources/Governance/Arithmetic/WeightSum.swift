import BigInt
import Ethereum

/// A running sum of 256-bit weights in five 64-bit limbs, without allocating.
///
/// Adding up to 2^64 values of at most 2^256 − 1 cannot overflow 320 bits, so tallies of any size
/// Plenum accepts sum exactly; `bigUInt` hands the result to arbitrary-precision arithmetic.
struct WeightSum: Hashable, Sendable {
    private var l0: UInt64 = 0, l1: UInt64 = 0, l2: UInt64 = 0, l3: UInt64 = 0, l4: UInt64 = 0

    init() {}

    var isZero: Bool { l0 == 0 && l1 == 0 && l2 == 0 && l3 == 0 && l4 == 0 }

    @inline(__always)
    mutating func add(_ value: UInt256) {
        var carry: Bool
        (l0, carry) = l0.addingReportingOverflow(value.limbs.0)
        l1 = add3(l1, value.limbs.1, &carry)
        l2 = add3(l2, value.limbs.2, &carry)
        l3 = add3(l3, value.limbs.3, &carry)
        if carry { l4 &+= 1 }
    }

    @inline(__always)
    private func add3(_ a: UInt64, _ b: UInt64, _ carry: inout Bool) -> UInt64 {
        let (s1, o1) = a.addingReportingOverflow(b)
        let (s2, o2) = s1.addingReportingOverflow(carry ? 1 : 0)
        carry = o1 || o2
        return s2
    }

    var bigUInt: BigUInt { BigUInt(words: [UInt(l0), UInt(l1), UInt(l2), UInt(l3), UInt(l4)]) }
}
