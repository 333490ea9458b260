import Bot
import BotTesting
import Chat
import Ethereum
import Governance
import PlenumService
import PlenumTesting
import Storage
import Testing

@Suite("BotPostingPolicy: voting-power answers kept while a group is open")
struct BotPostingPolicyTests {
    static let bot = try! PrivateKey(hex: "0x" + String(repeating: "b0", count: 32))
    static let alice = try! PrivateKey(hex: "0x" + String(repeating: "a1", count: 32))
    static let bob = try! PrivateKey(hex: "0x" + String(repeating: "b2", count: 32))
    static let governor = try! Address("0x00000000000000000000000000000000000000aa")

    static func proposal(_ id: UInt64) -> BotProposal {
        BotProposal(
            key: "gov:1:\(governor.lowercased):\(id)", kind: .governor, channel: "test", chainId: 1, governor: governor,
            proposalId: String(id), title: "Proposal \(id)", description: "Proposal \(id)", proposer: governor, clock: .blockNumber,
            snapshot: 110, deadline: 130, created: nil, rules: .defaults(governor: governor), governorName: nil, createdAt: id)
    }

    @Test func closingAGroupDropsItsAnswers() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(path: dir.file("plenum.sqlite"))
        let chain = FakeChain()
        chain.setHead(200)
        chain.setPower([Self.alice.address: UInt256(10)])
        let policy = BotPostingPolicy(store: store, chain: chain)
        var configuration = ChatHub.Configuration(hub: "policy.test")
        configuration.operators = [Self.bot.address]
        configuration.postRatePerAddress = nil
        let hub = ChatHub(store: store, policy: StandardPostingPolicy(store: store, votingPower: policy), configuration: configuration)
        var groups: [GroupID] = []
        for id in [7, 8] as [UInt64] {
            let p = Self.proposal(id)
            #expect(try await store.insertProposal(p))
            let gate = VotingPowerGate(chainId: 1, snapshot: p.snapshot, source: "test")
            groups.append(try await hub.createGroup(GroupSpec(key: p.key, title: p.title, topic: "", gating: .votingPower(gate))).id)
        }
        for group in groups {
            for key in [Self.alice, Self.bob] {
                let message = ChatMessage(
                    hub: "policy.test", group: group, sender: key.address, body: "hello", timestamp: SystemChatClock().now(),
                    nonce: ChatMessage.randomNonce())
                do {
                    _ = try await hub.submit(message.signed(with: key))
                    #expect(key.address == Self.alice.address, "only alice has power")
                } catch let error as ChatError {
                    #expect(key.address == Self.bob.address && error.code == .notAMember, "\(error)")
                }
            }
        }
        #expect(await policy.cachedAnswers == 4)
        // Closing the first group drops its two answers; the open group keeps its own.
        _ = try await hub.close(groups[0], notice: "closed", signedBy: Self.bot, idempotencyKey: "close")
        #expect(await policy.cachedAnswers == 2)
        _ = try await hub.close(groups[1], notice: "closed", signedBy: Self.bot, idempotencyKey: "close")
        #expect(await policy.cachedAnswers == 0)
    }
}
