/// Exponential backoff with full jitter, and per-endpoint cooldowns.
public struct RetryPolicy: Sendable {
    /// Attempts per request before giving up (each attempt may use another endpoint).
    public var maxAttempts: Int = 10
    /// First backoff; doubles per attempt up to `maxBackoff`; the delay is uniform in [base/2, base].
    public var baseBackoff: Duration = .milliseconds(100)
    public var maxBackoff: Duration = .seconds(10)
    /// An endpoint that failed (timeout, connection, 5xx, malformed answer) rests for this long,
    /// doubling with consecutive failures up to `maxCooldown`.
    public var failureCooldown: Duration = .seconds(1)
    public var maxCooldown: Duration = .seconds(60)
    /// An endpoint that answered "rate limited" without `Retry-After` rests for this long.
    public var rateLimitCooldown: Duration = .seconds(1)
    /// A `Retry-After` longer than this is capped (a hostile header must not stall the service).
    public var maxRetryAfter: Duration = .seconds(60)

    public init() {}

    func backoff(attempt: Int, random: inout SplitMix64) -> Duration {
        let exponent = min(attempt, 20)
        var delay = baseBackoff * (1 << exponent)
        if delay > maxBackoff { delay = maxBackoff }
        let fraction = 0.5 + Double(random.next() % 1_000_000) / 2_000_000
        return delay * fraction
    }

    func cooldown(consecutiveFailures: Int) -> Duration {
        var delay = failureCooldown * (1 << min(max(consecutiveFailures - 1, 0), 20))
        if delay > maxCooldown { delay = maxCooldown }
        return delay
    }
}

/// SplitMix64, for reproducible jitter.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
