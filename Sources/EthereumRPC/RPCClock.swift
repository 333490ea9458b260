/// Time as the RPC client sees it: a monotonic "now" and sleeping. Injected so that retries,
/// backoff and cooldowns are tested with virtual time instead of real waits.
public protocol RPCClock: Sendable {
    /// Monotonic time since an arbitrary origin.
    func now() -> Duration
    func sleep(for duration: Duration) async throws
}

/// The real clock.
public struct SystemRPCClock: RPCClock {
    let origin = ContinuousClock.now

    public init() {}

    public func now() -> Duration { ContinuousClock.now - origin }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
