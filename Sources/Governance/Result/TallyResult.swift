import BigInt
import Ethereum

/// The record of a tally that the bot signs and publishes: scores, totals, quorum, outcome, and the
/// ids of the ballots counted and rejected. Its digest is the EIP-712 digest of its `TallyResult`
/// typed data (see `TallyResult+TypedData.swift` and `docs/voting.md`), which commits to all of it.
public struct TallyResult: Hashable, Sendable {
    /// A ballot left out of the count, by id.
    public struct Rejected: Hashable, Sendable, Comparable {
        public let id: Hash32
        public let reason: RejectionReason

        public init(id: Hash32, reason: RejectionReason) {
            self.id = id
            self.reason = reason
        }

        public static func < (lhs: Rejected, rhs: Rejected) -> Bool { (lhs.id, lhs.reason.rawValue) < (rhs.id, rhs.reason.rawValue) }
    }

    /// The proposal as text: a governor proposal id in decimal, or a Snapshot proposal id.
    public let proposal: String
    public let system: VotingSystem
    public let choices: [String]
    public let scores: [FixedPoint]
    public let validWeight: BigUInt
    public let invalidWeight: BigUInt
    public let validVotes: Int
    public let invalidVotes: Int
    public let voters: Int
    public let quorum: UInt256?
    public let quorumVotes: BigUInt
    public let outcome: Outcome.Kind
    public let winningChoice: Int?
    /// Ids of the counted ballots, sorted ascending.
    public let counted: [Hash32]
    /// Rejected ballots, sorted by id.
    public let rejected: [Rejected]
    /// The hash of the proposal's message log head when the tally was taken (zero when none).
    public let logHead: Hash32
    /// The chain the result is bound to in its EIP-712 domain, when known.
    public let chainId: UInt256?

    /// Every value as given; `counted` and `rejected` are sorted here.
    public init(
        proposal: String, system: VotingSystem, choices: [String], scores: [FixedPoint], validWeight: BigUInt, invalidWeight: BigUInt,
        validVotes: Int, invalidVotes: Int, voters: Int, quorum: UInt256?, quorumVotes: BigUInt, outcome: Outcome.Kind,
        winningChoice: Int?, counted: [Hash32], rejected: [Rejected], logHead: Hash32 = .zero, chainId: UInt256? = nil
    ) {
        self.proposal = proposal
        self.system = system
        self.choices = choices
        self.scores = scores
        self.validWeight = validWeight
        self.invalidWeight = invalidWeight
        self.validVotes = validVotes
        self.invalidVotes = invalidVotes
        self.voters = voters
        self.quorum = quorum
        self.quorumVotes = quorumVotes
        self.outcome = outcome
        self.winningChoice = winningChoice
        self.counted = counted.sorted()
        self.rejected = rejected.sorted()
        self.logHead = logHead
        self.chainId = chainId
    }

    /// The record of `report`. Counted ids are those of the report's valid ballots; invalid ballots with
    /// ids join `rejected` as `invalid-choice`; `rejected` adds the intake's rejections that have an id.
    public init(
        proposal: String, report: TallyReport, ballots: [TallyBallot], rejected: [VoteRejection] = [], logHead: Hash32 = .zero,
        chainId: UInt256? = nil
    ) {
        let invalidPositions = Set(report.invalidBallots.map(\.position))
        let counted = ballots.enumerated().compactMap { invalidPositions.contains($0.offset) ? nil : $0.element.id }
        let invalid = report.invalidBallots.compactMap { b in b.id.map { Rejected(id: $0, reason: .invalidChoice) } }
        let intake = rejected.compactMap { r in r.id.map { Rejected(id: $0, reason: r.reason) } }
        self.init(
            proposal: proposal, system: report.rules.system, choices: report.rules.choices, scores: report.scores,
            validWeight: report.validWeight, invalidWeight: report.invalidWeight, validVotes: report.validVotes,
            invalidVotes: report.invalidVotes, voters: report.voters, quorum: report.rules.quorum, quorumVotes: report.outcome.quorumVotes,
            outcome: report.outcome.kind, winningChoice: report.outcome.winningChoice, counted: counted, rejected: invalid + intake,
            logHead: logHead, chainId: chainId)
    }

    /// `keccak256(id₁ ‖ id₂ ‖ …)` over the counted ids in ascending order.
    public var countedVotesHash: Hash32 {
        var hasher = Keccak256Hasher()
        for id in counted { hasher.update(id.bytes) }
        return hasher.finalize()
    }

    /// `keccak256(id₁ ‖ keccak256(reason₁) ‖ id₂ ‖ …)` over the rejected ballots in ascending id order,
    /// each reason its UTF-8 code (`wrong-chain`, …).
    public var rejectedVotesHash: Hash32 {
        var hasher = Keccak256Hasher()
        for r in rejected {
            hasher.update(r.id.bytes)
            hasher.update(Keccak256.hash(r.reason.rawValue).bytes)
        }
        return hasher.finalize()
    }
}

/// Why a result cannot be attested or read back.
public enum TallyResultError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A value does not fit the field of the `TallyResult` EIP-712 type.
    case doesNotFit(field: String, value: String, type: String)
    /// The record JSON is malformed.
    case malformed(field: String, String)
    /// The signature does not verify, or its signer is not the expected one.
    case badSignature(String)

    public var description: String {
        switch self {
        case .doesNotFit(let field, let value, let type): "\(field): \(value.prefix(90)) does not fit \(type)"
        case .malformed(let field, let why): "\(field): \(why)"
        case .badSignature(let why): "result signature: \(why)"
        }
    }
}
