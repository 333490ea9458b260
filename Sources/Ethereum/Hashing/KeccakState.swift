/// The 1600-bit Keccak state: 25 lanes of 64 bits, lane (x, y) stored as `a[x + 5y]`.
///
/// Lanes are separate stored properties rather than an array so that the permutation works on
/// registers and the hot path never allocates or bounds-checks.
struct KeccakState: Sendable {
    var a0: UInt64 = 0, a1: UInt64 = 0, a2: UInt64 = 0, a3: UInt64 = 0, a4: UInt64 = 0
    var a5: UInt64 = 0, a6: UInt64 = 0, a7: UInt64 = 0, a8: UInt64 = 0, a9: UInt64 = 0
    var a10: UInt64 = 0, a11: UInt64 = 0, a12: UInt64 = 0, a13: UInt64 = 0, a14: UInt64 = 0
    var a15: UInt64 = 0, a16: UInt64 = 0, a17: UInt64 = 0, a18: UInt64 = 0, a19: UInt64 = 0
    var a20: UInt64 = 0, a21: UInt64 = 0, a22: UInt64 = 0, a23: UInt64 = 0, a24: UInt64 = 0

    /// The first 32 bytes of the state, as Keccak-256 outputs them.
    var digest256: Hash32 {
        Hash32(words: (a0.byteSwapped, a1.byteSwapped, a2.byteSwapped, a3.byteSwapped))
    }
}

extension UInt64 {
    @inline(__always)
    func rotatedLeft(_ n: UInt64) -> UInt64 {
        (self &<< n) | (self &>> (64 &- n))
    }
}
