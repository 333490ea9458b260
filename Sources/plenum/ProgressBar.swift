import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on standard error, drawn only when it is a terminal and the input is
/// large; redrawn at most ten times a second.
final class ProgressBar: Sendable {
    struct State {
        var lastDraw = ContinuousClock.now - .seconds(1)
        var drawn = false
    }

    let state = Mutex(State())
    let started = ContinuousClock.now
    /// Inputs smaller than this finish too fast to need a bar.
    static let minimumBytes: Int64 = 16 << 20

    /// A bar on standard error, or nil when it is not a terminal.
    static func forStandardError() -> ProgressBar? {
        isatty(STDERR_FILENO) == 1 ? ProgressBar() : nil
    }

    func update(_ done: Int64, of total: Int64) {
        guard total >= Self.minimumBytes else { return }
        let now = ContinuousClock.now
        let draw = state.withLock { s -> Bool in
            guard now - s.lastDraw >= .milliseconds(100) || done >= total else { return false }
            s.lastDraw = now
            s.drawn = true
            return true
        }
        guard draw else { return }
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let elapsed = Double((now - started).components.seconds) + Double((now - started).components.attoseconds) / 1e18
        let rate = elapsed > 0 ? Double(done) / elapsed / 1_048_576 : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let text = "\r[\(bar)] \(Int(fraction * 100))%  \(done >> 20)/\(total >> 20) MB  \(Int(rate)) MB/s "
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Clears the line when a bar was drawn.
    func finish() {
        if state.withLock({ $0.drawn }) { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
