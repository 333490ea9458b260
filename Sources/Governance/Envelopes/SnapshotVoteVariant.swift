/// One of the 36 EIP-712 `Vote` type layouts that Snapshot's sequencer accepts (its
/// `hashedTypes.json`): `from` as `address` (legacy) or `string`, `proposal` as `string` or `bytes32`
/// (legacy), `choice` as `uint32`, `uint32[]` or `string` (JSON text, for weighted and quadratic),
/// and the optional trailing fields `reason`, `app`, `metadata` in the combinations that were issued.
public struct SnapshotVoteVariant: Hashable, Sendable, CustomStringConvertible {
    public enum FromType: String, Hashable, Sendable, CaseIterable {
        case address
        case string
    }

    public enum ProposalType: String, Hashable, Sendable, CaseIterable {
        case string
        case bytes32
    }

    public enum ChoiceType: String, Hashable, Sendable, CaseIterable {
        case uint32
        case uint32Array = "uint32[]"
        case string
    }

    public let from: FromType
    public let proposal: ProposalType
    public let choice: ChoiceType
    /// The optional string fields present, in type order: a subset of reason, app, metadata.
    public let trailing: [String]

    /// The tails issued with `from: address`; `from: string` only ever came with all three.
    static let addressTails: [[String]] = [[], ["app"], ["metadata"], ["reason", "app"], ["reason", "app", "metadata"]]

    /// All accepted layouts.
    public static let all: [SnapshotVoteVariant] = {
        var out: [SnapshotVoteVariant] = []
        for from in FromType.allCases {
            for proposal in ProposalType.allCases {
                for choice in ChoiceType.allCases {
                    let tails = from == .address ? addressTails : [["reason", "app", "metadata"]]
                    for tail in tails { out.append(SnapshotVoteVariant(from: from, proposal: proposal, choice: choice, trailing: tail)) }
                }
            }
        }
        return out
    }()

    /// The current layout that snapshot.js signs for a choice type.
    public static func current(choice: ChoiceType) -> SnapshotVoteVariant {
        SnapshotVoteVariant(from: .string, proposal: .string, choice: choice, trailing: ["reason", "app", "metadata"])
    }

    /// The `Vote` fields as (name, type), in order.
    public var fields: [(name: String, type: String)] {
        [
            ("from", from.rawValue), ("space", "string"), ("timestamp", "uint64"), ("proposal", proposal.rawValue),
            ("choice", choice.rawValue),
        ]
            + trailing.map { ($0, "string") }
    }

    /// `Vote(string from,string space,…)`: the EIP-712 `encodeType`.
    public var typeString: String {
        "Vote(" + fields.map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
    }

    public var description: String { typeString }
}
