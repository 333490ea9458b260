/// A TOML value with the line it was written on, so configuration errors can name file, line and key.
public struct TOMLNode: Hashable, Sendable {
    public let value: TOMLValue
    /// 1-based line of the value (of the table header, for tables).
    public let line: Int

    public init(_ value: TOMLValue, line: Int) {
        self.value = value
        self.line = line
    }
}

public indirect enum TOMLValue: Hashable, Sendable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    case array([TOMLNode])
    case table(TOMLTable)

    /// A short name of the kind, for error messages.
    public var kind: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A TOML table: keys in the order written.
public struct TOMLTable: Hashable, Sendable {
    public private(set) var keys: [String] = []
    public private(set) var entries: [String: TOMLNode] = [:]
    /// Tables created implicitly by a dotted key or a nested header may still be defined once explicitly.
    var implicit = false
    var explicitlyDefined = false

    public init() {}

    public subscript(key: String) -> TOMLNode? { entries[key] }

    mutating func set(_ key: String, _ node: TOMLNode) {
        if entries[key] == nil { keys.append(key) }
        entries[key] = node
    }
}
