/// Hexadecimal encoding as Ethereum writes it: `0x`-prefixed, lowercase on output.
public enum Hex {
    /// Decodes a hex string. The `0x` prefix is optional unless `requirePrefix` is set; the digit count must be even.
    public static func decode(_ text: some StringProtocol, requirePrefix: Bool = false) throws -> [UInt8] {
        var utf8 = Substring(text).utf8[...]
        if utf8.count >= 2, utf8.first == UInt8(ascii: "0"),
            let x = utf8.dropFirst().first, x == UInt8(ascii: "x") || x == UInt8(ascii: "X")
        {
            utf8 = utf8.dropFirst(2)
        } else if requirePrefix {
            throw HexError.missingPrefix(String(text.prefix(16)))
        }
        guard utf8.count % 2 == 0 else { throw HexError.oddLength(utf8.count) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = utf8.startIndex
        var position = 0
        while index != utf8.endIndex {
            let high = utf8[index]
            let next = utf8.index(after: index)
            let low = utf8[next]
            guard let h = nibble(high) else { throw HexError.invalidDigit(Character(Unicode.Scalar(high)), position) }
            guard let l = nibble(low) else { throw HexError.invalidDigit(Character(Unicode.Scalar(low)), position + 1) }
            out.append(h << 4 | l)
            index = utf8.index(after: next)
            position += 2
        }
        return out
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
