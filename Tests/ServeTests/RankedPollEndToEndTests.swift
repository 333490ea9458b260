import Bot
import Chat
import Ethereum
import Foundation
import PlenumService
import PlenumTesting
import Testing

/// A ranked-choice poll end to end: the devnet, `plenum serve` in-process with the hub over loopback
/// HTTP and SQLite, the admin CLI opening the poll, the member CLI voting, and `plenum verify` reading
/// the receipts and the result.
@Suite("a ranked-choice poll end to end", .serialized)
struct RankedPollEndToEndTests {
    /// Rankings of the choices A, B, C, D by the devnet's five accounts (weights 5000 … 1000 tokens).
    /// The last account first ranks A, then changes its ballot; only the second one counts.
    static let rankings: [[Int]] = [[1, 2, 3, 4], [2, 3, 1, 4], [3, 2, 1, 4], [4, 3, 2, 1], [3, 4, 1, 2]]
    static let changedFrom = [1, 2, 3, 4]

    @Test func anAdminsRankedPollRunsToASignedResultAndAReceiptVerifiesNamingItsBallot() async throws {
        let devnet = try Devnet(accounts: 5)
        defer { devnet.stop() }
        let clock = ManualBotClock()
        let service = try await ServiceHarness(devnet: devnet, webhook: false, now: { clock.now() })
        let bot = service.botKey.address.checksummed
        let channel = try #require(service.configuration.channels.first?.name)
        try await devnet.mine(4)

        // The admin opens the poll through the admin API with the admin CLI.
        let created = try await Self.plenum([
            "polls", "create", "--config", service.dir.file("plenum.toml"), "--admin", service.adminURL, "--channel", channel,
            "--title", "Which devnet feature next?", "--choices", "Alpha,Beta,Gamma,Delta", "--system", "ranked-choice", "--duration",
            "\(10 * TestTiming.scale)m", "--json",
        ])
        #expect(created.status == 0, "\(created.stderrText)")
        let poll = try JSONParser.parse(created.stdoutText)
        let pollKey = try #require(poll["key"]?.stringValue, "\(created.stdoutText)")
        #expect(poll["kind"]?.stringValue == "poll" && poll["clock"]?.stringValue == "timestamp")

        // The bot opens the poll's group in its next step, with the descriptor `plenum vote` reads.
        _ = try await service.waitFor("the poll's group to open") { () -> Bool? in
            try await service.server.store.proposal(pollKey)?.phase == .open ? true : nil
        }

        // Members vote with `plenum vote`, each with their own key file; the bot's clock stands at the
        // poll's first second, so every ballot arrives in the window's opening second.
        let keys = devnet.accounts.map(\.key)
        // Ballots carry wall-clock timestamps, refused more than 300 s ahead of the bot's clock: a run
        // slowed down (under a sanitizer) lets the bot's clock catch up first, inside the longer poll.
        clock.catchUp(ifBehindBy: .seconds(120))
        for (i, key) in keys.enumerated() { try KeyFile.write(key, to: service.dir.file("voter\(i).key")) }
        func vote(_ i: Int, _ ranking: [Int], json: Bool = true) async throws -> ProcessResult {
            try await Self.plenum(
                [
                    "vote", "--proposal", pollKey, "--choice", ranking.map(String.init).joined(separator: ","), "--key",
                    service.dir.file("voter\(i).key"), "--hub", service.hubURL, "--bot", bot, "--timeout", TestTiming.flag(60),
                ] + (json ? ["--json"] : []))
        }
        let first = try await vote(4, Self.changedFrom, json: false)
        #expect(first.status == 0, "\(first.stderrText)")
        #expect(first.stdoutText.hasPrefix("counted: choice Alpha > Beta > Gamma > Delta"), "\(first.stdoutText)")
        let results = try await withThrowingTaskGroup(of: (Int, ProcessResult).self) { tasks in
            for i in 0..<keys.count { tasks.addTask { (i, try await vote(i, Self.rankings[i])) } }
            var out: [Int: ProcessResult] = [:]
            for try await (i, result) in tasks { out[i] = result }
            return out
        }
        var receipts: [Int: JSON] = [:]
        for (i, result) in results.sorted(by: { $0.key < $1.key }) {
            #expect(result.status == 0, "voter \(i): \(result.stderrText)")
            receipts[i] = try JSONParser.parse(result.stdoutText)
        }

        // The hub's history holds every ballot once, each chat message signed by its voter.
        let hub = try HubClient(baseURL: service.hubURL)
        let groupID = try GroupID(try #require(try await service.group(forKey: pollKey)))
        var history: [StoredMessage] = []
        while true {
            let page = try await hub.messages(in: groupID, after: history.last?.seq ?? 0, limit: 500)
            history += page.messages
            if page.next == nil || page.messages.isEmpty { break }
        }
        let ballots = history.filter { $0.sender != service.botKey.address && $0.body.contains("\"Vote\"") }
        #expect(ballots.count == keys.count + 1)
        #expect(ballots.allSatisfy { $0.verificationProblem() == nil })

        // Each receipt verifies with `plenum verify`, which names the ballot's sequence number: the
        // sequence of that voter's ballot message in the hub's history.
        for (i, document) in receipts.sorted(by: { $0.key < $1.key }) {
            let file = service.dir.file("receipt\(i).json")
            try document.serialized().write(toFile: file, atomically: true, encoding: .utf8)
            let verified = try await Self.plenum(["verify", "--json", "--expect", bot, file])
            #expect(verified.status == 0, "voter \(i): \(verified.stderrText)")
            let out = try JSONParser.parse(verified.stdoutText)
            #expect(out["signer"]?.stringValue == bot)
            let receipt = try #require(out["receipt"], "voter \(i): \(verified.stdoutText)")
            guard case .number(let text)? = receipt["sequence"], let sequence = UInt64(text) else {
                Issue.record("voter \(i): no sequence in \(verified.stdoutText)")
                continue
            }
            let voterBallots = ballots.filter { $0.sender == keys[i].address }
            let ballot = try #require(voterBallots.last, "voter \(i) has no ballot in the history")
            #expect(sequence == ballot.seq, "voter \(i): the receipt names seq \(sequence), the ballot is seq \(ballot.seq)")
            #expect(receipt["logHead"]?.stringValue == ballot.hash.description)
            #expect(receipt["ballot"]?.stringValue == (try TypedData(jsonText: ballot.body).digest().description))
            #expect(
                receipt["status"]?.stringValue == "counted" && receipt["weight"]?.stringValue == devnet.accounts[i].tokenBalance.description
            )
            #expect(receipt["choice"]?.stringValue == JSON.array(Self.rankings[i].map { .number(String($0)) }).serialized())
        }
        // In text, `plenum verify` names the sequence too.
        let text = try await Self.plenum(["verify", "--expect", bot, service.dir.file("receipt0.json")])
        let seq0 = try #require(ballots.last { $0.sender == keys[0].address }?.seq)
        #expect(text.status == 0 && text.stdoutText.hasPrefix(bot + "\n"), "\(text.stdoutText)")
        #expect(text.stdoutText.contains("ballot sequence \(seq0) "), "\(text.stdoutText)")

        // The poll's ten minutes pass on the bot's clock; the bot closes voting and posts the result.
        clock.advance(by: .seconds(601 * TestTiming.scale))
        let resultEntry = try await service.waitFor("the signed result", timeout: TestTiming.seconds(90)) { () -> StoredMessage? in
            let page = try await hub.messages(in: groupID, after: history.last?.seq ?? 0, limit: 500)
            return page.messages.first { $0.sender == service.botKey.address && $0.body.contains("\"TallyResult\"") }
        }
        #expect(resultEntry.verificationProblem() == nil, "the result's chat message is signed by the bot")
        let resultFile = service.dir.file("result.json")
        try resultEntry.body.write(toFile: resultFile, atomically: true, encoding: .utf8)
        let checked = try await Self.plenum(["verify", "--expect", bot, resultFile])
        #expect(checked.status == 0 && checked.stdoutText == bot + "\n", "\(checked.stderrText)")

        // An independent count of the hub's history: every voter's last ballot, weighed by their tokens.
        var last: [Address: [Int]] = [:]
        for entry in ballots {
            let message = try #require(try JSONParser.parse(entry.body)["message"])
            let from = try Address(try #require(message["from"]?.stringValue))
            #expect(from == entry.sender)
            last[from] = try #require(message["choice"]?.arrayValue).compactMap { json -> Int? in
                guard case .number(let n) = json else { return nil }
                return Int(n)
            }
        }
        let expected = InstantRunoff(
            choices: 4,
            ballots: devnet.accounts.map { InstantRunoff.Ballot(ranking: last[$0.address] ?? [], weight: $0.tokenBalance) })
        #expect(!expected.eliminated.isEmpty, "the rankings make the count go past its first round")
        let result = try #require(try JSONParser.parse(resultEntry.body)["message"])
        #expect(result["proposal"]?.stringValue == pollKey, "the result names the poll by its full key")
        #expect(result["system"]?.stringValue == "ranked-choice")
        #expect(result["choices"] == ["Alpha", "Beta", "Gamma", "Delta"])
        #expect(result["scoreDecimals"] == .number("0"))
        #expect(result["scores"] == .array(expected.scores.map { .string($0.description) }), "\(result.serialized())")
        #expect(result["winningChoice"] == .number(String(expected.winner ?? 0)))
        #expect(result["voters"] == .number(String(keys.count)))
        await service.stop()
    }

    /// Runs `plenum` off the cooperative pool.
    static func plenum(_ arguments: [String]) async throws -> ProcessResult {
        try await PlenumBinary.runDetached(arguments)
    }
}
