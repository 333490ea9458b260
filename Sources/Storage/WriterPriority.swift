import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs the store's write transactions at a higher CPU scheduling priority than the rest of the
/// process, when the system allows it.
///
/// All writes go through one connection, one transaction at a time, and every post waiting for an
/// acknowledgement waits for it: the writer is the service's critical path. Under load the other
/// threads (signature checks, HTTP) keep both cores busy, and a writer that only gets about its
/// fair share of a core (libdispatch runs GRDB's writer queue at nice −2 on Linux) holds every
/// waiting post up. So each transaction runs at the nice value `nice` on the thread that runs it
/// (Linux keeps one nice value per thread), and the thread's own value is restored before it
/// returns to the pool.
///
/// Lowering a nice value needs privilege (root, `CAP_SYS_NICE`, or an `RLIMIT_NICE` that allows it,
/// e.g. systemd's `LimitNICE=`). Without it the first attempt fails, and writes run at normal
/// priority from then on: nothing else changes.
final class WriterPriority: Sendable {
    /// The nice value writes run at, or nil for none.
    let nice: Int32?
    /// Whether the system refused to change a thread's priority.
    private let refused = Atomic<Bool>(false)

    /// Tries the change once on the calling thread (and undoes it), so that `inEffect` is known
    /// before the first write.
    init(nice: Int32?) {
        self.nice = nice.map { min(19, max(-20, $0)) }
        run {}
    }

    /// Whether writes run at `nice`: false when none is set or the system refused it.
    var inEffect: Bool {
        #if os(Linux)
        nice != nil && !refused.load(ordering: .relaxed)
        #else
        false
        #endif
    }

    /// Runs `body` at `nice` on the current thread, then restores the thread's nice value.
    func run<T>(_ body: () throws -> T) rethrows -> T {
        #if os(Linux)
        guard let nice, !refused.load(ordering: .relaxed) else { return try body() }
        // On Linux, PRIO_PROCESS with who = 0 names the calling thread, not the whole process.
        errno = 0
        let before = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        // A thread already at `nice` or above keeps its priority.
        guard errno == 0, before > nice else { return try body() }
        guard setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice) == 0 else {
            refused.store(true, ordering: .relaxed)
            return try body()
        }
        // Raising a nice value back is always allowed.
        defer { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, before) }
        return try body()
        #else
        return try body()
        #endif
    }
}
