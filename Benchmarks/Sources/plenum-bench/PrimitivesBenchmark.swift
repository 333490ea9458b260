import CSecp256k1
import Crypto
import Ethereum

/// Issue 2's benchmark: public-key recovery through `Ethereum` against a raw libsecp256k1 loop on the
/// same inputs, and Keccak-256 against swift-crypto's SHA3-256 (the same permutation, XKCP's C code).
enum PrimitivesBenchmark {
    static func run() {
        print("## Primitives (release build, one core)\n")
        recovery()
        keccak()
    }

    static func recovery() {
        let count = 4000
        var rng = SystemRandomNumberGenerator()
        var digests: [Hash32] = [], signatures: [Signature] = [], compact: [[UInt8]] = []
        for _ in 0..<count {
            let key = PrivateKey.generate()
            let digest = try! Hash32(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
            let sig = key.sign(digest: digest)
            digests.append(digest)
            signatures.append(sig)
            compact.append(sig.r.bytes + sig.s.bytes)
        }
        let digestBytes = digests.map(\.bytes)
        let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
        var sink: UInt64 = 0
        let (ours, raw) = Measure.compare(rounds: 7, iterations: count) { i in
            let address = try! signatures[i].recoverAddress(digest: digests[i])
            sink &+= UInt64(address.bytes[19])
        } baseline: { i in
            var recoverable = secp256k1_ecdsa_recoverable_signature()
            var pubkey = secp256k1_pubkey()
            _ = secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &recoverable, compact[i], Int32(signatures[i].yParity))
            _ = secp256k1_ecdsa_recover(ctx, &pubkey, &recoverable, digestBytes[i])
            sink &+= UInt64(pubkey.data.0)
        }
        print("| recovery | ops/s |")
        print("|---|---:|")
        print("| raw libsecp256k1 (parse + recover) | \(format(raw)) |")
        print("| Ethereum `Signature.recoverAddress` (checks + recover + serialize + Keccak) | \(format(ours)) |")
        print("| ratio | **\(format(100 * ours / raw, decimals: 1))%** |")
        print("\n(sink \(sink % 10))\n")
    }

    /// Raw libsecp256k1 recoveries per second on one core (parse + recover of `count` random
    /// signatures, the median of `rounds` rounds): the baseline other benchmarks are put beside.
    static func rawRecovery(count: Int, rounds: Int) -> Double {
        var rng = SystemRandomNumberGenerator()
        var inputs: [(digest: [UInt8], compact: [UInt8], parity: Int32)] = []
        for _ in 0..<count {
            let key = PrivateKey.generate()
            let digest = try! Hash32(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
            let sig = key.sign(digest: digest)
            inputs.append((digest.bytes, sig.r.bytes + sig.s.bytes, Int32(sig.yParity)))
        }
        let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
        defer { secp256k1_context_destroy(ctx) }
        var sink: UInt64 = 0
        let recover = { (i: Int) in
            var recoverable = secp256k1_ecdsa_recoverable_signature()
            var pubkey = secp256k1_pubkey()
            _ = secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &recoverable, inputs[i].compact, inputs[i].parity)
            _ = secp256k1_ecdsa_recover(ctx, &pubkey, &recoverable, inputs[i].digest)
            sink &+= UInt64(pubkey.data.0)
        }
        _ = Measure.rate(iterations: count / 10, recover)
        let rates = (0..<rounds).map { _ in Measure.rate(iterations: count, recover) }
        if sink == 42 { print("") }
        return Measure.median(rates)
    }

    static func keccak() {
        print("| input | Keccak-256 MB/s | SHA3-256 MB/s | ratio |")
        print("|---:|---:|---:|---:|")
        var sink: UInt8 = 0
        for size in [32, 256, 4096] {
            let input = [UInt8](repeating: 0x5a, count: size)
            let iterations = max(2000, 40_000_000 / (size + 64) / 4)
            let (ours, theirs) = Measure.compare(rounds: 7, iterations: iterations) { i in
                sink &+= Keccak256.hash(input).withUnsafeBytes { $0[i & 31] }
            } baseline: { i in
                sink &+= SHA3_256.hash(data: input).withUnsafeBytes { $0[i & 31] }
            }
            let mb = Double(size) / 1_000_000
            print(
                "| \(size) B | \(format(ours * mb, decimals: 1)) | \(format(theirs * mb, decimals: 1)) | **\(format(100 * ours / theirs, decimals: 1))%** |"
            )
        }
        print("\n(sink \(sink % 10))\n")
    }
}
