import Foundation

/// A program running beside an async test: awaiting its exit or a line of its output suspends the
/// test instead of blocking a thread (which matters when the test also serves the program, e.g. a
/// hub in the same process on two cores). Output is collected through pipes as it arrives, each read
/// by a thread of its own with blocking `read(2)` until end of file. (Foundation's
/// `readabilityHandler` is not used: on Linux its dispatch source can outlive the descriptor, which a
/// socket then reuses, and libdispatch crashes or the end of file is never seen.)
public final class ChildProcess: Sendable {
    public enum Stream: Sendable {
        case stdout
        case stderr
    }

    struct State {
        var stdout = Data()
        var stderr = Data()
        var stdoutDone = false
        var stderrDone = false
        var status: Int32?
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
        var outputWaiters: [(Stream, String, CheckedContinuation<Bool, Never>)] = []

        var finished: Bool { stdoutDone && stderrDone && status != nil }

        func text(_ stream: Stream) -> String { String(decoding: stream == .stdout ? stdout : stderr, as: UTF8.self) }
    }

    /// Guarded by a pthread-based lock rather than `Synchronization.Mutex`: the reader threads are
    /// plain threads, and ThreadSanitizer sees the ordering a pthread mutex gives but not a futex's.
    let state = PthreadLocked(State())
    /// Foundation's `Process` is used only to start the program and read its id; both are thread-safe.
    nonisolated(unsafe) let process: Process

    /// Starts `executable` with `arguments`; standard input is `stdin`, then end of file.
    public init(_ executable: String, _ arguments: [String], stdin: Data = Data(), environment: [String: String]? = nil) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        process.terminationHandler = { [weak self] process in self?.exited(process.terminationStatus) }
        try process.run()
        Self.drain(output.fileHandleForReading) { [weak self] data in self?.received(data, on: .stdout) }
        Self.drain(errors.fileHandleForReading) { [weak self] data in self?.received(data, on: .stderr) }
        input.fileHandleForWriting.write(stdin)
        try? input.fileHandleForWriting.close()
    }

    /// Runs a program to its end.
    public static func run(
        _ executable: String, _ arguments: [String], stdin: String = "", environment: [String: String]? = nil
    ) async throws -> ProcessResult {
        try await ChildProcess(executable, arguments, stdin: Data(stdin.utf8), environment: environment).result()
    }

    public var processIdentifier: Int32 { process.processIdentifier }

    /// Sends a signal (SIGINT, SIGTERM, …).
    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the program to exit and its output to end.
    public func result() async -> ProcessResult {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s in
                if s.finished { return true }
                s.exitWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
        return state.withLock { ProcessResult(status: $0.status ?? -1, stdout: $0.stdout, stderr: $0.stderr) }
    }

    /// Waits until `stream` contains `text`; false when the program ended without printing it.
    public func waitForOutput(_ text: String, on stream: Stream = .stdout) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let answer: Bool? = state.withLock { s in
                if s.text(stream).contains(text) { return true }
                if s.finished { return false }
                s.outputWaiters.append((stream, text, continuation))
                return nil
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    /// Everything printed so far.
    public func output(_ stream: Stream) -> String { state.withLock { $0.text(stream) } }

    /// Reads `handle` on a thread of its own until end of file (an empty delivery), then closes it.
    static func drain(_ handle: FileHandle, _ deliver: @escaping @Sendable (Data) -> Void) {
        let thread = Thread {
            let descriptor = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 {
                    deliver(Data())
                    break
                }
                deliver(Data(buffer[0..<count]))
            }
            try? handle.close()
        }
        thread.start()
    }

    func received(_ data: Data, on stream: Stream) {
        let resume: [(CheckedContinuation<Bool, Never>, Bool)] = state.withLock { s in
            if data.isEmpty {
                if stream == .stdout { s.stdoutDone = true } else { s.stderrDone = true }
            } else if stream == .stdout {
                s.stdout.append(data)
            } else {
                s.stderr.append(data)
            }
            return settle(&s)
        }
        for (continuation, value) in resume { continuation.resume(returning: value) }
        finishIfDone()
    }

    func exited(_ status: Int32) {
        state.withLock { $0.status = status }
        finishIfDone()
    }

    /// Output waiters whose text arrived (true) or that can no longer get it (false).
    func settle(_ s: inout State) -> [(CheckedContinuation<Bool, Never>, Bool)] {
        var out: [(CheckedContinuation<Bool, Never>, Bool)] = []
        var keep: [(Stream, String, CheckedContinuation<Bool, Never>)] = []
        for waiter in s.outputWaiters {
            if s.text(waiter.0).contains(waiter.1) {
                out.append((waiter.2, true))
            } else if s.finished || (waiter.0 == .stdout ? s.stdoutDone : s.stderrDone) {
                out.append((waiter.2, false))
            } else {
                keep.append(waiter)
            }
        }
        s.outputWaiters = keep
        return out
    }

    func finishIfDone() {
        let (exits, outputs): ([CheckedContinuation<Void, Never>], [(CheckedContinuation<Bool, Never>, Bool)]) = state.withLock { s in
            guard s.finished else { return ([], []) }
            let exits = s.exitWaiters
            s.exitWaiters = []
            return (exits, settle(&s))
        }
        for continuation in exits { continuation.resume() }
        for (continuation, value) in outputs { continuation.resume(returning: value) }
    }
}
