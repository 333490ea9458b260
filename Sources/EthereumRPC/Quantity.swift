import Ethereum

/// JSON-RPC quantities: `0x`-prefixed hex without leading zeros (geth accepts and writes them so).
public enum Quantity {
    /// Parses a hex quantity that fits in 64 bits (leading zeros tolerated on input).
    public static func parse(_ text: some StringProtocol) -> UInt64? {
        guard text.hasPrefix("0x") || text.hasPrefix("0X") else { return nil }
        let digits = text.dropFirst(2)
        guard !digits.isEmpty, digits.count <= 64 else { return nil }
        let significant = digits.drop(while: { $0 == "0" })
        guard significant.count <= 16 else { return nil }
        var value: UInt64 = 0
        for c in significant.utf8 {
            guard let n = Hex.nibble(c) else { return nil }
            value = value << 4 | UInt64(n)
        }
        return digits.allSatisfy({ $0.isHexDigit }) ? value : nil
    }

    /// `0x`-prefixed minimal hex.
    public static func format(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// A quantity member of a JSON object, or an error naming it.
    static func field(_ object: JSON, _ name: String, method: String) throws -> UInt64 {
        guard let text = object[name]?.stringValue, let value = parse(text) else {
            throw RPCClientError.unexpectedResult(method: method, "\(name) is not a hex quantity")
        }
        return value
    }
}
