/// A parser for TOML 1.0 documents as configuration files use them: comments, bare/quoted/dotted
/// keys, tables, arrays of tables, strings (basic, literal, multi-line), integers (decimal, hex,
/// octal, binary), floats, booleans, arrays and inline tables. Dates and times are refused with a
/// clear error (Plenum's configuration has none). Every error names the line.
public struct TOMLParser {
    let bytes: [UInt8]
    var position = 0
    var line = 1
    var root = TOMLTable()
    /// Path of the table that key/value lines currently go to.
    var current: [PathStep] = []

    enum PathStep: Hashable {
        case key(String)
        /// The last element of the array of tables at this key.
        case lastElement(String)
    }

    /// Parses a whole document.
    public static func parse(_ text: String) throws -> TOMLTable {
        var parser = TOMLParser(bytes: Array(text.utf8))
        try parser.parseDocument()
        return parser.root
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ message: String) -> TOMLError { TOMLError(line: line, message: message) }

    var atEnd: Bool { position >= bytes.count }
    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func parseDocument() throws {
        while true {
            skipWhitespaceAndComments(newlines: true)
            guard let c = peek else { return }
            if c == UInt8(ascii: "[") {
                try parseTableHeader()
            } else {
                let (path, keyLine) = try parseKey()
                skipSpaces()
                guard peek == UInt8(ascii: "=") else { throw fail("expected '=' after the key") }
                position += 1
                skipSpaces()
                let value = try parseValue()
                try insert(path: path, node: value, keyLine: keyLine)
            }
            try endOfLine()
        }
    }

    mutating func endOfLine() throws {
        skipSpaces()
        if peek == UInt8(ascii: "#") { skipComment() }
        guard let c = peek else { return }
        if c == 0x0A {
            position += 1
            line += 1
        } else if c == 0x0D, position + 1 < bytes.count, bytes[position + 1] == 0x0A {
            position += 2
            line += 1
        } else {
            throw fail(
                "unexpected text after the value: '\(String(decoding: bytes[position..<min(bytes.count, position + 20)], as: UTF8.self))'")
        }
    }

    mutating func skipSpaces() {
        while let c = peek, c == 0x20 || c == 0x09 { position += 1 }
    }

    mutating func skipComment() {
        while let c = peek, c != 0x0A { position += 1 }
    }

    mutating func skipWhitespaceAndComments(newlines: Bool) {
        while let c = peek {
            if c == 0x20 || c == 0x09 || c == 0x0D {
                position += 1
            } else if c == 0x0A && newlines {
                position += 1
                line += 1
            } else if c == UInt8(ascii: "#") {
                skipComment()
            } else {
                return
            }
        }
    }

    // MARK: keys and tables

    mutating func parseKey() throws -> ([String], Int) {
        let keyLine = line
        var parts: [String] = []
        while true {
            skipSpaces()
            guard let c = peek else { throw fail("expected a key") }
            if c == UInt8(ascii: "\"") {
                parts.append(try parseBasicString())
            } else if c == UInt8(ascii: "'") {
                parts.append(try parseLiteralString())
            } else {
                let start = position
                while let b = peek, isBareKeyByte(b) { position += 1 }
                guard position > start else { throw fail("invalid character in a key: '\(Character(Unicode.Scalar(c)))'") }
                parts.append(String(decoding: bytes[start..<position], as: UTF8.self))
            }
            skipSpaces()
            if peek == UInt8(ascii: ".") {
                position += 1
            } else {
                return (parts, keyLine)
            }
        }
    }

    func isBareKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D
    }

    mutating func parseTableHeader() throws {
        let headerLine = line
        position += 1
        let isArray = peek == UInt8(ascii: "[")
        if isArray { position += 1 }
        let (path, _) = try parseKey()
        guard peek == UInt8(ascii: "]") else { throw fail("expected ']' to close the table header") }
        position += 1
        if isArray {
            guard peek == UInt8(ascii: "]") else { throw fail("expected ']]' to close the array-of-tables header") }
            position += 1
        }
        if isArray {
            try appendArrayTable(path: path, line: headerLine)
        } else {
            try defineTable(path: path, line: headerLine)
        }
    }

    mutating func defineTable(path: [String], line headerLine: Int) throws {
        var steps: [PathStep] = []
        for (i, key) in path.enumerated() {
            let last = i == path.count - 1
            let table = try resolve(steps)
            if let existing = table[key] {
                switch existing.value {
                case .table(let t):
                    if last {
                        guard t.implicit && !t.explicitlyDefined else {
                            throw fail("table [\(path.joined(separator: "."))] is defined twice")
                        }
                        try modify(steps) { table in
                            var t2 = t
                            t2.explicitlyDefined = true
                            table.set(key, TOMLNode(.table(t2), line: existing.line))
                        }
                    }
                    steps.append(.key(key))
                case .array(let items) where !items.isEmpty && items.allSatisfy({ if case .table = $0.value { true } else { false } }):
                    if last { throw fail("[\(path.joined(separator: "."))] is already an array of tables") }
                    steps.append(.lastElement(key))
                default:
                    throw fail("'\(key)' is already a value (line \(existing.line)), not a table")
                }
            } else {
                var t = TOMLTable()
                t.implicit = !last
                t.explicitlyDefined = last
                try modify(steps) { $0.set(key, TOMLNode(.table(t), line: headerLine)) }
                steps.append(.key(key))
            }
        }
        current = steps
    }

    mutating func appendArrayTable(path: [String], line headerLine: Int) throws {
        var steps: [PathStep] = []
        for (i, key) in path.enumerated() {
            let last = i == path.count - 1
            let table = try resolve(steps)
            if last {
                var element = TOMLTable()
                element.explicitlyDefined = true
                if let existing = table[key] {
                    guard case .array(var items) = existing.value, items.allSatisfy({ if case .table = $0.value { true } else { false } }),
                        !existing.isStaticArray
                    else { throw fail("'\(key)' is already a value (line \(existing.line)), not an array of tables") }
                    items.append(TOMLNode(.table(element), line: headerLine))
                    try modify(steps) { $0.set(key, TOMLNode(.array(items), line: existing.line)) }
                } else {
                    try modify(steps) { $0.set(key, TOMLNode(.array([TOMLNode(.table(element), line: headerLine)]), line: headerLine)) }
                }
                steps.append(.lastElement(key))
            } else if let existing = table[key] {
                switch existing.value {
                case .table: steps.append(.key(key))
                case .array: steps.append(.lastElement(key))
                default: throw fail("'\(key)' is already a value (line \(existing.line)), not a table")
                }
            } else {
                var t = TOMLTable()
                t.implicit = true
                try modify(steps) { $0.set(key, TOMLNode(.table(t), line: headerLine)) }
                steps.append(.key(key))
            }
        }
        current = steps
    }

    func resolve(_ steps: [PathStep]) throws -> TOMLTable {
        var table = root
        for step in steps {
            switch step {
            case .key(let k):
                guard case .table(let t)? = table[k]?.value else { throw fail("internal: '\(k)' is not a table") }
                table = t
            case .lastElement(let k):
                guard case .array(let items)? = table[k]?.value, case .table(let t)? = items.last?.value else {
                    throw fail("internal: '\(k)' is not an array of tables")
                }
                table = t
            }
        }
        return table
    }

    mutating func modify(_ steps: [PathStep], _ change: (inout TOMLTable) throws -> Void) throws {
        try Self.modify(&root, steps[...], change)
    }

    static func modify(_ table: inout TOMLTable, _ steps: ArraySlice<PathStep>, _ change: (inout TOMLTable) throws -> Void) throws {
        guard let step = steps.first else { return try change(&table) }
        switch step {
        case .key(let k):
            guard let node = table[k], case .table(var inner) = node.value else { return }
            try modify(&inner, steps.dropFirst(), change)
            table.set(k, TOMLNode(.table(inner), line: node.line))
        case .lastElement(let k):
            guard let node = table[k], case .array(var items) = node.value, let last = items.last, case .table(var inner) = last.value
            else { return }
            try modify(&inner, steps.dropFirst(), change)
            items[items.count - 1] = TOMLNode(.table(inner), line: last.line)
            table.set(k, TOMLNode(.array(items), line: node.line))
        }
    }

    /// Inserts `key.path = value` under the current table, creating dotted-key tables.
    mutating func insert(path: [String], node: TOMLNode, keyLine: Int) throws {
        var steps = current
        for (i, key) in path.enumerated() {
            let table = try resolve(steps)
            let last = i == path.count - 1
            if last {
                if let existing = table[key] {
                    throw TOMLError(
                        line: keyLine, message: "key '\(path.joined(separator: "."))' is defined twice (first on line \(existing.line))")
                }
                try modify(steps) { $0.set(key, node) }
            } else if let existing = table[key] {
                guard case .table(let t) = existing.value, t.implicit || !t.explicitlyDefined else {
                    throw TOMLError(line: keyLine, message: "'\(key)' is already a value (line \(existing.line)), not a table")
                }
                steps.append(.key(key))
            } else {
                var t = TOMLTable()
                t.implicit = true
                try modify(steps) { $0.set(key, TOMLNode(.table(t), line: keyLine)) }
                steps.append(.key(key))
            }
        }
    }

    // MARK: values

    mutating func parseValue() throws -> TOMLNode {
        let valueLine = line
        guard let c = peek else { throw fail("expected a value") }
        switch c {
        case UInt8(ascii: "\""):
            if startsWith("\"\"\"") { return TOMLNode(.string(try parseMultilineBasic()), line: valueLine) }
            return TOMLNode(.string(try parseBasicString()), line: valueLine)
        case UInt8(ascii: "'"):
            if startsWith("'''") { return TOMLNode(.string(try parseMultilineLiteral()), line: valueLine) }
            return TOMLNode(.string(try parseLiteralString()), line: valueLine)
        case UInt8(ascii: "["):
            return TOMLNode(.array(try parseArray()), line: valueLine)
        case UInt8(ascii: "{"):
            return TOMLNode(.table(try parseInlineTable()), line: valueLine)
        case UInt8(ascii: "t"):
            guard startsWith("true") else { throw fail("invalid value") }
            position += 4
            return TOMLNode(.bool(true), line: valueLine)
        case UInt8(ascii: "f"):
            guard startsWith("false") else { throw fail("invalid value") }
            position += 5
            return TOMLNode(.bool(false), line: valueLine)
        default:
            return TOMLNode(try parseNumber(), line: valueLine)
        }
    }

    func startsWith(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return position + u.count <= bytes.count && Array(bytes[position..<(position + u.count)]) == u
    }

    mutating func parseArray() throws -> [TOMLNode] {
        position += 1
        var items: [TOMLNode] = []
        while true {
            skipWhitespaceAndComments(newlines: true)
            guard let c = peek else { throw fail("unterminated array") }
            if c == UInt8(ascii: "]") {
                position += 1
                return items
            }
            items.append(try parseValue())
            skipWhitespaceAndComments(newlines: true)
            if peek == UInt8(ascii: ",") {
                position += 1
            } else if peek == UInt8(ascii: "]") {
                position += 1
                return items
            } else {
                throw fail(atEnd ? "unterminated array" : "expected ',' or ']' in the array")
            }
        }
    }

    mutating func parseInlineTable() throws -> TOMLTable {
        position += 1
        var sub = TOMLParser(bytes: [])
        var table = TOMLTable()
        skipSpaces()
        if peek == UInt8(ascii: "}") {
            position += 1
            return table
        }
        while true {
            skipSpaces()
            let (path, keyLine) = try parseKey()
            skipSpaces()
            guard peek == UInt8(ascii: "=") else { throw fail("expected '=' in the inline table") }
            position += 1
            skipSpaces()
            let value = try parseValue()
            sub.root = table
            sub.line = line
            try sub.insert(path: path, node: value, keyLine: keyLine)
            table = sub.root
            skipSpaces()
            if peek == UInt8(ascii: ",") {
                position += 1
            } else if peek == UInt8(ascii: "}") {
                position += 1
                return table
            } else {
                throw fail("expected ',' or '}' in the inline table (inline tables are one line)")
            }
        }
    }

    mutating func parseNumber() throws -> TOMLValue {
        let start = position
        while let c = peek,
            !(c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}")
                || c == UInt8(ascii: "#"))
        {
            position += 1
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard !text.isEmpty else { throw fail("expected a value") }
        if text.contains(":") || (text.count >= 10 && text.dropFirst(4).first == "-" && text.prefix(4).allSatisfy(\.isNumber)) {
            throw fail("dates and times are not supported in Plenum's configuration ('\(text)')")
        }
        switch text {
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        func digitsValid(_ s: Substring, _ allowed: (Character) -> Bool) -> Bool {
            !s.isEmpty && s.first != "_" && s.last != "_" && !s.contains("__") && s.allSatisfy { $0 == "_" || allowed($0) }
        }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where text.hasPrefix(prefix) {
            let digits = text.dropFirst(2)
            guard digitsValid(digits, { $0.isHexDigit && Int(String($0), radix: radix) != nil }),
                let v = Int64(digits.replacingOccurrences("_", ""), radix: radix)
            else { throw fail("invalid or too large integer '\(text)' (write large numbers as strings)") }
            return .integer(v)
        }
        var body = Substring(text)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        let isFloat = body.contains(".") || body.contains("e") || body.contains("E")
        if isFloat {
            guard digitsValid(body, { $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-" }),
                let v = Double(text.replacingOccurrences("_", ""))
            else { throw fail("invalid float '\(text)'") }
            return .float(v)
        }
        guard digitsValid(body, \.isNumber), !(body.count > 1 && body.first == "0") else { throw fail("invalid integer '\(text)'") }
        guard let v = Int64(text.replacingOccurrences("_", "")) else {
            throw fail("integer '\(text)' is out of range (write large numbers as strings)")
        }
        return .integer(v)
    }

    // MARK: strings

    mutating func parseBasicString() throws -> String {
        position += 1
        var out: [UInt8] = []
        while true {
            guard let c = peek else { throw fail("unterminated string") }
            if c == UInt8(ascii: "\"") {
                position += 1
                break
            }
            if c == 0x0A { throw fail("newline in a single-line string (use \"\"\" for multi-line)") }
            if c == UInt8(ascii: "\\") {
                try parseEscape(into: &out)
            } else {
                if c < 0x20 && c != 0x09 { throw fail("control character in a string") }
                out.append(c)
                position += 1
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
        return s
    }

    mutating func parseEscape(into out: inout [UInt8]) throws {
        position += 1
        guard let e = peek else { throw fail("unterminated escape") }
        position += 1
        switch e {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = e == UInt8(ascii: "u") ? 4 : 8
            guard position + count <= bytes.count,
                let v = UInt32(String(decoding: bytes[position..<(position + count)], as: UTF8.self), radix: 16),
                let scalar = Unicode.Scalar(v)
            else { throw fail("invalid unicode escape") }
            position += count
            out += Array(String(Character(scalar)).utf8)
        default:
            throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
        }
    }

    mutating func parseLiteralString() throws -> String {
        position += 1
        let start = position
        while let c = peek, c != UInt8(ascii: "'") {
            if c == 0x0A { throw fail("newline in a single-line literal string") }
            position += 1
        }
        guard peek != nil else { throw fail("unterminated literal string") }
        let s = String(decoding: bytes[start..<position], as: UTF8.self)
        position += 1
        return s
    }

    mutating func parseMultilineBasic() throws -> String {
        position += 3
        if peek == 0x0A {
            position += 1
            line += 1
        }
        var out: [UInt8] = []
        while true {
            guard let c = peek else { throw fail("unterminated multi-line string") }
            if startsWith("\"\"\"") {
                position += 3
                while peek == UInt8(ascii: "\"") && out.count < Int.max {
                    out.append(0x22)
                    position += 1
                }
                break
            }
            if c == UInt8(ascii: "\\") {
                // A line-ending backslash trims the newline and following whitespace.
                var look = position + 1
                while look < bytes.count, bytes[look] == 0x20 || bytes[look] == 0x09 { look += 1 }
                if look < bytes.count, bytes[look] == 0x0A || bytes[look] == 0x0D {
                    position = look
                    while let w = peek, w == 0x20 || w == 0x09 || w == 0x0A || w == 0x0D {
                        if w == 0x0A { line += 1 }
                        position += 1
                    }
                    continue
                }
                try parseEscape(into: &out)
                continue
            }
            if c == 0x0A { line += 1 }
            out.append(c)
            position += 1
        }
        guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
        return s
    }

    mutating func parseMultilineLiteral() throws -> String {
        position += 3
        if peek == 0x0A {
            position += 1
            line += 1
        }
        let start = position
        while !startsWith("'''") {
            guard let c = peek else { throw fail("unterminated multi-line literal string") }
            if c == 0x0A { line += 1 }
            position += 1
        }
        let s = String(decoding: bytes[start..<position], as: UTF8.self)
        position += 3
        return s
    }
}

/// A TOML syntax error, with its line.
public struct TOMLError: Error, Hashable, Sendable, CustomStringConvertible {
    public let line: Int
    public let message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

extension TOMLNode {
    /// Arrays written as values (`a = [...]`), as opposed to arrays of tables (`[[a]]`).
    var isStaticArray: Bool {
        guard case .array(let items) = value else { return false }
        return items.isEmpty || items.contains { if case .table(let t) = $0.value { !t.explicitlyDefined } else { true } }
    }
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}

extension Substring {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        String(self).replacingOccurrences(a, b)
    }
}
