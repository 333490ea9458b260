import Ethereum
import Governance

/// Builds a member's ballot for a proposal's descriptor: the choice from the command line, the
/// typed data (OpenZeppelin `Ballot`/`ExtendedBallot` for governor proposals, Snapshot `Vote` for
/// polls), and the signed wallet form that is posted as the chat message's body.
public enum MemberBallot {
    /// Longest `--choice` text read.
    public static let maxChoiceBytes = 10_000
    /// Longest `--reason` (Snapshot's bound, which the intake enforces too), in Unicode scalars.
    public static let maxReasonLength = 5_000
    /// The `app` written into Snapshot votes.
    public static let app = "plenum"

    /// Reads a choice as a member types it, and validates it for the proposal's system:
    ///
    /// - basic: `for`, `against`, `abstain` (any case), or the choice numbers 1 (For), 2 (Against),
    ///   3 (Abstain) — numbers are always 1-based choice numbers, never OpenZeppelin support codes;
    /// - single-choice: a number from 1 to n, or a choice's label (any case, when only one matches);
    /// - approval, ranked-choice, copeland: numbers separated by commas (`2,1,3`) or a JSON array
    ///   (`[2,1,3]`, `[]` to approve nothing); a single number is a list of one;
    /// - weighted, quadratic: a JSON object of amounts by choice number (`{"1": 2, "3": 1}`).
    public static func choice(_ text: String, for descriptor: ProposalDescriptor) throws(MemberError) -> BallotChoice {
        let system = descriptor.system
        let trimmed = text.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed()
        let input = String(trimmed)
        guard !input.isEmpty else { throw MemberError(.badInput, "--choice is empty") }
        guard input.utf8.count <= maxChoiceBytes else { throw MemberError(.badInput, "--choice is longer than \(maxChoiceBytes) bytes") }
        let count = descriptor.choices.count
        var json: JSON
        if system == .basic, let index = ["for": 1, "against": 2, "abstain": 3][input.lowercased()] {
            json = .number(String(index))
        } else if input.first == "[" || input.first == "{" || input.first == "\"" {
            do { json = try JSONParser(limits: .init(maxBytes: maxChoiceBytes, maxDepth: 4)).parse(Array(input.utf8)) } catch {
                throw MemberError(.badInput, "--choice is not valid JSON: \(error)")
            }
        } else if input.contains(",") {
            json = .array(
                input.split(separator: ",", omittingEmptySubsequences: false).map { .number(String($0.filter { !$0.isWhitespace })) })
        } else if input.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) {
            json = .number(input)
        } else {
            let matches = descriptor.choices.indices.filter { descriptor.choices[$0].lowercased() == input.lowercased() }
            guard matches.count == 1 else {
                let listed = descriptor.choices.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: ", ")
                throw MemberError(
                    .badInput,
                    "--choice \"\(input.prefix(80))\" is not a choice of this \(system) vote; choices: \(listed.prefix(600))"
                        + (system == .basic ? " (or for, against, abstain)" : ""))
            }
            json = .number(String(matches[0] + 1))
        }
        if [.approval, .rankedChoice, .copeland].contains(system), case .number = json { json = .array([json]) }
        do { return try BallotChoice.parse(json, system: system, choiceCount: count) } catch {
            throw MemberError(.badInput, "\(error)")
        }
    }

    /// A choice in words: `For`, `B > A > C` (rankings), `A, C` (approval), `A: 2, C: 1` (amounts).
    public static func describe(_ choice: BallotChoice, system: VotingSystem, choices: [String]) -> String {
        func label(_ i: Int) -> String { i >= 1 && i <= choices.count ? choices[i - 1] : "#\(i)" }
        switch choice {
        case .single(let i): return label(i)
        case .list(let items):
            if items.isEmpty { return "(none)" }
            return items.map(label).joined(separator: system == .approval ? ", " : " > ")
        case .amounts(let entries): return entries.map { "\(label($0.index)): \($0.amount)" }.joined(separator: ", ")
        }
    }

    /// The OpenZeppelin governor ballot: `Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)`,
    /// or `ExtendedBallot(…,string reason,bytes params)` with empty params when `reason` is given,
    /// under the governor's domain `{name: governorName, version: "1", chainId, verifyingContract: governor}`.
    public static func governorBallot(
        _ descriptor: ProposalDescriptor, choice: BallotChoice, voter: Address, nonce: UInt256, reason: String?
    ) throws(MemberError) -> JSON {
        guard descriptor.kind == .governor, let governor = descriptor.governor, let name = descriptor.governorName else {
            throw MemberError(.badInput, "proposal \(descriptor.key) is not a governor proposal")
        }
        guard descriptor.system == .basic else {
            throw MemberError(
                .badInput, "governor ballots only express basic votes, and proposal \(descriptor.key) counts \(descriptor.system) votes")
        }
        guard case .single(let index) = choice, let support = Support(basicChoice: index) else {
            throw MemberError(.badInput, "a governor ballot needs one of for, against, abstain")
        }
        var fields: [(String, String)] = [("proposalId", "uint256"), ("support", "uint8"), ("voter", "address"), ("nonce", "uint256")]
        var message = JSONObject([
            ("proposalId", .string(descriptor.proposalId)), ("support", .number(String(support.rawValue))),
            ("voter", .string(voter.checksummed)), ("nonce", .string(nonce.description)),
        ])
        if let reason {
            fields += [("reason", "string"), ("params", "bytes")]
            message["reason"] = .string(reason)
            message["params"] = "0x"
        }
        let primaryType = reason == nil ? "Ballot" : "ExtendedBallot"
        return [
            "types": [
                "EIP712Domain": [
                    ["name": "name", "type": "string"], ["name": "version", "type": "string"], ["name": "chainId", "type": "uint256"],
                    ["name": "verifyingContract", "type": "address"],
                ],
                primaryType: .array(fields.map { ["name": .string($0.0), "type": .string($0.1)] }),
            ],
            "primaryType": .string(primaryType),
            "domain": [
                "name": .string(name), "version": "1", "chainId": .number(String(descriptor.chainId)),
                "verifyingContract": .string(governor.checksummed),
            ],
            "message": .object(message),
        ]
    }

    /// The Snapshot vote, in the layout snapshot.js signs today:
    /// `Vote(string from,string space,uint64 timestamp,string proposal,C choice,string reason,string app,string metadata)`
    /// with C = `uint32` (basic, single choice), `uint32[]` (approval, ranked choice, Copeland) or
    /// `string` (the JSON text of the amounts, weighted and quadratic); domain `{name: "snapshot", version: "0.1.4"}`.
    public static func snapshotVote(
        _ descriptor: ProposalDescriptor, choice: BallotChoice, voter: Address, timestamp: UInt64, reason: String?
    ) -> JSON {
        let choiceType: SnapshotVoteVariant.ChoiceType
        let choiceValue: JSON
        switch choice {
        case .single(let i):
            choiceType = .uint32
            choiceValue = .number(String(i))
        case .list(let items):
            choiceType = .uint32Array
            choiceValue = .array(items.map { .number(String($0)) })
        case .amounts:
            choiceType = .string
            choiceValue = .string(choice.json.serialized())
        }
        let variant = SnapshotVoteVariant.current(choice: choiceType)
        return [
            "types": [
                "EIP712Domain": [["name": "name", "type": "string"], ["name": "version", "type": "string"]],
                "Vote": .array(variant.fields.map { ["name": .string($0.name), "type": .string($0.type)] }),
            ],
            "primaryType": "Vote",
            "domain": ["name": .string(ProposalContext.Snapshot.domainName), "version": .string(ProposalContext.Snapshot.domainVersion)],
            "message": [
                "from": .string(voter.checksummed), "space": .string(descriptor.channel), "timestamp": .number(String(timestamp)),
                "proposal": .string(descriptor.proposalId), "choice": choiceValue, "reason": .string(reason ?? ""), "app": .string(app),
                "metadata": "{}",
            ],
        ]
    }

    /// A signed ballot: the body posted in chat (the wallet form plus `signature`) and its id.
    public struct Signed: Hashable, Sendable {
        public let body: String
        /// The EIP-712 digest: the ballot's id.
        public let id: Hash32
        public let typedData: JSON
    }

    /// Signs the typed data with `key` and checks that Plenum's own intake reads the result back as the
    /// same ballot (so a member never posts something the bot cannot parse).
    public static func sign(_ typed: JSON, with key: PrivateKey) throws(MemberError) -> Signed {
        do {
            let data = try TypedData(json: typed)
            var object = typed.objectValue!
            object["signature"] = .string(try key.signTypedData(data).description)
            let body = JSON.object(object).serialized()
            let envelope = try BallotEnvelope.parse(Array(body.utf8))
            guard envelope.id == (try data.digest()) else { throw MemberError(.badInput, "the ballot's id does not round-trip") }
            return Signed(body: body, id: envelope.id, typedData: typed)
        } catch let error as MemberError {
            throw error
        } catch {
            throw MemberError(.badInput, "the ballot cannot be built: \(error)")
        }
    }
}
