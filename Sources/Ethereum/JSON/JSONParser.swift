/// A strict RFC 8259 JSON parser for untrusted input.
///
/// Bounded: input size and nesting depth are limited, duplicate object keys are rejected, strings
/// must be valid UTF-8 with well-formed escapes (no lone surrogates), and every error names the
/// line and column where the input went wrong.
public struct JSONParser: Sendable {
    public struct Limits: Sendable {
        /// Largest accepted input, in bytes.
        public var maxBytes: Int
        /// Deepest accepted nesting of arrays and objects.
        public var maxDepth: Int

        public init(maxBytes: Int = 16 << 20, maxDepth: Int = 64) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Parses one JSON text (surrounding whitespace allowed).
    public static func parse(_ text: String, limits: Limits = Limits()) throws -> JSON {
        try JSONParser(limits: limits).parse(Array(text.utf8))
    }

    /// Parses one JSON text from UTF-8 bytes.
    public func parse(_ bytes: [UInt8]) throws -> JSON {
        guard bytes.count <= limits.maxBytes else {
            throw JSONError(kind: .tooLarge(bytes.count, limits.maxBytes), offset: 0, line: 1, column: 1)
        }
        return try bytes.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(bytes: buffer, maxDepth: limits.maxDepth)
            cursor.skipWhitespace()
            let value = try cursor.parseValue(depth: 0)
            cursor.skipWhitespace()
            guard cursor.atEnd else { throw cursor.error(.trailingCharacters) }
            return value
        }
    }
}

/// Why a JSON text was rejected, with where.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case tooLarge(Int, Int)
        case tooDeep(Int)
        case unexpectedEnd
        case unexpectedCharacter(String)
        case trailingCharacters
        case invalidNumber
        case invalidLiteral
        case invalidEscape
        case invalidUnicode
        case controlCharacterInString
        case duplicateKey(String)
    }

    public let kind: Kind
    public let offset: Int
    public let line: Int
    public let column: Int

    public var description: String {
        let what: String
        switch kind {
        case .tooLarge(let n, let max): what = "JSON text of \(n) bytes exceeds the limit of \(max)"
        case .tooDeep(let max): what = "JSON nesting deeper than \(max) levels"
        case .unexpectedEnd: what = "JSON text ends unexpectedly"
        case .unexpectedCharacter(let c): what = "unexpected \(c) in JSON"
        case .trailingCharacters: what = "unexpected characters after the JSON value"
        case .invalidNumber: what = "malformed number in JSON"
        case .invalidLiteral: what = "invalid literal in JSON (expected true, false or null)"
        case .invalidEscape: what = "invalid escape sequence in a JSON string"
        case .invalidUnicode: what = "invalid UTF-8 or unpaired surrogate in a JSON string"
        case .controlCharacterInString: what = "unescaped control character in a JSON string"
        case .duplicateKey(let k): what = "duplicate key \"\(k.prefix(60))\" in a JSON object"
        }
        return "\(what) (line \(line), column \(column))"
    }
}

private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    var atEnd: Bool { position >= bytes.count }

    func error(_ kind: JSONError.Kind) -> JSONError {
        var line = 1, column = 1
        for b in bytes[0..<min(position, bytes.count)] {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return JSONError(kind: kind, offset: position, line: line, column: column)
    }

    func unexpected() -> JSONError {
        guard !atEnd else { return error(.unexpectedEnd) }
        let b = bytes[position]
        let shown = b >= 0x20 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
        return error(.unexpectedCharacter(shown))
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func expect(_ literal: StaticString) throws {
        let n = literal.utf8CodeUnitCount
        guard position + n <= bytes.count else { throw error(.invalidLiteral) }
        for i in 0..<n where bytes[position + i] != literal.utf8Start[i] {
            throw error(.invalidLiteral)
        }
        position += n
    }

    mutating func parseValue(depth: Int) throws -> JSON {
        guard !atEnd else { throw error(.unexpectedEnd) }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw unexpected()
        }
    }

    mutating func parseObject(depth: Int) throws -> JSON {
        guard depth <= maxDepth else { throw error(.tooDeep(maxDepth)) }
        position += 1
        var object = JSONObject()
        skipWhitespace()
        if !atEnd && bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard !atEnd, bytes[position] == UInt8(ascii: "\"") else { throw unexpected() }
            let keyStart = position
            let key = try parseString()
            guard !object.contains(key) else {
                position = keyStart
                throw error(.duplicateKey(key))
            }
            skipWhitespace()
            guard !atEnd, bytes[position] == UInt8(ascii: ":") else { throw unexpected() }
            position += 1
            skipWhitespace()
            object.appendAbsent(key, try parseValue(depth: depth))
            skipWhitespace()
            guard !atEnd else { throw error(.unexpectedEnd) }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(object)
            } else {
                throw unexpected()
            }
        }
    }

    mutating func parseArray(depth: Int) throws -> JSON {
        guard depth <= maxDepth else { throw error(.tooDeep(maxDepth)) }
        position += 1
        var elements: [JSON] = []
        skipWhitespace()
        if !atEnd && bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard !atEnd else { throw error(.unexpectedEnd) }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            } else {
                throw unexpected()
            }
        }
    }

    mutating func parseNumber() throws -> String {
        let start = position
        func digit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard digit(position) else { throw error(.invalidNumber) }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if digit(position) { throw error(.invalidNumber) }
        } else {
            while digit(position) { position += 1 }
        }
        if position < bytes.count && bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digit(position) else { throw error(.invalidNumber) }
            while digit(position) { position += 1 }
        }
        if position < bytes.count && (bytes[position] | 0x20) == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count && (bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")) {
                position += 1
            }
            guard digit(position) else { throw error(.invalidNumber) }
            while digit(position) { position += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    mutating func parseString() throws -> String {
        position += 1  // opening quote
        // Fast path: a string without escapes becomes a String straight from the input bytes.
        let start = position
        var ascii = true
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                if ascii { return String(decoding: run, as: UTF8.self) }
                guard let s = String(validating: run, as: UTF8.self) else { throw error(.invalidUnicode) }
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error(.controlCharacterInString) }
            ascii = ascii && b < 0x80
            position += 1
        }
        var out = [UInt8]()
        out.reserveCapacity(position - start + 16)
        var runStart = start
        while true {
            guard position < bytes.count else { throw error(.unexpectedEnd) }
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                out.append(contentsOf: bytes[runStart..<position])
                position += 1
                break
            } else if b == UInt8(ascii: "\\") {
                out.append(contentsOf: bytes[runStart..<position])
                try parseEscape(into: &out)
                runStart = position
            } else if b < 0x20 {
                throw error(.controlCharacterInString)
            } else {
                position += 1
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw error(.invalidUnicode) }
        return s
    }

    mutating func parseEscape(into out: inout [UInt8]) throws {
        position += 1
        guard position < bytes.count else { throw error(.unexpectedEnd) }
        let c = bytes[position]
        position += 1
        switch c {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw error(.invalidUnicode) }
                position += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw error(.invalidUnicode) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error(.invalidUnicode)
            }
            guard let u = Unicode.Scalar(scalar) else { throw error(.invalidUnicode) }
            out.append(contentsOf: Array(String(Character(u)).utf8))
        default:
            position -= 1
            throw error(.invalidEscape)
        }
    }

    mutating func parseHex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw error(.unexpectedEnd) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let n = Hex.nibble(bytes[position]) else { throw error(.invalidEscape) }
            value = value << 4 | UInt32(n)
            position += 1
        }
        return value
    }
}
