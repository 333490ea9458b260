import BigInt
import Ethereum

extension UInt256 {
    /// The same value as an arbitrary-precision integer.
    public var bigUInt: BigUInt {
        BigUInt(words: [UInt(limbs.0), UInt(limbs.1), UInt(limbs.2), UInt(limbs.3)])
    }

    /// The value of `big` when it fits in 256 bits.
    public init?(exactly big: BigUInt) {
        guard big.bitWidth <= 256 else { return nil }
        let words = Array(big.words) + [UInt](repeating: 0, count: 4)
        self.init(limbs: (UInt64(words[0]), UInt64(words[1]), UInt64(words[2]), UInt64(words[3])))
    }
}
