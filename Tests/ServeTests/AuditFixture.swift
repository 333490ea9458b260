import Audit
import Bot
import Chat
import Ethereum
import Foundation
import Governance
import PlenumTesting

/// One real proposal run end to end (devnet, hub over HTTP, bot, SQLite), exported with
/// `plenum export`: the untouched export the tamper tests change one way each.
final class AuditFixture: Sendable {
    let dir: TemporaryDirectory
    let lines: [String]
    let bot: Address
    /// Receipt documents the bot posted, by the sequence of the ballot they answer.
    let receipts: [UInt64: String]
    /// Sequences of the ballots, by label.
    let sequences: [String: UInt64]

    init(dir: TemporaryDirectory, lines: [String], bot: Address, receipts: [UInt64: String], sequences: [String: UInt64]) {
        self.dir = dir
        self.lines = lines
        self.bot = bot
        self.receipts = receipts
        self.sequences = sequences
    }

    /// Made once per test process, shared by the tamper tests.
    static let shared = Task<AuditFixture, any Error> { try await make() }

    static func make() async throws -> AuditFixture {
        let devnet = try Devnet(accounts: 4)
        let service = try await ServiceHarness(devnet: devnet, channel: "[gating]\nrule = \"anyone\"", webhook: false)
        let gov = DevnetGovernor(devnet)
        let (id, _) = try await gov.propose("# Audit fixture\nTampered with in tests.", from: gov.sender(devnet.accounts[0].key))
        try await devnet.mine(3)
        let key = BotProposal.governorKey(chainId: devnet.chainId, governor: devnet.governor, proposalId: id)
        let group = try await service.waitFor("the proposal's group") { try await service.group(forKey: key) }
        try await devnet.mine(2)
        let a = devnet.accounts
        func ballot(_ signer: PrivateKey, voter: Address? = nil, support: Int, nonce: Int = 0) throws -> String {
            try BallotFactory.governorBallot(
                signer: signer, voter: voter, governorName: devnet.info["governor"]?["name"]?.stringValue ?? "", chainId: devnet.chainId,
                governor: devnet.governor, proposalId: id.description, support: support, nonce: nonce)
        }
        var sequences: [String: UInt64] = [:]
        func post(_ label: String, _ body: String, as key: PrivateKey) async throws {
            let (status, answer) = try await service.post(body, to: group, as: key)
            guard status == 201, case .number(let n)? = answer["message"]?["seq"] else {
                throw OracleError("\(label): \(status) \(answer.serialized())")
            }
            sequences[label] = UInt64(n)
        }
        try await post("a0 for", try ballot(a[0].key, support: 1), as: a[0].key)
        try await post("a1 against", try ballot(a[1].key, support: 0), as: a[1].key)
        try await post("chat", "what is the grant for?", as: a[2].key)
        try await post("a1 abstain", try ballot(a[1].key, support: 2, nonce: 1), as: a[1].key)
        try await post("a2 forged", try ballot(a[3].key, voter: a[2].address, support: 1), as: a[3].key)
        let stranger = PrivateKey.generate()
        try await post("stranger", try ballot(stranger, support: 1), as: stranger)
        try await post("a3 for", try ballot(a[3].key, support: 1), as: a[3].key)
        _ = try await service.waitFor("six receipts") { () -> Bool? in try await service.receipts(group).count >= 6 ? true : nil }
        try await devnet.mine(22)
        _ = try await service.waitFor("the result and the group's close") { () -> Bool? in
            try await service.server.store.proposal(key)?.phase == .closed ? true : nil
        }
        var receipts: [UInt64: String] = [:]
        for seq in sequences.values where seq != sequences["chat"] {
            receipts[seq] = try await service.receiptDocument(group, sequence: seq)
        }
        let file = service.dir.file("fixture.jsonl")
        let exported = try await ChildProcess.run(
            PlenumBinary.path, ["export", "--proposal", key, "--out", file, "--config", service.dir.file("plenum.toml")])
        guard exported.status == 0 else { throw OracleError("plenum export: \(exported.stderrText)") }
        await service.stop()
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        return AuditFixture(
            dir: try TemporaryDirectory(), lines: lines, bot: service.botKey.address, receipts: receipts, sequences: sequences)
    }

    // MARK: working on copies

    /// Writes `lines` (each ended by a newline unless `cutLast`) to a new file.
    func write(_ lines: [String], raw: String? = nil) throws -> String {
        let file = dir.file("tampered-\(UUID().uuidString).jsonl")
        try (raw ?? lines.map { $0 + "\n" }.joined()).write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// `plenum retally --json --bot <bot> FILE`: the exit status, the report and the checks that failed.
    func retally(_ file: String, receipts: [String] = []) async throws -> (status: Int32, report: JSON, failed: Set<String>) {
        var arguments = ["retally", "--json", "--bot", bot.checksummed, file]
        for r in receipts { arguments += ["--receipt", r] }
        let result = try await PlenumBinary.runDetached(arguments)
        let report = (try? JSONParser(limits: .init(maxBytes: 64 << 20)).parse(Array(result.stdout))) ?? .null
        let failed = Set(
            (report["checks"]?.arrayValue ?? []).compactMap { c -> String? in
                c["failed"] == .number("0") ? nil : c["check"]?.stringValue
            })
        return (result.status, report, failed)
    }

    /// The index in `lines` of the message line with `seq`.
    func index(ofSeq seq: UInt64, in lines: [String]) -> Int? {
        lines.firstIndex { (try? JSONParser.parse($0))?["seq"] == .number(String(seq)) && $0.contains("\"type\":\"message\"") }
    }

    /// Renumbers and re-hashes every message line from `start` on, as a forger who can recompute
    /// hashes (but not signatures) would.
    func relink(_ lines: [String], from start: Int) throws -> [String] {
        var out = lines
        var previous: (seq: UInt64, hash: Hash32)?
        for i in 0..<out.count {
            let json = try JSONParser.parse(out[i])
            guard json["type"]?.stringValue == "message" else { continue }
            var object = json.objectValue!
            object["position"] = 0
            let entry = try StoredMessage(json: .object(object))
            if i >= start, let last = previous {
                let decision = try json["decision"].flatMap { $0 == .null ? nil : try ExportDecision(json: $0) }
                let moved = StoredMessage(
                    position: 0, hub: entry.hub, group: entry.group, seq: last.seq + 1, prevHash: last.hash, id: entry.id,
                    sender: entry.sender, body: entry.body, timestamp: entry.timestamp, nonce: entry.nonce, signature: entry.signature,
                    receivedAt: entry.receivedAt)
                out[i] = ExportFormat.messageLine(moved, decision: decision)
                previous = (moved.seq, moved.hash)
            } else {
                previous = (entry.seq, entry.hash)
            }
        }
        return out
    }
}
