import Bot
import ChainWatch
import Ethereum
import EthereumRPC
import Foundation
import Governance
import PlenumService
import PlenumTesting
import Testing

/// `plenum serve` end to end: the devnet (py-evm), the real hub over loopback HTTP, the real bot,
/// SQLite, webhooks to a local receiver.
@Suite("plenum serve end to end", .serialized)
struct ServeEndToEndTests {
    func key(_ devnet: Devnet, proposal id: UInt256) -> String {
        BotProposal.governorKey(chainId: devnet.chainId, governor: devnet.governor, proposalId: id)
    }

    func ballot(
        _ devnet: Devnet, signer: PrivateKey, voter: Address? = nil, proposal: UInt256, support: Int, nonce: Int = 0
    ) throws -> String {
        try BallotFactory.governorBallot(
            signer: signer, voter: voter, governorName: devnet.info["governor"]?["name"]?.stringValue ?? "", chainId: devnet.chainId,
            governor: devnet.governor, proposalId: proposal.description, support: support, nonce: nonce)
    }

    @Test func aProposalGetsItsGroupBallotsGetReceiptsAndTheResultIsSignedAndDelivered() async throws {
        let devnet = try Devnet(accounts: 4)
        let service = try await ServiceHarness(devnet: devnet, channel: "[gating]\nrule = \"anyone\"")
        let gov = DevnetGovernor(devnet)
        let (id, receipt) = try await gov.propose("# Fund the devnet grants\nAn end-to-end test.", from: gov.sender(devnet.accounts[0].key))
        try await devnet.mine(3)
        let group = try await service.waitFor("the proposal's group") { try await service.group(forKey: key(devnet, proposal: id)) }
        let opened = try await devnet.setupClient().blockNumber()
        #expect(opened <= receipt.blockNumber + 3 + 1, "the group opened within the confirmation depth")
        try await devnet.mine(2)
        let a = devnet.accounts
        let stranger = PrivateKey.generate()
        var sequences: [String: UInt64] = [:]
        func vote(_ label: String, _ body: String, as key: PrivateKey) async throws {
            let (status, answer) = try await service.post(body, to: group, as: key)
            #expect(status == 201, "\(label): \(answer.serialized())")
            if case .number(let n)? = answer["message"]?["seq"] { sequences[label] = UInt64(n) }
        }
        try await vote("a0 for", try ballot(devnet, signer: a[0].key, proposal: id, support: 1), as: a[0].key)
        try await vote("a1 against", try ballot(devnet, signer: a[1].key, proposal: id, support: 0), as: a[1].key)
        try await vote("a1 abstain", try ballot(devnet, signer: a[1].key, proposal: id, support: 2, nonce: 1), as: a[1].key)
        try await vote("a2 forged", try ballot(devnet, signer: a[3].key, voter: a[2].address, proposal: id, support: 1), as: a[3].key)
        try await vote("stranger", try ballot(devnet, signer: stranger, proposal: id, support: 1), as: stranger)
        try await vote("a3 for", try ballot(devnet, signer: a[3].key, proposal: id, support: 1), as: a[3].key)
        let receipts = try await service.waitFor("six receipts") { () -> [UInt64: Receipt]? in
            let r = try await service.receipts(group)
            return r.count >= 6 ? r : nil
        }
        func r(_ label: String) -> Receipt? { sequences[label].flatMap { receipts[$0] } }
        #expect(r("a0 for")?.status == "counted" && r("a0 for")?.weight == a[0].tokenBalance)
        #expect(r("a1 against")?.status == "counted" && r("a1 abstain")?.status == "counted")
        #expect(r("a2 forged")?.status == "rejected" && r("a2 forged")?.reason == "wrong-signer")
        #expect(r("stranger")?.status == "rejected" && r("stranger")?.reason == "no-voting-power")
        #expect(r("a3 for")?.status == "counted")

        try await devnet.mine(22)
        let resultBody = try await service.waitFor("the signed result") { () -> String? in
            try await service.messages(group).compactMap { $0["body"]?.stringValue }.first { $0.contains("\"TallyResult\"") }
        }
        // An independent tally: For = a0 + a3, Against = 0 (a1 changed to Abstain), Abstain = a1.
        let stored = try #require(try await service.server.store.proposal(key(devnet, proposal: id))?.result)
        let result = stored.result
        #expect(try TypedData(jsonText: resultBody).digest() == stored.digest, "the posted document is the stored result")
        #expect(
            result.scores.map(\.description) == [(a[0].tokenBalance + a[3].tokenBalance).description, "0", a[1].tokenBalance.description])
        #expect(result.outcome == .passed)
        #expect(result.proposal == key(devnet, proposal: id), "the result names chain, governor and proposal")
        #expect(result.chainId == UInt256(devnet.chainId))
        let file = service.dir.file("result.json")
        try resultBody.write(toFile: file, atomically: true, encoding: .utf8)
        let verified = try await PlenumBinary.runDetached(["verify", "--expect", service.botKey.address.checksummed, file])
        #expect(verified.status == 0, "plenum verify: \(verified.stderrText)")
        // The audit round trip: the export re-tallies offline to the same signed result, and the
        // receipt a voter holds checks out against it.
        let held = service.dir.file("a0-receipt.json")
        try await service.receiptDocument(group, sequence: try #require(sequences["a0 for"])).write(
            toFile: held, atomically: true, encoding: .utf8)
        let audit = try await service.exportAndRetally(key: key(devnet, proposal: id), receipts: [held])
        #expect(audit.status == 0, "plenum retally: \(audit.report.serialized())")
        #expect(audit.report["verdict"]?.stringValue == "match")
        #expect(audit.report["result"]?["signedDigest"]?.stringValue == stored.digest.description)
        #expect(audit.report["result"]?["recomputedDigest"]?.stringValue == stored.digest.description)
        #expect(audit.report["ballots"] == .number("6"))
        // With --rpc the proposal's log, snapshot, deadline, pinned blocks, every power and the quorum are re-read.
        let online = try await service.retally(audit.file, extra: ["--rpc", devnet.rpcURL])
        #expect(online.status == 0, "plenum retally --rpc: \(online.report.serialized()) \(online.stderr)")
        let chainChecks = online.report["checks"]?.arrayValue?.first { $0["check"]?.stringValue == "chain" }
        #expect(
            chainChecks?["checked"] == .number("11") && chainChecks?["failed"] == .number("0"), "\(chainChecks?.serialized() ?? "none")")
        let deliveries = try await service.waitFor("the webhook") { () -> [WebhookReceiver.Delivery]? in
            let d = await service.webhooks.deliveries
            return d.isEmpty ? nil : d
        }
        let delivery = try #require(deliveries.first)
        let timestamp = try #require(delivery.headers["x-plenum-timestamp"].flatMap(UInt64.init))
        let signature = try #require(delivery.headers["x-plenum-signature"])
        #expect(WebhookSignature.verify(body: delivery.body, timestamp: timestamp, secret: Array("whsec-test".utf8), header: signature))
        #expect(try JSONParser.parse(String(decoding: delivery.body, as: UTF8.self))["proposalId"]?.stringValue == id.description)
        // The harness gives the chain a cross-check endpoint: every confirmation and read was checked, none disputed.
        let metrics = await MetricsReport.render(service.server.metricsSources)
        func value(_ prefix: String) -> Double? {
            metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
        }
        #expect((value("plenum_chain_cross_checks_total{") ?? 0) > 0, "\(metrics)")
        #expect(value("plenum_chain_cross_check_mismatches_total{") == 0)
        #expect(value("plenum_bot_cross_check_mismatches_total{chain=\"\(devnet.chainId)\",read=\"calls\"}") == 0)
        #expect(
            (value("plenum_rpc_calls_total{chain=\"devnet\",endpoint=\"devnet-check-0\",method=\"eth_call\"}") ?? 0) > 0,
            "voting power, quorum and the proposal's reads were asked of the cross-check endpoint too")
        await service.stop()
    }

    @Test func aRankedChoicePollOfSnapshotVotesRoundTripsThroughExportAndRetally() async throws {
        let devnet = try Devnet(accounts: 3)
        // The bot's clock stands still until the votes are in, however slow the machine: polls close by it.
        let clock = ManualBotClock()
        let service = try await ServiceHarness(
            devnet: devnet, channel: "[gating]\nrule = \"anyone\"", webhook: false, now: { clock.now() })
        try await devnet.mine(4)
        let created = try await PlenumBinary.runDetached([
            "polls", "create", "--channel", "devnet", "--title", "Pick a colour", "--choices", "Red,Green,Blue", "--system",
            "ranked-choice",
            "--duration", "10m", "--config", service.dir.file("plenum.toml"), "--admin", service.adminURL, "--json",
        ])
        #expect(created.status == 0, "\(created.stderrText)")
        let poll = try #require(try JSONParser.parse(created.stdoutText)["key"]?.stringValue)
        _ = try await service.waitFor("the poll's group") { try await service.group(forKey: poll) }
        // Members vote with plenum vote (Snapshot `Vote` envelopes), one of them twice; a stranger has no power.
        let a = devnet.accounts
        let stranger = PrivateKey.generate()
        for (key, choice) in [(a[0].key, "2,1,3"), (a[1].key, "1,2,3"), (a[0].key, "3,2,1"), (a[2].key, "2,3,1"), (stranger, "1,2,3")] {
            let file = service.dir.file("voter-\(key.address.lowercased).key")
            if !FileManager.default.fileExists(atPath: file) { try KeyFile.write(key, to: file) }
            let vote = try await ChildProcess.run(
                PlenumBinary.path, ["vote", "--proposal", poll, "--choice", choice, "--key", file, "--hub", service.hubURL])
            #expect(vote.status == (key.address == stranger.address ? 1 : 0), "\(vote.stdoutText) \(vote.stderrText)")
        }
        // Ten minutes pass on the bot's clock: the bot closes voting, tallies, publishes and closes the group.
        clock.advance(by: .seconds(601))
        let stored = try await service.waitFor("the poll's result", timeout: TestTiming.seconds(90)) { () -> SignedResult? in
            let p = try await service.server.store.proposal(poll)
            return p?.phase == .closed ? p?.result : nil
        }
        #expect(stored.result.system == .rankedChoice && stored.result.voters == 3)
        let audit = try await service.exportAndRetally(key: poll)
        #expect(audit.status == 0, "plenum retally: \(audit.report.serialized())")
        #expect(audit.report["result"]?["recomputedDigest"]?.stringValue == stored.digest.description)
        #expect(audit.report["ballots"] == .number("5"))
        await service.stop()
    }

    @Test func canceledAndExtendedProposalsAndTheGate() async throws {
        let devnet = try Devnet(accounts: 2)
        let service = try await ServiceHarness(devnet: devnet, webhook: false)
        let gov = DevnetGovernor(devnet)
        let proposer = gov.sender(devnet.accounts[0].key)
        let (canceled, _) = try await gov.propose("To be canceled", from: proposer)
        let (extended, created) = try await gov.propose("To be extended", from: proposer)
        try await devnet.mine(3)
        let g1 = try await service.waitFor("group 1") { try await service.group(forKey: key(devnet, proposal: canceled)) }
        let g2 = try await service.waitFor("group 2") { try await service.group(forKey: key(devnet, proposal: extended)) }
        _ = try await gov.cancel(canceled)
        let voteEnd = try #require(
            created.logs.compactMap { try? GovernorEvent(log: $0) }.compactMap { e -> UInt64? in
                if case .proposalCreated(let p) = e { return p.voteEnd.uint64Value } else { return nil }
            }.first)
        _ = try await gov.extend(extended, to: voteEnd + 30)
        try await devnet.mine(3)
        _ = try await service.waitFor("the cancellation notice") { () -> Bool? in
            try await service.messages(g1).last?["body"]?.stringValue?.contains("canceled") == true ? true : nil
        }
        _ = try await service.waitFor("the extension announcement") { () -> Bool? in
            try await service.messages(g2).contains { $0["body"]?.stringValue?.contains("extended") == true } ? true : nil
        }
        // The gate: a wallet without voting power cannot post in a voting-power group.
        try await devnet.mine(3)
        let (status, answer) = try await service.post("hello", to: g2, as: PrivateKey.generate())
        #expect(status == 403 && answer["error"]?["code"]?.stringValue == "not-a-member", "\(answer.serialized())")
        let (ok, _) = try await service.post("hello from a member", to: g2, as: devnet.accounts[1].key)
        #expect(ok == 201)
        let (voted, _) = try await service.post(
            try ballot(devnet, signer: devnet.accounts[1].key, proposal: extended, support: 0), to: g2, as: devnet.accounts[1].key)
        #expect(voted == 201)
        // The extended proposal runs to its new deadline; its export re-tallies to the signed result.
        let head = try await devnet.setupClient().blockNumber()
        try await devnet.mine(Int(voteEnd + 30 - min(head, voteEnd + 30)) + 4)
        let result = try await service.waitFor("the extended proposal's result") { () -> SignedResult? in
            let p = try await service.server.store.proposal(key(devnet, proposal: extended))
            return p?.phase == .closed ? p?.result : nil
        }
        let audit = try await service.exportAndRetally(key: key(devnet, proposal: extended))
        #expect(audit.status == 0, "plenum retally: \(audit.report.serialized())")
        #expect(audit.report["result"]?["recomputedDigest"]?.stringValue == result.digest.description)
        // The canceled proposal has no result: its export re-tallies to a mismatch, never a false match.
        let canceledAudit = try await service.exportAndRetally(key: key(devnet, proposal: canceled))
        #expect(canceledAudit.status == 1)
        #expect(canceledAudit.report["verdict"]?.stringValue == "mismatch")
        // Archival: one file per proposal, named after its key, for all proposals or one channel's.
        for selection in [["--all"], ["--channel", "devnet"]] {
            let folder = service.dir.file("archive-\(selection.count)")
            let archived = try await ChildProcess.run(
                PlenumBinary.path, ["export"] + selection + ["--out", folder, "--config", service.dir.file("plenum.toml")])
            #expect(archived.status == 0, "\(archived.stderrText)")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            #expect(files.count == 2 && files.allSatisfy { $0.hasPrefix("gov-\(devnet.chainId)-") && $0.hasSuffix(".jsonl") }, "\(files)")
            let extendedFile = "gov-\(devnet.chainId)-\(devnet.governor.lowercased)-\(extended).jsonl"
            #expect(files.contains(extendedFile))
            #expect(try await service.retally(folder + "/" + extendedFile).status == 0)
        }
        await service.stop()
    }

    @Test func aTentativeProposalRemovedByAReorgNeverOpensAGroup() async throws {
        let devnet = try Devnet(accounts: 2)
        let service = try await ServiceHarness(devnet: devnet, confirmations: 4, webhook: false)
        let gov = DevnetGovernor(devnet)
        try await devnet.mine(5)
        let (id, _) = try await gov.propose("Reorged away", from: gov.sender(devnet.accounts[0].key))
        try await devnet.mine(1)
        _ = try await devnet.reorg(depth: 2, newBlocks: 4, reinclude: "none")
        try await devnet.mine(8)
        let head = try await devnet.setupClient().blockNumber()
        // Wait until the watcher has confirmed past the reorged height.
        _ = try await service.waitFor("the watcher to confirm past the reorg") { () -> Bool? in
            for w in service.server.followers.watchers where (await w.confirmedThrough ?? 0) < head - 4 { return nil }
            return true
        }
        try await service.server.bot.step()
        #expect(try await service.group(forKey: key(devnet, proposal: id)) == nil)
        #expect(try await service.server.store.proposal(key(devnet, proposal: id)) == nil)
        await service.stop()
    }
}
