import Foundation

/// A value behind an `NSLock` (a pthread mutex). Test helpers that threads share use it instead of
/// `Synchronization.Mutex`, whose futex-based unlock ThreadSanitizer does not see, so that
/// `.ci/sanitizers thread` reports only real races.
public final class PthreadLocked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
