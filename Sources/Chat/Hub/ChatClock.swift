import Foundation

/// The hub's wall clock in Unix milliseconds (receive times, timestamp skew, rate limits);
/// injected so tests can set the time.
public protocol ChatClock: Sendable {
    func now() -> UInt64
}

/// The system clock.
public struct SystemChatClock: ChatClock {
    public init() {}
    public func now() -> UInt64 { UInt64(max(0, (Date().timeIntervalSince1970 * 1000).rounded(.down))) }
}
