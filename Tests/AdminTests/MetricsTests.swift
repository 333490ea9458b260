import Bot
import ChainWatch
import Chat
import Ethereum
import EthereumRPC
import Foundation
import PlenumService
import PlenumTesting
import Testing

@Suite("/metrics: Prometheus text with the documented metrics")
struct MetricsTests {
    @Test func metricsAreValidPrometheusTextAndDocumented() async throws {
        let world = try AdminWorld()
        try await world.runProposals()
        let client = RPCClient(
            configuration: .init(endpoints: [RPCEndpoint(url: "http://rpc.invalid", name: "test-0")]), transport: StubRPC())
        _ = try await client.call("eth_chainId")
        await #expect(throws: RPCError.self) { _ = try await client.call("eth_call", [["to": "0x00"], "latest"]) }
        let other = try Address("0x00000000000000000000000000000000000000dd")
        var watchers: [GovernorWatcher] = []
        for governor in [AdminWorld.governor, other] {  // the first has a cursor in the store, the second none
            watchers.append(
                try await GovernorWatcher(
                    id: FollowerID(chainId: AdminWorld.chainId, governor: governor),
                    configuration: .init(follower: .init(startBlock: 0, confirmations: 2)), source: client, store: world.store))
        }
        let hub = ChatHub(store: InMemoryChatStore(), configuration: .init(hub: "test-hub"))
        let check = RPCClient(
            configuration: .init(endpoints: [RPCEndpoint(url: "http://check.invalid", name: "test-check-0")]), transport: StubRPC())
        _ = try await check.call("eth_chainId")
        let botChain = RPCBotChain(chains: [AdminWorld.chainId: .init(client: client, confirmations: 2, crossCheck: check)])
        let sources = MetricsSources(
            watchers: watchers, clients: ["test": client], crossCheckClients: ["test": check], botChain: botChain, bot: world.bot,
            store: world.store, hub: hub)

        try await LiveAdmin.run(api: world.api(), metrics: sources) { live in
            let reply = try await live.get("/metrics", token: nil)
            #expect(reply.status == 200)
            #expect(reply.headers.first(name: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            let exposition = try PrometheusExposition(reply.text)
            let documented = try DocumentedMetrics.read()

            // Every metric is documented, with its type and label names.
            for (name, family) in exposition.families {
                let doc = try #require(documented[name], "\(name) is not in docs/operations.md")
                #expect(doc.type == family.type, "\(name): documented as \(doc.type), served as \(family.type)")
                for labels in family.labelNames { #expect(labels == doc.labels, "\(name): labels \(labels), documented \(doc.labels)") }
            }
            // And every documented metric is served (the head needs a running follower).
            for name in documented.keys.sorted() where name != "plenum_chain_head_block" {
                #expect(exposition.families[name] != nil, "\(name) is documented but not served")
            }
            // Values that this world produced.
            #expect(exposition.value("plenum_votes_accepted_total") == "3")
            #expect(exposition.value("plenum_votes_rejected_total", ["reason": "wrong-signer"]) == "1")
            #expect(exposition.value("plenum_votes_rejected_total", ["reason": "no-voting-power"]) == "1")
            #expect(exposition.value("plenum_votes_rejected_total", ["reason": "window-closed"]) == "0")
            #expect(exposition.value("plenum_results_published_total") == "1")
            #expect(exposition.value("plenum_proposals", ["phase": "closed"]) == "1")
            #expect(exposition.value("plenum_proposals", ["phase": "open"]) == "1")
            #expect(
                exposition.value("plenum_chain_cursor_block", ["chain": "31337", "governor": AdminWorld.governor.checksummed]) == "132")
            #expect(exposition.value("plenum_rpc_calls_total", ["chain": "test", "endpoint": "test-0", "method": "eth_chainId"]) == "1")
            #expect(exposition.value("plenum_rpc_errors_total", ["chain": "test", "endpoint": "test-0", "kind": "rpc_error"]) == "1")
            #expect(
                exposition.value("plenum_rpc_calls_total", ["chain": "test", "endpoint": "test-check-0", "method": "eth_chainId"]) == "1")
            #expect(exposition.value("plenum_bot_cross_check_mismatches_total", ["chain": "31337", "read": "calls"]) == "0")
            #expect(
                exposition.value(
                    "plenum_chain_cross_check_mismatches_total", ["chain": "31337", "governor": AdminWorld.governor.checksummed]) == "0")
            // Two watchers: each family's samples stay together under one HELP/TYPE.
            #expect(exposition.families["plenum_chain_reorgs_total"]?.samples.count == 2)
        }
    }

    @Test func familiesAreGroupedAndValuesEscaped() throws {
        var text = PrometheusText()
        text.add("a_total", 1, labels: [("x", "1")], help: "A.")
        text.add("b", 2.5, labels: [("path", "C:\\dir \"q\"\nnext")], help: "B with \\ and\nnewline.", type: "gauge")
        text.add("a_total", 3, labels: [("x", "2")], help: "A again.")
        let exposition = try PrometheusExposition(text.text)
        #expect(exposition.families["a_total"]?.samples.count == 2)
        #expect(exposition.value("b", ["path": "C:\\dir \"q\"\nnext"]) == "2.5")
        #expect(text.text.components(separatedBy: "\n").filter { $0.hasPrefix("# HELP a_total") } == ["# HELP a_total A."])
    }
}

/// The Prometheus text format (0.0.4), parsed strictly: every line is `# HELP`, `# TYPE` or a
/// sample `name{labels} value`; a family's TYPE comes before its samples, and its lines are together.
struct PrometheusExposition {
    struct Family {
        var type = "untyped"
        var samples: [(labels: [String: String], value: String)] = []
        var labelNames: Set<[String]> { Set(samples.map { $0.labels.keys.sorted() }) }
    }

    var families: [String: Family] = [:]

    init(_ text: String) throws {
        guard text.hasSuffix("\n") else { throw WorldError("the exposition must end with a newline") }
        var finished = Set<String>()
        var current: String?
        func enter(_ name: String) throws {
            if current != name {
                if let current { finished.insert(current) }
                guard !finished.contains(name) else { throw WorldError("\(name) appears in two places") }
                current = name
            }
        }
        for line in text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst("# HELP ".count)
                let name = String(rest.prefix { $0 != " " })
                guard Self.isName(name), rest.count > name.count + 1 else { throw WorldError("bad HELP line: \(line)") }
                try enter(name)
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ").map(String.init)
                guard parts.count == 4, Self.isName(parts[2]), ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3])
                else { throw WorldError("bad TYPE line: \(line)") }
                try enter(parts[2])
                guard families[parts[2]]?.samples.isEmpty ?? true else { throw WorldError("TYPE after samples: \(line)") }
                families[parts[2], default: Family()].type = parts[3]
            } else {
                let (name, labels, value) = try Self.sample(line)
                try enter(name)
                guard families[name] != nil else { throw WorldError("a sample before its TYPE: \(line)") }
                families[name]!.samples.append((labels, value))
            }
        }
    }

    func value(_ name: String, _ labels: [String: String] = [:]) -> String? {
        families[name]?.samples.first { $0.labels == labels }?.value
    }

    static func isName(_ s: String) -> Bool {
        guard let first = s.first, first.isLetter || first == "_" || first == ":" else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }

    /// `name{a="x",b="y"} value`, with `\\`, `\"` and `\n` escapes in label values.
    static func sample(_ line: String) throws -> (String, [String: String], String) {
        var chars = Array(line)[...]
        let name = String(chars.prefix { $0 != "{" && $0 != " " })
        guard isName(name) else { throw WorldError("not a metric line: \(line)") }
        chars = chars.dropFirst(name.count)
        var labels: [String: String] = [:]
        if chars.first == "{" {
            chars = chars.dropFirst()
            while chars.first != "}" {
                let label = String(chars.prefix { $0 != "=" })
                guard isName(label), !label.contains(":") else { throw WorldError("bad label name in: \(line)") }
                chars = chars.dropFirst(label.count)
                guard chars.popFirst() == "=", chars.popFirst() == "\"" else { throw WorldError("bad label in: \(line)") }
                var value = ""
                while let c = chars.popFirst(), c != "\"" {
                    if c == "\\" {
                        switch chars.popFirst() {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw WorldError("bad escape in: \(line)")
                        }
                    } else {
                        value.append(c)
                    }
                }
                guard labels.updateValue(value, forKey: label) == nil else { throw WorldError("repeated label in: \(line)") }
                if chars.first == "," {
                    chars = chars.dropFirst()
                } else if chars.first != "}" {
                    throw WorldError("bad labels in: \(line)")
                }
            }
            chars = chars.dropFirst()
        }
        guard chars.popFirst() == " " else { throw WorldError("no space before the value: \(line)") }
        let value = String(chars)
        guard Double(value) != nil || ["NaN", "+Inf", "-Inf"].contains(value) else { throw WorldError("bad value in: \(line)") }
        return (name, labels, value)
    }
}

/// The metrics table of docs/operations.md: rows `| `name` | type | labels | meaning |`.
enum DocumentedMetrics {
    struct Entry {
        let type: String
        let labels: [String]
    }

    static func read() throws -> [String: Entry] {
        let text = try String(contentsOfFile: Repository.path("docs/operations.md"), encoding: .utf8)
        var entries: [String: Entry] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `plenum_") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { throw WorldError("short metrics row: \(line)") }
            let name = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let labels =
                cells[2] == "—" ? [] : cells[2].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }
            entries[name] = Entry(type: cells[1], labels: labels.sorted())
        }
        guard !entries.isEmpty else { throw WorldError("no metrics table in docs/operations.md") }
        return entries
    }
}

/// Answers `eth_chainId` with 31337 and anything else with a JSON-RPC error (which is not retried).
struct StubRPC: RPCTransport {
    func post(_ body: [UInt8], to endpoint: RPCEndpoint, timeout: Duration) async throws -> HTTPReply {
        let request = try JSONParser.parse(String(decoding: body, as: UTF8.self))
        func answer(_ call: JSON) -> JSON {
            let id = call["id"] ?? .null
            if call["method"] == "eth_chainId" { return ["jsonrpc": "2.0", "id": id, "result": "0x7a69"] }
            return ["jsonrpc": "2.0", "id": id, "error": ["code": -32000, "message": "execution reverted"]]
        }
        let reply: JSON = request.arrayValue.map { .array($0.map(answer)) } ?? answer(request)
        return HTTPReply(status: 200, body: Array(reply.serialized().utf8))
    }
}
