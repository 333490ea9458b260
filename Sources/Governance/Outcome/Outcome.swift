import BigInt
import Ethereum

/// The result of a vote once quorum and the pass threshold are applied.
public struct Outcome: Hashable, Sendable, CustomStringConvertible {
    /// `rawValue` is the stable name used in JSON and in the signed `TallyResult`.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case passed
        case defeated
        case noQuorum = "no-quorum"
        case tie
    }

    public let kind: Kind
    /// The 1-based winning choice when the vote passed (For, 1, for a basic vote).
    public let winningChoice: Int?
    /// The choices sharing the highest score when the outcome is a tie.
    public let tiedChoices: [Int]
    /// The required quorum, nil when none applies.
    public let quorum: UInt256?
    /// The weight that counted toward quorum.
    public let quorumVotes: BigUInt

    public var quorumReached: Bool { quorum.map { quorumVotes >= $0.bigUInt } ?? true }

    public var description: String {
        switch kind {
        case .passed: "passed (choice \(winningChoice!))"
        case .tie: "tie between choices " + tiedChoices.map(String.init).joined(separator: ", ")
        case .defeated, .noQuorum: kind.rawValue
        }
    }

    /// Applies quorum and the threshold to exact ranking values (one per choice; see `TallyReport.rankingValues`).
    static func evaluate(rules: TallyRules, rankingValues keys: [BigUInt], quorumVotes: BigUInt) -> Outcome {
        func make(_ kind: Kind, winner: Int? = nil, tied: [Int] = []) -> Outcome {
            Outcome(kind: kind, winningChoice: winner, tiedChoices: tied, quorum: rules.quorum, quorumVotes: quorumVotes)
        }
        if let quorum = rules.quorum, quorumVotes < quorum.bigUInt { return make(.noQuorum) }
        if rules.system == .basic {
            let forVotes = keys[0], against = keys[1]
            guard forVotes > against else { return make(.defeated) }
            if case .supermajority(let n, let d) = rules.threshold,
                forVotes * BigUInt(d) < BigUInt(n) * (forVotes + against)
            {
                return make(.defeated)
            }
            return make(.passed, winner: 1)
        }
        let top = keys.max() ?? 0
        guard !top.isZero else { return make(.defeated) }
        let leaders = keys.indices.filter { keys[$0] == top }.map { $0 + 1 }
        guard leaders.count == 1 else { return make(.tie, tied: leaders) }
        if case .supermajority(let n, let d) = rules.threshold {
            let total = keys.reduce(BigUInt(0), +)
            if top * BigUInt(d) < BigUInt(n) * total { return make(.defeated) }
        }
        return make(.passed, winner: leaders[0])
    }
}
