import ArgumentParser
import Ethereum

@main
struct Plenum: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plenum",
        abstract: "DAO votes in chat, verifiable by anyone.",
        subcommands: [
            Serve.self, Keys.self, Sign.self, Verify.self, Vote.self, ChatCommand.self, Tally.self, Watch.self,
            ConfigCommand.self, Channels.self, Proposals.self, Results.self, Polls.self, Export.self, RetallyCommand.self,
        ]
    )
}
