import Ethereum
import EthereumRPC
import Synchronization

/// An in-memory transport that answers each request by a script, recording what it was sent.
final class ScriptedTransport: RPCTransport {
    enum Step {
        case reply(HTTPReply)
        case fail(any Error & Sendable)
        /// Answers each call of the request with `answer(method, params)` (an object with result or error).
        case answer(@Sendable (String, [JSON]) -> JSON)
    }

    struct Sent: Sendable {
        let endpoint: String
        let body: JSON
        var methods: [String] {
            switch body {
            case .array(let items): items.compactMap { $0["method"]?.stringValue }
            default: [body["method"]?.stringValue ?? "?"]
            }
        }
    }

    private let state: Mutex<(steps: [Step], sent: [Sent])>
    private let fallback: Step?

    init(_ steps: [Step], then fallback: Step? = nil) {
        state = Mutex((steps, []))
        self.fallback = fallback
    }

    var sent: [Sent] { state.withLock { $0.sent } }

    func post(_ body: [UInt8], to endpoint: RPCEndpoint, timeout: Duration) async throws -> HTTPReply {
        let json = try JSONParser().parse(body)
        let step: Step? = state.withLock {
            $0.sent.append(Sent(endpoint: endpoint.name, body: json))
            return $0.steps.isEmpty ? fallback : $0.steps.removeFirst()
        }
        switch step {
        case .reply(let reply)?: return reply
        case .fail(let error)?: throw error
        case .answer(let f)?: return ScriptedTransport.respond(json, f)
        case nil: throw RPCTimeout(timeout: timeout)
        }
    }

    static func respond(_ request: JSON, _ f: (String, [JSON]) -> JSON) -> HTTPReply {
        func one(_ r: JSON) -> JSON {
            var answer = f(r["method"]!.stringValue!, r["params"]?.arrayValue ?? []).objectValue!
            answer["jsonrpc"] = "2.0"
            answer["id"] = r["id"]!
            return .object(answer)
        }
        let out: JSON
        switch request {
        case .array(let items): out = .array(items.map(one))
        default: out = one(request)
        }
        return HTTPReply(status: 200, body: Array(out.serialized().utf8))
    }

    static func result(_ value: JSON) -> JSON { ["result": value] }
    static func error(_ code: Int, _ message: String) -> JSON { ["error": ["code": .number(String(code)), "message": .string(message)]] }
    static func body(_ text: String) -> [UInt8] { Array(text.utf8) }
}

struct ConnectionRefused: Error, CustomStringConvertible {
    var description: String { "connection refused" }
}
