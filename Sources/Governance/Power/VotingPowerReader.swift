import Ethereum

/// Evaluates a `VotingPowerStrategy` for many voters with at most one batch per block: balances at
/// the snapshot block, checkpointed votes at the checkpoint block, so any number of voters costs at
/// most two round trips.
///
/// `getVotes`/`getPastVotes(account, t)` need `t < clock()`, so they are read at a block after the
/// snapshot (`checkpointBlock`); checkpoints are immutable, so the value is the snapshot's. Plain
/// balances have no history and are read at the snapshot block itself.
public struct VotingPowerReader: VotingPowerProvider {
    public let strategy: VotingPowerStrategy
    /// The snapshot timepoint in the governor's clock (a block number, or a timestamp for
    /// `mode=timestamp`): the argument of `getVotes`/`getPastVotes`.
    public let timepoint: UInt256
    /// The block at the snapshot, where balances are read.
    public let snapshotBlock: BlockRef
    /// A block after the snapshot, where checkpointed votes are read.
    public let checkpointBlock: BlockRef
    public let chain: any ChainReader

    /// Most voters in one `votingPower(of:)` call.
    public static let maxVoters = 20_000

    static let getVotes = try! ABIFunction("getVotes(address,uint256) returns (uint256)")
    static let getPastVotes = try! ABIFunction("getPastVotes(address,uint256) returns (uint256)")
    static let balanceOf = try! ABIFunction("balanceOf(address) returns (uint256)")

    public init(
        strategy: VotingPowerStrategy, timepoint: UInt256, snapshotBlock: BlockRef, checkpointBlock: BlockRef, chain: any ChainReader
    ) {
        self.strategy = strategy
        self.timepoint = timepoint
        self.snapshotBlock = snapshotBlock
        self.checkpointBlock = checkpointBlock
        self.chain = chain
    }

    /// A chain-reading leaf of the strategy.
    struct Leaf {
        let path: String
        let strategy: VotingPowerStrategy
    }

    static func leaves(_ strategy: VotingPowerStrategy, path: String = "strategy") -> [Leaf] {
        if case .sum(let terms) = strategy {
            return terms.enumerated().flatMap { leaves($1, path: "\(path).of[\($0)]") }
        }
        return [Leaf(path: path, strategy: strategy)]
    }

    /// The call a chain-reading leaf makes for a voter, and the block it is made at.
    func call(for strategy: VotingPowerStrategy, voter: Address) -> (ContractCall, BlockRef)? {
        // Encoding an address and a uint256 cannot fail.
        switch strategy {
        case .governorVotes(let governor):
            (try! ContractCall(to: governor, function: Self.getVotes, arguments: [.address(voter), .uint(timepoint)]), checkpointBlock)
        case .erc20Votes(let token):
            (try! ContractCall(to: token, function: Self.getPastVotes, arguments: [.address(voter), .uint(timepoint)]), checkpointBlock)
        case .erc20Balance(let token), .erc721Balance(let token):
            (try! ContractCall(to: token, function: Self.balanceOf, arguments: [.address(voter)]), snapshotBlock)
        case .allowlist, .onePerMember, .sum: nil
        }
    }

    /// Every chain read that makes up `voter`'s power, by strategy path: the call and the block it is
    /// made at (what an export records beside each value, and what a re-tally repeats with `--rpc`).
    public func calls(for voter: Address) -> [(path: String, call: ContractCall, block: BlockRef)] {
        Self.leaves(strategy).compactMap { leaf in
            call(for: leaf.strategy, voter: voter).map { (leaf.path, $0.0, $0.1) }
        }
    }

    /// The distinct calls to make, grouped by block (ascending): what `votingPower(of:)` sends.
    public func plan(voters: [Address]) -> [(block: BlockRef, calls: [ContractCall])] {
        var byBlock: [BlockRef: [ContractCall]] = [:]
        for leaf in Self.leaves(strategy) {
            for voter in voters {
                guard let (call, block) = call(for: leaf.strategy, voter: voter) else { continue }
                byBlock[block, default: []].append(call)
            }
        }
        return byBlock.keys.sorted().map { block in
            var unique = Set<ContractCall>()
            return (block, byBlock[block]!.filter { unique.insert($0).inserted })
        }
    }

    public func votingPower(of voters: [Address]) async throws -> [VotingPowerRecord] {
        var seenVoters = Set<Address>()
        let distinct = voters.filter { seenVoters.insert($0).inserted }
        guard distinct.count <= Self.maxVoters else { throw VotingPowerError.tooManyVoters(distinct.count, limit: Self.maxVoters) }
        var answers: [BlockRef: [ContractCall: ContractCallResult]] = [:]
        for (block, calls) in plan(voters: distinct) {
            let results: [ContractCallResult]
            do { results = try await chain.call(calls, at: block) } catch { throw VotingPowerError.chain(block: block, "\(error)") }
            guard results.count == calls.count else {
                throw VotingPowerError.wrongResultCount(block: block, expected: calls.count, found: results.count)
            }
            answers[block] = Dictionary(zip(calls, results), uniquingKeysWith: { first, _ in first })
        }
        let leaves = Self.leaves(strategy)
        var records: [VotingPowerRecord] = []
        records.reserveCapacity(distinct.count)
        for voter in distinct {
            var components: [VotingPowerRecord.Component] = []
            var total = UInt256.zero
            for leaf in leaves {
                let value: UInt256
                var block: BlockRef?
                switch leaf.strategy {
                case .allowlist(let entries): value = Self.lookup(entries, voter) ?? .zero
                case .onePerMember(let members): value = Self.contains(members, voter) ? 1 : .zero
                default:
                    let (call, at) = call(for: leaf.strategy, voter: voter)!
                    block = at
                    let name = Self.describe(leaf.strategy)
                    switch answers[at]?[call] {
                    case .success(let data)?:
                        guard data.count == 32 else { throw VotingPowerError.malformedReturn(path: leaf.path, call: name, block: at) }
                        value = try! UInt256(bigEndian: data)
                    case .reverted?, nil:
                        throw VotingPowerError.reverted(path: leaf.path, call: name, voter: voter, block: at)
                    }
                }
                let (sum, overflow) = total.addingReportingOverflow(value)
                guard !overflow else { throw VotingPowerError.overflow(voter: voter) }
                total = sum
                components.append(.init(path: leaf.path, strategy: leaf.strategy.name, value: value, block: block))
            }
            records.append(VotingPowerRecord(voter: voter, total: total, components: components))
        }
        return records
    }

    static func describe(_ strategy: VotingPowerStrategy) -> String {
        switch strategy {
        case .governorVotes(let a): "getVotes on \(a)"
        case .erc20Votes(let a): "getPastVotes on \(a)"
        case .erc20Balance(let a), .erc721Balance(let a): "balanceOf on \(a)"
        default: strategy.name
        }
    }

    static func lookup(_ entries: [VotingPowerStrategy.AllowlistEntry], _ voter: Address) -> UInt256? {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].address < voter { low = mid + 1 } else { high = mid }
        }
        return low < entries.count && entries[low].address == voter ? entries[low].weight : nil
    }

    static func contains(_ members: [Address], _ voter: Address) -> Bool {
        var low = 0, high = members.count
        while low < high {
            let mid = (low + high) / 2
            if members[mid] < voter { low = mid + 1 } else { high = mid }
        }
        return low < members.count && members[low] == voter
    }
}
