import CSecp256k1

/// An uncompressed secp256k1 public key (the 64 bytes X ‖ Y).
public struct PublicKey: Hashable, Sendable {
    /// X ‖ Y, 64 bytes.
    public let xy: [UInt8]
    /// keccak256(X ‖ Y)[12...]
    public let address: Address

    init(_ key: secp256k1_pubkey) {
        var key = key
        var out = (Hash32.zero, Hash32.zero, UInt8(0))  // 65 bytes plus padding, on the stack
        var length = 65
        let digest: Hash32 = withUnsafeMutableBytes(of: &out) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            _ = secp256k1_ec_pubkey_serialize(
                Secp256k1.shared.context, p, &length, &key, UInt32(SECP256K1_EC_UNCOMPRESSED))
            return Keccak256.hash(UnsafeRawBufferPointer(start: p + 1, count: 64))
        }
        address = Address(lowBytesOf: digest)
        xy = withUnsafeBytes(of: &out) { Array($0[1..<65]) }
    }
}
