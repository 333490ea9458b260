import Ethereum
import Testing

@Suite("256-bit integers")
struct UInt256Tests {
    @Test func parsesAndPrints() throws {
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        #expect(try UInt256(parsing: max) == UInt256.max)
        #expect(UInt256.max.description == max)
        #expect(try UInt256(parsing: "0x" + String(repeating: "f", count: 64)) == .max)
        #expect(try UInt256(parsing: "0x00ff") == 255)
        #expect(UInt256(255).hexQuantity == "0xff")
        #expect(UInt256.zero.hexQuantity == "0x0")
        #expect(throws: UInt256Error.self) { try UInt256(parsing: max.dropLast() + "6") }
        #expect(throws: UInt256Error.self) { try UInt256(parsing: "12a") }
        #expect(throws: UInt256Error.self) { try UInt256(parsing: "-1") }
        #expect(throws: UInt256Error.self) { try UInt256(parsing: "0x") }
    }

    // Decimal digits are read 19 at a time: every length around a chunk boundary, leading zeros,
    // and overflow in the last chunk or an early one.
    @Test func decimalChunksAndOverflow() throws {
        var power = UInt256.one
        var digits = "1"
        for n in 1...77 {
            power = power.multipliedReportingOverflow(by: 10).partialValue
            digits += "0"
            #expect(try UInt256(decimal: digits) == power, "10^\(n)")
            let nines = String(repeating: "9", count: n)
            #expect(try UInt256(decimal: nines) == power.subtractingReportingOverflow(.one).partialValue, "\(n) nines")
        }
        #expect(try UInt256(decimal: String(repeating: "0", count: 100) + "42") == 42)
        #expect(try UInt256(decimal: "0") == .zero)
        #expect(throws: UInt256Error.self) { try UInt256(decimal: "1" + String(repeating: "0", count: 78)) }
        let maxPlusOne = "115792089237316195423570985008687907853269984665640564039457584007913129639936"
        #expect(throws: UInt256Error.self) { try UInt256(decimal: maxPlusOne) }
        #expect(throws: UInt256Error.self) { try UInt256(decimal: "12 3") }
        // Overflow before a stray character is reported as overflow, as reading digit by digit did.
        #expect(throws: UInt256Error.overflow(maxPlusOne + "x")) { try UInt256(decimal: maxPlusOne + "x") }
        #expect(throws: UInt256Error.invalid("1x" + maxPlusOne)) { try UInt256(decimal: "1x" + maxPlusOne) }
        #expect(throws: UInt256Error.invalid("12x")) { try UInt256(decimal: "12x") }
        #expect(throws: UInt256Error.self) { try UInt256(decimal: "") }
    }

    @Test func arithmeticAgreesWithUInt64AndIdentities() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let a = UInt64.random(in: 0...UInt64(UInt32.max), using: &rng), b = UInt64.random(in: 1...UInt64(UInt32.max), using: &rng)
            #expect(UInt256(a) + UInt256(b) == UInt256(a + b))
            #expect(UInt256(a) * UInt256(b) == UInt256(a * b))
            #expect(UInt256(a) / UInt256(b) == UInt256(a / b))
            #expect(UInt256(a) % UInt256(b) == UInt256(a % b))
            let x = UInt256(limbs: (rng.next(), rng.next(), rng.next(), rng.next() >> 1))
            let y = UInt256(limbs: (rng.next(), rng.next(), rng.next() >> 3, 0))
            let (q, r) = x.quotientAndRemainder(dividingBy: y)
            #expect(q * y + r == x)
            #expect(r < y)
            #expect(x.shiftedLeft(37).shiftedRight(37) == x & (UInt256.max.shiftedRight(37)))
            #expect(try! UInt256(parsing: x.description) == x)
        }
        #expect(UInt256.max.addingReportingOverflow(.one).overflow)
        #expect(UInt256.zero.subtractingReportingOverflow(.one).overflow)
    }

    @Test func signedValues() throws {
        #expect(try Int256(parsing: "-1").bitPattern == .max)
        #expect(try Int256(parsing: "-128").fits(bits: 8))
        #expect(try !Int256(parsing: "-129").fits(bits: 8))
        #expect(try Int256(parsing: "127").fits(bits: 8))
        #expect(try !Int256(parsing: "128").fits(bits: 8))
        #expect(Int256(-42).description == "-42")
        let minText = "-57896044618658097711785492504343953926634992332820282019728792003956564819968"
        #expect(try Int256(parsing: minText).description == minText)
        #expect(throws: UInt256Error.self) {
            try Int256(parsing: "-57896044618658097711785492504343953926634992332820282019728792003956564819969")
        }
    }
}
