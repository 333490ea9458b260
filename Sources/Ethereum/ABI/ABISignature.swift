/// One parameter of a human-readable signature: `uint256 indexed proposalId`.
public struct ABIParameter: Hashable, Sendable {
    public let type: ABIType
    public let name: String?
    public let indexed: Bool

    public init(type: ABIType, name: String? = nil, indexed: Bool = false) {
        self.type = type
        self.name = name
        self.indexed = indexed
    }
}

/// Parses human-readable signatures: `name(type [indexed] [name], …)`, with an optional leading
/// `function`/`event` keyword and, for functions, optional modifiers and `returns (…)`.
struct ABISignatureParser {
    let text: String

    func parse() throws -> (name: String, parameters: [ABIParameter], returns: [ABIParameter], anonymous: Bool) {
        var rest = Substring(text).trimmingWhitespace()
        for keyword in ["function ", "event "] where rest.hasPrefix(keyword) {
            rest = rest.dropFirst(keyword.count).trimmingWhitespace()
        }
        guard let open = rest.firstIndex(of: "(") else { throw fail("missing '('") }
        let name = String(rest[..<open]).trimmingCharacters()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }),
            !(name.first!.isNumber)
        else { throw fail("'\(name)' is not a valid name") }
        let (inside, afterIndex) = try balanced(rest, from: open)
        let parameters = try parameters(inside)
        var tail = rest[afterIndex...].trimmingWhitespace()
        var returns: [ABIParameter] = []
        var anonymous = false
        while !tail.isEmpty {
            if tail.hasPrefix("returns") {
                tail = tail.dropFirst("returns".count).trimmingWhitespace()
                guard tail.first == "(" else { throw fail("expected '(' after returns") }
                let (r, after) = try balanced(tail, from: tail.startIndex)
                returns = try self.parameters(r)
                tail = tail[after...].trimmingWhitespace()
            } else {
                let word = tail.prefix(while: { !$0.isWhitespace })
                switch word {
                case "anonymous": anonymous = true
                case "view", "pure", "payable", "nonpayable", "external", "public": break
                default: throw fail("unexpected '\(word)'")
                }
                tail = tail.dropFirst(word.count).trimmingWhitespace()
            }
        }
        return (name, parameters, returns, anonymous)
    }

    func fail(_ why: String) -> ABIError { .invalidSignature(text, why) }

    /// The text between the parenthesis at `open` and its match, and the index after the match.
    func balanced(_ s: Substring, from open: Substring.Index) throws -> (Substring, Substring.Index) {
        var depth = 0
        var i = open
        while i < s.endIndex {
            if s[i] == "(" { depth += 1 }
            if s[i] == ")" {
                depth -= 1
                if depth == 0 { return (s[s.index(after: open)..<i], s.index(after: i)) }
            }
            i = s.index(after: i)
        }
        throw fail("unbalanced parentheses")
    }

    func parameters(_ list: Substring) throws -> [ABIParameter] {
        let trimmed = list.trimmingWhitespace()
        if trimmed.isEmpty { return [] }
        var parts: [Substring] = []
        var depth = 0
        var start = trimmed.startIndex
        for i in trimmed.indices {
            switch trimmed[i] {
            case "(": depth += 1
            case ")": depth -= 1
            case "," where depth == 0:
                parts.append(trimmed[start..<i])
                start = trimmed.index(after: i)
            default: break
            }
        }
        parts.append(trimmed[start...])
        return try parts.map(parameter)
    }

    func parameter(_ text: Substring) throws -> ABIParameter {
        let t = text.trimmingWhitespace()
        guard !t.isEmpty else { throw fail("empty parameter") }
        // The type ends at the first whitespace outside parentheses.
        var depth = 0
        var end = t.endIndex
        for i in t.indices {
            if t[i] == "(" { depth += 1 }
            if t[i] == ")" { depth -= 1 }
            if depth == 0 && t[i].isWhitespace {
                end = i
                break
            }
        }
        var typeText = String(t[..<end])
        if typeText.hasPrefix("tuple(") { typeText.removeFirst("tuple".count) }
        let type: ABIType
        do { type = try ABIType(typeText) } catch { throw fail("\(error)") }
        var words = t[end...].split(whereSeparator: { $0.isWhitespace }).map(String.init)
        var indexed = false
        if words.first == "indexed" {
            indexed = true
            words.removeFirst()
        }
        for location in ["memory", "calldata", "storage"] where words.first == location { words.removeFirst() }
        guard words.count <= 1 else { throw fail("unexpected '\(words.joined(separator: " "))'") }
        return ABIParameter(type: type, name: words.first, indexed: indexed)
    }
}

extension StringProtocol {
    func trimmingCharacters() -> String { String(trimmingWhitespace()) }
}
