/// Writes metrics in the Prometheus text exposition format (version 0.0.4).
public struct PrometheusText {
    private var lines: [String] = []
    private var described: Set<String> = []

    public init() {}

    /// Adds a sample; `help` and `type` are written once per metric name.
    public mutating func add(_ name: String, _ value: Double, labels: [(String, String)] = [], help: String, type: String = "counter") {
        if described.insert(name).inserted {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
        }
        let labelText = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        let number = value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        lines.append("\(name)\(labelText) \(number)")
    }

    public mutating func add(_ name: String, _ value: Int, labels: [(String, String)] = [], help: String, type: String = "counter") {
        add(name, Double(value), labels: labels, help: help, type: type)
    }

    public var text: String { lines.joined(separator: "\n") + "\n" }

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
}
