import Foundation

/// Time limits of tests that wait on other processes, scaled by `PLENUM_TEST_TIME_SCALE` (a whole
/// number, 1 by default): `.ci/sanitizers` sets it, because sanitized builds run several times
/// slower. The limits only bound a wait that ends as soon as its condition holds; they never pace a test.
public enum TestTiming {
    public static let scale: Int64 = {
        guard let text = ProcessInfo.processInfo.environment["PLENUM_TEST_TIME_SCALE"], let n = Int64(text), n >= 1 else { return 1 }
        return min(n, 100)
    }()

    /// `seconds` times the scale.
    public static func seconds(_ seconds: Int64) -> Duration { .seconds(seconds * scale) }

    /// The same as a `plenum` duration flag (`"60s"`).
    public static func flag(_ seconds: Int64) -> String { "\(seconds * scale)s" }
}
