import ArgumentParser
import Bot
import Chat
import Ethereum
import Governance
import PlenumService

struct Vote: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign and post a ballot for a proposal, then wait for the bot's signed receipt.",
        discussion: """
            Finds the proposal's group on the hub, reads the bot's descriptor (its first message), builds
            the ballot the proposal takes (governor proposals: OpenZeppelin Ballot, or ExtendedBallot with
            --reason; polls: Snapshot Vote), signs it with --key, posts it as a chat message signed by the
            same key, and waits for the bot's receipt, whose signature is checked.
            Choices: for, against, abstain (or the choice numbers 1, 2, 3) for basic votes; a number or a
            label for single choice; numbers like 2,1,3 or a JSON array for approval, ranked choice and
            Copeland; a JSON object like {"1": 2, "3": 1} for weighted and quadratic. See docs/cli.md.
            Exit status: 0 counted (or posted, with --no-wait); 1 rejected, or no receipt in time;
            2 unusable input or an unreachable hub.
            """
    )

    @Option(name: .long, help: "The proposal: its id (decimal or 0x hex; a poll's id) or its group key (gov:… or poll:…).")
    var proposal: String

    @Option(name: .long, help: "for | against | abstain | <n> | <n,n,…> | <JSON>")
    var choice: String

    @Option(name: .long, help: "A reason, signed into the ballot (governor: ExtendedBallot).")
    var reason: String?

    @Option(name: .long, help: "The voter's key file (hex or keystore v3).")
    var key: String

    @Option(name: .long, help: "File holding the keystore password (else PLENUM_KEY_PASSWORD).")
    var passwordFile: String?

    @Option(name: .long, help: "The hub's URL (else PLENUM_HUB, else http://127.0.0.1:8490).")
    var hub: String?

    @Option(name: .long, help: "Trust only a descriptor and receipts from this bot address.")
    var bot: String?

    @Flag(help: "Print the signed receipt document as JSON.")
    var json = false

    @Flag(help: "Post the ballot and exit without waiting for the receipt.")
    var noWait = false

    @Option(name: .long, help: "How long to wait for the receipt (e.g. 60s, 2m).")
    var timeout = "60s"

    func run() async throws {
        try await MemberIO.run {
            let signer = try KeyFile.read(path: key, password: CLIIO.password(file: passwordFile))
            let wait = try MemberIO.duration(timeout, option: "--timeout")
            let client = try MemberIO.client(hub)
            var request = MemberVote.Request(proposal: try ProposalReference(proposal), choice: choice)
            request.reason = reason
            if let bot {
                do { request.bot = try Ethereum.Address(bot) } catch { throw CLIFailure.input("--bot: \(error)") }
            }
            let vote = MemberVote(client: client, key: signer, progress: { MemberIO.note($0) })
            let posted = try await vote.post(request)
            if noWait {
                if json {
                    let out: JSON = [
                        "status": "posted", "proposal": .string(posted.descriptor.key), "group": .string(posted.group.id.rawValue),
                        "seq": .number(String(posted.entry.seq)), "ballot": .string(posted.ballot.id.description),
                        "message": .string(posted.entry.id.description),
                    ]
                    MemberIO.emit(out.serialized())
                } else {
                    MemberIO.emit(
                        "posted: choice \(MemberBallot.describe(posted.choice, system: posted.descriptor.system, choices: posted.descriptor.choices)), ballot \(posted.ballot.id), message seq \(posted.entry.seq) (not waiting for the receipt)"
                    )
                }
                return
            }
            MemberIO.note("waiting for the bot's receipt (up to \(timeout))")
            let reading = try await vote.receipt(for: posted, timeout: wait)
            if json {
                MemberIO.emit(reading.document.serialized())
            } else if reading.counted {
                MemberIO.emit(
                    "counted: choice \(Self.choiceText(reading.receipt.choice, posted.descriptor)), weight \(reading.receipt.weight), receipt seq \(reading.entry.seq)"
                )
            } else {
                MemberIO.emit("rejected: \(reading.receipt.reason)\(reading.detail.map { " — \($0)" } ?? "")")
            }
            if !reading.counted { throw ExitCode(1) }
        }
    }

    /// The receipt's canonical choice text in words, or as written when it does not parse.
    static func choiceText(_ text: String, _ descriptor: ProposalDescriptor) -> String {
        guard let json = try? JSONParser(limits: .init(maxBytes: 20_000, maxDepth: 4)).parse(Array(text.utf8)),
            let choice = try? BallotChoice.parse(json, system: descriptor.system, choiceCount: descriptor.choices.count)
        else { return text }
        return MemberBallot.describe(choice, system: descriptor.system, choices: descriptor.choices)
    }
}
