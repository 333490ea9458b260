/// Encodes values by the Solidity contract ABI specification (head/tail, 32-byte words).
public enum ABIEncoder {
    /// Encodes `values` as the tuple `types` (function arguments, event data, return data).
    public static func encode(_ values: [ABIValue], as types: [ABIType]) throws -> [UInt8] {
        var out: [UInt8] = []
        try encodeTuple(values, types, path: "", into: &out)
        return out
    }

    /// Encodes a single value of `type`, as a one-element tuple.
    public static func encode(_ value: ABIValue, as type: ABIType) throws -> [UInt8] {
        try encode([value], as: [type])
    }

    /// `selector ‖ encode(arguments)`: call data for a function.
    public static func callData(_ function: ABIFunction, _ arguments: [ABIValue]) throws -> [UInt8] {
        try function.selector + encode(arguments, as: function.inputs)
    }

    static func encodeTuple(_ values: [ABIValue], _ types: [ABIType], path: String, into out: inout [UInt8]) throws {
        guard values.count == types.count else {
            throw ABIError.typeMismatch(path: path, expected: "\(types.count) values", found: "\(values.count)")
        }
        let headSize = types.reduce(0) { $0 + $1.headSize }
        let start = out.count
        out.reserveCapacity(start + headSize)
        var tails: [(headPosition: Int, type: ABIType, value: ABIValue, path: String)] = []
        for (i, (value, type)) in zip(values, types).enumerated() {
            let p = "\(path)[\(i)]"
            if type.isDynamic {
                tails.append((out.count, type, value, p))
                out.append(contentsOf: [UInt8](repeating: 0, count: 32))
            } else {
                try encodeValue(value, type, path: p, into: &out)
            }
        }
        for tail in tails {
            let offset = UInt256(UInt64(out.count - start))
            writeWord(offset.word, at: tail.headPosition, in: &out)
            try encodeValue(tail.value, tail.type, path: tail.path, into: &out)
        }
    }

    static func encodeValue(_ value: ABIValue, _ type: ABIType, path: String, into out: inout [UInt8]) throws {
        func mismatch() -> ABIError { .typeMismatch(path: path, expected: type.canonical, found: value.kindName) }
        switch (type, value) {
        case (.uint(let bits), .uint(let v)):
            guard v.bitWidth <= bits else { throw ABIError.outOfRange(path: path, "\(v) does not fit in uint\(bits)") }
            appendWord(v.word, to: &out)
        case (.int(let bits), .int(let v)):
            guard v.fits(bits: bits) else { throw ABIError.outOfRange(path: path, "\(v) does not fit in int\(bits)") }
            appendWord(v.bitPattern.word, to: &out)
        case (.address, .address(let a)):
            appendWord(a.word, to: &out)
        case (.bool, .bool(let b)):
            appendWord(UInt256(b ? 1 : 0).word, to: &out)
        case (.fixedBytes(let n), .fixedBytes(let bytes)):
            guard bytes.count == n else {
                throw ABIError.outOfRange(path: path, "bytes\(n) needs exactly \(n) bytes, found \(bytes.count)")
            }
            out.append(contentsOf: bytes)
            out.append(contentsOf: [UInt8](repeating: 0, count: 32 - n))
        case (.bytes, .bytes(let bytes)):
            appendDynamicBytes(bytes, to: &out)
        case (.string, .string(let s)):
            appendDynamicBytes(Array(s.utf8), to: &out)
        case (.array(let element), .array(let elements)):
            appendWord(UInt256(UInt64(elements.count)).word, to: &out)
            try encodeTuple(elements, Array(repeating: element, count: elements.count), path: path, into: &out)
        case (.fixedArray(let element, let k), .array(let elements)):
            guard elements.count == k else {
                throw ABIError.typeMismatch(path: path, expected: "\(k) elements", found: "\(elements.count)")
            }
            try encodeTuple(elements, Array(repeating: element, count: k), path: path, into: &out)
        case (.tuple(let components), .tuple(let values)):
            try encodeTuple(values, components, path: path, into: &out)
        default:
            throw mismatch()
        }
    }

    static func appendWord(_ word: Hash32, to out: inout [UInt8]) {
        word.withUnsafeBytes { out.append(contentsOf: $0) }
    }

    static func writeWord(_ word: Hash32, at position: Int, in out: inout [UInt8]) {
        word.withUnsafeBytes { raw in
            for i in 0..<32 { out[position + i] = raw[i] }
        }
    }

    static func appendDynamicBytes(_ bytes: [UInt8], to out: inout [UInt8]) {
        appendWord(UInt256(UInt64(bytes.count)).word, to: &out)
        out.append(contentsOf: bytes)
        let padding = (32 - bytes.count % 32) % 32
        out.append(contentsOf: [UInt8](repeating: 0, count: padding))
    }
}

extension ABIValue {
    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .uint: "an unsigned integer"
        case .int: "a signed integer"
        case .address: "an address"
        case .bool: "a bool"
        case .fixedBytes(let b): "\(b.count) fixed bytes"
        case .bytes: "bytes"
        case .string: "a string"
        case .array(let a): "an array of \(a.count)"
        case .tuple(let t): "a tuple of \(t.count)"
        }
    }
}
