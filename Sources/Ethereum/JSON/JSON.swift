/// A JSON value that keeps numbers as their literal text, so 256-bit integers survive intact,
/// and keeps object members in document order.
public enum JSON: Hashable, Sendable {
    case null
    case bool(Bool)
    /// The number exactly as written (RFC 8259 grammar), e.g. `"115792089237316195423570985008687907853269984665640564039457584007913129639935"`.
    case number(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)

    /// The member named `key` when this is an object.
    public subscript(key: String) -> JSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// A short name of the value's kind, for error messages.
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// A JSON object: members in document order, keys unique.
///
/// Keys are their UTF-8 bytes: two spellings Swift's `==` calls equal (canonically equivalent
/// Unicode) are different keys, as they are to JSON and to EIP-712, which hash the bytes.
/// Lookups in small objects (the usual case: a ballot, a message, a request) compare keys in order,
/// which is cheaper than hashing them; an object that grows past `linearLimit` members also keeps a
/// hash index, so a hostile object with many keys stays O(1) per lookup.
public struct JSONObject: Hashable, Sendable, Sequence {
    public private(set) var members: [(key: String, value: JSON)] = []
    /// Key → position in `members`, kept only above `linearLimit` members.
    private var index: [Key: Int]?

    /// A key hashed and compared by its bytes.
    private struct Key: Hashable {
        let text: String
        static func == (a: Key, b: Key) -> Bool { a.text.hasSameBytes(as: b.text) }
        func hash(into hasher: inout Hasher) {
            var text = text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }
    static let linearLimit = 12

    public init() {}

    /// Builds an object; a later duplicate key replaces the earlier value.
    public init(_ members: [(String, JSON)]) {
        self.members.reserveCapacity(members.count)
        for (k, v) in members { self[k] = v }
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }

    private func position(of key: String) -> Int? {
        if let index { return index[Key(text: key)] }
        return members.firstIndex { $0.key.hasSameBytes(as: key) }
    }

    public subscript(key: String) -> JSON? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let i = position(of: key) {
                if let newValue { members[i].value = newValue } else { remove(at: i) }
            } else if let newValue {
                appendAbsent(key, newValue)
            }
        }
    }

    /// Appends a member the caller has checked is absent (the parser, which reports a duplicate
    /// key where it starts, before parsing its value).
    mutating func appendAbsent(_ key: String, _ value: JSON) {
        members.append((key, value))
        if index != nil {
            index![Key(text: key)] = members.count - 1
        } else if members.count > Self.linearLimit {
            rebuildIndex()
        }
    }

    private mutating func remove(at i: Int) {
        members.remove(at: i)
        if index != nil { rebuildIndex() }
    }

    private mutating func rebuildIndex() {
        guard members.count > Self.linearLimit else {
            index = nil
            return
        }
        var built: [Key: Int] = [:]
        built.reserveCapacity(members.count)
        for (n, m) in members.enumerated() { built[Key(text: m.key)] = n }
        index = built
    }

    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSON)]> { members.makeIterator() }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for m in members {
            hasher.combine(m.key)
            hasher.combine(m.value)
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(nilLiteral: ()) { self = .null }
}

extension JSON {
    /// Whether both are the same value written with the same bytes: strings, numbers and keys
    /// compared as UTF-8, members in order. `==` compares strings as Swift does, equating canonically
    /// equivalent spellings that sign and hash differently; signed and hashed values use this.
    public func hasSameBytes(as other: JSON) -> Bool {
        switch (self, other) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)), (.string(let x), .string(let y)): x.hasSameBytes(as: y)
        case (.array(let x), .array(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.hasSameBytes(as: $1) }
        case (.object(let x), .object(let y)):
            x.count == y.count
                && zip(x.members, y.members).allSatisfy { $0.key.hasSameBytes(as: $1.key) && $0.value.hasSameBytes(as: $1.value) }
        default: false
        }
    }
}
