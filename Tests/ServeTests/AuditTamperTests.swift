import Audit
import Bot
import Chat
import Ethereum
import Foundation
import PlenumTesting
import Testing

/// `plenum retally` against a real export changed one way per test: each change makes it exit 1
/// and name the check that broke; none gives a false "match".
@Suite("plenum retally catches tampering")
struct AuditTamperTests {
    func fixture() async throws -> AuditFixture { try await AuditFixture.shared.value }

    /// The message lines' indices in the export.
    func messageIndices(_ f: AuditFixture) -> [Int] {
        f.lines.indices.filter { f.lines[$0].contains("\"type\":\"message\"") }
    }

    func expectMismatch(
        _ outcome: (status: Int32, report: JSON, failed: Set<String>), naming checks: Set<String>, _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(outcome.status == 1, "\(what): exit \(outcome.status)", sourceLocation: sourceLocation)
        #expect(outcome.report["verdict"]?.stringValue == "mismatch", "\(what)", sourceLocation: sourceLocation)
        #expect(
            !outcome.failed.isDisjoint(with: checks), "\(what): failed \(outcome.failed.sorted()), expected one of \(checks.sorted())",
            sourceLocation: sourceLocation)
    }

    @Test func theUntouchedExportMatches() async throws {
        let f = try await fixture()
        let outcome = try await f.retally(try f.write(f.lines))
        #expect(outcome.status == 0, "\(outcome.report.serialized())")
        #expect(outcome.report["verdict"]?.stringValue == "match")
        #expect(outcome.report["ballots"] == .number("6"))
    }

    @Test func aChangedByteInAnyMessageIsCaught() async throws {
        let f = try await fixture()
        let fields = ["body", "signature", "nonce", "timestamp", "receivedAt", "sender", "prevHash", "hash", "id"]
        for (n, i) in messageIndices(f).enumerated() {
            let field = fields[n % fields.count]
            var object = try JSONParser.parse(f.lines[i]).objectValue!
            let seq = object["seq"]!
            switch object[field]! {
            case .string(let s):
                // One character changed: the last hex digit, or the body's last character.
                var chars = Array(s)
                let last = chars.count - 1
                chars[last] = chars[last] == "1" ? "2" : "1"
                object[field] = .string(String(chars))
            case .number(let digits):
                object[field] = .number(String(UInt64(digits)! + 1))
            default: Issue.record("unexpected \(field)")
            }
            var lines = f.lines
            lines[i] = JSON.object(object).serialized()
            let outcome = try await f.retally(try f.write(lines))
            expectMismatch(outcome, naming: ["hash-chain", "message-signature", "format"], "message seq \(seq) with \(field) changed")
            let named = outcome.report["mismatches"]?.arrayValue?.contains { $0["seq"] == seq } == true
            #expect(named, "the mismatch names seq \(seq) (\(field))")
        }
    }

    @Test func aDeletedMessageIsCaught() async throws {
        let f = try await fixture()
        var lines = f.lines
        lines.remove(at: try #require(f.index(ofSeq: f.sequences["a1 against"] ?? 0, in: lines)))
        expectMismatch(try await f.retally(try f.write(lines)), naming: ["hash-chain"], "a deleted ballot")
    }

    @Test func twoSwappedMessagesAreCaught() async throws {
        let f = try await fixture()
        var lines = f.lines
        let i = try #require(f.index(ofSeq: f.sequences["a0 for"] ?? 0, in: lines))
        lines.swapAt(i, i + 1)
        expectMismatch(try await f.retally(try f.write(lines)), naming: ["hash-chain"], "two swapped messages")
    }

    @Test func anInsertedForgedMessageIsCaughtEvenWhenTheChainIsRelinked() async throws {
        let f = try await fixture()
        let i = try #require(f.index(ofSeq: f.sequences["a3 for"] ?? 0, in: f.lines))
        let template = try JSONParser.parse(f.lines[i])
        // A ballot properly signed by a wallet of the forger's own, in the right group, with a decision that counts it.
        let forger = PrivateKey.generate()
        let message = ChatMessage(
            hub: template["hub"]!.stringValue!, group: try GroupID(template["group"]!.stringValue!), sender: forger.address,
            body: "I agree", timestamp: 1, nonce: ChatMessage.randomNonce())
        let signed = message.signed(with: forger)
        let forged = StoredMessage(
            position: 0, hub: message.hub, group: message.group, seq: 0, prevHash: .zero, id: message.digest, sender: forger.address,
            body: message.body, timestamp: message.timestamp, nonce: message.nonce, signature: signed.signature, receivedAt: 2)
        var lines = f.lines
        lines.insert(ExportFormat.messageLine(forged, decision: .chat), at: i)
        // As inserted: the link breaks at once.
        expectMismatch(try await f.retally(try f.write(lines)), naming: ["hash-chain"], "an inserted message")
        // Relinked by a forger who recomputes every later hash: the signed log head and the receipts catch it.
        let relinked = try f.relink(lines, from: i)
        expectMismatch(try await f.retally(try f.write(relinked)), naming: ["log-head", "receipt"], "an inserted message, chain relinked")
    }

    @Test func aChangedWeightIsCaught() async throws {
        let f = try await fixture()
        let seq = try #require(f.sequences["a0 for"])
        let i = try #require(f.index(ofSeq: seq, in: f.lines))
        // In the decision: the weight counted.
        var object = try JSONParser.parse(f.lines[i]).objectValue!
        var decision = object["decision"]!.objectValue!
        let weight = try UInt256(decimal: try #require(decision["weight"]?.stringValue))
        decision["weight"] = .string((weight + 1).description)
        object["decision"] = .object(decision)
        var lines = f.lines
        lines[i] = JSON.object(object).serialized()
        expectMismatch(try await f.retally(try f.write(lines)), naming: ["weight"], "a changed decision weight")
        // In the voter's power line: the total alone, then the component and the total together.
        let voter = try #require(object["sender"]?.stringValue)
        let p = try #require(f.lines.firstIndex { $0.contains("\"type\":\"power\"") && $0.contains(voter) })
        lines = f.lines
        lines[p] = f.lines[p].replacingOccurrences(of: "\"total\":\"\(weight)\"", with: "\"total\":\"\(weight + 1)\"")
        #expect(lines[p] != f.lines[p])
        expectMismatch(try await f.retally(try f.write(lines)), naming: ["power"], "a changed power total")
        lines[p] = f.lines[p].replacingOccurrences(of: "\"\(weight)\"", with: "\"\(weight * 2)\"")
        lines[i] = f.lines[i].replacingOccurrences(of: "\"weight\":\"\(weight)\"", with: "\"weight\":\"\(weight * 2)\"")
        expectMismatch(try await f.retally(try f.write(lines)), naming: ["result"], "a doubled power, consistently")
    }

    @Test func aChangedResultIsCaught() async throws {
        let f = try await fixture()
        var lines = f.lines
        var object = try JSONParser.parse(try #require(lines.last)).objectValue!
        var typed = object["typedData"]!.objectValue!
        var message = typed["message"]!.objectValue!
        var scores = message["scores"]!.arrayValue!
        (scores[0], scores[1]) = (scores[1], scores[0])
        message["scores"] = .array(scores)
        message["outcome"] = "defeated"
        typed["message"] = .object(message)
        object["typedData"] = .object(typed)
        lines[lines.count - 1] = JSON.object(object).serialized()
        let outcome = try await f.retally(try f.write(lines))
        expectMismatch(outcome, naming: ["result"], "changed scores")
        #expect(outcome.failed.contains("result-signature"), "the bot never signed those scores")
    }

    @Test func aChangedHeaderFieldIsCaught() async throws {
        let f = try await fixture()
        let headerLine = try JSONParser.parse(f.lines[0]).objectValue!
        let text = try #require(headerLine["header"]?.stringValue)
        let header = try JSONParser.parse(text).objectValue!
        // Each of these would change how ballots are judged or counted.
        let changes: [(String, (inout JSONObject) -> Void)] = [
            ("deadline", { $0["deadline"] = .string(String(UInt64($0["deadline"]!.stringValue!)! + 100)) }),
            (
                "choices",
                { h in
                    var rules = h["rules"]!.objectValue!
                    rules["voteChange"] = "first-vote-is-final"
                    h["rules"] = .object(rules)
                }
            ),
            ("quorum", { $0["quorum"] = ["amount": "1", "readValue": .null, "readBlock": .null] }),
            ("decidedThrough", { $0["decidedThrough"] = "3" }),
        ]
        for (name, change) in changes {
            var changed = header
            change(&changed)
            var line = headerLine
            line["header"] = .string(JSON.object(changed).serialized())
            var lines = f.lines
            lines[0] = JSON.object(line).serialized()
            expectMismatch(try await f.retally(try f.write(lines)), naming: ["header-signature"], "header \(name) changed")
        }
        // The signature itself.
        var line = headerLine
        line["signature"] = .null
        var lines = f.lines
        lines[0] = JSON.object(line).serialized()
        expectMismatch(try await f.retally(try f.write(lines)), naming: ["header-signature"], "the header's signature removed")
    }

    @Test func aTruncatedFileIsCaught() async throws {
        let f = try await fixture()
        let whole = f.lines.map { $0 + "\n" }.joined()
        // Cut inside the last line, at a line boundary before the result, and in the middle of the log.
        for cut in [whole.utf8.count - 40, whole.utf8.count - f.lines.last!.utf8.count - 1, whole.utf8.count / 2] {
            let raw = String(decoding: Array(whole.utf8)[..<cut], as: UTF8.self)
            expectMismatch(try await f.retally(try f.write([], raw: raw)), naming: ["format"], "truncated at byte \(cut)")
        }
    }

    @Test func aReceiptWhoseBallotWasLeftOutProvesTheOmission() async throws {
        let f = try await fixture()
        let seq = try #require(f.sequences["a1 against"])
        let receipt = f.dir.file("a1-against-receipt.json")
        try f.receipts[seq]!.write(toFile: receipt, atomically: true, encoding: .utf8)
        // The untouched export holds the receipted ballot.
        let intact = try await f.retally(try f.write(f.lines), receipts: [receipt])
        #expect(intact.status == 0, "\(intact.report.serialized())")
        // Left out, and the chain relinked so that no gap shows.
        var lines = f.lines
        let i = try #require(f.index(ofSeq: seq, in: lines))
        lines.remove(at: i)
        lines = try f.relink(lines, from: i)
        let outcome = try await f.retally(try f.write(lines), receipts: [receipt])
        expectMismatch(outcome, naming: ["held-receipt"], "the receipted ballot left out")
        let named = outcome.report["mismatches"]?.arrayValue?.contains {
            $0["check"]?.stringValue == "held-receipt" && $0["detail"]?.stringValue?.contains(receipt) == true
        }
        #expect(named == true, "the mismatch names the receipt: \(outcome.report["mismatches"]?.serialized().prefix(2000) ?? "")")
        // A receipt the bot did not sign is refused.
        let fake = f.dir.file("fake-receipt.json")
        try f.receipts[seq]!.replacingOccurrences(of: "\"counted\"", with: "\"rejected\"").write(
            toFile: fake, atomically: true, encoding: .utf8)
        expectMismatch(
            try await f.retally(try f.write(f.lines), receipts: [fake]), naming: ["held-receipt"], "a receipt the bot did not sign")
    }

    @Test func unreadableInputExitsTwo() async throws {
        let f = try await fixture()
        let missing = try await PlenumBinary.runDetached(["retally", f.dir.file("no-such-file.jsonl")])
        #expect(missing.status == 2)
        let notExport = try await PlenumBinary.runDetached(["retally", try f.write(["{\"hello\": 1}"])])
        #expect(notExport.status == 2, "\(notExport.stderrText)")
        let empty = try await PlenumBinary.runDetached(["retally", try f.write([], raw: "")])
        #expect(empty.status == 2)
    }
}
