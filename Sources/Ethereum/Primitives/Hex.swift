/// Hexadecimal encoding as Ethereum writes it: `0x`-prefixed, lowercase on output.
public enum Hex {
    /// Decodes a hex string. The `0x` prefix is optional unless `requirePrefix` is set; the digit count must be even.
    public static func decode(_ text: some StringProtocol, requirePrefix: Bool = false) throws -> [UInt8] {
        let shown = { String(text.prefix(16)) }
        if let decoded = try text.utf8.withContiguousStorageIfAvailable({
            try decode(utf8: $0, requirePrefix: requirePrefix, shown: shown)
        }) {
            return decoded
        }
        var copy = String(text)
        return try copy.withUTF8 { try decode(utf8: $0, requirePrefix: requirePrefix, shown: shown) }
    }

    /// `shown`: the start of the text (16 characters) for the missing-prefix error.
    private static func decode(utf8: UnsafeBufferPointer<UInt8>, requirePrefix: Bool, shown: () -> String) throws -> [UInt8] {
        var start = 0
        if utf8.count >= 2, utf8[0] == UInt8(ascii: "0"), utf8[1] | 0x20 == UInt8(ascii: "x") {
            start = 2
        } else if requirePrefix {
            throw HexError.missingPrefix(shown())
        }
        let digits = utf8.count - start
        guard digits % 2 == 0 else { throw HexError.oddLength(digits) }
        return try [UInt8](unsafeUninitializedCapacity: digits / 2) { out, initialized in
            var i = start
            while i < utf8.count {
                guard let h = nibble(utf8[i]) else { throw HexError.invalidDigit(Character(Unicode.Scalar(utf8[i])), i - start) }
                guard let l = nibble(utf8[i + 1]) else {
                    throw HexError.invalidDigit(Character(Unicode.Scalar(utf8[i + 1])), i + 1 - start)
                }
                out[initialized] = h << 4 | l
                initialized += 1
                i += 2
            }
        }
    }

    /// Encodes bytes as lowercase hex, with the `0x` prefix unless `prefix` is false.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes, prefix: Bool = true) -> String
    where Bytes.Element == UInt8 {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.underestimatedCount * 2 + 2)
        if prefix { out.append(contentsOf: [0x30, 0x78]) }
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    public static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }
}

/// Why a hex string could not be decoded.
public enum HexError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingPrefix(String)
    case oddLength(Int)
    case invalidDigit(Character, Int)
    case wrongLength(expected: Int, found: Int)

    public var description: String {
        switch self {
        case .missingPrefix(let start): "hex string must start with 0x (found \"\(start)\")"
        case .oddLength(let n): "hex string has an odd number of digits (\(n))"
        case .invalidDigit(let c, let at): "invalid hex digit '\(c)' at position \(at)"
        case .wrongLength(let expected, let found): "expected \(expected) bytes of hex, found \(found)"
        }
    }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hex with the `0x` prefix.
    public var hexString: String { Hex.encode(self) }
}
