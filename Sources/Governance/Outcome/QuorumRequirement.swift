import BigInt
import Ethereum

/// Where a proposal's quorum comes from, as a channel configures it.
public enum QuorumRequirement: Hashable, Sendable, CustomStringConvertible {
    /// No quorum.
    case none
    /// A fixed amount of token base units.
    case absolute(UInt256)
    /// The governor's `quorum(snapshot)`, read at the checkpoint block.
    case governor(Address)
    /// floor(supply × numerator / denominator), with the token's supply at the snapshot: from
    /// `getPastTotalSupply(snapshot)` at the checkpoint block (`pastTotalSupply`), or `totalSupply()`
    /// at the snapshot block. This is `GovernorVotesQuorumFraction`'s rule.
    case fractionOfSupply(token: Address, numerator: UInt256, denominator: UInt256, source: SupplySource)

    /// How a token's supply at the snapshot is read.
    public enum SupplySource: String, Hashable, Sendable {
        case pastTotalSupply = "past-total-supply"
        case totalSupply = "total-supply"
    }

    /// The resolved amount and where each input was read.
    public struct Resolved: Hashable, Sendable {
        /// The quorum in token base units; nil for `.none`.
        public let amount: UInt256?
        /// The value read from the chain (governor quorum or token supply) and its block, when one was read.
        public let readValue: UInt256?
        public let readBlock: BlockRef?

        public init(amount: UInt256?, readValue: UInt256?, readBlock: BlockRef?) {
            self.amount = amount
            self.readValue = readValue
            self.readBlock = readBlock
        }
    }

    static let quorumFunction = try! ABIFunction("quorum(uint256) returns (uint256)")
    static let pastTotalSupply = try! ABIFunction("getPastTotalSupply(uint256) returns (uint256)")
    static let totalSupply = try! ABIFunction("totalSupply() returns (uint256)")

    /// The amount from values already known: the governor's quorum, or the supply.
    public func resolve(governorQuorum: UInt256? = nil, supply: UInt256? = nil) throws(QuorumError) -> UInt256? {
        switch self {
        case .none: return nil
        case .absolute(let amount): return amount
        case .governor:
            guard let governorQuorum else { throw .missingInput("the governor's quorum(snapshot)") }
            return governorQuorum
        case .fractionOfSupply(_, let numerator, let denominator, _):
            guard let supply else { throw .missingInput("the token supply at the snapshot") }
            guard !denominator.isZero, numerator <= denominator else { throw .badFraction("\(numerator)/\(denominator)") }
            // The quotient is at most `supply`, so it fits.
            return UInt256(exactly: supply.bigUInt * numerator.bigUInt / denominator.bigUInt)!
        }
    }

    /// Reads what the requirement needs (at most one call) and resolves it.
    public func resolve(
        timepoint: UInt256, snapshotBlock: BlockRef, checkpointBlock: BlockRef, chain: any ChainReader
    ) async throws
        -> Resolved
    {
        let call: ContractCall, block: BlockRef
        switch self {
        case .none, .absolute: return Resolved(amount: try resolve(), readValue: nil, readBlock: nil)
        case .governor(let governor):
            call = try ContractCall(to: governor, function: Self.quorumFunction, arguments: [.uint(timepoint)])
            block = checkpointBlock
        case .fractionOfSupply(let token, _, _, .pastTotalSupply):
            call = try ContractCall(to: token, function: Self.pastTotalSupply, arguments: [.uint(timepoint)])
            block = checkpointBlock
        case .fractionOfSupply(let token, _, _, .totalSupply):
            call = try ContractCall(to: token, function: Self.totalSupply, arguments: [])
            block = snapshotBlock
        }
        let results: [ContractCallResult]
        do { results = try await chain.call([call], at: block) } catch { throw VotingPowerError.chain(block: block, "\(error)") }
        guard results.count == 1, case .success(let data) = results[0], data.count == 32 else {
            throw QuorumError.readFailed(description, block: block)
        }
        let value = try UInt256(bigEndian: data)
        if case .governor = self {
            return Resolved(amount: try resolve(governorQuorum: value), readValue: value, readBlock: block)
        }
        return Resolved(amount: try resolve(supply: value), readValue: value, readBlock: block)
    }

    public var description: String {
        switch self {
        case .none: "no quorum"
        case .absolute(let amount): "quorum \(amount)"
        case .governor(let governor): "the quorum of governor \(governor)"
        case .fractionOfSupply(let token, let n, let d, let source): "\(n)/\(d) of the supply of \(token) (\(source.rawValue))"
        }
    }
}

/// Why a quorum could not be determined.
public enum QuorumError: Error, Hashable, Sendable, CustomStringConvertible {
    case missingInput(String)
    case badFraction(String)
    case readFailed(String, block: BlockRef)

    public var description: String {
        switch self {
        case .missingInput(let what): "quorum: \(what) is needed"
        case .badFraction(let f): "quorum fraction \(f) must have 0 ≤ numerator ≤ denominator and a positive denominator"
        case .readFailed(let what, let block): "quorum: reading \(what) at block \(block) failed or returned no uint256"
        }
    }
}
