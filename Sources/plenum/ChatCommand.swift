import ArgumentParser
import Chat
import Ethereum
import Foundation
import PlenumService

struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Read, send and follow messages on a Plenum chat hub.",
        discussion: """
            The hub is --hub, else PLENUM_HUB, else http://127.0.0.1:8490. A group is named by its id or
            by its key (gov:… or poll:…). Exit status: 0 ok; 1 refused by the hub, or (read --verify) a
            message or link that does not verify; 2 unusable input or an unreachable hub.
            """,
        subcommands: [Groups.self, Send.self, Read.self, Follow.self]
    )

    struct HubOption: ParsableArguments {
        @Option(name: .long, help: "The hub's URL (else PLENUM_HUB, else http://127.0.0.1:8490).")
        var hub: String?
    }

    struct Groups: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the hub's groups, oldest first.")

        @OptionGroup var hubOption: HubOption

        @Flag(help: "Print one JSON object per group and line.")
        var json = false

        func run() async throws {
            try await MemberIO.run {
                let client = try MemberIO.client(hubOption.hub)
                let printJSON = json
                try await client.forEachGroup { group in
                    if printJSON {
                        MemberIO.emit(group.json.serialized())
                    } else {
                        MemberIO.emit("\(group.id)  \(group.isOpen ? "open  " : "closed")  \(group.key)  \(group.title)")
                    }
                    return true
                }
            }
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a message with your key and post it to a group.",
            discussion: """
                The text is the argument, or standard input for - (one trailing newline removed; at most
                the hub's body limit, 16 KiB by default). Prints the stored message's seq and hash.
                """)

        @Option(name: .long, help: "The group: its id, or a key (gov:… or poll:…).")
        var group: String

        @Option(name: .long, help: "The sender's key file (hex or keystore v3).")
        var key: String

        @Option(name: .long, help: "File holding the keystore password (else PLENUM_KEY_PASSWORD).")
        var passwordFile: String?

        @OptionGroup var hubOption: HubOption

        @Flag(help: "Print the stored message as JSON.")
        var json = false

        @Argument(help: "The text, or - for standard input.")
        var text: String

        func run() async throws {
            try await MemberIO.run {
                let signer = try KeyFile.read(path: key, password: CLIIO.password(file: passwordFile))
                let client = try MemberIO.client(hubOption.hub)
                let hub = try await client.describe()
                var body = text
                if text == "-" {
                    let bytes = try CLIIO.readInput("-", limit: hub.maxBodyBytes + 1)
                    guard let decoded = String(validating: bytes, as: UTF8.self) else {
                        throw CLIFailure.input("standard input is not UTF-8 text")
                    }
                    body = decoded.hasSuffix("\n") ? String(decoded.dropLast()) : decoded
                }
                guard !body.isEmpty else { throw CLIFailure.input("the message is empty") }
                guard body.utf8.count <= hub.maxBodyBytes else {
                    throw CLIFailure.input("the message is \(body.utf8.count) bytes; this hub takes at most \(hub.maxBodyBytes)")
                }
                let id = try await client.resolveGroup(group)
                let info = try await client.group(id)
                let message = ChatMessage(
                    hub: info.hub, group: id, sender: signer.address, body: body,
                    timestamp: UInt64(max(0, Date().timeIntervalSince1970 * 1000)),
                    nonce: ChatMessage.randomNonce())
                let posted: HubClient.Posted
                do { posted = try await client.post(message.signed(with: signer)) } catch let error as HubClientError {
                    throw MemberError.from(error, doing: "posting to group \(id)")
                }
                MemberIO.emit(json ? posted.entry.json.serialized() : "posted: seq \(posted.entry.seq), hash \(posted.entry.hash)")
            }
        }
    }

    struct Read: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a group's messages; with --verify, check every signature and hash link.",
            discussion: """
                --verify recomputes each message's id from its fields, recovers its signer, recomputes its
                hash and checks that it links to the one before (from --after's message on, which is fetched
                and checked too), that the last hash is the hub's head, and that every receipt the bot
                (the sender of the group's descriptor) signed names the hash the log has at that seq.
                Problems are printed on standard error and make the exit status 1.
                """)

        @Option(name: .long, help: "The group: its id, or a key (gov:… or poll:…).")
        var group: String

        @Option(name: .long, help: "Start after this seq.")
        var after: UInt64 = 0

        @Option(name: .long, help: "Print at most this many messages (default: all).")
        var limit: Int?

        @Flag(help: "Print one stored message as JSON per line.")
        var json = false

        @Flag(help: "Check signatures, hashes and links; exit 1 on any problem.")
        var verify = false

        @OptionGroup var hubOption: HubOption

        func run() async throws {
            try await MemberIO.run {
                if let limit, limit < 1 || limit > 10_000_000 { throw CLIFailure.input("--limit must be from 1 to 10000000") }
                let client = try MemberIO.client(hubOption.hub)
                let hub = try await client.describe()
                let id = try await client.resolveGroup(group)
                let info = try await client.group(id)
                let pageSize = min(500, hub.maxPage)
                var verifier: ChatLogVerifier?
                var problems = 0
                func report(_ found: [ChatLogVerifier.Problem]) {
                    for problem in found {
                        problems += 1
                        if problems <= 100 { CLIIO.printError("group \(id): \(problem)") }
                    }
                }
                if verify {
                    var anchor = ChainHead.empty
                    var bot: Address?
                    if let first = try await client.messages(in: id, after: 0, limit: 1).messages.first,
                        ProposalDescriptor.looksLikeDescriptor(first.body), first.verificationProblem() == nil
                    {
                        bot = first.sender
                    }
                    if after > 0 {
                        guard let entry = try await client.messages(in: id, after: after - 1, limit: 1).messages.first, entry.seq == after
                        else {
                            throw CLIFailure.input("group \(id) has no message \(after) to start after")
                        }
                        var check = ChatLogVerifier(group: id, hub: info.hub, anchor: nil, bot: bot)
                        report(check.check(entry))
                        anchor = ChainHead(seq: entry.seq, hash: entry.hash)
                    }
                    verifier = ChatLogVerifier(group: id, hub: info.hub, anchor: anchor, bot: bot)
                }
                var cursor = after
                var printed = 0
                var lastHead = ChainHead.empty
                reading: while true {
                    let page = try await client.messages(in: id, after: cursor, limit: pageSize)
                    lastHead = page.head
                    for entry in page.messages {
                        if let limit, printed >= limit { break reading }
                        if verifier != nil { report(verifier!.check(entry)) }
                        MemberIO.emit(json ? entry.json.serialized() : MemberIO.text(entry))
                        printed += 1
                        cursor = entry.seq
                    }
                    guard page.next != nil, !page.messages.isEmpty else {
                        if let problem = verifier?.headProblem(lastHead) { report([problem]) }
                        break
                    }
                }
                if let verifier {
                    if problems > 100 { CLIIO.printError("… \(problems - 100) more problems") }
                    let range =
                        verifier.checked == 0 ? "no messages" : "\(verifier.checked) message(s) up to seq \(verifier.last?.seq ?? 0)"
                    MemberIO.note(
                        problems == 0
                            ? "verified \(range) of group \(id): signatures, hashes and links are sound"
                            : "\(problems) problem(s) in \(range) of group \(id)")
                    if problems > 0 { throw ExitCode(1) }
                }
            }
        }
    }

    struct Follow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a group's messages as they arrive (WebSocket), until the group closes or SIGINT.",
            discussion: """
                Prints every message after --after, then new ones. A dropped connection is reopened after
                the last message printed, so nothing is missed or printed twice. Exits 0 when the group
                closes or on SIGINT/SIGTERM.
                """)

        @Option(name: .long, help: "The group: its id, or a key (gov:… or poll:…).")
        var group: String

        @Option(name: .long, help: "Start after this seq.")
        var after: UInt64 = 0

        @Flag(help: "Print one stored message as JSON per line.")
        var json = false

        @OptionGroup var hubOption: HubOption

        func run() async throws {
            try await MemberIO.run {
                let client = try MemberIO.client(hubOption.hub)
                let id = try await client.resolveGroup(group)
                _ = try await client.group(id)
                let printJSON = json
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask {
                        let end = try await client.follow(
                            group: id, after: after, onReconnect: { MemberIO.note("stream interrupted: \($0)") }
                        ) { frame in
                            switch frame {
                            case .message(let entry): MemberIO.emit(printJSON ? entry.json.serialized() : MemberIO.text(entry))
                            case .caughtUp(let seq): MemberIO.note("caught up at seq \(seq); following")
                            case .closed(let seq): MemberIO.note("group closed at seq \(seq)")
                            case .error: break
                            }
                            return .proceed
                        }
                        _ = end
                    }
                    tasks.addTask { _ = await SignalWaiter.wait() }
                    try await tasks.next()
                    tasks.cancelAll()
                }
            }
        }
    }
}
