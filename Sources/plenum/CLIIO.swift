import ArgumentParser
import Ethereum
import Foundation

/// Input, output and exit conventions shared by the commands.
enum CLIIO {
    /// Reads a file, or standard input for `-`/nil, up to `limit` bytes.
    static func readInput(_ path: String?, limit: Int = SignableDocument.maxBytes) throws -> [UInt8] {
        let handle: FileHandle
        if let path, path != "-" {
            guard let h = FileHandle(forReadingAtPath: path) else { throw CLIFailure.input("cannot open \(path)") }
            handle = h
        } else {
            handle = FileHandle.standardInput
        }
        let data = try handle.read(upToCount: limit + 1) ?? Data()
        guard data.count <= limit else { throw CLIFailure.input("input exceeds \(limit) bytes") }
        return Array(data)
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("plenum: error: \(message)\n".utf8))
    }

    /// The password for an encrypted keystore: `--password-file`, else `PLENUM_KEY_PASSWORD`.
    static func password(file: String?) -> () throws -> String {
        {
            if let file {
                let bytes = try KeyFile.readPrivateFile(path: file)
                var text = String(decoding: bytes, as: UTF8.self)
                if text.hasSuffix("\n") { text.removeLast() }
                return text
            }
            if let env = ProcessInfo.processInfo.environment["PLENUM_KEY_PASSWORD"] { return env }
            throw KeyFileError.passwordRequired
        }
    }

    /// Runs a command body, mapping failures to the documented exit codes:
    /// 1 for a check that failed, 2 for input that could not be used.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as CLIFailure {
            printError(failure.message)
            throw ExitCode(failure.exitCode)
        } catch let error as SignableDocumentError {
            printError(error.description)
            throw ExitCode(error.isMalformedInput ? 2 : 1)
        } catch let error as ExitCode {
            throw error
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
    }
}

/// A failure with its exit code.
struct CLIFailure: Error {
    let message: String
    let exitCode: Int32

    static func input(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: 2) }
    static func check(_ message: String) -> CLIFailure { CLIFailure(message: message, exitCode: 1) }
}
