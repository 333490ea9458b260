import Bot
import Ethereum
import Governance

/// The bot's decision on one member message, as an export records it and a re-tally recomputes it.
public struct ExportDecision: Hashable, Sendable {
    public let status: VoteRecord.Status
    /// The ballot's id (its EIP-712 digest), when it parsed far enough to have one.
    public let ballot: Hash32?
    public let voter: Address?
    /// The rejection reason, for rejected ballots.
    public let reason: RejectionReason?
    /// The bot's sentence about a rejection (the validator's, deterministic: compared by the re-tally).
    public let detail: String?
    /// For accepted ballots: the choice (canonical JSON), the weight, the ordering time and how the
    /// signature was verified.
    public let choice: JSON?
    public let weight: UInt256?
    public let time: UInt64?
    public let signature: SignatureKind?
    /// The chain clock the ballot was judged by (nil for chat, and in records older than the export format).
    public let clock: IntakeClock?

    public init(
        status: VoteRecord.Status, ballot: Hash32?, voter: Address?, reason: RejectionReason?, detail: String?, choice: JSON?,
        weight: UInt256?, time: UInt64?, signature: SignatureKind?, clock: IntakeClock?
    ) {
        self.status = status
        self.ballot = ballot
        self.voter = voter
        self.reason = reason
        self.detail = detail
        self.choice = choice
        self.weight = weight
        self.time = time
        self.signature = signature
        self.clock = clock
    }

    /// The decision a stored record holds.
    public init(record r: VoteRecord) {
        self.init(
            status: r.status, ballot: r.ballotId, voter: r.voter, reason: r.reason, detail: r.detail, choice: r.vote?.choice,
            weight: r.vote?.weight, time: r.vote?.time, signature: r.vote?.signature, clock: r.clock)
    }

    /// A decision as the re-tally reaches it.
    public init(_ outcome: Result<AcceptedVote, VoteRejection>, clock: IntakeClock?) {
        switch outcome {
        case .success(let v):
            self.init(
                status: .accepted, ballot: v.id, voter: v.voter, reason: nil, detail: nil, choice: v.choice, weight: v.weight,
                time: v.time, signature: v.signature, clock: clock)
        case .failure(let r):
            self.init(
                status: .rejected, ballot: r.id, voter: r.voter, reason: r.reason, detail: r.detail, choice: nil, weight: nil, time: nil,
                signature: nil, clock: clock)
        }
    }

    public static let chat = ExportDecision(
        status: .chat, ballot: nil, voter: nil, reason: nil, detail: nil, choice: nil, weight: nil, time: nil, signature: nil, clock: nil)

    /// `{"status", "ballot", "voter", "reason", "detail", "choice", "weight", "time", "signature", "clock"}`; absent values are null.
    public var json: JSON {
        .object(
            JSONObject([
                ("status", .string(status.rawValue)), ("ballot", ballot.map { .string($0.description) } ?? .null),
                ("voter", voter.map { .string($0.checksummed) } ?? .null), ("reason", reason.map { .string($0.rawValue) } ?? .null),
                ("detail", detail.map { .string($0) } ?? .null), ("choice", choice ?? .null),
                ("weight", weight.map { .string($0.description) } ?? .null), ("time", time.map { .string(String($0)) } ?? .null),
                ("signature", signature.map { .string($0.rawValue) } ?? .null), ("clock", clock?.json ?? .null),
            ]))
    }

    public init(json: JSON) throws(ExportLineError) {
        func field<T>(_ key: String, _ make: (JSON) throws -> T?) throws(ExportLineError) -> T? {
            guard let value = json[key] else { throw ExportLineError("decision.\(key) is missing") }
            if value == .null { return nil }
            guard let parsed = try? make(value) else { throw ExportLineError("decision.\(key) is malformed") }
            return parsed
        }
        guard let status = try field("status", { $0.stringValue.flatMap(VoteRecord.Status.init(rawValue:)) }) else {
            throw ExportLineError("decision.status must be accepted, rejected or chat")
        }
        self.init(
            status: status, ballot: try field("ballot") { try Hash32(hex: $0.stringValue ?? "") },
            voter: try field("voter") { try Address($0.stringValue ?? "") },
            reason: try field("reason") { $0.stringValue.flatMap(RejectionReason.init(rawValue:)) },
            detail: try field("detail") { $0.stringValue }, choice: try field("choice") { $0 },
            weight: try field("weight") { try UInt256(decimal: $0.stringValue ?? "") },
            time: try field("time") { $0.stringValue.flatMap { UInt64($0) } },
            signature: try field("signature") { $0.stringValue.flatMap(SignatureKind.init(rawValue:)) },
            clock: try field("clock") { try IntakeClock(json: $0) })
    }
}

/// A line of an export that cannot be read as what it claims to be.
public struct ExportLineError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
