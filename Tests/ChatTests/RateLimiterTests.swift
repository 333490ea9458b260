import Chat
import Testing

@Suite("Token buckets and connection slots")
struct RateLimiterTests {
    @Test func bucketRefillsAtItsRateUpToItsBurst() {
        let limiter = RateLimiter<String>(limit: RateLimit(perSecond: 2, burst: 3))
        #expect((0..<3).map { _ in limiter.take("a", now: 1000) } == [nil, nil, nil])
        #expect(limiter.take("a", now: 1000) == 1)
        #expect(limiter.take("b", now: 1000) == nil, "keys are independent")
        #expect(limiter.take("a", now: 1500) == nil, "half a second refills one token")
        #expect(limiter.take("a", now: 1500) == 1)
        #expect((0..<3).map { _ in limiter.take("a", now: 100_000) } == [nil, nil, nil], "never more than the burst")
        #expect(limiter.take("a", now: 100_000) != nil)
        let slow = RateLimiter<String>(limit: RateLimit(perSecond: 0.1, burst: 1))
        #expect(slow.take("x", now: 0) == nil)
        #expect(slow.take("x", now: 0) == 10)
        #expect(slow.take("x", now: 0) == 10, "a refused request takes no token")
    }

    @Test func trackedKeysStayBounded() {
        let limiter = RateLimiter<Int>(limit: RateLimit(perSecond: 1, burst: 5), maxKeys: 100)
        for key in 0..<1000 { _ = limiter.take(key, now: UInt64(key)) }
        #expect(limiter.trackedKeys <= 100)
    }

    @Test func connectionSlotsPerIPAndInTotal() {
        let slots = ConnectionLimiter(maxTotal: 3, maxPerIP: 2)
        #expect(slots.acquire("1") && slots.acquire("1"))
        #expect(!slots.acquire("1") && !slots.wouldAdmit("1"))
        #expect(slots.acquire("2"))
        #expect(!slots.acquire("3"), "total reached")
        slots.release("1")
        #expect(slots.acquire("3") && slots.open == 3)
    }
}
