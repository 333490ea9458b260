import CSecp256k1

/// The process-wide libsecp256k1 context.
///
/// Created once with `SECP256K1_CONTEXT_NONE` and randomized (side-channel blinding for signing).
/// libsecp256k1 documents that a context may be used from several threads at once by every
/// function taking it as `const`, which is all that Plenum calls after creation.
final class Secp256k1: @unchecked Sendable {  // safe: the pointer is only read after init (see above)
    static let shared = Secp256k1()

    let context: OpaquePointer

    private init() {
        guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("libsecp256k1 could not create a context")
        }
        var seed = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in seed.indices { seed[i] = UInt8.random(in: .min ... .max, using: &rng) }
        _ = secp256k1_context_randomize(ctx, seed)
        context = ctx
    }

    /// The group order n, big-endian words.
    static let order = UInt256(limbs: (0xBFD2_5E8C_D036_4141, 0xBAAE_DCE6_AF48_A03B, 0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF))

    /// n / 2: the largest `s` that EIP-2 allows.
    static let halfOrder = order.shiftedRight(1)
}
