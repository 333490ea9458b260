/// ABI values in JSON notation: integers as decimal strings, addresses as EIP-55 strings, `bytes`
/// and `bytesN` as `0x` hex, strings as strings, arrays and tuples as arrays. The same notation is
/// used by the CLI and the cross-check oracle.
extension ABIValue {
    /// Reads a value of `type` from JSON notation (integers may also be JSON numbers or `0x` hex).
    public init(json: JSON, type: ABIType, path: String = "") throws {
        func mismatch() -> ABIError { .typeMismatch(path: path, expected: type.canonical, found: json.kind) }
        switch type {
        case .uint(let bits):
            let text: String
            switch json {
            case .string(let s): text = s
            case .number(let n): text = n
            default: throw mismatch()
            }
            let v: UInt256
            do { v = try UInt256(parsing: text) } catch { throw ABIError.outOfRange(path: path, "\(error)") }
            guard v.bitWidth <= bits else { throw ABIError.outOfRange(path: path, "\(v) does not fit in uint\(bits)") }
            self = .uint(v)
        case .int(let bits):
            let text: String
            switch json {
            case .string(let s): text = s
            case .number(let n): text = n
            default: throw mismatch()
            }
            let v: Int256
            do { v = try Int256(parsing: text) } catch { throw ABIError.outOfRange(path: path, "\(error)") }
            guard v.fits(bits: bits) else { throw ABIError.outOfRange(path: path, "\(v) does not fit in int\(bits)") }
            self = .int(v)
        case .address:
            guard let s = json.stringValue else { throw mismatch() }
            do { self = .address(try Address(s)) } catch { throw ABIError.outOfRange(path: path, "\(error)") }
        case .bool:
            guard let b = json.boolValue else { throw mismatch() }
            self = .bool(b)
        case .fixedBytes(let n):
            guard let s = json.stringValue, let bytes = try? Hex.decode(s, requirePrefix: true) else { throw mismatch() }
            guard bytes.count == n else {
                throw ABIError.outOfRange(path: path, "bytes\(n) needs exactly \(n) bytes, found \(bytes.count)")
            }
            self = .fixedBytes(bytes)
        case .bytes:
            guard let s = json.stringValue, let bytes = try? Hex.decode(s, requirePrefix: true) else { throw mismatch() }
            self = .bytes(bytes)
        case .string:
            guard let s = json.stringValue else { throw mismatch() }
            self = .string(s)
        case .array(let element):
            guard let items = json.arrayValue else { throw mismatch() }
            self = .array(try items.enumerated().map { try ABIValue(json: $1, type: element, path: "\(path).\($0)") })
        case .fixedArray(let element, let k):
            guard let items = json.arrayValue else { throw mismatch() }
            guard items.count == k else { throw ABIError.typeMismatch(path: path, expected: "\(k) elements", found: "\(items.count)") }
            self = .array(try items.enumerated().map { try ABIValue(json: $1, type: element, path: "\(path).\($0)") })
        case .tuple(let components):
            guard let items = json.arrayValue, items.count == components.count else { throw mismatch() }
            self = .tuple(try zip(items, components).enumerated().map { try ABIValue(json: $1.0, type: $1.1, path: "\(path)[\($0)]") })
        }
    }

    /// The value in JSON notation.
    public var json: JSON {
        switch self {
        case .uint(let v): .string(v.description)
        case .int(let v): .string(v.description)
        case .address(let a): .string(a.checksummed)
        case .bool(let b): .bool(b)
        case .fixedBytes(let b), .bytes(let b): .string(Hex.encode(b))
        case .string(let s): .string(s)
        case .array(let items), .tuple(let items): .array(items.map(\.json))
        }
    }
}
