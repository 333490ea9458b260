import ArgumentParser
import PlenumService

struct Proposals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the proposals and polls the bot runs, read from its database (read-only; the service may be running).",
        subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List proposals: key, channel, phase, deadline, outcome, title.")

        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await AdminCLI.run {
                let (_, queries) = try AdminCLI.queries(config: options.config)
                let proposals = try await queries.proposals()
                if options.json {
                    AdminCLI.printJSON(.array(proposals.map { AdminJSON.proposal($0, full: false) }))
                } else {
                    print(AdminText.proposals(proposals))
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one proposal: its window, rules, outcome, and the ballots counted and rejected (by reason).")

        @Argument(help: "A proposal key (gov:… or poll:…), a governor proposal id, or a poll id.")
        var id: String

        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await AdminCLI.run {
                let (_, queries) = try AdminCLI.queries(config: options.config)
                let (proposal, votes) = try await queries.proposalWithVotes(id)
                if options.json {
                    AdminCLI.printJSON(AdminJSON.proposal(proposal, votes: votes))
                } else {
                    print(AdminText.proposal(proposal, votes: votes))
                }
            }
        }
    }
}
