import Dispatch

/// CPU-bound work spread over threads outside Swift's cooperative pool.
///
/// Signature recovery keeps a core busy for seconds; run on the cooperative pool (one thread per
/// core) it would starve every other task of the process (servers, timers, tests running beside
/// it). So the work runs on Dispatch's threads (`concurrentPerform`) while the calling task is
/// suspended, and only its result comes back to the cooperative pool.
public enum ParallelWork {
    /// `body(0..<count)` on `workers` threads, each taking a contiguous slice; results in index order.
    public static func map<T: Sendable>(_ count: Int, workers: Int, _ body: @escaping @Sendable (Int) -> T) async -> [T] {
        guard count > 0 else { return [] }
        let workers = max(1, min(workers, count))
        return await withCheckedContinuation { (continuation: CheckedContinuation<[T], Never>) in
            DispatchQueue.global().async {
                let slots = Slots<T>(count: count)
                let size = (count + workers - 1) / workers
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    for i in (w * size)..<min((w + 1) * size, count) { slots.set(i, body(i)) }
                }
                continuation.resume(returning: slots.values())
            }
        }
    }
}

/// Result slots written by several threads at distinct indices.
///
/// `@unchecked Sendable` is safe here: each index is written by exactly one thread, nothing reads a
/// slot while the threads run, and `concurrentPerform` returns only after every iteration has
/// finished, which orders all the writes before `values()` reads them.
final class Slots<T>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func set(_ index: Int, _ value: T) { buffer[index] = value }

    func values() -> [T] { buffer.map { $0! } }
}
