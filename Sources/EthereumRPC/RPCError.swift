import Ethereum

/// A JSON-RPC error object returned by a node: `{"code", "message", "data"}`.
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    public let code: Int
    public let message: String
    public let data: JSON?

    public init(code: Int, message: String, data: JSON? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "JSON-RPC error \(code): \(message.prefix(300))" }

    /// A rate limit answered inside the JSON-RPC body (code 429, or a provider's wording).
    public var isRateLimit: Bool {
        if code == 429 { return true }
        let m = message.lowercased()
        return m.contains("rate limit") || m.contains("too many requests") || m.contains("request limit reached")
    }

    /// Execution reverted (`eth_call`, `eth_estimateGas`): deterministic for the same block.
    public var isRevert: Bool { code == 3 || message.lowercased().hasPrefix("execution reverted") }

    /// The provider refused an `eth_getLogs` because of its range or result-size limits.
    public var isLogRangeLimit: Bool {
        let m = message.lowercased()
        return m.contains("query returned more than") || m.contains("exceeds limit") || m.contains("block range")
            || m.contains("log response size exceeded") || m.contains("range is too wide") || m.contains("too many results")
            || m.contains("range too large") || m.contains("limit exceeded")
    }

    /// The refusal said there were too many results (as opposed to too many blocks).
    public var isTooManyResults: Bool {
        let m = message.lowercased()
        return m.contains("more than") && m.contains("result") || m.contains("too many results")
    }

    /// A block range the provider suggests, from wordings such as
    /// `… this block range should work: [0x0, 0x1f3]` or `Try with this block range [0x10, 0x20].`
    public var suggestedRange: ClosedRange<UInt64>? {
        guard let open = message.lastIndex(of: "["), let close = message[open...].firstIndex(of: "]") else { return nil }
        let parts = message[message.index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters() }
        guard parts.count == 2, let a = Quantity.parse(parts[0]), let b = Quantity.parse(parts[1]), a <= b else { return nil }
        return a...b
    }

    /// The result cap stated in wordings such as `query returned more than 10000 results`.
    public var statedResultLimit: UInt64? {
        let words = message.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "." })
        for (i, w) in words.enumerated() where w == "than" && i + 2 < words.count && words[i + 2].hasPrefix("result") {
            if let n = UInt64(words[i + 1]) { return n }
        }
        return nil
    }

    /// The block range limit stated in wordings such as `query block range 601 exceeds limit of 500`
    /// or `up to a 500 block range`.
    public var statedRangeLimit: UInt64? {
        let words = message.split(whereSeparator: { $0 == " " || $0 == "," })
        for (i, w) in words.enumerated() {
            if w == "of", i > 1, words[i - 1] == "limit", i + 1 < words.count, let n = UInt64(words[i + 1]) { return n }
            if w == "a", i + 2 < words.count, words[i + 2] == "block", let n = UInt64(words[i + 1]) { return n }
        }
        return nil
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

/// Why a request could not be answered at all (as opposed to a JSON-RPC error answer).
public enum RPCClientError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Every attempt failed; `last` describes the final failure.
    case retriesExhausted(method: String, attempts: Int, last: String)
    /// No endpoint is configured.
    case noEndpoints
    /// The answer was not the JSON-RPC shape expected for the method.
    case unexpectedResult(method: String, String)
    /// A block pinned by hash is no longer on the canonical chain.
    case blockNotCanonical(Hash32)

    public var description: String {
        switch self {
        case .retriesExhausted(let method, let attempts, let last): "\(method) failed after \(attempts) attempts: \(last)"
        case .noEndpoints: "no JSON-RPC endpoint configured"
        case .unexpectedResult(let method, let why): "unexpected answer to \(method): \(why)"
        case .blockNotCanonical(let hash): "block \(hash) is no longer on the canonical chain"
        }
    }
}
