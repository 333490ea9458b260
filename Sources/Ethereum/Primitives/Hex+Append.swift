/// Writing hex straight into a byte buffer (JSON answers, export lines), without a `String` per value.
extension Hex {
    static let lowercaseDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends the bytes as lowercase hex, after `0x` unless `prefix` is false: the same text as
    /// `encode(_:prefix:)`.
    public static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8], prefix: Bool = true) {
        out.reserveCapacity(out.count + 2 * bytes.count + 2)
        if prefix { out.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: "x")]) }
        lowercaseDigits.withUnsafeBufferPointer { digits in
            for byte in bytes {
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0f)])
            }
        }
    }
}

extension Hash32 {
    /// Appends `0x` and the 64 lowercase hex digits (`description`'s text).
    public func appendHex(to out: inout [UInt8]) {
        withUnsafeBytes { Hex.append($0, to: &out) }
    }
}

extension Signature {
    /// Appends `0x` and the 130 hex digits of `r ‖ s ‖ v` (`description`'s text).
    public func appendHex(to out: inout [UInt8]) {
        r.appendHex(to: &out)
        s.withUnsafeBytes { Hex.append($0, to: &out, prefix: false) }
        withUnsafeBytes(of: 27 + yParity) { Hex.append($0, to: &out, prefix: false) }
    }
}

extension Address {
    /// Appends the EIP-55 form (`checksummed`'s text).
    public func appendChecksummed(to out: inout [UInt8]) {
        word.withUnsafeBytes { word in
            let start = out.count + 2
            Hex.append(UnsafeRawBufferPointer(rebasing: word[12...]), to: &out)
            let hash = out.withUnsafeBufferPointer { all in
                Keccak256.hash(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: all[start..<start + 40])))
            }
            hash.withUnsafeBytes { hash in
                for i in 0..<40 where out[start + i] >= UInt8(ascii: "a") {
                    let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f
                    if nibble >= 8 { out[start + i] -= 0x20 }
                }
            }
        }
    }
}
