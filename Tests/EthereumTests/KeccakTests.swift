import Ethereum
import Testing

@Suite("Keccak-256")
struct KeccakTests {
    // Known answers: the Keccak team's original padding as Ethereum uses it (empty string and "abc"
    // are quoted in the Yellow Paper era tooling and GUIDE §3; the fox sentence is the classic vector;
    // 200 × 0xa3 is the 1600-bit message of the Keccak/SHA-3 KATs, here under Keccak-256 padding,
    // cross-checked with pycryptodome's keccak).
    @Test(arguments: [
        ("", "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        ("abc", "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
        ("The quick brown fox jumps over the lazy dog", "0x4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"),
    ])
    func knownAnswers(input: String, expected: String) {
        #expect(Keccak256.hash(input).description == expected)
    }

    @Test func twoHundredBytesCrossTheRate() {
        let input = [UInt8](repeating: 0xa3, count: 200)
        #expect(Keccak256.hash(input).description == "0x3a57666b048777f2c953dc4456f45a2588e1cb6f2da760122d530ac2ce607d4a")
    }

    @Test func blockBoundaries() {
        // 135 bytes pads within one block; 136 bytes needs a second, padding-only block.
        #expect(
            Keccak256.hash([UInt8](repeating: 0, count: 135)).description
                == "0x29e3704feeca7fb9ba229f0fa04d9b36449cf3ad6e1d85d9cfff3a10df9abc3e")
        #expect(
            Keccak256.hash([UInt8](repeating: 0, count: 136)).description
                == "0x3a5912a7c5faa06ee4fe906253e339467a9ce87d533c65be3c15cb231cdb25f9")
    }

    @Test func incrementalEqualsOneShotForEverySplit() {
        var rng = SeededGenerator(seed: 42)
        let data = (0..<700).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let expected = Keccak256.hash(data)
        for split in [0, 1, 57, 135, 136, 137, 272, 699, 700] {
            var hasher = Keccak256Hasher()
            hasher.update(data[..<split])
            hasher.update(data[split...])
            #expect(hasher.finalize() == expected, "split at \(split)")
        }
        var bytewise = Keccak256Hasher()
        for b in data { bytewise.update([b]) }
        #expect(bytewise.finalize() == expected)
    }
}

/// A small deterministic PRNG (SplitMix64) so randomized tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
