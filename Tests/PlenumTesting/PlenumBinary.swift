import Foundation

/// The `plenum` executable built beside the test bundle.
public enum PlenumBinary {
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["PLENUM_BIN"] { return override }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        // swift-testing runs the .xctest bundle (or a helper inside it): walk up to the build folder.
        while dir.path != "/" {
            dir.deleteLastPathComponent()
            let candidate = dir.appendingPathComponent("plenum").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return Repository.path(".build/debug/plenum")
    }

    /// Runs `plenum` with arguments and optional standard input.
    public static func run(_ arguments: [String], stdin: String = "", environment: [String: String]? = nil) throws -> ProcessResult {
        try ProcessRunner.run(path, arguments, stdin: Data(stdin.utf8), environment: environment)
    }
}

/// A temporary folder removed when the value is dropped by the test.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("plenum-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

extension PlenumBinary {
    /// Runs `plenum` to its end on a thread of its own, suspending the calling task meanwhile: an
    /// async test never blocks one of the few cooperative threads (which an in-process hub, bot or
    /// server beside it needs), and many tests may run `plenum` at once.
    public static func runDetached(_ arguments: [String], stdin: String = "") async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProcessResult, any Error>) in
            let thread = Thread {
                do { continuation.resume(returning: try run(arguments, stdin: stdin)) } catch { continuation.resume(throwing: error) }
            }
            thread.start()
        }
    }
}
