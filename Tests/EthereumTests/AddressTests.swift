import Ethereum
import Testing

@Suite("Addresses (EIP-55)")
struct AddressTests {
    // The examples listed in EIP-55.
    @Test(arguments: [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
    ])
    func eip55Examples(_ text: String) throws {
        let address = try Address(text)
        #expect(address.checksummed == text)
        #expect(try Address(text.lowercased().replacingOccurrences("0X", "0x")) == address)
    }

    @Test func rejectsAWrongChecksum() {
        // One letter's case flipped in the first EIP-55 example.
        #expect(
            throws: AddressError.badChecksum(
                found: "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", expected: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        ) {
            try Address("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
        }
    }

    @Test func acceptsAllLowerAndAllUpper() throws {
        let lower = try Address("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        let upper = try Address("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")
        #expect(lower == upper)
        #expect(lower.description == "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
    }

    @Test(arguments: [
        "", "0x", "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea",
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaedff", "0xzaaeb6053f3e94c9b9a09f33669435e7ef1beaed",
    ])
    func rejectsMalformed(_ text: String) {
        #expect(throws: AddressError.self) { try Address(text) }
    }

    @Test func wordRoundTrip() throws {
        let a = try Address("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")
        #expect(a.word.bytes == [UInt8](repeating: 0, count: 12) + a.bytes)
        #expect(try Address(bytes: a.bytes) == a)
    }
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
