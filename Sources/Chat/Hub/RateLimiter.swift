import Synchronization

/// A token-bucket rate: `perSecond` tokens refill continuously up to `burst`.
public struct RateLimit: Hashable, Sendable {
    public var perSecond: Double
    public var burst: Double

    public init(perSecond: Double, burst: Double) {
        precondition(perSecond > 0 && burst >= 1, "a rate needs perSecond > 0 and burst >= 1")
        self.perSecond = perSecond
        self.burst = burst
    }
}

/// One bucket per key (an IP, an address), bounded in number: when `maxKeys` is reached, full
/// (idle) buckets are dropped first, then the least recently used half.
public final class RateLimiter<Key: Hashable & Sendable>: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: UInt64
    }

    public let limit: RateLimit
    public let maxKeys: Int
    private let buckets: Mutex<[Key: Bucket]>

    public init(limit: RateLimit, maxKeys: Int = 100_000) {
        self.limit = limit
        self.maxKeys = max(1, maxKeys)
        buckets = Mutex([:])
    }

    /// Takes one token for `key` at `now` (Unix ms): nil when allowed, else the seconds to wait (≥ 1).
    public func take(_ key: Key, now: UInt64) -> Int? {
        buckets.withLock { table in
            var bucket = table[key] ?? Bucket(tokens: limit.burst, updated: now)
            let elapsed = Double(now &- min(now, bucket.updated)) / 1000
            bucket.tokens = min(limit.burst, bucket.tokens + elapsed * limit.perSecond)
            bucket.updated = max(bucket.updated, now)
            let wait: Int?
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                wait = nil
            } else {
                wait = max(1, Int(((1 - bucket.tokens) / limit.perSecond).rounded(.up)))
            }
            if table[key] == nil && table.count >= maxKeys { Self.evict(&table, now: now, limit: limit) }
            table[key] = bucket
            return wait
        }
    }

    /// Number of keys tracked.
    public var trackedKeys: Int { buckets.withLock { $0.count } }

    static func evict(_ table: inout [Key: Bucket], now: UInt64, limit: RateLimit) {
        let before = table.count
        table = table.filter { _, b in b.tokens + Double(now &- min(now, b.updated)) / 1000 * limit.perSecond < limit.burst }
        guard table.count > before / 2 else { return }
        let keep = table.sorted { $0.value.updated > $1.value.updated }.prefix(before / 2)
        table = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }
}
