import Dispatch
import Synchronization

/// CPU-bound work spread over threads outside Swift's cooperative pool.
///
/// Signature recovery keeps a core busy for seconds; run on the cooperative pool (one thread per
/// core) it would starve every other task of the process (servers, timers, tests running beside
/// it). So the work runs on Dispatch's threads (`concurrentPerform`) while the calling task is
/// suspended, and only its result comes back to the cooperative pool.
public enum ParallelWork {
    /// `body(0..<count)` on `workers` threads; results in index order. The threads take small runs
    /// of indices from a shared counter, so one slow run of items never leaves the others idle.
    public static func map<T: Sendable>(_ count: Int, workers: Int, _ body: @escaping @Sendable (Int) -> T) async -> [T] {
        guard count > 0 else { return [] }
        let workers = max(1, min(workers, count))
        let run = max(1, min(16, count / (workers * 8)))
        return await withCheckedContinuation { (continuation: CheckedContinuation<[T], Never>) in
            DispatchQueue.global().async {
                let slots = Slots<T>(count: count)
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    while true {
                        let first = slots.claim(run)
                        guard first < count else { break }
                        for i in first..<min(first + run, count) { slots.set(i, body(i)) }
                    }
                }
                continuation.resume(returning: slots.values())
            }
        }
    }
}

/// Result slots written by several threads at distinct indices.
///
/// `@unchecked Sendable` is safe here: each index is claimed (atomically) and written by exactly one thread, nothing reads a
/// slot while the threads run, and `concurrentPerform` returns only after every iteration has
/// finished, which orders all the writes before `values()` reads them.
final class Slots<T>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<T?>
    private let next = Atomic<Int>(0)

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    /// The first of the next `run` unclaimed indices (past the end when none is left).
    func claim(_ run: Int) -> Int { next.wrappingAdd(run, ordering: .relaxed).oldValue }

    func set(_ index: Int, _ value: T) { buffer[index] = value }

    /// Moves every value out (each slot is left empty, so nothing is copied).
    func values() -> [T] { buffer.indices.map { buffer[$0].take()! } }
}
