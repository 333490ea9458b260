import Ethereum

/// SplitMix64: a small deterministic generator so that every randomized test can be replayed.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func address() -> Address {
        try! Address(bytes: (0..<20).map { _ in UInt8.random(in: 0...255, using: &self) })
    }

    /// A weight spread over many magnitudes, including 0, 1 and values near 2^256.
    mutating func weight() -> UInt256 {
        switch Int.random(in: 0..<20, using: &self) {
        case 0: .zero
        case 1: 1
        case 2: UInt256(limbs: (next(), next(), next(), next()))
        case 3...8: UInt256(UInt64.random(in: 1...1_000_000, using: &self)) * UInt256(1_000_000_000_000_000_000)
        default: UInt256(UInt64.random(in: 1...(1 << 40), using: &self))
        }
    }
}
