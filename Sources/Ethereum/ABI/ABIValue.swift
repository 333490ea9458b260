/// A value of some `ABIType`.
public indirect enum ABIValue: Hashable, Sendable {
    case uint(UInt256)
    case int(Int256)
    case address(Address)
    case bool(Bool)
    /// The N bytes of a `bytesN` (exactly N).
    case fixedBytes([UInt8])
    case bytes([UInt8])
    case string(String)
    /// Elements of `T[]` or `T[k]`.
    case array([ABIValue])
    case tuple([ABIValue])

    public var uintValue: UInt256? { if case .uint(let v) = self { v } else { nil } }
    public var intValue: Int256? { if case .int(let v) = self { v } else { nil } }
    public var addressValue: Address? { if case .address(let v) = self { v } else { nil } }
    public var boolValue: Bool? { if case .bool(let v) = self { v } else { nil } }
    public var bytesValue: [UInt8]? {
        switch self {
        case .bytes(let v), .fixedBytes(let v): v
        default: nil
        }
    }
    public var stringValue: String? { if case .string(let v) = self { v } else { nil } }
    public var arrayValue: [ABIValue]? {
        switch self {
        case .array(let v), .tuple(let v): v
        default: nil
        }
    }
}

/// Why ABI data or a type could not be encoded or decoded. `path` locates the value
/// (`[2]` is the third component, `.3` the fourth array element).
public enum ABIError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidType(String, String)
    case typeMismatch(path: String, expected: String, found: String)
    case outOfRange(path: String, String)
    case truncated(path: String, needed: Int, available: Int)
    case offsetOutOfBounds(path: String, offset: String, size: Int)
    case lengthOutOfBounds(path: String, length: String, available: Int)
    case nonZeroPadding(path: String, String)
    case invalidBool(path: String)
    case invalidUTF8(path: String)
    case budgetExceeded(String)
    case invalidSignature(String, String)
    case topicCount(expected: Int, found: Int)
    case topic0Mismatch(expected: Hash32, found: Hash32)

    public var description: String {
        switch self {
        case .invalidType(let t, let why): "invalid ABI type \"\(t.prefix(120))\": \(why)"
        case .typeMismatch(let p, let e, let f): "ABI value at \(p.isEmpty ? "top level" : p): expected \(e), found \(f)"
        case .outOfRange(let p, let why): "ABI value at \(p.isEmpty ? "top level" : p) is out of range: \(why)"
        case .truncated(let p, let n, let a): "ABI data truncated at \(p.isEmpty ? "top level" : p): need \(n) bytes, \(a) available"
        case .offsetOutOfBounds(let p, let o, let s):
            "ABI offset \(o) at \(p.isEmpty ? "top level" : p) points outside the \(s) bytes available"
        case .lengthOutOfBounds(let p, let l, let a): "ABI length \(l) at \(p.isEmpty ? "top level" : p) exceeds the \(a) bytes available"
        case .nonZeroPadding(let p, let what): "ABI value at \(p.isEmpty ? "top level" : p) has non-zero padding (\(what))"
        case .invalidBool(let p): "ABI bool at \(p.isEmpty ? "top level" : p) is neither 0 nor 1"
        case .invalidUTF8(let p): "ABI string at \(p.isEmpty ? "top level" : p) is not valid UTF-8"
        case .budgetExceeded(let why): "ABI data expands beyond its own size (\(why)); refusing aliased offsets"
        case .invalidSignature(let s, let why): "invalid signature \"\(s.prefix(200))\": \(why)"
        case .topicCount(let e, let f): "log has \(f) topics, the event needs \(e)"
        case .topic0Mismatch(let e, let f): "log topic0 \(f) is not the event's \(e)"
        }
    }
}
