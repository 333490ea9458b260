import CSecp256k1

/// A secp256k1 private key. Its `description` never prints the key.
public struct PrivateKey: Sendable {
    private let secret: [UInt8]
    /// The public key and the address it controls.
    public let publicKey: PublicKey

    public var address: Address { publicKey.address }

    /// A key from 32 bytes, rejected unless 1 ≤ key < n.
    public init<Bytes: Collection>(bytes: Bytes) throws where Bytes.Element == UInt8 {
        let raw = Array(bytes)
        guard raw.count == 32, secp256k1_ec_seckey_verify(Secp256k1.shared.context, raw) == 1 else {
            throw SignatureError.invalidPrivateKey
        }
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_create(Secp256k1.shared.context, &pubkey, raw) == 1 else {
            throw SignatureError.invalidPrivateKey
        }
        secret = raw
        publicKey = PublicKey(pubkey)
    }

    /// A key from `0x`-prefixed or bare hex of 32 bytes.
    public init(hex: some StringProtocol) throws {
        let trimmed = hex.trimmingWhitespace()
        let bytes: [UInt8]
        do { bytes = try Hex.decode(trimmed) } catch { throw SignatureError.invalidPrivateKey }
        try self.init(bytes: bytes)
    }

    /// A fresh key from the operating system's CSPRNG (getrandom on Linux).
    public static func generate() -> PrivateKey {
        var rng = SystemRandomNumberGenerator()
        while true {
            let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
            if let key = try? PrivateKey(bytes: bytes) { return key }
        }
    }

    /// The 32 secret bytes. Handle with care: never log them.
    public var rawBytes: [UInt8] { secret }

    /// Signs a 32-byte digest deterministically (RFC 6979), giving a low-s recoverable signature.
    public func sign(digest: Hash32) -> Signature {
        let ctx = Secp256k1.shared.context
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        let ok = digest.withUnsafeBytes { d in
            secp256k1_ecdsa_sign_recoverable(
                ctx, &recoverable, d.baseAddress!.assumingMemoryBound(to: UInt8.self), secret, nil, nil)
        }
        precondition(ok == 1, "libsecp256k1 refused to sign with a verified key")
        var compact = [UInt8](repeating: 0, count: 64)
        var recid: Int32 = 0
        _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, &compact, &recid, &recoverable)
        // libsecp256k1 always produces low-s signatures, so this cannot throw.
        return try! Signature(
            r: Hash32(bytes: compact[0..<32]), s: Hash32(bytes: compact[32..<64]), yParity: UInt8(recid))
    }
}

extension PrivateKey: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { "PrivateKey(address: \(address))" }
    public var debugDescription: String { description }
}

extension StringProtocol {
    func trimmingWhitespace() -> Substring {
        let s = Substring(self)
        return s.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed().isEmpty
            ? "" : s[s.firstIndex(where: { !$0.isWhitespace })!...s.lastIndex(where: { !$0.isWhitespace })!]
    }
}
