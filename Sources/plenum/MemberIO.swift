import ArgumentParser
import Chat
import Ethereum
import Foundation
import PlenumService

/// Conventions of the member commands (`vote`, `chat`): the hub URL, durations, notes on standard
/// error, and the mapping of failures to exit codes (0 ok, 1 refused/failed check, 2 unusable input
/// or unreachable hub).
enum MemberIO {
    static let defaultHub = "http://127.0.0.1:8490"

    /// `--hub`, else `PLENUM_HUB`, else the local default.
    static func client(_ option: String?) throws -> HubClient {
        let url = option ?? ProcessInfo.processInfo.environment["PLENUM_HUB"] ?? defaultHub
        do { return try HubClient(baseURL: url) } catch { throw CLIFailure.input("--hub: \(error)") }
    }

    /// A duration: `500ms`, `60s`, `2m`, `1h`, or a number of seconds; from 100 ms to 24 h.
    static func duration(_ text: String, option: String) throws -> Duration {
        var milliseconds: Double?
        for (suffix, scale) in [("ms", 1.0), ("s", 1000.0), ("m", 60_000.0), ("h", 3_600_000.0)] where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if !(suffix == "s" && number.hasSuffix("m")), let n = Double(number) {
                milliseconds = n * scale
                break
            }
        }
        if milliseconds == nil, let n = Double(text) { milliseconds = n * 1000 }
        guard let ms = milliseconds, ms.isFinite, ms >= 100, ms <= 86_400_000 else {
            throw CLIFailure.input("\(option) \(text.prefix(40)) must be a duration such as 500ms, 60s, 2m or 1h (100 ms to 24 h)")
        }
        return .milliseconds(Int64(ms))
    }

    /// A note for the person watching, on standard error.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data("plenum: \(text)\n".utf8))
    }

    /// Prints a line on standard output and flushes it (followers print as messages arrive).
    static func emit(_ line: String) {
        print(line)
        fflush(nil)
    }

    /// Runs an async command body, mapping failures to exit codes.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as MemberError {
            CLIIO.printError(error.message)
            throw ExitCode(error.exitCode)
        } catch let failure as CLIFailure {
            CLIIO.printError(failure.message)
            throw ExitCode(failure.exitCode)
        } catch let error as HubClientError {
            let mapped = MemberError.from(error)
            CLIIO.printError(mapped.message)
            throw ExitCode(mapped.exitCode)
        } catch let error as ExitCode {
            throw error
        } catch is CancellationError {
            throw ExitCode(0)
        } catch {
            CLIIO.printError("\(error)")
            throw ExitCode(2)
        }
    }

    /// A stored message for people: `#seq time sender: body` (continuation lines indented).
    static func text(_ entry: StoredMessage) -> String {
        let time = Date(timeIntervalSince1970: Double(entry.receivedAt) / 1000)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let sender = entry.sender.checksummed
        var body = entry.body
        if body.utf8.count > 4000 { body = String(body.prefix(2000)) + "… (\(entry.body.utf8.count) bytes; see --json)" }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        var out = "#\(entry.seq) \(formatter.string(from: time)) \(sender.prefix(6))…\(sender.suffix(4)): \(lines.first ?? "")"
        for line in lines.dropFirst() { out += "\n    " + line }
        return out
    }
}
