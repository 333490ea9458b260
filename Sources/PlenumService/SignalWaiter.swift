import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Waits for SIGINT or SIGTERM, so commands can shut down gracefully.
public enum SignalWaiter {
    /// Returns the signal received, or nil when the waiting task is cancelled first.
    public static func wait(for signals: [Int32] = [SIGINT, SIGTERM]) async -> Int32? {
        let waiter = Waiter()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int32?, Never>) in
                waiter.install(continuation, signals: signals)
            }
        } onCancel: {
            waiter.finish(nil)
        }
    }

    /// Dispatch sources are thread-safe objects; this box only carries them into the lock.
    struct SourceList: @unchecked Sendable {  // safe: DispatchSource is internally synchronised
        let sources: [any DispatchSourceSignal]
        init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
    }

    final class Waiter: Sendable {
        struct State {
            var continuation: CheckedContinuation<Int32?, Never>?
            var finished = false
            var result: Int32??
            var sources: [any DispatchSourceSignal] = []
        }

        let state = Mutex(State())
        let queue = DispatchQueue(label: "plenum.signals")

        func install(_ continuation: CheckedContinuation<Int32?, Never>, signals: [Int32]) {
            let early: Int32?? = state.withLock { s in
                if let result = s.result { return result }
                s.continuation = continuation
                return nil
            }
            if let early {
                continuation.resume(returning: early)
                return
            }
            var sources: [any DispatchSourceSignal] = []
            for sig in signals {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                source.setEventHandler { [self] in finish(sig) }
                source.resume()
                sources.append(source)
            }
            let keep = SourceList(sources)
            state.withLock { $0.sources += keep.sources }
        }

        func finish(_ value: Int32?) {
            let continuation: CheckedContinuation<Int32?, Never>? = state.withLock { s in
                guard !s.finished else { return nil }
                s.finished = true
                s.result = .some(value)
                let c = s.continuation
                s.continuation = nil
                for source in s.sources { source.cancel() }
                return c
            }
            continuation?.resume(returning: value)
        }
    }
}
