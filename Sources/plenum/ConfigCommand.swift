import ArgumentParser
import PlenumService

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with the service configuration.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check config/plenum.toml and the channel files; list every problem with file, line and key.")

        @Option(name: .long, help: "The service configuration file.")
        var config: String = "config/plenum.toml"

        func run() throws {
            do {
                let loaded = try PlenumConfiguration.load(path: config)
                print("ok: \(loaded.chains.count) chain(s), \(loaded.channels.count) channel(s); database \(loaded.storagePath)")
            } catch let error as ConfigurationError {
                for problem in error.problems { print(problem.description) }
                throw ExitCode(2)
            }
        }
    }
}
