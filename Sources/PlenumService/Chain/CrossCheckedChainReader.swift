import Ethereum
import EthereumRPC
import Governance
import Synchronization

/// A `ChainReader` that evaluates every batch on two independent endpoints and answers only when
/// both return the same results: voting power, quorum and EIP-1271 reads go through it when a
/// chain has a `cross_check_rpc`. On any difference it throws `CrossCheckError.mismatch` naming the
/// first call that differs (counted in `mismatches` first: callers such as the voting-power reader
/// wrap the error in their own), and the caller reads again later.
public struct CrossCheckedChainReader: ChainReader {
    public let primary: any ChainReader
    public let witness: any ChainReader
    public let mismatches: CrossCheckCounter
    public let chainId: UInt64

    public init(primary: any ChainReader, witness: any ChainReader, chainId: UInt64, mismatches: CrossCheckCounter) {
        self.primary = primary
        self.witness = witness
        self.chainId = chainId
        self.mismatches = mismatches
    }

    public func call(_ calls: [ContractCall], at block: BlockRef) async throws -> [ContractCallResult] {
        async let fromWitness = witness.call(calls, at: block)
        let ours = try await primary.call(calls, at: block)
        let theirs = try await fromWitness
        guard ours.count == theirs.count else {
            mismatches.add(chainId, "calls")
            throw CrossCheckError.mismatch(
                what: "calls", detail: "\(ours.count) and \(theirs.count) results for \(calls.count) calls at block \(block.number)")
        }
        if let i = ours.indices.first(where: { ours[$0] != theirs[$0] }) {
            let selector = Hex.encode(Array(calls[i].data.prefix(4)))
            mismatches.add(chainId, "calls")
            throw CrossCheckError.mismatch(
                what: "calls",
                detail: "call \(i + 1) of \(calls.count) (to \(calls[i].to.checksummed), selector \(selector)) at block \(block.number) "
                    + "answers differently on the two endpoints")
        }
        return ours
    }
}

/// Reads refused because two endpoints answered differently, by chain id and kind of read.
public final class CrossCheckCounter: Sendable {
    private let counts = Mutex<[UInt64: [String: Int]]>([:])

    public init() {}

    /// Reports `kinds` of a chain from the start, at zero.
    public func register(_ chainId: UInt64, kinds: [String]) {
        counts.withLock { c in for kind in kinds { c[chainId, default: [:]][kind, default: 0] += 0 } }
    }

    public func add(_ chainId: UInt64, _ kind: String) { counts.withLock { $0[chainId, default: [:]][kind, default: 0] += 1 } }

    public var snapshot: [UInt64: [String: Int]] { counts.withLock { $0 } }
}
