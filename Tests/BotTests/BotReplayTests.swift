import Bot
import BotTesting
import Ethereum
import Governance
import PlenumTesting
import Storage
import Testing

extension BotLifecycleTests {
    /// A ballot posted again — as it was, after a restart, or with its signature in EIP-2098 compact
    /// form — is the same ballot (its id is the EIP-712 digest, not the signature's bytes): it is
    /// refused as a duplicate and the voter counts once.
    @Test func aReplayedBallotIsADuplicateEvenAfterARestartOrInCompactForm() async throws {
        let w = try world()
        w.chain.setPower([alice.address: 1000, bob.address: 500])
        try await confirm(created(7), block: 101, in: w.store)
        var b = makeBot(w)
        try await b.step()
        let group = try #require(w.chat.groupIDs.first)
        w.chain.setHead(115)
        let original = try ballot(alice, proposal: 7, support: 1)
        try w.chat.memberPost(group, from: alice.address, original)
        try w.chat.memberPost(group, from: bob.address, ballot(bob, proposal: 7, support: 0))
        for _ in 0..<2 { try await b.step() }
        b = makeBot(w)  // a restart: what the bot has seen comes from the database now
        try w.chat.memberPost(group, from: alice.address, original)
        var document = try JSONParser.parse(original).objectValue!
        let signature = try Signature(hex: try #require(document["signature"]?.stringValue))
        document["signature"] = .string(Hex.encode(signature.compactBytes))
        try w.chat.memberPost(group, from: alice.address, JSON.object(document).serialized())
        for _ in 0..<3 { try await b.step() }
        let r = try receipts(w.chat, group)
        #expect(r.map(\.status) == ["counted", "counted", "rejected", "rejected"])
        #expect(r[2].reason == "duplicate" && r[3].reason == "duplicate", "\(r.map(\.reason))")
        #expect(r[2].ballot == r[0].ballot && r[3].ballot == r[0].ballot, "one ballot id whatever the signature's form")
        w.chain.setHead(131)
        for _ in 0..<5 { try await b.step() }
        let result = try #require(try await w.store.allProposals().first?.result).result
        #expect(result.scores.map(\.description) == ["1000", "500", "0"], "alice's For counts once")
        #expect(result.voters == 2 && result.validVotes == 2)
    }
}
