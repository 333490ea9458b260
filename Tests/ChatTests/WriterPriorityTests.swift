import Foundation
import PlenumTesting
import Synchronization
import Testing

@testable import Storage

#if canImport(Glibc)
import Glibc
#endif

/// The database writer's transactions run at a higher CPU priority where the system allows it, and
/// leave the thread that ran them as it found it.
@Suite("SQLite store: the writer's priority")
struct WriterPriorityTests {
    /// The calling thread's nice value.
    static func nice() -> Int32 {
        errno = 0
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
    }

    /// Whether this process may lower a nice value (root, CAP_SYS_NICE or RLIMIT_NICE): found by
    /// trying on a thread of its own, so the test's threads are not touched.
    static func mayRaisePriority() -> Bool {
        let result = Mutex(false)
        let done = DispatchSemaphore(value: 0)
        Thread {
            result.withLock { $0 = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, -1) == 0 }
            done.signal()
        }.start()
        done.wait()
        return result.withLock { $0 }
    }

    /// The nice value libdispatch gives the writer's queue on its own (−2 on Linux for GRDB's queue)
    /// is what GRDB's plain write sees; ours runs at −10 where allowed and leaves the queue's
    /// threads at their own value.
    @Test func aTransactionRunsAtTheWriterNiceAndTheThreadGetsItsOwnBack() async throws {
        let folder = try TemporaryDirectory()
        let store = try SQLiteStore(path: folder.file("p.sqlite"))
        let allowed = Self.mayRaisePriority()
        #expect(store.writerPriorityInEffect == allowed)
        let plain = try await store.pool.writeWithoutTransaction { _ in Self.nice() }
        let inside = try await store.write { _ in Self.nice() }
        let afterwards = try await store.pool.writeWithoutTransaction { _ in Self.nice() }
        #expect(inside == (allowed && plain > -10 ? -10 : plain))
        #expect(afterwards == plain)
        // On the calling thread, around a run: the nice value is restored after it.
        let priority = WriterPriority(nice: -5)
        let before = Self.nice()
        let during = priority.run { Self.nice() }
        #expect(Self.nice() == before)
        #expect(during == (allowed && before > -5 ? -5 : before))
    }

    @Test func noNiceLeavesEveryThreadAlone() async throws {
        let folder = try TemporaryDirectory()
        var configuration = SQLiteStore.Configuration()
        configuration.writerNice = nil
        let store = try SQLiteStore(path: folder.file("p.sqlite"), configuration: configuration)
        #expect(!store.writerPriorityInEffect)
        let plain = try await store.pool.writeWithoutTransaction { _ in Self.nice() }
        #expect(try await store.write { _ in Self.nice() } == plain)
    }
}
