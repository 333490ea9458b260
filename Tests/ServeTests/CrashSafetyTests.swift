import AsyncHTTPClient
import Bot
import Chat
import Ethereum
import EthereumRPC
import Foundation
import NIOCore
import PlenumTesting
import Storage
import Testing

/// `kill -9` of `plenum serve` at 20 random points during a run with 1,000 ballots.
@Suite("plenum serve crash safety")
struct CrashSafetyTests {
    /// A `plenum serve` subprocess and the hub URL it reported.
    struct Serve {
        let process: Process
        let hubURL: String
    }

    static func start(config: String, log: String) async throws -> Serve {
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: PlenumBinary.path)
        process.arguments = ["serve", "--config", config]
        process.standardOutput = FileHandle.nullDevice
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try handle.seekToEnd()
        process.standardError = handle
        process.environment = ProcessInfo.processInfo.environment.merging(["PLENUM_LOG_LEVEL": "warning"]) { $1 }
        let before = (try? String(contentsOfFile: log, encoding: .utf8))?.count ?? 0
        try process.run()
        let deadline = ContinuousClock.now + TestTiming.seconds(180)
        while ContinuousClock.now < deadline, process.isRunning {
            let text = String((try? String(contentsOfFile: log, encoding: .utf8))?.dropFirst(before) ?? "")
            if let range = text.range(of: "chat hub on "), let end = text[range.upperBound...].firstIndex(where: { $0 == "," || $0 == ";" })
            {
                return Serve(process: process, hubURL: String(text[range.upperBound..<end]))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw OracleError("plenum serve did not start: \(String((try? String(contentsOfFile: log, encoding: .utf8))?.suffix(2000) ?? ""))")
    }

    /// Posts a signed chat message; returns its stored sequence, or nil when the hub is unreachable.
    static func post(_ signed: SignedChatMessage, hub: String, group: String) async -> UInt64? {
        var request = HTTPClientRequest(url: "\(hub)/v1/groups/\(group)/messages")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: signed.json.serialized()))
        guard let response = try? await HTTPTransport.failFastClient.execute(request, timeout: .seconds(10 * TestTiming.scale)),
            let body = try? await response.body.collect(upTo: 1 << 20), let json = try? JSONParser.parse(String(buffer: body))
        else { return nil }
        // A message the hub already holds (committed before a crash, the answer lost) is acknowledged by `replayed`.
        let entry = response.status.code == 201 ? json["message"] : json["error"]?["existing"]
        guard case .number(let n)? = entry?["seq"] else { return nil }
        return UInt64(n)
    }

    @Test func kill9AtTwentyPointsLosesAndRepeatsNothing() async throws {
        let devnet = try Devnet(accounts: 100)
        let dir = try TemporaryDirectory()
        let bot = PrivateKey.generate()
        try KeyFile.write(bot, to: dir.file("bot.key"))
        try FileManager.default.createDirectory(atPath: dir.file("proposals"), withIntermediateDirectories: true)
        try """
        channels = "proposals"
        [storage]
        path = "plenum.sqlite"
        [bot]
        key = "bot.key"
        [hub]
        port = 0
        name = "crash-test"
        requests_per_ip = 100000
        posts_per_ip = 100000
        [chains.devnet]
        chain_id = \(devnet.chainId)
        rpc = ["\(devnet.rpcURL)"]
        confirmations = 2
        poll_interval = "50ms"
        """.write(toFile: dir.file("plenum.toml"), atomically: true, encoding: .utf8)
        try "chain = \"devnet\"\ngovernor = \"\(devnet.governor)\"\nstart_block = 0\n[gating]\nrule = \"anyone\"\n".write(
            toFile: dir.file("proposals/devnet.toml"), atomically: true, encoding: .utf8)
        let log = dir.file("serve.log")
        var serve = try await Self.start(config: dir.file("plenum.toml"), log: log)

        let gov = DevnetGovernor(devnet)
        let (id, _) = try await gov.propose("Crash safety", from: gov.sender(devnet.accounts[0].key))
        try await devnet.mine(5)
        let key = BotProposal.governorKey(chainId: devnet.chainId, governor: devnet.governor, proposalId: id)
        let store = try SQLiteStore(path: dir.file("plenum.sqlite"))
        let group = try await waitFor("the group") { try await store.proposal(key)?.group }

        // 1,000 ballots: each of 100 voters votes 10 times (a vote change each time).
        var rng = SplitMix64(seed: 1000)
        var ballots: [(voter: Int, support: Int, signed: SignedChatMessage)] = []
        for round in 0..<10 {
            for v in 0..<100 {
                let support = Int(rng.next() % 3)
                let body = try BallotFactory.governorBallot(
                    signer: devnet.accounts[v].key, governorName: devnet.info["governor"]?["name"]?.stringValue ?? "",
                    chainId: devnet.chainId,
                    governor: devnet.governor, proposalId: id.description, support: support, nonce: round)
                let message = ChatMessage(
                    hub: "crash-test", group: try GroupID(group), sender: devnet.accounts[v].address, body: body,
                    timestamp: UInt64(WallClock.milliseconds()), nonce: ChatMessage.randomNonce())
                ballots.append((v, support, message.signed(with: devnet.accounts[v].key)))
            }
        }
        var kills = Set((0..<16).map { _ in Int(rng.next() % 1000) })
        while kills.count < 16 { kills.insert(Int(rng.next() % 1000)) }
        var acknowledged: [(seq: UInt64, voter: Int, support: Int)] = []
        var restarts = 0
        for (i, ballot) in ballots.enumerated() {
            if kills.contains(i) {
                kill(serve.process.processIdentifier, SIGKILL)
                serve.process.waitUntilExit()
                // A post while the service is down is refused (not acknowledged); then restart.
                #expect(await Self.post(ballot.signed, hub: serve.hubURL, group: group) == nil)
                serve = try await Self.start(config: dir.file("plenum.toml"), log: log)
                restarts += 1
            }
            var seq: UInt64?
            for _ in 0..<20 where seq == nil { seq = await Self.post(ballot.signed, hub: serve.hubURL, group: group) }
            let stored = try #require(seq, "ballot \(i) was never acknowledged")
            acknowledged.append((stored, ballot.voter, ballot.support))
        }
        // Close voting, with four more kills while the bot tallies and publishes.
        try await devnet.mine(25)
        for k in 0..<4 {
            _ = try await waitFor("progress \(k)") { () -> Bool? in
                let votes = try await store.votes(key).count
                return votes > 0 ? true : nil
            }
            kill(serve.process.processIdentifier, SIGKILL)
            serve.process.waitUntilExit()
            serve = try await Self.start(config: dir.file("plenum.toml"), log: log)
            restarts += 1
        }
        let proposal = try await waitFor("the result", timeout: TestTiming.seconds(180)) { () -> BotProposal? in
            let p = try await store.proposal(key)
            return p?.phase == .closed ? p : nil
        }
        kill(serve.process.processIdentifier, SIGTERM)
        serve.process.waitUntilExit()
        #expect(restarts == 20)

        // Every acknowledged ballot was decided exactly once.
        let records = try await store.votes(key)
        let ackSeqs = Set(acknowledged.map(\.seq))
        #expect(acknowledged.count == 1000 && ackSeqs.count == 1000)
        #expect(Set(records.map(\.seq)).isSuperset(of: ackSeqs))
        #expect(records.count == Set(records.map(\.seq)).count, "one decision per message")
        #expect(records.filter { ackSeqs.contains($0.seq) }.allSatisfy { $0.status == .accepted })
        // No bot message twice: one of each lifecycle message, one receipt per ballot.
        let chat = try ChatReader(store: store)
        let botMessages = try await chat.messages(group).filter { $0.sender == bot.address }
        let receipts = try botMessages.filter { $0.body.contains("PlenumReceipt") }.map {
            try Receipt(signedDocument: try JSONParser.parse($0.body), signer: bot.address).sequence
        }
        #expect(receipts.count == Set(receipts).count, "no receipt twice")
        #expect(Set(receipts).isSuperset(of: ackSeqs), "every acknowledged ballot has its receipt")
        #expect(botMessages.filter { $0.body.contains("\"TallyResult\"") }.count == 1, "one result")
        #expect(botMessages.filter { $0.body.hasPrefix("New proposal") }.count == 1)
        // The result equals an independent tally of the last acknowledged ballot of each voter.
        var last: [Int: (seq: UInt64, support: Int)] = [:]
        for a in acknowledged where (last[a.voter]?.seq ?? 0) < a.seq { last[a.voter] = (a.seq, a.support) }
        var expected = [UInt256](repeating: .zero, count: 3)
        for (voter, choice) in last {
            let index = choice.support == 1 ? 0 : choice.support == 0 ? 1 : 2
            expected[index] = expected[index] + devnet.accounts[voter].tokenBalance
        }
        let result = try #require(proposal.result?.result)
        #expect(result.scores.map(\.description) == expected.map(\.description))
        #expect(result.voters == 100)
        // The audit round trip: after twenty crashes, the export still re-tallies offline to the signed result.
        let export = dir.file("export.jsonl")
        let exported = try await ChildProcess.run(
            PlenumBinary.path, ["export", "--proposal", key, "--out", export, "--config", dir.file("plenum.toml")])
        #expect(exported.status == 0, "plenum export: \(exported.stderrText)")
        let retally = try await PlenumBinary.runDetached(["retally", "--json", "--bot", bot.address.checksummed, export])
        let report = try JSONParser(limits: .init(maxBytes: 64 << 20)).parse(Array(retally.stdout))
        #expect(retally.status == 0, "plenum retally: \(retally.stdoutText.prefix(4000))")
        #expect(report["result"]?["signedDigest"]?.stringValue == proposal.result?.digest.description)
        #expect(report["result"]?["recomputedDigest"]?.stringValue == proposal.result?.digest.description)
        #expect(report["ballots"] == .number("1000"))
    }

    func waitFor<T>(_ what: String, timeout: Duration = TestTiming.seconds(60), _ condition: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = try await condition() { return value }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw OracleError("timed out waiting for \(what)")
    }
}

/// Reads a group's messages straight from the SQLite chat store.
struct ChatReader {
    let store: SQLiteStore
    init(store: SQLiteStore) throws { self.store = store }

    func messages(_ group: String) async throws -> [StoredMessage] {
        var out: [StoredMessage] = []
        var after: UInt64 = 0
        while true {
            let page = try await store.messages(in: try GroupID(group), afterSeq: after, limit: 500)
            out += page
            guard let last = page.last, page.count == 500 else { return out }
            after = last.seq
        }
    }
}
