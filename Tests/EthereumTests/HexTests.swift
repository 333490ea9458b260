import Ethereum
import Testing

@Suite("Hex, hashes")
struct HexTests {
    /// The byte writers answer exactly what the String forms say, for random values and EIP-55's
    /// own examples (mixed case, all caps, all lower).
    @Test func appendedHexIsTheDescriptionsText() throws {
        for _ in 0..<200 {
            let key = PrivateKey.generate()
            let digest = Keccak256.hash(key.address.bytes)
            let signature = key.sign(digest: digest)
            var out: [UInt8] = [7]
            digest.appendHex(to: &out)
            signature.appendHex(to: &out)
            key.address.appendChecksummed(to: &out)
            #expect(out == [7] + Array((digest.description + signature.description + key.address.checksummed).utf8))
        }
        for example in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
            "0x52908400098527886E0F7030069857D2E4169EE7", "0xde709f2102306220921060314715629080e2fb77",
        ] {
            var out: [UInt8] = []
            try Address(example).appendChecksummed(to: &out)
            #expect(String(decoding: out, as: UTF8.self) == example)
        }
        var empty: [UInt8] = []
        Hex.append(UnsafeRawBufferPointer(start: nil, count: 0), to: &empty)
        #expect(empty == Array("0x".utf8))
    }

    @Test func stringsCompareByTheirBytes() {
        #expect("caf\u{E9}" == "cafe\u{301}" && !"caf\u{E9}".hasSameBytes(as: "cafe\u{301}"))
        #expect("\u{212A}" == "K" && !"\u{212A}".hasSameBytes(as: "K"))
        #expect("abc".hasSameBytes(as: "abc".dropFirst(0)) && !"abc".hasSameBytes(as: "ab"))
    }

    @Test func hexDecodesWithAndWithoutPrefix() throws {
        #expect(try Hex.decode("0x00fFa0") == [0x00, 0xFF, 0xA0])
        #expect(try Hex.decode("0X0a") == [0x0A])
        #expect(try Hex.decode("0a0b") == [0x0A, 0x0B])
        #expect(try Hex.decode("0x") == [])
        #expect(try Hex.decode("xx0a0b".dropFirst(2)) == [0x0A, 0x0B])
        #expect(throws: HexError.missingPrefix("0a")) { try Hex.decode("0a", requirePrefix: true) }
        #expect(throws: HexError.oddLength(3)) { try Hex.decode("0xabc") }
        #expect(throws: HexError.invalidDigit("g", 3)) { try Hex.decode("0xabcg") }
        #expect(throws: HexError.invalidDigit("z", 0)) { try Hex.decode("z0") }
        // The missing-prefix error shows the first 16 characters, not bytes.
        let accents = String(repeating: "é", count: 20)
        #expect(throws: HexError.missingPrefix(String(repeating: "é", count: 16))) { try Hex.decode(accents, requirePrefix: true) }
        #expect(throws: HexError.missingPrefix("aéééééééé")) { try Hex.decode("aéééééééé", requirePrefix: true) }
    }

    @Test func hashesReadFromHexInEveryForm() throws {
        let bytes: [UInt8] = (0..<32).map { UInt8($0 * 7 + 3) }
        let lower = Hex.encode(bytes)
        let hash = try Hash32(hex: lower)
        #expect(hash.description == lower)
        #expect(hash.bytes == bytes)
        #expect(try Hash32(bytes: hash.bytes) == hash)
        #expect(try Hash32(hex: lower.uppercased().replacingOccurrences(of: "0X", with: "0x")) == hash)
        #expect(try Hash32(hex: "0X" + lower.dropFirst(2)) == hash)
        #expect(throws: HexError.missingPrefix(String(lower.dropFirst(2).prefix(16)))) { try Hash32(hex: lower.dropFirst(2)) }
        #expect(throws: HexError.wrongLength(expected: 32, found: 31)) { try Hash32(hex: lower.dropLast(2)) }
        #expect(throws: HexError.oddLength(63)) { try Hash32(hex: lower.dropLast()) }
        let bad = String(lower.prefix(12)) + "g" + String(lower.dropFirst(13))
        #expect(throws: HexError.invalidDigit("g", 10)) { try Hash32(hex: bad) }
    }
}
