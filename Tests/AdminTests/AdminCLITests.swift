import Bot
import Ethereum
import Foundation
import Governance
import PlenumService
import PlenumTesting
import Testing

@Suite("plenum channels / proposals / results / polls (the built binary, a temporary configuration and database)")
struct AdminCLITests {
    /// Runs the binary off the cooperative pool (a test may serve HTTP in the same process meanwhile).
    func plenum(_ arguments: [String]) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try PlenumBinary.run(arguments) }) }
        }
    }

    @Test func channelsListAndShow() async throws {
        let world = try AdminWorld()
        let list = try await plenum(["channels", "list", "--config", world.configPath])
        #expect(list.status == 0, "\(list.stderrText)")
        let lines = list.stdoutText.split(separator: "\n")
        #expect(lines.first?.hasPrefix("NAME") == true && lines.count == 2 && lines[1].hasPrefix("treasury"))
        #expect(lines[1].contains(AdminWorld.governor.checksummed) && lines[1].contains("basic"))
        let json = try await plenum(["channels", "list", "--config", world.configPath, "--json"])
        #expect(try JSONParser.parse(json.stdoutText) == .array(world.configuration.channels.map(AdminJSON.channel)))
        let show = try await plenum(["channels", "show", "treasury", "--config", world.configPath])
        #expect(show.status == 0 && show.stdoutText.contains("governor:      \(AdminWorld.governor.checksummed)"))
        #expect(show.stdoutText.contains("voteChange: last-vote-wins"), "\(show.stdoutText)")
        let missing = try await plenum(["channels", "show", "nope", "--config", world.configPath])
        #expect(missing.status == 2 && missing.stderrText.contains("channel \"nope\" is not configured"))
        let badConfig = try await plenum(["channels", "list", "--config", world.dir.file("none.toml")])
        #expect(badConfig.status == 2 && badConfig.stderrText.contains("cannot read the file"))
    }

    @Test func proposalsMatchTheAPIAndReadBeside_aRunningWriter() async throws {
        let world = try AdminWorld()
        try await world.runProposals()  // the world's store stays open for writing meanwhile (WAL)
        let proposals = try await world.store.allProposals()
        try await LiveAdmin.run(api: world.api()) { live in
            let listed = try await plenum(["proposals", "list", "--config", world.configPath, "--json"])
            #expect(listed.status == 0, "\(listed.stderrText)")
            #expect(try JSONParser.parse(listed.stdoutText) == (try await live.get("/admin/proposals")).json)
            for id in ["7", proposals[1].key] {
                let shown = try await plenum(["proposals", "show", id, "--config", world.configPath, "--json"])
                #expect(shown.status == 0, "\(shown.stderrText)")
                let api = try await live.get("/admin/proposals/\(id)")
                #expect(try JSONParser.parse(shown.stdoutText) == api.json, "\(id)")
            }
            let result = try await plenum(["results", "show", "7", "--config", world.configPath, "--json"])
            var document = try #require(try JSONParser.parse(result.stdoutText).objectValue)
            #expect(document["verification"]?["valid"] == true)
            document["verification"] = nil
            #expect(JSON.object(document) == (try await live.get("/admin/results/7")).json, "the API's shape plus verification")
        }
        let text = try await plenum(["proposals", "list", "--config", world.configPath])
        let rows = text.stdoutText.split(separator: "\n").map(String.init)
        #expect(rows.count == 3 && rows[0].hasPrefix("KEY") && rows[0].contains("DEADLINE") && rows[0].contains("OUTCOME"))
        #expect(rows[1].hasPrefix(proposals[0].key) && rows[1].contains("closed") && rows[1].contains("block 130"))
        #expect(rows[1].contains("passed") && rows[1].hasSuffix("Fund the grants round"))
        #expect(rows[2].contains("open") && rows[2].contains("block 400"))
        let shown = try await plenum(["proposals", "show", "7", "--config", world.configPath]).stdoutText
        #expect(shown.contains("messages:   6 read: 3 ballots accepted, 2 rejected, 1 chat"), "\(shown)")
        #expect(shown.contains("rejected:   no-voting-power 1, wrong-signer 1"), "\(shown)")
        #expect(shown.contains("counted:    2 ballots of 2 voters, weight 1500"), "\(shown)")
        #expect(shown.contains("outcome:    passed: choice 1 (For)"), "\(shown)")
        #expect(shown.contains("wrong-signer") && shown.contains(world.alice.address.checksummed))
        let unknown = try await plenum(["proposals", "show", "999", "--config", world.configPath])
        #expect(unknown.status == 2 && unknown.stderrText.contains("no proposal or poll \"999\""))
    }

    @Test func resultsShowVerifiesTheBotsSignature() async throws {
        let world = try AdminWorld()
        try await world.runProposals()
        let shown = try await plenum(["results", "show", "7", "--config", world.configPath])
        #expect(shown.status == 0, "\(shown.stderrText)")
        #expect(shown.stdoutText.contains("verified:   signed by the bot \(world.botKey.address.checksummed)"))
        #expect(shown.stdoutText.contains("1. For") && shown.stdoutText.contains("outcome:    passed"))
        let key = try await world.store.allProposals()[0].key
        // Another signer is not the bot.
        let other = try await plenum(["results", "show", key, "--config", world.configPath, "--signer", world.mallory.address.checksummed])
        #expect(other.status == 1 && other.stdoutText.contains("NOT VERIFIED") && other.stderrText.contains("not the bot"))
        #expect(try await plenum(["results", "show", "7", "--config", world.configPath, "--signer", "0x12"]).status == 2)
        // No result yet, and no such proposal.
        let pending = try await plenum(["results", "show", "8", "--config", world.configPath])
        #expect(pending.status == 1 && pending.stderrText.contains("has no result yet (phase open)"))
        #expect(try await plenum(["results", "show", "9", "--config", world.configPath]).status == 2)

        // A result in the database signed by another key does not verify against the configured bot key.
        var forged = try #require(try await world.store.proposal(key))
        let result = try #require(forged.result)
        forged.result = SignedResult(result: result.result, signature: try result.result.sign(with: world.mallory), digest: result.digest)
        try await world.store.updateProposal(forged)
        let refused = try await plenum(["results", "show", "7", "--config", world.configPath, "--json"])
        #expect(refused.status == 1, "\(refused.stderrText)")
        let verification = try JSONParser.parse(refused.stdoutText)["verification"]
        #expect(verification?["valid"] == false && verification?["recovered"]?.stringValue == world.mallory.address.checksummed)
    }

    @Test func resultsShowReadsAKeystoreBotKeyWithItsPasswordFile() async throws {
        let world = try AdminWorld()
        try await world.runProposals()
        let keystore = try Keystore(encrypting: world.botKey, password: "pw", kdf: .scrypt(n: 4096, r: 8, p: 1))
        try FileManager.default.removeItem(atPath: world.dir.file("config/bot.key"))
        try KeyFile.writePrivateFile(path: world.dir.file("config/bot.key"), contents: Array(keystore.json.serialized().utf8))
        try KeyFile.writePrivateFile(path: world.dir.file("config/bot.password"), contents: Array("pw\n".utf8))
        var text = try String(contentsOfFile: world.configPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "key = \"bot.key\"", with: "key = \"bot.key\"\npassword_file = \"bot.password\"")
        try text.write(toFile: world.configPath, atomically: true, encoding: .utf8)
        let shown = try await plenum(["results", "show", "7", "--config", world.configPath])
        #expect(
            shown.status == 0 && shown.stdoutText.contains("verified:   signed by the bot \(world.botKey.address.checksummed)"),
            "\(shown.stderrText)")
    }

    @Test func aMissingDatabaseIsNotCreated() async throws {
        let world = try AdminWorld()
        try FileManager.default.removeItem(atPath: world.dir.file("data"))
        let listed = try await plenum(["proposals", "list", "--config", world.configPath])
        #expect(listed.status == 2 && listed.stderrText.contains("does not exist"), "\(listed.stderrText)")
        #expect(!FileManager.default.fileExists(atPath: world.databasePath))
    }

    @Test func aDatabaseNotYetMigratedIsRefusedAndLeftAlone() async throws {
        let world = try AdminWorld()
        try FileManager.default.removeItem(atPath: world.dir.file("data"))
        try FileManager.default.createDirectory(atPath: world.dir.file("data"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: world.databasePath, contents: Data(), attributes: [.posixPermissions: 0o600])
        let listed = try await plenum(["proposals", "list", "--config", world.configPath])
        #expect(listed.status == 2 && listed.stderrText.contains("has not been upgraded"), "\(listed.stderrText)")
        #expect(try FileManager.default.attributesOfItem(atPath: world.databasePath)[.size] as? Int == 0, "nothing was written")
    }

    @Test func pollsCreatePostsToTheRunningService() async throws {
        let world = try AdminWorld()
        world.chain.setHead(200)
        try await LiveAdmin.run(api: world.api()) { live in
            let base = [
                "polls", "create", "--config", world.configPath, "--admin", live.base, "--channel", "treasury", "--title", "Pick a logo",
            ]
            let created = try await plenum(
                base + ["--choices", "Owl, Fox", "--choice", "Bee, with a comma", "--system", "single-choice", "--duration", "1h"])
            #expect(created.status == 0, "\(created.stderrText)")
            #expect(created.stdoutText.hasPrefix("poll opened: poll:treasury:0x"), "\(created.stdoutText)")
            #expect(created.stdoutText.contains("power at:    block 197") && created.stdoutText.contains("group:       not opened yet"))
            let polls = try await world.store.allProposals()
            #expect(polls.count == 1 && polls[0].rules.choices == ["Owl", "Fox", "Bee, with a comma"])
            #expect(created.stdoutText.contains(polls[0].proposalId))

            world.clock.advance(seconds: 1)  // a poll's id includes its creation time
            let json = try await plenum(
                base + ["--choices", "A,B", "--system", "approval", "--duration", "2h", "--description", "Why", "--json"])
            #expect(json.status == 0, "\(json.stderrText)")
            let answer = try JSONParser.parse(json.stdoutText)
            #expect(answer["kind"] == "poll" && answer["description"] == "Pick a logo\n\nWhy")

            // Bad input: the service's reason, exit 2.
            let badSystem = try await plenum(base + ["--choices", "A,B", "--system", "plurality", "--duration", "1h"])
            #expect(badSystem.status == 2 && badSystem.stderrText.contains("system \"plurality\" is not one of"), "\(badSystem.stderrText)")
            let badSnapshot = try await plenum(
                base + ["--choices", "A,B", "--system", "approval", "--duration", "1h", "--snapshot", "900"])
            #expect(badSnapshot.status == 2 && badSnapshot.stderrText.contains("not below the chain's head"))
            let noChoices = try await plenum(base + ["--system", "approval", "--duration", "1h"])
            #expect(noChoices.status == 2)

            // A token the service does not know: refused, exit 1.
            let tokenFile = world.dir.file("config/admin.token")
            try KeyFile.writePrivateFile(path: tokenFile + ".new", contents: Array("another-token-of-enough-length".utf8))
            try FileManager.default.removeItem(atPath: tokenFile)
            try FileManager.default.moveItem(atPath: tokenFile + ".new", toPath: tokenFile)
            let refused = try await plenum(base + ["--choices", "A,B", "--system", "approval", "--duration", "1h"])
            #expect(refused.status == 1 && refused.stderrText.contains("refused the token"), "\(refused.stderrText)")
            // A token file others can read is not used at all.
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: tokenFile)
            let open = try await plenum(base + ["--choices", "A,B", "--system", "approval", "--duration", "1h"])
            #expect(open.status == 2 && open.stderrText.contains("chmod 600"), "\(open.stderrText)")
            #expect(!open.stderrText.contains("another-token"))
            #expect(try await world.store.allProposals().count == 2)
        }
        // Nothing listening: exit 1.
        let tokenFile = world.dir.file("config/admin.token")
        try FileManager.default.removeItem(atPath: tokenFile)
        try KeyFile.writePrivateFile(path: tokenFile, contents: Array(AdminWorld.token.utf8))
        let unreachable = try await plenum([
            "polls", "create", "--config", world.configPath, "--admin", "http://127.0.0.1:9", "--channel", "treasury", "--title", "T",
            "--choices", "A,B", "--system", "approval", "--duration", "1h",
        ])
        #expect(unreachable.status == 1 && unreachable.stderrText.contains("cannot reach the admin API"), "\(unreachable.stderrText)")
    }
}
