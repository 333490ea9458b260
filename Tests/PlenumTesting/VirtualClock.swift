import EthereumRPC
import Synchronization

/// Virtual time for tests: `sleep` returns at once and moves `now` forward by the duration, and
/// every sleep is recorded, so backoff and `Retry-After` are checked without waiting.
public final class VirtualClock: RPCClock {
    private let state = Mutex<(now: Duration, sleeps: [Duration])>((.zero, []))

    public init() {}

    public func now() -> Duration { state.withLock { $0.now } }

    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.now += duration
            $0.sleeps.append(duration)
        }
    }

    public var sleeps: [Duration] { state.withLock { $0.sleeps } }
}
