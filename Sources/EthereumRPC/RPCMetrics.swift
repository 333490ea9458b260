/// Counters of what the client did, per endpoint, for `/metrics` and benchmarks.
public struct RPCMetrics: Sendable, Equatable {
    public struct Endpoint: Sendable, Equatable {
        /// HTTP requests sent (a batch is one request).
        public var requests = 0
        /// JSON-RPC calls sent, counting each batch element.
        public var calls = 0
        /// Calls per method.
        public var callsByMethod: [String: Int] = [:]
        /// Failures by kind: `timeout`, `transport`, `http_429`, `http_5xx`, `malformed`, `rate_limited`, `rpc_error`.
        public var errors: [String: Int] = [:]
    }

    public var endpoints: [String: Endpoint] = [:]

    /// Calls of `method` summed over endpoints.
    public func calls(_ method: String) -> Int {
        endpoints.values.reduce(0) { $0 + ($1.callsByMethod[method] ?? 0) }
    }

    public var totalRequests: Int { endpoints.values.reduce(0) { $0 + $1.requests } }
}
