import Ethereum
import TOML

/// Reads typed values out of a TOML table, collecting problems instead of stopping at the first.
struct TOMLReader {
    let file: String
    let table: TOMLTable
    let prefix: String
    let line: Int?
    var problems: [ConfigProblem] = []
    var used: Set<String> = []

    init(file: String, table: TOMLTable, prefix: String = "", line: Int? = nil) {
        self.file = file
        self.table = table
        self.prefix = prefix
        self.line = line
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    mutating func problem(_ key: String, _ message: String, line: Int? = nil) {
        problems.append(ConfigProblem(file: file, line: line ?? table[key]?.line ?? self.line, key: path(key), message: message))
    }

    mutating func node(_ key: String, required: Bool) -> TOMLNode? {
        used.insert(key)
        guard let node = table[key] else {
            if required { problem(key, "is required") }
            return nil
        }
        return node
    }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let node = node(key, required: required) else { return nil }
        guard case .string(let s) = node.value else {
            problem(key, "must be a string, found \(node.value.kind)")
            return nil
        }
        return s
    }

    mutating func integer(_ key: String, required: Bool = false, range: ClosedRange<Int64> = 0...Int64.max) -> Int64? {
        guard let node = node(key, required: required) else { return nil }
        guard case .integer(let v) = node.value else {
            problem(key, "must be an integer, found \(node.value.kind)")
            return nil
        }
        guard range.contains(v) else {
            problem(key, "must be between \(range.lowerBound) and \(range.upperBound), found \(v)")
            return nil
        }
        return v
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let node = node(key, required: false) else { return nil }
        guard case .bool(let b) = node.value else {
            problem(key, "must be true or false, found \(node.value.kind)")
            return nil
        }
        return b
    }

    mutating func address(_ key: String, required: Bool = false) -> Address? {
        guard let text = string(key, required: required) else { return nil }
        do { return try Address(text) } catch {
            problem(key, "\(error)")
            return nil
        }
    }

    /// A duration: a number of seconds, or a string such as "500ms", "2s", "5m", "1h".
    /// The longest duration a configuration may give (a year and a day): anything longer is a
    /// mistake, and longer timeouts would overflow where they become nanoseconds.
    static let longestDuration: Duration = .seconds(366 * 86_400)

    mutating func duration(_ key: String) -> Duration? {
        guard let node = node(key, required: false) else { return nil }
        let parsed: Duration?
        switch node.value {
        case .integer(let s) where s >= 0: parsed = .seconds(s)
        case .float(let s) where s >= 0 && s.isFinite: parsed = TOMLReader.milliseconds(s * 1000)
        case .string(let text):
            guard let d = TOMLReader.parseDuration(text) else {
                problem(key, "\"\(text)\" is not a duration (examples: \"500ms\", \"2s\", \"5m\", \"1h\")")
                return nil
            }
            parsed = d
        default:
            problem(key, "must be a duration such as \"2s\", found \(node.value.kind)")
            return nil
        }
        guard let parsed, parsed <= TOMLReader.longestDuration else {
            let written: String =
                switch node.value {
                case .integer(let s): "\(s) seconds"
                case .float(let s): "\(s) seconds"
                case .string(let text): "\"\(text)\""
                default: "the value"
                }
            problem(key, "\(written) is longer than the longest duration Plenum accepts (366 days)")
            return nil
        }
        return parsed
    }

    static func parseDuration(_ text: String) -> Duration? {
        for (suffix, scale) in [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)] where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if let n = Double(number), n >= 0, n.isFinite, !(suffix == "s" && number.hasSuffix("m")) {
                return milliseconds(n * Double(scale))
            }
        }
        return nil
    }

    /// `ms` milliseconds, or nil when that is more than an Int64 of milliseconds holds (about 292
    /// million years; converting such a Double to Int64 would trap).
    static func milliseconds(_ ms: Double) -> Duration? {
        guard ms >= 0 && ms < 0x1p63 else { return nil }
        return .milliseconds(Int64(ms))
    }

    mutating func stringArray(_ key: String, required: Bool = false) -> [String]? {
        guard let node = node(key, required: required) else { return nil }
        switch node.value {
        case .string(let s): return [s]
        case .array(let items):
            var out: [String] = []
            for item in items {
                guard case .string(let s) = item.value else {
                    problem(key, "must hold strings, found \(item.value.kind)", line: item.line)
                    return nil
                }
                out.append(s)
            }
            return out
        default:
            problem(key, "must be a string or an array of strings, found \(node.value.kind)")
            return nil
        }
    }

    mutating func table(_ key: String, required: Bool = false) -> (TOMLTable, Int)? {
        guard let node = node(key, required: required) else { return nil }
        guard case .table(let t) = node.value else {
            problem(key, "must be a table, found \(node.value.kind)")
            return nil
        }
        return (t, node.line)
    }

    /// Reports keys present but never read (typos, unsupported options).
    mutating func rejectUnknownKeys(except allowed: Set<String> = []) {
        for key in table.keys where !used.contains(key) && !allowed.contains(key) {
            problem(key, "unknown key")
        }
    }
}
