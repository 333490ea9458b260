import Chat
import Ethereum
import Foundation
import PlenumService
import PlenumTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("plenum chat against a live hub", .serialized)
struct ChatCLITests {
    let alice = PrivateKey.generate(), carol = PrivateKey.generate()

    @Test func sendListReadAndVerify() async throws {
        let alice = self.alice, carol = self.carol
        try await MemberWorld.run { w in
            w.chain.setPower([alice.address: 5])
            let group = try await w.propose(UInt256(7))
            let key = try w.keyFile(alice, name: "alice.key")
            let sent = try await w.plenum(["chat", "send", "--group", group.id.rawValue, "--key", key, "hello, treasury"])
            #expect(sent.status == 0 && sent.stdoutText.hasPrefix("posted: seq 3, hash 0x"), "\(sent.stdoutText)\(sent.stderrText)")
            let piped = try await w.plenum(
                ["chat", "send", "--group", group.key, "--key", key, "--json", "-"], stdin: "line one\nline two\n")
            #expect(piped.status == 0, "\(piped.stderrText)")
            let stored = try StoredMessage(json: try JSONParser.parse(piped.stdoutText))
            #expect(stored.body == "line one\nline two" && stored.seq == 4 && stored.sender == alice.address)
            let outsider = try await w.plenum([
                "chat", "send", "--group", group.id.rawValue, "--key", try w.keyFile(carol, name: "c.key"), "hi",
            ])
            #expect(outsider.status == 1 && outsider.stderrText.contains("not-a-member"), "\(outsider.stderrText)")
            let empty = try await w.plenum(["chat", "send", "--group", group.id.rawValue, "--key", key, "-"], stdin: "")
            #expect(empty.status == 2)
            let unknown = try await w.plenum(["chat", "send", "--group", "0123456789abcdef0123456789abcdef", "--key", key, "x"])
            #expect(unknown.status == 2 && unknown.stderrText.contains("group-not-found"), "\(unknown.stderrText)")

            let groups = try await w.plenum(["chat", "groups"])
            #expect(groups.status == 0 && groups.stdoutText.contains("\(group.id)  open    \(group.key)"), "\(groups.stdoutText)")
            let groupLines = try await w.plenum(["chat", "groups", "--json"])
            #expect(
                try groupLines.stdoutText.split(separator: "\n").map { try HubGroup(json: try JSONParser.parse(String($0))).key } == [
                    group.key
                ])

            let read = try await w.plenum(["chat", "read", "--group", group.id.rawValue])
            #expect(
                read.status == 0 && read.stdoutText.contains(": hello, treasury") && read.stdoutText.contains(": line one\n    line two"))
            let lines = try await w.plenum(["chat", "read", "--group", group.key, "--json"])
            let entries = try lines.stdoutText.split(separator: "\n").map { try StoredMessage(json: try JSONParser.parse(String($0))) }
            #expect(entries == (try await w.messages(group.id)))
            let verified = try await w.plenum(["chat", "read", "--group", group.id.rawValue, "--verify"])
            #expect(verified.status == 0 && verified.stderrText.contains("verified 4 message(s) up to seq 4"), "\(verified.stderrText)")
            let window = try await w.plenum([
                "chat", "read", "--group", group.id.rawValue, "--after", "2", "--limit", "1", "--verify", "--json",
            ])
            #expect(window.status == 0, "\(window.stderrText)")
            #expect(try StoredMessage(json: try JSONParser.parse(window.stdoutText)).seq == 3)
            let bad = try await w.plenum(["chat", "read", "--group", group.id.rawValue, "--after", "9", "--verify"])
            #expect(bad.status == 2, "\(bad.stderrText)")
        }
    }

    @Test func followPrintsLiveMessagesResumesAndStopsOnCloseOrSIGINT() async throws {
        try await MemberWorld.run(runBot: false) { w in
            let group = try await w.hub.createGroup(GroupSpec(key: "talk", title: "Talk", topic: "", gating: .anyone)).id
            _ = try await w.hub.post("first", to: group, signedBy: w.botKey, idempotencyKey: "1")
            let follower = try ChildProcess(PlenumBinary.path, ["chat", "follow", "--group", group.rawValue, "--hub", w.url])
            #expect(await follower.waitForOutput("caught up at seq 1", on: .stderr))
            _ = try await w.hub.post("second", to: group, signedBy: w.botKey, idempotencyKey: "2")
            #expect(await follower.waitForOutput(": second"))
            _ = try await w.hub.post("third", to: group, signedBy: w.botKey, idempotencyKey: "3")
            _ = try await w.hub.close(group, notice: "closing now", signedBy: w.botKey, idempotencyKey: "4")
            let done = await follower.result()
            #expect(done.status == 0, "\(done.stderrText)")
            let bodies = done.stdoutText.split(separator: "\n").map { String($0.split(separator: ": ", maxSplits: 1).last ?? "") }
            #expect(bodies == ["first", "second", "third", "closing now"], "\(done.stdoutText)")
            #expect(done.stderrText.contains("group closed at seq 4"))

            // Resuming after a seq prints only what follows it, in JSON; an open group is followed until SIGINT.
            let open = try await w.hub.createGroup(GroupSpec(key: "open", title: "Open", topic: "", gating: .anyone)).id
            for i in 1...3 { _ = try await w.hub.post("m\(i)", to: open, signedBy: w.botKey, idempotencyKey: "\(i)") }
            let resumed = try ChildProcess(
                PlenumBinary.path, ["chat", "follow", "--group", open.rawValue, "--after", "1", "--json", "--hub", w.url])
            #expect(await resumed.waitForOutput("caught up at seq 3", on: .stderr))
            resumed.signal(SIGINT)
            let stopped = await resumed.result()
            #expect(stopped.status == 0, "\(stopped.stderrText)")
            let seqs = try stopped.stdoutText.split(separator: "\n").map { try StoredMessage(json: try JSONParser.parse(String($0))).seq }
            #expect(seqs == [2, 3])
            let missing = try await w.plenum(["chat", "follow", "--group", "0123456789abcdef0123456789abcdef"])
            #expect(missing.status == 2)
        }
    }

    @Test func readVerifyCatchesATamperedHub() async throws {
        let alice = self.alice
        try await MemberWorld.run { w in
            w.chain.setPower([alice.address: 5])
            let group = try await w.propose(UInt256(7))
            let key = try w.keyFile(alice, name: "alice.key")
            #expect(try await w.plenum(["chat", "send", "--group", group.id.rawValue, "--key", key, "I will vote for"]).status == 0)
            #expect(try await w.plenum(["vote", "--proposal", "7", "--choice", "for", "--key", key]).status == 0)
            let real = try await w.messages(group.id)
            let info = try await w.hub.group(group.id)
            #expect(real.count == 5, "descriptor, announcement, chat, ballot, receipt")

            // A hub that changes what alice said.
            var edited = real
            let e = real[2]
            edited[2] = StoredMessage(
                position: e.position, hub: e.hub, group: e.group, seq: e.seq, prevHash: e.prevHash, id: e.id, sender: e.sender,
                body: "I will vote against", timestamp: e.timestamp, nonce: e.nonce, signature: e.signature, receivedAt: e.receivedAt,
                storedHash: e.hash)
            try await FakeHub.serve(info, edited) { url in
                let run = try await ChildProcess.run(
                    PlenumBinary.path, ["chat", "read", "--group", group.id.rawValue, "--verify", "--hub", url])
                #expect(run.status == 1, "\(run.stderrText)")
                #expect(run.stderrText.contains("seq 3: id") && run.stderrText.contains("1 problem(s)"), "\(run.stderrText)")
                let plain = try await ChildProcess.run(PlenumBinary.path, ["chat", "read", "--group", group.id.rawValue, "--hub", url])
                #expect(plain.status == 0, "without --verify the reader takes what it is given")
            }
            // A hub that drops alice's chat message and re-links everything after it: only the bot's receipt shows it.
            var relinked: [StoredMessage] = []
            var prev = Hash32.zero
            for (i, m) in [real[0], real[1], real[3], real[4]].enumerated() {
                let entry = StoredMessage(
                    position: Int64(i + 1), hub: m.hub, group: m.group, seq: UInt64(i + 1), prevHash: prev, id: m.id, sender: m.sender,
                    body: m.body, timestamp: m.timestamp, nonce: m.nonce, signature: m.signature, receivedAt: m.receivedAt)
                relinked.append(entry)
                prev = entry.hash
            }
            try await FakeHub.serve(info, relinked) { url in
                let run = try await ChildProcess.run(
                    PlenumBinary.path, ["chat", "read", "--group", group.id.rawValue, "--verify", "--hub", url])
                #expect(run.status == 1 && run.stderrText.contains("history was rewritten"), "\(run.stderrText)")
            }
            // The real hub's answer verifies.
            let honest = try await w.plenum(["chat", "read", "--group", group.id.rawValue, "--verify"])
            #expect(honest.status == 0, "\(honest.stderrText)")
        }
    }
}
