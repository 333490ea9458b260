extension UInt256: CustomStringConvertible, ExpressibleByIntegerLiteral {
    public init(integerLiteral value: UInt64) { self.init(value) }

    /// Decimal digits.
    public var description: String {
        if isZero { return "0" }
        var chunks: [UInt64] = []
        var value = self
        let base: UInt64 = 10_000_000_000_000_000_000  // 10^19
        while !value.isZero {
            let (q, r) = value.quotientAndRemainder(dividingBy: base)
            chunks.append(r)
            value = q
        }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return text
    }

    /// `0x`-prefixed minimal hex, as JSON-RPC writes quantities (`0x0` for zero).
    public var hexQuantity: String {
        if isZero { return "0x0" }
        let hex = Hex.encode(bigEndianBytes, prefix: false)
        return "0x" + hex.drop(while: { $0 == "0" })
    }

    /// Parses decimal digits, or `0x` followed by hex digits (any number up to 64, leading zeros allowed).
    public init(parsing text: some StringProtocol) throws {
        let s = Substring(text)
        guard !s.isEmpty else { throw UInt256Error.empty }
        if s.hasPrefix("0x") || s.hasPrefix("0X") {
            try self.init(hexDigits: s.dropFirst(2), original: s)
        } else {
            try self.init(decimal: s)
        }
    }

    /// Decimal digits only.
    public init(decimal text: some StringProtocol) throws {
        guard !text.isEmpty else { throw UInt256Error.empty }
        // Up to 19 digits at a time in a UInt64, then one 256-bit multiply-add per chunk.
        var value = UInt256.zero
        var chunk: UInt64 = 0
        var scale: UInt64 = 1
        func flush() throws {
            let (scaled, o1) = value.multipliedReportingOverflow(by: UInt256(scale))
            let (sum, o2) = scaled.addingReportingOverflow(UInt256(chunk))
            guard !o1, !o2 else { throw UInt256Error.overflow(String(text)) }
            value = sum
            chunk = 0
            scale = 1
        }
        for c in text.utf8 {
            guard c >= 0x30 && c <= 0x39 else {
                // The digits before it may already overflow: that is reported first, as one digit
                // at a time would.
                try flush()
                throw UInt256Error.invalid(String(text))
            }
            chunk = chunk &* 10 &+ UInt64(c &- 0x30)
            scale &*= 10
            if scale == 10_000_000_000_000_000_000 { try flush() }
        }
        if scale > 1 { try flush() }
        self = value
    }

    private init(hexDigits: Substring, original: Substring) throws {
        guard !hexDigits.isEmpty else { throw UInt256Error.invalid(String(original)) }
        let significant = hexDigits.drop(while: { $0 == "0" })
        guard significant.utf8.count <= 64 else { throw UInt256Error.overflow(String(original)) }
        var value = UInt256.zero
        for c in significant.utf8 {
            guard let n = Hex.nibble(c) else { throw UInt256Error.invalid(String(original)) }
            value = value.shiftedLeft(4)
            value.limbs.0 |= UInt64(n)
        }
        // Zero digits that were dropped still had to be hex: they were, since drop(while:) only took "0".
        self = value
    }
}

extension UInt256: Codable {
    /// Decodes a decimal or `0x` hex string, or a JSON number that fits in 64 bits.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let n = try? container.decode(UInt64.self) {
            self.init(n)
        } else {
            try self.init(parsing: try container.decode(String.self))
        }
    }

    /// Encodes as a decimal string, which JSON carries without loss.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
