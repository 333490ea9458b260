import BigInt
import Ethereum

extension TallyResult {
    /// The record as JSON, with every id listed; amounts as decimal strings (scores with exactly
    /// `scoreDecimals` fractional digits). `digest` is included for convenience; readers recompute it.
    public func json() throws(TallyResultError) -> JSON {
        var object = JSONObject([
            ("proposal", .string(proposal)), ("system", .string(system.rawValue)), ("choices", .array(choices.map { .string($0) })),
            ("scores", .array(scores.map { .string($0.description) })), ("scoreDecimals", .number(String(system.scoreDecimals))),
            ("validWeight", .string(String(validWeight))), ("invalidWeight", .string(String(invalidWeight))),
            ("validVotes", .number(String(validVotes))), ("invalidVotes", .number(String(invalidVotes))),
            ("voters", .number(String(voters))),
            ("quorum", quorum.map { .string($0.description) } ?? .null), ("quorumVotes", .string(String(quorumVotes))),
            ("outcome", .string(outcome.rawValue)), ("winningChoice", winningChoice.map { .number(String($0)) } ?? .null),
            ("countedVotes", .array(counted.map { .string($0.description) })),
            ("rejectedVotes", .array(rejected.map { ["id": .string($0.id.description), "reason": .string($0.reason.rawValue)] })),
            ("logHead", .string(logHead.description)), ("chainId", chainId.map { .string($0.description) } ?? .null),
        ])
        object["digest"] = .string(try digest().description)
        return .object(object)
    }

    /// Reads a record written by `json()`. A `digest` member, when present, must match the recomputed one.
    public init(json: JSON) throws(TallyResultError) {
        guard let o = json.objectValue else { throw .malformed(field: "result", "must be an object") }
        func member(_ key: String) throws(TallyResultError) -> JSON {
            guard let value = o[key] else { throw .malformed(field: key, "is missing") }
            return value
        }
        func string(_ key: String) throws(TallyResultError) -> String {
            guard let s = try member(key).stringValue else { throw .malformed(field: key, "must be a string") }
            return s
        }
        func int(_ key: String) throws(TallyResultError) -> Int {
            guard case .number(let n) = try member(key), let v = Int(n), v >= 0 else {
                throw .malformed(field: key, "must be a non-negative integer")
            }
            return v
        }
        func big(_ key: String, _ text: String) throws(TallyResultError) -> BigUInt {
            guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let v = BigUInt(text, radix: 10) else {
                throw .malformed(field: key, "must be a decimal integer string")
            }
            return v
        }
        func hash(_ key: String, _ text: String?) throws(TallyResultError) -> Hash32 {
            guard let text, let h = try? Hash32(hex: text) else { throw .malformed(field: key, "must be 0x and 64 hex digits") }
            return h
        }
        guard let system = VotingSystem(rawValue: try string("system")) else { throw .malformed(field: "system", "unknown voting system") }
        guard let choices = try member("choices").arrayValue?.compactMap(\.stringValue) else {
            throw .malformed(field: "choices", "must be an array of strings")
        }
        guard let scoreTexts = try member("scores").arrayValue?.compactMap(\.stringValue), scoreTexts.count == choices.count else {
            throw .malformed(field: "scores", "must be one decimal string per choice")
        }
        var scores: [FixedPoint] = []
        for (i, text) in scoreTexts.enumerated() {
            do { scores.append(try FixedPoint(parsing: text, decimals: system.scoreDecimals)) } catch {
                throw .malformed(field: "scores[\(i)]", "\(error)")
            }
        }
        guard try int("scoreDecimals") == system.scoreDecimals else {
            throw .malformed(field: "scoreDecimals", "must be \(system.scoreDecimals) for \(system)")
        }
        var quorum: UInt256?
        if try member("quorum") != .null {
            guard let q = try? UInt256(decimal: try string("quorum")) else {
                throw .malformed(field: "quorum", "must be a decimal uint256 or null")
            }
            quorum = q
        }
        guard let outcome = Outcome.Kind(rawValue: try string("outcome")) else { throw .malformed(field: "outcome", "unknown outcome") }
        let winner: Int? = try member("winningChoice") == .null ? nil : try int("winningChoice")
        guard let countedJSON = try member("countedVotes").arrayValue else { throw .malformed(field: "countedVotes", "must be an array") }
        var counted: [Hash32] = []
        for (i, item) in countedJSON.enumerated() { counted.append(try hash("countedVotes[\(i)]", item.stringValue)) }
        guard let rejectedJSON = try member("rejectedVotes").arrayValue else {
            throw .malformed(field: "rejectedVotes", "must be an array")
        }
        var rejected: [Rejected] = []
        for (i, item) in rejectedJSON.enumerated() {
            guard let reason = item["reason"]?.stringValue.flatMap(RejectionReason.init(rawValue:)) else {
                throw .malformed(field: "rejectedVotes[\(i)].reason", "unknown rejection reason")
            }
            rejected.append(Rejected(id: try hash("rejectedVotes[\(i)].id", item["id"]?.stringValue), reason: reason))
        }
        var chainId: UInt256?
        if try member("chainId") != .null {
            guard let c = try? UInt256(decimal: try string("chainId")) else {
                throw .malformed(field: "chainId", "must be a decimal uint256 or null")
            }
            chainId = c
        }
        self.init(
            proposal: try string("proposal"), system: system, choices: choices, scores: scores,
            validWeight: try big("validWeight", try string("validWeight")),
            invalidWeight: try big("invalidWeight", try string("invalidWeight")),
            validVotes: try int("validVotes"), invalidVotes: try int("invalidVotes"), voters: try int("voters"), quorum: quorum,
            quorumVotes: try big("quorumVotes", try string("quorumVotes")), outcome: outcome, winningChoice: winner, counted: counted,
            rejected: rejected, logHead: try hash("logHead", try string("logHead")), chainId: chainId)
        if let stated = o["digest"] {
            guard try hash("digest", stated.stringValue) == (try digest()) else {
                throw .malformed(field: "digest", "does not match the record's recomputed digest")
            }
        }
    }
}
