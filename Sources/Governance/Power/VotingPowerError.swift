import Ethereum

/// Why voting power could not be read. These are failures to read, never "no power": a voter who
/// has none gets a record with a zero total.
public enum VotingPowerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The chain reader failed for a whole batch.
    case chain(block: BlockRef, String)
    /// A call reverted (a wrong contract address, or a snapshot the contract cannot look up yet).
    case reverted(path: String, call: String, voter: Address?, block: BlockRef)
    /// A call returned something that is not one uint256.
    case malformedReturn(path: String, call: String, block: BlockRef)
    /// The reader returned a different number of results than calls.
    case wrongResultCount(block: BlockRef, expected: Int, found: Int)
    /// A voter's components add up to more than 2^256 − 1.
    case overflow(voter: Address)
    /// Too many voters in one read.
    case tooManyVoters(Int, limit: Int)

    public var description: String {
        switch self {
        case .chain(let block, let why): "reading voting power at block \(block) failed: \(why)"
        case .reverted(let path, let call, let voter, let block):
            "\(path): \(call)\(voter.map { " for \($0)" } ?? "") reverted at block \(block)"
        case .malformedReturn(let path, let call, let block): "\(path): \(call) at block \(block) did not return one uint256"
        case .wrongResultCount(let block, let expected, let found):
            "the chain reader answered \(found) of \(expected) calls at block \(block)"
        case .overflow(let voter): "the voting power of \(voter) exceeds 2^256 - 1"
        case .tooManyVoters(let n, let limit): "\(n) voters in one read; the limit is \(limit)"
        }
    }
}
