import Foundation

/// Writes metrics in the Prometheus text exposition format (version 0.0.4): each metric family's
/// `# HELP` and `# TYPE` lines, then all its samples together, families in the order first added.
public struct PrometheusText {
    struct Family {
        let help: String
        let type: String
        var samples: [String] = []
    }

    private var order: [String] = []
    private var families: [String: Family] = [:]

    public init() {}

    /// Adds a sample; the first `help` and `type` given for a name are the family's.
    public mutating func add(_ name: String, _ value: Double, labels: [(String, String)] = [], help: String, type: String = "counter") {
        if families[name] == nil {
            order.append(name)
            families[name] = Family(help: Self.escapeHelp(help), type: type)
        }
        let labelText = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        families[name]!.samples.append("\(name)\(labelText) \(Self.format(value))")
    }

    public mutating func add(_ name: String, _ value: Int, labels: [(String, String)] = [], help: String, type: String = "counter") {
        add(name, Double(value), labels: labels, help: help, type: type)
    }

    public var text: String {
        var lines: [String] = []
        for name in order {
            let family = families[name]!
            lines.append("# HELP \(name) \(family.help)")
            lines.append("# TYPE \(name) \(family.type)")
            lines += family.samples
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// Label values escape backslash, double quote and newline.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    /// Help text escapes backslash and newline.
    static func escapeHelp(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
