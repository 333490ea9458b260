import CSecp256k1

/// A recoverable secp256k1 ECDSA signature (r, s, y-parity) as Ethereum wallets produce it.
///
/// Parsing enforces what Ethereum's precompile does not: `s` must be in the lower half of the
/// curve order (EIP-2), so each signed message has exactly one valid signature.
public struct Signature: Hashable, Sendable {
    public let r: Hash32
    public let s: Hash32
    /// 0 or 1 (recovery id).
    public let yParity: UInt8

    /// Builds a signature from its parts, checking that r and s are in range and s is low.
    public init(r: Hash32, s: Hash32, yParity: UInt8) throws {
        guard yParity <= 1 else { throw SignatureError.invalidV(yParity) }
        let rValue = UInt256(word: r), sValue = UInt256(word: s)
        guard !rValue.isZero, rValue < Secp256k1.order else { throw SignatureError.rOutOfRange }
        guard !sValue.isZero, sValue < Secp256k1.order else { throw SignatureError.sOutOfRange }
        guard sValue <= Secp256k1.halfOrder else { throw SignatureError.highS }
        self.r = r
        self.s = s
        self.yParity = yParity
    }

    /// Parses 65 bytes `r ‖ s ‖ v` (v ∈ {27, 28, 0, 1}) or 64 bytes of EIP-2098 `r ‖ yParityAndS`.
    public init<Bytes: Collection>(bytes: Bytes) throws where Bytes.Element == UInt8 {
        let raw = Array(bytes)
        switch raw.count {
        case 65:
            let v = raw[64]
            let parity: UInt8
            switch v {
            case 27, 28: parity = v - 27
            case 0, 1: parity = v
            default: throw SignatureError.invalidV(v)
            }
            try self.init(r: try Hash32(bytes: raw[0..<32]), s: try Hash32(bytes: raw[32..<64]), yParity: parity)
        case 64:
            var vs = Array(raw[32..<64])
            let parity = vs[0] >> 7
            vs[0] &= 0x7f
            try self.init(r: try Hash32(bytes: raw[0..<32]), s: try Hash32(bytes: vs), yParity: parity)
        default:
            throw SignatureError.wrongLength(raw.count)
        }
    }

    /// Parses `0x`-prefixed hex of 65 or 64 bytes.
    public init(hex: some StringProtocol) throws {
        let bytes: [UInt8]
        do { bytes = try Hex.decode(hex, requirePrefix: true) } catch { throw SignatureError.invalidHex("\(error)") }
        try self.init(bytes: bytes)
    }

    /// `r ‖ s ‖ v` with v = 27 + yParity: the form `eth_sign`, `personal_sign` and `eth_signTypedData_v4` return.
    public var bytes: [UInt8] { r.bytes + s.bytes + [27 + yParity] }

    /// EIP-2098 compact form: `r ‖ (yParity << 255 | s)`.
    public var compactBytes: [UInt8] {
        var vs = s.bytes
        vs[0] |= yParity << 7
        return r.bytes + vs
    }

    /// Recovers the signer's address for a 32-byte digest.
    public func recoverAddress(digest: Hash32) throws -> Address {
        try recoverPublicKey(digest: digest).address
    }

    /// Recovers the signer's public key for a 32-byte digest.
    public func recoverPublicKey(digest: Hash32) throws -> PublicKey {
        let ctx = Secp256k1.shared.context
        var recoverable = secp256k1_ecdsa_recoverable_signature()
        var compact = (
            r.w0.bigEndian, r.w1.bigEndian, r.w2.bigEndian, r.w3.bigEndian,
            s.w0.bigEndian, s.w1.bigEndian, s.w2.bigEndian, s.w3.bigEndian
        )
        let parsed = withUnsafeBytes(of: &compact) { raw in
            secp256k1_ecdsa_recoverable_signature_parse_compact(
                ctx, &recoverable, raw.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(yParity))
        }
        guard parsed == 1 else { throw SignatureError.rOutOfRange }
        var pubkey = secp256k1_pubkey()
        let recovered = digest.withUnsafeBytes { d in
            secp256k1_ecdsa_recover(ctx, &pubkey, &recoverable, d.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard recovered == 1 else { throw SignatureError.recoveryFailed }
        return PublicKey(pubkey)
    }
}

extension Signature: CustomStringConvertible {
    /// `0x`-prefixed hex of the 65-byte form.
    public var description: String { Hex.encode(bytes) }
}

/// Why bytes are not an acceptable signature, or why no signer could be recovered.
public enum SignatureError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongLength(Int)
    case invalidHex(String)
    case invalidV(UInt8)
    case rOutOfRange
    case sOutOfRange
    case highS
    case recoveryFailed
    case invalidPrivateKey

    public var description: String {
        switch self {
        case .wrongLength(let n): "a signature is 65 bytes (r, s, v) or 64 bytes (EIP-2098), found \(n)"
        case .invalidHex(let why): "signature is not valid hex: \(why)"
        case .invalidV(let v): "signature v must be 27, 28, 0 or 1, found \(v)"
        case .rOutOfRange: "signature r is zero or not below the curve order"
        case .sOutOfRange: "signature s is zero or not below the curve order"
        case .highS: "signature s is in the upper half of the curve order (non-canonical, rejected by EIP-2)"
        case .recoveryFailed: "no public key can be recovered from this signature and digest"
        case .invalidPrivateKey: "a private key is a 32-byte integer from 1 to n-1 (n = the secp256k1 order)"
        }
    }
}
