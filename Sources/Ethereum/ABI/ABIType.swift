/// A Solidity ABI type, parsed from its canonical text (`uint256`, `(address,bytes)[]`, `string[3]` …).
public indirect enum ABIType: Hashable, Sendable {
    case uint(Int)
    case int(Int)
    case address
    case bool
    /// `bytesN`, 1 ≤ N ≤ 32.
    case fixedBytes(Int)
    case bytes
    case string
    /// `T[]`
    case array(ABIType)
    /// `T[k]`, k ≥ 1.
    case fixedArray(ABIType, Int)
    /// `(T1,T2,…)`, at least one component.
    case tuple([ABIType])

    /// Deepest nesting of arrays and tuples accepted when parsing a type.
    public static let maxNesting = 32

    /// Parses canonical or shorthand type text (`uint` = `uint256`, `int` = `int256`).
    public init(_ text: some StringProtocol) throws {
        var parser = ABITypeParser(Array(text.utf8))
        let type = try parser.parseType(depth: 0)
        guard parser.atEnd else { throw ABIError.invalidType(String(text), "unexpected text after the type") }
        self = type
    }

    /// Whether the encoding has a variable size (and is therefore referenced by offset).
    public var isDynamic: Bool {
        switch self {
        case .bytes, .string, .array: true
        case .fixedArray(let element, _): element.isDynamic
        case .tuple(let components): components.contains { $0.isDynamic }
        default: false
        }
    }

    /// Bytes occupied in the head of an enclosing tuple: 32 for dynamic types, the full size for static ones.
    public var headSize: Int {
        guard !isDynamic else { return 32 }
        switch self {
        case .fixedArray(let element, let k): return element.headSize * k
        case .tuple(let components): return components.reduce(0) { $0 + $1.headSize }
        default: return 32
        }
    }

    /// The canonical form used in function and event signatures.
    public var canonical: String {
        switch self {
        case .uint(let n): "uint\(n)"
        case .int(let n): "int\(n)"
        case .address: "address"
        case .bool: "bool"
        case .fixedBytes(let n): "bytes\(n)"
        case .bytes: "bytes"
        case .string: "string"
        case .array(let t): "\(t.canonical)[]"
        case .fixedArray(let t, let k): "\(t.canonical)[\(k)]"
        case .tuple(let components): "(" + components.map(\.canonical).joined(separator: ",") + ")"
        }
    }
}

extension ABIType: CustomStringConvertible {
    public var description: String { canonical }
}

struct ABITypeParser {
    let text: [UInt8]
    var position = 0

    init(_ text: [UInt8]) { self.text = text }

    var atEnd: Bool { position >= text.count }
    var source: String { String(decoding: text, as: UTF8.self) }

    func fail(_ why: String) -> ABIError { .invalidType(source, why) }

    mutating func parseType(depth: Int) throws -> ABIType {
        guard depth <= ABIType.maxNesting else { throw fail("nested more than \(ABIType.maxNesting) levels") }
        var type: ABIType
        if !atEnd && text[position] == UInt8(ascii: "(") {
            position += 1
            var components: [ABIType] = []
            if !atEnd && text[position] == UInt8(ascii: ")") { throw fail("an empty tuple () has no ABI encoding") }
            while true {
                components.append(try parseType(depth: depth + 1))
                guard !atEnd else { throw fail("missing ')'") }
                if text[position] == UInt8(ascii: ",") {
                    position += 1
                } else if text[position] == UInt8(ascii: ")") {
                    position += 1
                    break
                } else {
                    throw fail("expected ',' or ')' at position \(position)")
                }
            }
            type = .tuple(components)
        } else {
            let start = position
            while !atEnd, isNameByte(text[position]) { position += 1 }
            type = try elementary(String(decoding: text[start..<position], as: UTF8.self))
        }
        var arrays = 0
        while !atEnd && text[position] == UInt8(ascii: "[") {
            arrays += 1
            guard depth + arrays <= ABIType.maxNesting else { throw fail("nested more than \(ABIType.maxNesting) levels") }
            position += 1
            let start = position
            while !atEnd, text[position] >= 0x30, text[position] <= 0x39 { position += 1 }
            let digits = String(decoding: text[start..<position], as: UTF8.self)
            guard !atEnd, text[position] == UInt8(ascii: "]") else { throw fail("expected ']' at position \(position)") }
            position += 1
            if digits.isEmpty {
                type = .array(type)
            } else {
                guard let k = Int(digits), k >= 1, k <= 1 << 20, !(digits.count > 1 && digits.first == "0") else {
                    throw fail("fixed array length \(digits) must be a positive integer")
                }
                type = .fixedArray(type, k)
            }
        }
        return type
    }

    private func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
    }

    private func elementary(_ name: String) throws -> ABIType {
        switch name {
        case "address": return .address
        case "bool": return .bool
        case "bytes": return .bytes
        case "string": return .string
        case "uint": return .uint(256)
        case "int": return .int(256)
        case "": throw fail(atEnd ? "missing type" : "unexpected character at position \(position)")
        default: break
        }
        func size(after prefix: String) -> Int? {
            let digits = name.dropFirst(prefix.count)
            guard !digits.isEmpty, digits.first != "0", digits.allSatisfy(\.isASCII) else { return nil }
            return Int(digits)
        }
        if name.hasPrefix("uint"), let n = size(after: "uint") {
            guard n % 8 == 0, (8...256).contains(n) else { throw fail("uint\(n): the size must be a multiple of 8 from 8 to 256") }
            return .uint(n)
        }
        if name.hasPrefix("int"), let n = size(after: "int") {
            guard n % 8 == 0, (8...256).contains(n) else { throw fail("int\(n): the size must be a multiple of 8 from 8 to 256") }
            return .int(n)
        }
        if name.hasPrefix("bytes"), let n = size(after: "bytes") {
            guard (1...32).contains(n) else { throw fail("bytes\(n): the size must be from 1 to 32") }
            return .fixedBytes(n)
        }
        throw fail("unknown type '\(name)'")
    }
}
