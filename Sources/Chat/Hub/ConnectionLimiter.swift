import Synchronization

/// Counts open streams, in total and per client IP, against their limits.
public final class ConnectionLimiter: Sendable {
    public let maxTotal: Int
    public let maxPerIP: Int
    private let state = Mutex<(total: Int, perIP: [String: Int])>((0, [:]))

    public init(maxTotal: Int, maxPerIP: Int) {
        self.maxTotal = maxTotal
        self.maxPerIP = maxPerIP
    }

    /// Whether one more connection from `ip` would fit, without taking it.
    public func wouldAdmit(_ ip: String) -> Bool {
        state.withLock { $0.total < maxTotal && $0.perIP[ip, default: 0] < maxPerIP }
    }

    /// Takes a slot for `ip`; false when a limit is reached. Each success needs one `release`.
    public func acquire(_ ip: String) -> Bool {
        state.withLock { s in
            guard s.total < maxTotal, s.perIP[ip, default: 0] < maxPerIP else { return false }
            s.total += 1
            s.perIP[ip, default: 0] += 1
            return true
        }
    }

    public func release(_ ip: String) {
        state.withLock { s in
            s.total -= 1
            let left = s.perIP[ip, default: 1] - 1
            s.perIP[ip] = left > 0 ? left : nil
        }
    }

    public var open: Int { state.withLock { $0.total } }
}
