import ArgumentParser
import PlenumService

struct Channels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the configured channels (the channel files the service reads).",
        subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the channels: name, chain, governor, voting system, file.")

        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await AdminCLI.run {
                let configuration = try AdminCLI.load(options.config)
                if options.json {
                    AdminCLI.printJSON(.array(configuration.channels.map(AdminJSON.channel)))
                } else {
                    print(AdminText.channels(configuration.channels))
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one channel and its voting rules.")

        @Argument(help: "The channel's name.")
        var name: String

        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await AdminCLI.run {
                let configuration = try AdminCLI.load(options.config)
                let channel = try AdminQueries.channel(name, in: configuration.channels)
                if options.json { AdminCLI.printJSON(AdminJSON.channel(channel)) } else { print(AdminText.channel(channel)) }
            }
        }
    }
}

/// `--config` and `--json`, shared by the admin commands.
struct AdminOptions: ParsableArguments {
    @Option(name: .long, help: "The service configuration file.")
    var config: String = "config/plenum.toml"

    @Flag(help: "Print JSON in the admin API's shapes.")
    var json = false
}
