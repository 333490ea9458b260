import Ethereum
import Logging

/// A JSON-RPC client for one chain over one or more endpoints.
///
/// Every call is retried until it gets an answer: connection failures, timeouts, HTTP 5xx,
/// malformed answers and rate limits (HTTP 429 honouring `Retry-After`, or a JSON-RPC 429 inside
/// an HTTP 200, also in a single batch element) are retried with exponential backoff and jitter,
/// on the next endpoint that is not cooling down. JSON-RPC errors that say something about the
/// request (reverts, invalid parameters, range limits) are returned to the caller at once, never retried.
public actor RPCClient {
    public struct Configuration: Sendable {
        public var endpoints: [RPCEndpoint]
        /// Time allowed for one HTTP exchange.
        public var requestTimeout: Duration = .seconds(10)
        public var retry = RetryPolicy()
        /// Largest number of calls sent in one batch request; larger batches are split.
        public var maxBatchSize = 100

        public init(endpoints: [RPCEndpoint]) { self.endpoints = endpoints }
    }

    struct EndpointState {
        var cooldownUntil: Duration = .zero
        var consecutiveFailures = 0
    }

    public let configuration: Configuration
    let transport: any RPCTransport
    let clock: any RPCClock
    var random: SplitMix64
    var health: [EndpointState]
    var nextRequestID = 1
    public private(set) var metrics = RPCMetrics()
    let logger: Logger

    public init(
        configuration: Configuration, transport: any RPCTransport = HTTPTransport(), clock: any RPCClock = SystemRPCClock(),
        seed: UInt64 = UInt64.random(in: .min ... .max), logger: Logger = Logger(label: "plenum.rpc")
    ) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.random = SplitMix64(seed: seed)
        self.health = Array(repeating: EndpointState(), count: configuration.endpoints.count)
        self.logger = logger
    }

    /// Calls one method; a JSON-RPC error answer is thrown as `RPCError`.
    public func call(_ method: String, _ params: [JSON] = []) async throws -> JSON {
        try await send([RPCCall(method, params)])[0].get()
    }

    /// Calls one method starting from the `rotation`-th endpoint (modulo their number) instead of the
    /// first: used to ask a doubtful answer again of another endpoint when there is one.
    public func call(_ method: String, _ params: [JSON], rotation: Int) async throws -> JSON {
        try await send([RPCCall(method, params)], rotation: rotation)[0].get()
    }

    /// Sends calls as batches (split at `maxBatchSize`); each answer is a result or the node's error.
    public func batch(_ calls: [RPCCall]) async throws -> [Result<JSON, RPCError>] {
        var out: [Result<JSON, RPCError>] = []
        out.reserveCapacity(calls.count)
        var start = 0
        while start < calls.count {
            let end = min(start + configuration.maxBatchSize, calls.count)
            out += try await send(Array(calls[start..<end]))
            start = end
        }
        return out
    }

    /// One logical request (a single call or one batch), retried until every element has a final answer.
    func send(_ calls: [RPCCall], rotation: Int = 0) async throws -> [Result<JSON, RPCError>] {
        guard !configuration.endpoints.isEmpty else { throw RPCClientError.noEndpoints }
        if calls.isEmpty { return [] }
        var results = [Result<JSON, RPCError>?](repeating: nil, count: calls.count)
        var pending = Array(calls.indices)
        var lastFailure = "no attempt made"
        let label = calls.count == 1 ? calls[0].method : "batch of \(calls.count) (\(calls[0].method)…)"
        for attempt in 0..<configuration.retry.maxAttempts {
            let index = try await chooseEndpoint(rotation: rotation)
            let endpoint = configuration.endpoints[index]
            var ids: [Int: Int] = [:]  // request id → call index
            var requests: [JSON] = []
            for i in pending {
                let id = nextRequestID
                nextRequestID += 1
                ids[id] = i
                requests.append(calls[i].request(id: id))
            }
            let body = pending.count == 1 && calls.count == 1 ? requests[0] : .array(requests)
            count(endpoint, calls: pending.map { calls[$0] })
            let reply: HTTPReply
            do {
                reply = try await transport.post(Array(body.serialized().utf8), to: endpoint, timeout: configuration.requestTimeout)
            } catch let error as RPCTimeout {
                lastFailure = "\(endpoint): \(error)"
                fail(index, kind: "timeout")
                try await pause(attempt)
                continue
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                lastFailure = "\(endpoint): \(error)"
                fail(index, kind: "transport")
                try await pause(attempt)
                continue
            }
            if reply.status == 429 {
                lastFailure = "\(endpoint): HTTP 429"
                let rest = min(reply.retryAfter ?? configuration.retry.rateLimitCooldown, configuration.retry.maxRetryAfter)
                rateLimited(index, kind: "http_429", rest: rest)
                continue
            }
            let answers: [Int: JSON]
            do {
                answers = try parseAnswers(reply, expectingBatch: body.arrayValue != nil)
            } catch {
                lastFailure = "\(endpoint): \(error)"
                fail(index, kind: reply.status >= 500 ? "http_5xx" : "malformed")
                try await pause(attempt)
                continue
            }
            var stillPending: [Int] = []
            var sawRateLimit = false
            for (id, i) in ids.sorted(by: { $0.value < $1.value }) {
                guard let answer = answers[id] else {
                    stillPending.append(i)
                    continue
                }
                if let error = answer["error"] {
                    let rpcError = RPCClient.parseError(error)
                    if rpcError.isRateLimit {
                        sawRateLimit = true
                        stillPending.append(i)
                    } else {
                        results[i] = .failure(rpcError)
                        countError(endpoint, "rpc_error")
                    }
                } else if let result = answer["result"] {
                    results[i] = .success(result)
                } else {
                    stillPending.append(i)
                }
            }
            pending = stillPending
            if pending.isEmpty {
                succeed(index)
                return results.map { $0! }
            }
            if sawRateLimit {
                lastFailure = "\(endpoint): rate limited (JSON-RPC 429)"
                rateLimited(index, kind: "rate_limited", rest: configuration.retry.rateLimitCooldown)
            } else {
                lastFailure = "\(endpoint): answer lacked \(pending.count) of the requested ids"
                fail(index, kind: "malformed")
                try await pause(attempt)
            }
        }
        logger.warning("rpc request failed", metadata: ["request": "\(label)", "error": "\(lastFailure)"])
        throw RPCClientError.retriesExhausted(method: label, attempts: configuration.retry.maxAttempts, last: lastFailure)
    }

    /// The first endpoint (in configured order, rotated by `rotation`) that is not cooling down; waits when all are.
    func chooseEndpoint(rotation: Int = 0) async throws -> Int {
        let count = health.count
        let order = (0..<count).map { ($0 + rotation % count) % count }
        while true {
            let now = clock.now()
            if let ready = order.first(where: { health[$0].cooldownUntil <= now }) { return ready }
            let soonest = health.map(\.cooldownUntil).min()!
            try await clock.sleep(for: soonest - now)
        }
    }

    func pause(_ attempt: Int) async throws {
        try await clock.sleep(for: configuration.retry.backoff(attempt: attempt, random: &random))
    }

    func fail(_ index: Int, kind: String) {
        health[index].consecutiveFailures += 1
        health[index].cooldownUntil = clock.now() + configuration.retry.cooldown(consecutiveFailures: health[index].consecutiveFailures)
        countError(configuration.endpoints[index], kind)
        logger.debug("rpc endpoint failed", metadata: ["endpoint": "\(configuration.endpoints[index])", "kind": "\(kind)"])
    }

    func rateLimited(_ index: Int, kind: String, rest: Duration) {
        health[index].cooldownUntil = max(health[index].cooldownUntil, clock.now() + rest)
        countError(configuration.endpoints[index], kind)
    }

    func succeed(_ index: Int) {
        health[index].consecutiveFailures = 0
    }

    func count(_ endpoint: RPCEndpoint, calls: [RPCCall]) {
        metrics.endpoints[endpoint.name, default: .init()].requests += 1
        metrics.endpoints[endpoint.name, default: .init()].calls += calls.count
        for c in calls { metrics.endpoints[endpoint.name, default: .init()].callsByMethod[c.method, default: 0] += 1 }
    }

    func countError(_ endpoint: RPCEndpoint, _ kind: String) {
        metrics.endpoints[endpoint.name, default: .init()].errors[kind, default: 0] += 1
    }

    /// Parses a single answer or a batch into id → answer. Throws when the body is not JSON-RPC.
    func parseAnswers(_ reply: HTTPReply, expectingBatch: Bool) throws -> [Int: JSON] {
        let json: JSON
        do {
            json = try JSONParser(limits: .init(maxBytes: 256 << 20, maxDepth: 64)).parse(reply.body)
        } catch {
            throw RPCClientError.unexpectedResult(method: "HTTP \(reply.status)", "body is not JSON: \(error)")
        }
        let elements: [JSON]
        switch json {
        case .array(let items): elements = items
        case .object: elements = [json]
        default: throw RPCClientError.unexpectedResult(method: "HTTP \(reply.status)", "body is \(json.kind)")
        }
        var answers: [Int: JSON] = [:]
        for element in elements {
            guard case .number(let idText)? = element["id"], let id = Int(idText) else {
                // A batch-level error without id (e.g. a 429 for the whole batch) carries no per-call answer.
                if !expectingBatch, let error = element["error"], elements.count == 1 {
                    throw RPCClientError.unexpectedResult(
                        method: "HTTP \(reply.status)", "error without id: \(error.serialized().prefix(200))")
                }
                continue
            }
            answers[id] = element
        }
        if answers.isEmpty && reply.status >= 500 {
            throw RPCClientError.unexpectedResult(method: "HTTP \(reply.status)", "server error")
        }
        return answers
    }

    static func parseError(_ error: JSON) -> RPCError {
        let code: Int
        if case .number(let n)? = error["code"], let c = Int(n) { code = c } else { code = 0 }
        return RPCError(code: code, message: error["message"]?.stringValue ?? error.serialized(), data: error["data"])
    }
}
