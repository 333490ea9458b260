import ArgumentParser
import Bot
import Ethereum
import Foundation
import PlenumService
import Storage

/// What the admin commands share: the configuration, the database opened read-only, output, and
/// the mapping of failures to exit codes (2 unusable input, 1 a failed check or a refusal).
enum AdminCLI {
    static func load(_ path: String) throws -> PlenumConfiguration {
        do { return try PlenumConfiguration.load(path: path) } catch let error as ConfigurationError {
            throw CLIFailure.input(error.description)
        }
    }

    /// The configuration's channels and its database, read-only.
    static func queries(config path: String) throws -> (PlenumConfiguration, AdminQueries) {
        let configuration = try load(path)
        let store: SQLiteStore
        do { store = try SQLiteStore(readOnlyPath: configuration.storagePath) } catch let error as StorageError {
            throw CLIFailure.input(error.description)
        }
        return (configuration, AdminQueries(channels: configuration.channels, store: store))
    }

    /// Prints JSON (pretty when asked for humans would be no help to scripts: one document, compact).
    static func printJSON(_ json: JSON) { print(json.serialized()) }

    /// Runs a command body, mapping failures to the documented exit codes.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as CLIFailure {
            CLIIO.printError(failure.message)
            throw ExitCode(failure.exitCode)
        } catch let error as AdminLookupError {
            CLIIO.printError(error.description)
            if case .noResult = error { throw ExitCode(1) }
            throw ExitCode(2)
        } catch let error as ExitCode {
            throw error
        } catch {
            CLIIO.printError("\(error)")
            throw ExitCode(2)
        }
    }
}
