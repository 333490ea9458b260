import Ethereum
import Governance

/// The chain as the bot needs it: the head, pinned blocks for a proposal's snapshot, voting power,
/// contract-wallet signatures and quorum. `PlenumService` implements it over JSON-RPC.
public protocol BotChain: Sendable {
    /// The latest block the bot may act on (number, timestamp in seconds, hash).
    func head(chainId: UInt64) async throws -> ChainTip
    /// The blocks that pin a proposal's power reads, once they are confirmed: the block at the
    /// snapshot timepoint and a later one where `getPastVotes(…, snapshot)` can be called.
    /// Nil until they exist and are deep enough.
    func pins(for proposal: BotProposal) async throws -> PowerPins?
    /// Voting power of voters under the proposal's strategy at its pins.
    func votingPower(of voters: [Address], for proposal: BotProposal, pins: PowerPins) async throws -> [VotingPowerRecord]
    /// EIP-1271: does the contract wallet accept this signature at the pinned block?
    func isValidSignature(
        wallet: Address, digest: Hash32, signature: [UInt8], for proposal: BotProposal, pins: PowerPins
    ) async throws -> Bool
    /// The proposal's quorum amount, with where it was read.
    func quorum(for proposal: BotProposal, pins: PowerPins) async throws -> QuorumRequirement.Resolved
    /// The governor's `name()`: the EIP-712 domain name of its ballots.
    func governorName(chainId: UInt64, governor: Address) async throws -> String
    /// Average seconds per block recently (to estimate wall-clock times of block deadlines).
    func secondsPerBlock(chainId: UInt64) async throws -> Double
}

public struct ChainTip: Hashable, Sendable {
    public let number: UInt64
    public let timestamp: UInt64
    public let hash: Hash32

    public init(number: UInt64, timestamp: UInt64, hash: Hash32) {
        self.number = number
        self.timestamp = timestamp
        self.hash = hash
    }

    /// The current timepoint in a proposal's clock.
    public func now(_ clock: VotingWindow.Clock) -> UInt64 { clock == .blockNumber ? number : timestamp }
}

/// Blocks that pin a proposal's reads.
public struct PowerPins: Hashable, Sendable {
    public let snapshotBlock: BlockRef
    public let checkpointBlock: BlockRef

    public init(snapshotBlock: BlockRef, checkpointBlock: BlockRef) {
        self.snapshotBlock = snapshotBlock
        self.checkpointBlock = checkpointBlock
    }
}
