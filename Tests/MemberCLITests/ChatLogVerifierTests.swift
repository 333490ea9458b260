import Bot
import Chat
import Ethereum
import PlenumTesting
import Testing

@Suite("ChatLogVerifier: what a reader checks in a hub's answer")
struct ChatLogVerifierTests {
    static let group = try! GroupID("00112233445566778899aabbccddeeff")
    static let hub = "chat.example.org"
    let alice = PrivateKey.generate(), bot = PrivateKey.generate(), mallory = PrivateKey.generate()

    /// A sound chain of entries, as an honest hub stores them.
    static func chain(_ items: [(PrivateKey, String)], group: GroupID = group) -> [StoredMessage] {
        var out: [StoredMessage] = []
        var prev = Hash32.zero
        for (i, (key, body)) in items.enumerated() {
            let message = ChatMessage(
                hub: hub, group: group, sender: key.address, body: body, timestamp: 1_767_225_600_000 + UInt64(i),
                nonce: ChatMessage.randomNonce())
            let signed = message.signed(with: key)
            let entry = StoredMessage(
                position: Int64(i + 1), hub: hub, group: group, seq: UInt64(i + 1), prevHash: prev, id: message.digest, sender: key.address,
                body: body, timestamp: message.timestamp, nonce: message.nonce, signature: signed.signature,
                receivedAt: 1_767_225_600_100 + UInt64(i))
            out.append(entry)
            prev = entry.hash
        }
        return out
    }

    /// Re-links entries after a change, recomputing every hash as a dishonest hub could.
    static func relinked(_ entries: [StoredMessage]) -> [StoredMessage] {
        var out: [StoredMessage] = []
        var prev = Hash32.zero
        for (i, e) in entries.enumerated() {
            let entry = StoredMessage(
                position: Int64(i + 1), hub: e.hub, group: e.group, seq: UInt64(i + 1), prevHash: prev, id: e.id, sender: e.sender,
                body: e.body, timestamp: e.timestamp, nonce: e.nonce, signature: e.signature, receivedAt: e.receivedAt)
            out.append(entry)
            prev = entry.hash
        }
        return out
    }

    static func problems(_ entries: [StoredMessage], bot: Address? = nil, anchor: ChainHead? = .empty) -> [ChatLogVerifier.Problem] {
        var verifier = ChatLogVerifier(group: group, hub: hub, anchor: anchor, bot: bot)
        return entries.flatMap { verifier.check($0) }
    }

    /// Replaces one field of an entry, keeping the stored hash (what a tampering hub serves).
    static func replacing(
        _ e: StoredMessage, body: String? = nil, seq: UInt64? = nil, prevHash: Hash32? = nil, hub: String? = nil
    )
        -> StoredMessage
    {
        StoredMessage(
            position: e.position, hub: hub ?? e.hub, group: e.group, seq: seq ?? e.seq, prevHash: prevHash ?? e.prevHash, id: e.id,
            sender: e.sender, body: body ?? e.body, timestamp: e.timestamp, nonce: e.nonce, signature: e.signature,
            receivedAt: e.receivedAt, storedHash: e.hash)
    }

    @Test func anHonestLogHasNoProblems() {
        let log = Self.chain([(bot, "descriptor"), (alice, "hi"), (alice, "ballot"), (bot, "receipt")])
        #expect(Self.problems(log).isEmpty)
        var verifier = ChatLogVerifier(group: Self.group, hub: Self.hub, anchor: .empty)
        for e in log { _ = verifier.check(e) }
        #expect(verifier.headProblem(ChainHead(seq: 4, hash: log[3].hash)) == nil)
        #expect(verifier.headProblem(ChainHead(seq: 4, hash: log[2].hash)) != nil)
        #expect(verifier.headProblem(ChainHead(seq: 2, hash: log[1].hash)) != nil)
        // Continuing after an anchor checks the link to it.
        #expect(Self.problems(Array(log[2...]), anchor: ChainHead(seq: 2, hash: log[1].hash)).isEmpty)
        #expect(Self.problems(Array(log[2...]), anchor: ChainHead(seq: 2, hash: log[0].hash)).map(\.seq) == [3])
    }

    @Test func everyKindOfTamperingIsNamedAtItsSeq() {
        let log = Self.chain([(bot, "descriptor"), (alice, "I vote for"), (alice, "thanks")])
        // A changed body: the id no longer matches the signed fields.
        var changed = log
        changed[1] = Self.replacing(log[1], body: "I vote against")
        let bodyProblems = Self.problems(changed)
        #expect(bodyProblems.map(\.seq) == [2] && bodyProblems[0].detail.contains("EIP-712 digest"), "\(bodyProblems)")
        // A dropped entry: the next one does not follow.
        let dropped = Self.problems([log[0], log[2]])
        #expect(dropped.map(\.seq) == [3] && dropped[0].detail.contains("expected seq 2"), "\(dropped)")
        // A broken link (and therefore a hash that does not match the fields either).
        var relinked = log
        relinked[2] = Self.replacing(log[2], prevHash: Keccak256.hash("other"))
        let link = Self.problems(relinked)
        #expect(link.map(\.seq) == [3, 3], "\(link)")
        #expect(link.contains { $0.detail.contains("chain is broken") } && link.contains { $0.detail.contains("hash does not match") })
        // A message signed by someone else than its sender.
        let forged = ChatMessage(
            hub: Self.hub, group: Self.group, sender: alice.address, body: "forged", timestamp: 1, nonce: ChatMessage.randomNonce())
        let signature = mallory.sign(digest: forged.digest)
        let forgedEntry = StoredMessage(
            position: 4, hub: Self.hub, group: Self.group, seq: 4, prevHash: log[2].hash, id: forged.digest, sender: alice.address,
            body: "forged", timestamp: 1, nonce: forged.nonce, signature: signature, receivedAt: 2)
        let forgedProblems = Self.problems(log + [forgedEntry])
        #expect(forgedProblems.map(\.seq) == [4] && forgedProblems[0].detail.contains("does not recover"), "\(forgedProblems)")
        // Another hub's or another group's entries.
        #expect(Self.problems([Self.replacing(log[0], hub: "evil.example")]).contains { $0.detail.contains("names hub") })
        let elsewhere = Self.chain([(alice, "x")], group: try! GroupID("ffeeddccbbaa99887766554433221100"))
        #expect(Self.problems(elsewhere).contains { $0.detail.contains("belongs to group") })
    }

    @Test func aRewrittenHistoryIsCaughtByTheBotsReceipts() throws {
        // The honest log: a descriptor, a chat message, a ballot, and the bot's receipt naming the ballot's hash.
        let start = Self.chain([(bot, "descriptor"), (alice, "an embarrassing message"), (alice, "ballot")])
        let receipt = Receipt(
            proposal: "gov:1:0x00000000000000000000000000000000000000cc:7", ballot: Keccak256.hash("ballot"), group: Self.group.rawValue,
            sequence: 3, logHead: start[2].hash, status: "counted", reason: "", choice: "1", weight: UInt256(10), chainId: 1)
        let receiptEntry = Self.relinked(start + Self.chain([(bot, try receipt.signed(with: bot).serialized())]))[3]
        let honest = start + [receiptEntry]
        #expect(Self.problems(honest, bot: bot.address).isEmpty)
        // The hub drops seq 2 and recomputes every hash: links and hashes are sound again...
        let dropped = Self.relinked([honest[0], honest[2], honest[3]])
        #expect(Self.problems(dropped).isEmpty, "without the bot's receipts nothing shows")
        // ...but the receipt now names its own place: it must come after the ballot it answers.
        let droppedProblems = Self.problems(dropped, bot: bot.address)
        #expect(droppedProblems.map(\.seq) == [3] && droppedProblems[0].detail.contains("history was rewritten"), "\(droppedProblems)")
        // The hub slips in an older message (validly signed) before the ballot and re-links: seq 3 is now
        // another entry than the one the bot saw.
        let slipped = Self.chain([(mallory, "first!")])[0]
        let inserted = Self.relinked([honest[0], honest[1], slipped, honest[2], honest[3]])
        #expect(Self.problems(inserted).isEmpty)
        let insertedProblems = Self.problems(inserted, bot: bot.address)
        #expect(insertedProblems.map(\.seq) == [5] && insertedProblems[0].detail.contains("history was rewritten"), "\(insertedProblems)")
        // Receipts from anyone but the bot prove nothing and are not read.
        #expect(Self.problems(inserted, bot: mallory.address).isEmpty)
    }
}
