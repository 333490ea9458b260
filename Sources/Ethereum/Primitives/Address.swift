/// A 20-byte Ethereum account address, formatted with its EIP-55 mixed-case checksum.
public struct Address: Hashable, Comparable, Sendable {
    // Big-endian: bytes 0..<8, 8..<16, 16..<20.
    var high: UInt64, middle: UInt64, low: UInt32

    /// The zero address.
    public static let zero = Address(high: 0, middle: 0, low: 0)

    init(high: UInt64, middle: UInt64, low: UInt32) {
        self.high = high
        self.middle = middle
        self.low = low
    }

    /// Exactly 20 bytes.
    public init<Bytes: Collection>(bytes: Bytes) throws where Bytes.Element == UInt8 {
        guard bytes.count == 20 else { throw AddressError.wrongLength(bytes.count) }
        var h: UInt64 = 0, m: UInt64 = 0, l: UInt32 = 0
        for (i, byte) in bytes.enumerated() {
            switch i {
            case 0..<8: h = h << 8 | UInt64(byte)
            case 8..<16: m = m << 8 | UInt64(byte)
            default: l = l << 8 | UInt32(byte)
            }
        }
        self.init(high: h, middle: m, low: l)
    }

    /// The last 20 bytes of a 32-byte word (how ABI and public-key hashing carry an address).
    init(lowBytesOf hash: Hash32) {
        self.init(high: hash.w1 << 32 | hash.w2 >> 32, middle: hash.w2 << 32 | hash.w3 >> 32, low: UInt32(truncatingIfNeeded: hash.w3))
    }

    /// Parses `0x` + 40 hex digits. All-lowercase and all-uppercase are accepted as they are;
    /// a mixed-case string must carry a correct EIP-55 checksum.
    public init(_ text: some StringProtocol) throws {
        let string = String(text)
        guard string.hasPrefix("0x") || string.hasPrefix("0X") else { throw AddressError.missingPrefix(string) }
        let digits = string.dropFirst(2)
        guard digits.utf8.count == 40 else { throw AddressError.wrongLength(digits.utf8.count / 2) }
        let bytes: [UInt8]
        do { bytes = try Hex.decode(digits) } catch { throw AddressError.invalidHex(string) }
        try self.init(bytes: bytes)
        let hasLower = digits.utf8.contains { (0x61...0x66).contains($0) }
        let hasUpper = digits.utf8.contains { (0x41...0x46).contains($0) }
        if hasLower && hasUpper, !hasChecksumCase(digits) {
            throw AddressError.badChecksum(found: string, expected: checksummed)
        }
    }

    /// Whether the case of each hex letter in `digits` (40, after `0x`) is the EIP-55 one.
    private func hasChecksumCase(_ digits: Substring) -> Bool {
        let lower = Array(digits.utf8).map { $0 >= 0x41 && $0 <= 0x46 ? $0 + 0x20 : $0 }
        let hash = Keccak256.hash(lower)
        return hash.withUnsafeBytes { hash in
            digits.utf8.enumerated().allSatisfy { i, c in
                let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f
                return c < 0x41 || (c <= 0x46) == (nibble >= 8)
            }
        }
    }

    /// The 20 bytes in order.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(20)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: middle >> UInt64(shift))) }
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: low >> UInt32(shift))) }
        return out
    }

    /// The address left-padded to a 32-byte ABI word.
    public var word: Hash32 {
        Hash32(words: (0, high >> 32, high << 32 | middle >> 32, middle << 32 | UInt64(low)))
    }

    /// Lowercase `0x` hex.
    public var lowercased: String { Hex.encode(bytes) }

    /// The EIP-55 checksummed form: a hex letter is uppercase when the matching nibble of
    /// keccak256(lowercase hex without prefix) is 8 or more.
    public var checksummed: String {
        let lower = Array(Hex.encode(bytes, prefix: false).utf8)
        let hash = Keccak256.hash(lower).bytes
        var out: [UInt8] = [0x30, 0x78]
        for (i, c) in lower.enumerated() {
            let nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f
            out.append(c >= 0x61 && nibble >= 8 ? c - 0x20 : c)
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func < (lhs: Address, rhs: Address) -> Bool {
        (lhs.high, lhs.middle, lhs.low) < (rhs.high, rhs.middle, rhs.low)
    }
}

extension Address: CustomStringConvertible {
    /// The EIP-55 form.
    public var description: String { checksummed }
}

extension Address: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(checksummed)
    }
}

/// Why a string or byte string is not an address.
public enum AddressError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingPrefix(String)
    case wrongLength(Int)
    case invalidHex(String)
    case badChecksum(found: String, expected: String)

    public var description: String {
        switch self {
        case .missingPrefix(let s): "address \"\(s.prefix(50))\" must start with 0x"
        case .wrongLength(let n): "an address is 20 bytes, found \(n)"
        case .invalidHex(let s): "address \"\(s.prefix(50))\" contains a character that is not hex"
        case .badChecksum(let found, let expected):
            "address \(found) has a wrong EIP-55 checksum (expected \(expected); write it all-lowercase to skip the check)"
        }
    }
}
