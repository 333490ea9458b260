import ArgumentParser
import Foundation
import Logging
import PlenumService

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Plenum: follow the governors, open a chat group per proposal, collect ballots, publish signed results.",
        discussion: """
            Runs until SIGTERM or SIGINT, then stops gracefully. Logs go to standard error (level from
            PLENUM_LOG_LEVEL: trace, debug, info (default), notice, warning, error, critical). See
            docs/operations.md.
            """
    )

    @Option(name: .long, help: "The service configuration file.")
    var config: String = "config/plenum.toml"

    func run() async throws {
        LoggingBootstrap.bootstrap()
        let configuration: PlenumConfiguration
        do { configuration = try PlenumConfiguration.load(path: config) } catch let error as ConfigurationError {
            CLIIO.printError(error.description)
            throw ExitCode(2)
        }
        let server: PlenumServer
        do { server = try await PlenumServer.build(configuration) } catch let error as ConfigurationError {
            CLIIO.printError(error.description)
            throw ExitCode(2)
        }
        let hub = configuration.hub
        try await server.run { hubPort, adminPort in
            var line = "plenum serve: chat hub on http://\(hub.host):\(hubPort)"
            if let adminPort, let admin = configuration.admin { line += ", admin and metrics on http://\(admin.host):\(adminPort)" }
            line += "; bot \(server.botKey.address); \(configuration.channels.count) channel(s)"
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}

/// Logs to standard error at the level PLENUM_LOG_LEVEL names (default info).
enum LoggingBootstrap {
    static func bootstrap() {
        let level = ProcessInfo.processInfo.environment["PLENUM_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StandardErrorLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
