import Bot
import Ethereum
import Governance
import PlenumTesting

/// A chain with a head you move by hand and fixed voting power (for the bot's tests).
public final class FakeChain: BotChain {
    public struct State {
        public var head = ChainTip(number: 100, timestamp: 1_700_000_000, hash: .zero)
        public var power: [Address: UInt256] = [:]
        public var quorum: UInt256? = nil
        /// Proposal ids whose voting-power reads fail (as a read the endpoints dispute would).
        public var failingPower: Set<String> = []
    }

    public struct Disputed: Error {}

    public let state = PthreadLocked(State())

    public init() {}

    public func setHead(_ number: UInt64) {
        state.withLock { $0.head = ChainTip(number: number, timestamp: 1_700_000_000 + number * 12, hash: .zero) }
    }
    public func setPower(_ power: [Address: UInt256]) { state.withLock { $0.power = power } }

    public func head(chainId: UInt64) async throws -> ChainTip { state.withLock { $0.head } }

    public func pins(for proposal: BotProposal) async throws -> PowerPins? {
        let head = state.withLock { $0.head.number }
        guard head > proposal.snapshot + 1 else { return nil }
        return PowerPins(
            snapshotBlock: BlockRef(number: proposal.snapshot, hash: Keccak256.hash("s\(proposal.snapshot)")),
            checkpointBlock: BlockRef(number: proposal.snapshot + 1, hash: Keccak256.hash("c\(proposal.snapshot)")))
    }

    public func votingPower(of voters: [Address], for proposal: BotProposal, pins: PowerPins) async throws -> [VotingPowerRecord] {
        let (table, failing) = state.withLock { ($0.power, $0.failingPower) }
        if failing.contains(proposal.proposalId) { throw Disputed() }
        return try await FixedVotingPower(table).votingPower(of: voters)
    }

    public func isValidSignature(
        wallet: Address, digest: Hash32, signature: [UInt8], for proposal: BotProposal, pins: PowerPins
    ) async throws -> Bool { false }

    public func quorum(for proposal: BotProposal, pins: PowerPins) async throws -> QuorumRequirement.Resolved {
        QuorumRequirement.Resolved(amount: state.withLock { $0.quorum }, readValue: nil, readBlock: nil)
    }

    public func governorName(chainId: UInt64, governor: Address) async throws -> String { "Test Governor" }
    public func secondsPerBlock(chainId: UInt64) async throws -> Double { 12 }
}

/// Records webhook posts and answers with scripted statuses.
public final class FakeWebhooks: WebhookSender {
    public let state = PthreadLocked<(statuses: [Int], posts: [(url: String, body: [UInt8], headers: [(String, String)])])>(([], []))

    public init(statuses: [Int] = []) { state.withLock { $0.statuses = statuses } }

    public func post(url: String, body: [UInt8], headers: [(String, String)]) async throws -> Int {
        state.withLock { s in
            s.posts.append((url, body, headers))
            return s.statuses.isEmpty ? 200 : s.statuses.removeFirst()
        }
    }

    public var posts: [(url: String, body: [UInt8], headers: [(String, String)])] { state.withLock { $0.posts } }
}
