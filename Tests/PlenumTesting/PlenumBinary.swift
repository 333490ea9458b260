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
