import Bot
import Ethereum
import EthereumRPC
import Governance
import PlenumService
import PlenumTesting
import Testing

/// The bot's chain reads with a cross-check endpoint, against the devnet: its `tamper_calls` fault
/// makes the usual URL lie about every `eth_call`, and the same node on `/nofaults` answers honestly.
@Suite("RPCBotChain cross-checking a lying provider", .serialized)
struct RPCBotChainCrossCheckTests {
    static func client(_ url: String, _ name: String) -> RPCClient {
        var configuration = RPCClient.Configuration(endpoints: [RPCEndpoint(url: url, name: name)])
        configuration.retry.baseBackoff = .milliseconds(10)
        return RPCClient(configuration: configuration, seed: 4)
    }

    static func chain(_ devnet: Devnet, primary: String, witness: String?) -> RPCBotChain {
        RPCBotChain(chains: [
            devnet.chainId: .init(
                client: client(primary, "devnet"), confirmations: 2, multicall3: devnet.multicall3,
                crossCheck: witness.map { client($0, "devnet-check") })
        ])
    }

    @Test func votingPowerAndQuorumAreReadOnlyWhenBothEndpointsAgree() async throws {
        let devnet = try Devnet(accounts: 3)
        let gov = DevnetGovernor(devnet)
        let (id, receipt) = try await gov.propose("Power read twice\n\nby two endpoints", from: gov.sender(devnet.accounts[0].key))
        try await devnet.mine(6)
        let proposal = BotProposal(
            key: "gov:\(devnet.chainId):\(devnet.governor.lowercased):\(id)", kind: .governor, channel: "cross", chainId: devnet.chainId,
            governor: devnet.governor, proposalId: id.description, title: "Power read twice", description: "", proposer: nil,
            clock: .blockNumber, snapshot: receipt.blockNumber, deadline: receipt.blockNumber + 100, created: nil,
            rules: .defaults(governor: devnet.governor), governorName: nil, createdAt: 0)
        let voters = devnet.accounts.map(\.address)

        let honest = Self.chain(devnet, primary: devnet.rpcURL, witness: nil)
        let pins = try #require(try await honest.pins(for: proposal))
        let truth = try await honest.votingPower(of: voters, for: proposal, pins: pins)
        #expect(truth.contains { $0.total > 0 }, "the devnet's accounts hold voting power")
        let quorum = try await honest.quorum(for: proposal, pins: pins)

        try await devnet.setFaults("tamper_calls=1")
        // Without a cross-check the lie is taken (the defence's control).
        let believed = try await Self.chain(devnet, primary: devnet.rpcURL, witness: nil).votingPower(of: voters, for: proposal, pins: pins)
        #expect(believed != truth)

        let checked = Self.chain(devnet, primary: devnet.rpcURL, witness: devnet.noFaultsURL)
        await #expect {
            _ = try await checked.votingPower(of: voters, for: proposal, pins: pins)
        } throws: { error in
            "\(error)".contains("cross-check mismatch (calls)") && "\(error)".contains("answers differently")
        }
        await #expect {
            _ = try await checked.quorum(for: proposal, pins: pins)
        } throws: { error in
            "\(error)".contains("cross-check mismatch (calls)")
        }
        #expect(checked.crossCheckMismatches[devnet.chainId]?["calls"] == 2)

        try await devnet.setFaults("off")
        #expect(try await checked.votingPower(of: voters, for: proposal, pins: pins) == truth)
        #expect(try await checked.quorum(for: proposal, pins: pins) == quorum)
        #expect(try await checked.pins(for: proposal) == pins)
        #expect(checked.crossCheckMismatches[devnet.chainId]?["calls"] == 2)
    }

    @Test func theBotActsOnTheLowerOfTheTwoHeads() async throws {
        let devnet = try Devnet(accounts: 2)
        try await devnet.mine(10)
        // Here the cross-check endpoint is the faulty one: it reports a head three blocks back.
        let checked = Self.chain(devnet, primary: devnet.noFaultsURL, witness: devnet.rpcURL)
        let head = try await devnet.setupClient().blockNumber()
        try await devnet.setFaults("stale_head=1:3")
        let tip = try await checked.head(chainId: devnet.chainId)
        #expect(tip.number == head - 3)
        let header = try #require(try await devnet.setupClient().header(.number(head - 3)))
        #expect(tip.hash == header.hash && tip.timestamp == header.timestamp)
        try await devnet.setFaults("off")
        #expect(try await checked.head(chainId: devnet.chainId).number == head)
        #expect(checked.crossCheckMismatches[devnet.chainId]?["head"] == 0)
    }
}
