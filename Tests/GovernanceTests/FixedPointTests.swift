import BigInt
import Governance
import Testing

@Suite("Fixed-point amounts")
struct FixedPointTests {
    @Test func printsExactlyItsDecimals() {
        #expect(FixedPoint(units: 0, decimals: 18).description == "0.000000000000000000")
        #expect(FixedPoint(units: 5, decimals: 18).description == "0.000000000000000005")
        #expect(FixedPoint(units: BigUInt(10).power(18) * 3 + 25, decimals: 18).description == "3.000000000000000025")
        #expect(FixedPoint(units: 1234, decimals: 0).description == "1234")
        #expect(FixedPoint(units: 1234, decimals: 2).description == "12.34")
    }
}
