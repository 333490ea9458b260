import Ethereum
import Testing

@Suite("secp256k1 signatures")
struct SignatureTests {
    // eth-account's documented example: personal_sign("I♥SF").
    let exampleKey = "0xb25c7db31feed9122727bf0939dc769a96564b2de4c4726d035b36ecf1e5b364"
    let exampleSignature =
        "0xe6ca9bba58c88611fad66a6ce8f996908195593807c4b38bd528d2cff09d4eb33e5bfbbf4d3e39b1a2fd816a7680c19ebebaf3a141b239934ad43cb33fcec8ce1c"

    @Test func eip191KnownAnswer() throws {
        let key = try PrivateKey(hex: exampleKey)
        #expect(key.address.description == "0x5ce9454909639D2D17A3F753ce7d93fa0b9aB12E")
        #expect(PersonalMessage.digest(text: "I♥SF").description == "0x1476abb745d423bf09273f1afd887d951181d25adc66c4834a70491911b7f750")
        #expect(key.signPersonalMessage("I♥SF").description == exampleSignature)
        #expect(try PersonalMessage.recoverSigner(text: "I♥SF", signature: Signature(hex: exampleSignature)) == key.address)
    }

    @Test func acceptsVAsZeroOneAndCompactForm() throws {
        let sig = try Signature(hex: exampleSignature)
        let digest = PersonalMessage.digest(text: "I♥SF")
        var raw = sig.bytes
        raw[64] -= 27
        #expect(try Signature(bytes: raw).recoverAddress(digest: digest) == sig.recoverAddress(digest: digest))
        let compact = try Signature(bytes: sig.compactBytes)
        #expect(compact == sig)
        #expect(sig.compactBytes.count == 64)
    }

    @Test func rejectsHighS() throws {
        // s' = n - s is the other valid ECDSA signature for the same message (malleability); EIP-2 rejects it.
        let sig = try Signature(hex: exampleSignature)
        let n = try UInt256(parsing: "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141")
        let highS = (n - UInt256(word: sig.s)).word
        var raw = sig.r.bytes + highS.bytes + [sig.yParity == 0 ? 28 : 27]
        #expect(throws: SignatureError.highS) { try Signature(bytes: raw) }
        raw[64] = 29
        #expect(throws: SignatureError.invalidV(29)) { try Signature(bytes: raw) }
    }

    @Test(arguments: [0, 1, 63, 66, 130])
    func rejectsWrongLengths(_ n: Int) {
        #expect(throws: SignatureError.wrongLength(n)) { try Signature(bytes: [UInt8](repeating: 1, count: n)) }
    }

    @Test func rejectsZeroAndOverflowingRAndS() throws {
        let zero = [UInt8](repeating: 0, count: 32), one = [UInt8](repeating: 0, count: 31) + [1]
        let ff = [UInt8](repeating: 0xff, count: 32)
        #expect(throws: SignatureError.rOutOfRange) { try Signature(bytes: zero + one + [27]) }
        #expect(throws: SignatureError.sOutOfRange) { try Signature(bytes: one + zero + [27]) }
        #expect(throws: SignatureError.rOutOfRange) { try Signature(bytes: ff + one + [27]) }
    }

    @Test func signRecoverRoundTripWithFreshKeys() throws {
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<200 {
            let key = PrivateKey.generate()
            let digest = try Hash32(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
            let sig = key.sign(digest: digest)
            #expect(try sig.recoverAddress(digest: digest) == key.address)
            // Deterministic (RFC 6979): the same digest signs the same way.
            #expect(key.sign(digest: digest) == sig)
            // A different digest recovers someone else.
            var other = digest.bytes
            other[0] ^= 1
            #expect(try sig.recoverAddress(digest: Hash32(bytes: other)) != key.address)
        }
    }

    @Test func invalidPrivateKeys() {
        #expect(throws: SignatureError.invalidPrivateKey) { try PrivateKey(bytes: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: SignatureError.invalidPrivateKey) { try PrivateKey(bytes: [UInt8](repeating: 0xff, count: 32)) }
        #expect(throws: SignatureError.invalidPrivateKey) { try PrivateKey(hex: "0x1234") }
        #expect(!"\(PrivateKey.generate())".contains(where: { _ in false }) && "\(PrivateKey.generate())".hasPrefix("PrivateKey(address:"))
    }
}
