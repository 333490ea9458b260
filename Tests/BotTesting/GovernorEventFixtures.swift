import ChainWatch
import Ethereum

/// Governor events confirmed in a chain-watch store as the watcher would record them, so the bot
/// (and whatever reads its store) can be driven without a chain.
public enum GovernorEventFixtures {
    /// Records `event` as confirmed at `block` (block and transaction hashes derived from the number).
    public static func confirm(
        _ event: GovernorEvent, chainId: UInt64, governor: Address, block: UInt64, in store: any ChainWatchStore, logIndex: UInt64 = 0
    ) async throws {
        let id = FollowerID(chainId: chainId, governor: governor)
        let position = LogPosition(
            blockNumber: block, blockHash: Keccak256.hash("b\(block)"), transactionHash: Keccak256.hash("t\(block)"), logIndex: logIndex)
        var reading: ProposalReading?
        if case .proposalCreated(let p) = event {
            reading = ProposalReading(
                snapshot: p.voteStart, deadline: p.voteEnd, state: 0, clockMode: .blocknumber, blockHash: position.blockHash)
        }
        let record = ChainEventRecord(chainId: chainId, governor: governor, position: position, event: .success(event), proposal: reading)
        var commit = FollowerCommit(
            state: FollowerState(
                follower: .init(
                    cursorNumber: block, cursorHash: position.blockHash, confirmedThrough: block, window: [], range: RangeSizer()),
                clockMode: .blocknumber))
        commit.events = [record]
        commit.confirmThrough = block
        try await store.commit(id, commit)
    }

    /// A `ProposalCreated` event voting from `start` to `end` (block numbers).
    public static func created(
        _ id: UInt64, proposer: Address, governor: Address, start: UInt64 = 110, end: UInt64 = 130,
        description: String = "# Fund the grants round\nSpend 100 tokens on grants."
    ) -> GovernorEvent {
        .proposalCreated(
            .init(
                proposalId: UInt256(id), proposer: proposer, targets: [governor], values: [.zero], signatures: [""], calldatas: [[]],
                voteStart: UInt256(start), voteEnd: UInt256(end), description: description))
    }
}
