import ArgumentParser
import Ethereum
import PlenumService

struct Polls: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open off-chain polls through the running service's admin API.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a poll on a channel: Snapshot-style signed ballots, weighed at a confirmed block, open from now.",
            discussion: """
                Sends POST /admin/polls to the service with the bearer token read from the configured
                [admin] token_file (which must be mode 0600). Choices come from --choices (comma-separated)
                followed by each --choice (for labels that contain commas). Exit status: 0 opened; 1 the
                service refused (token, limits) or cannot be reached; 2 the request is not usable (the
                service's reason is printed).
                """)

        @Option(name: .long, help: "The channel whose rules and voting power the poll uses.")
        var channel: String

        @Option(name: .long, help: "The poll's title.")
        var title: String

        @Option(name: .long, help: "Choices, comma-separated (A,B,C).")
        var choices: String?

        @Option(name: .customLong("choice"), help: "One more choice, taken as written (repeatable).")
        var extraChoices: [String] = []

        @Option(name: .long, help: "The voting system: basic, single-choice, approval, quadratic, ranked-choice, weighted, copeland.")
        var system: String

        @Option(name: .long, help: "How long voting stays open: 30m, 2h, 3d (10 s to 366 days).")
        var duration: String

        @Option(name: .customLong("description"), help: "A longer text shown with the poll.")
        var pollDescription: String?

        @Option(name: .long, help: "The block whose voting power counts (default: the latest confirmed block).")
        var snapshot: String?

        @Option(name: .customLong("admin"), help: "The admin API's URL (default: from the configuration's [admin] host and port).")
        var adminURL: String?

        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await AdminCLI.run {
                let configuration = try AdminCLI.load(options.config)
                guard let admin = configuration.admin else {
                    throw CLIFailure.input("\(configuration.file) has no [admin] section: the admin API is not enabled")
                }
                let token = String(decoding: try KeyFile.readPrivateFile(path: admin.tokenFile), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                guard !token.isEmpty else { throw CLIFailure.input("the admin token file \(admin.tokenFile) is empty") }
                let list =
                    (choices.map {
                        $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                    } ?? []) + extraChoices
                guard !list.isEmpty else { throw CLIFailure.input("give the choices with --choices A,B,C or --choice (repeatable)") }
                let body = PollRequest.body(
                    channel: channel, title: title, description: pollDescription, choices: list, system: system, duration: duration,
                    snapshot: snapshot)
                let client = AdminClient(baseURL: adminURL ?? AdminClient.baseURL(for: admin), token: token)
                let answer: AdminAPI.Response
                do { answer = try await client.send("POST", "/admin/polls", body: body) } catch {
                    throw CLIFailure.check("\(error)")
                }
                let message = answer.body["error"]?["message"]?.stringValue ?? answer.body.serialized()
                switch answer.status {
                case 201:
                    if options.json { AdminCLI.printJSON(answer.body) } else { print(AdminText.pollOpened(answer.body)) }
                case 400, 413:
                    throw CLIFailure.input("the service refused the poll: \(message)")
                case 401:
                    throw CLIFailure.check("the service refused the token in \(admin.tokenFile) (\(answer.status)): \(message)")
                default:
                    throw CLIFailure.check("the service answered \(answer.status): \(message)")
                }
            }
        }
    }
}
