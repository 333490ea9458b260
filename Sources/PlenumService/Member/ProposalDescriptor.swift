import Bot
import Ethereum
import Governance

/// The bot's machine-readable first message of a proposal's group (`BotMessages.descriptor`):
/// `{"plenum": "proposal", "version": 1, "key", "kind", "channel", "chainId", "proposalId", "title",
/// "system", "choices", "voteChange", "clock", "snapshot", "deadline", "ballot", "governor"?,
/// "governorName"?, "powerBlock"?}`. It tells a member's tool how to build a ballot.
public struct ProposalDescriptor: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case governor
        case poll
    }

    public let key: String
    public let kind: Kind
    public let channel: String
    public let chainId: UInt64
    /// The governor proposal id in decimal, or the poll's id.
    public let proposalId: String
    public let title: String
    public let system: VotingSystem
    public let choices: [String]
    public let voteChange: String
    public let clock: String
    public let snapshot: UInt64
    public let deadline: UInt64
    public let governor: Address?
    public let governorName: String?

    /// Whether a message body is a descriptor at all (cheap test before parsing).
    public static func looksLikeDescriptor(_ body: String) -> Bool {
        body.hasPrefix("{") && body.contains("\"plenum\"") && body.contains("\"proposal\"")
    }

    /// Largest descriptor read.
    public static let maxBytes = 64 * 1024

    /// Parses a descriptor message body strictly (the fields a ballot depends on must be present and
    /// well formed; unknown members are ignored, so later versions can add some).
    public init(body: String) throws(MemberError) {
        func bad(_ what: String) -> MemberError { MemberError(.badInput, "the proposal's descriptor is not usable: \(what)") }
        guard body.utf8.count <= Self.maxBytes,
            let json = try? JSONParser(limits: .init(maxBytes: Self.maxBytes, maxDepth: 16)).parse(Array(body.utf8)),
            json["plenum"]?.stringValue == "proposal"
        else { throw bad("not a {\"plenum\": \"proposal\"} document") }
        guard case .number(let version)? = json["version"], version == "1" else {
            throw bad("version \(json["version"]?.serialized().prefix(20) ?? "none") is not 1 (upgrade plenum)")
        }
        func text(_ name: String, max: Int = 1024) throws(MemberError) -> String {
            guard let value = json[name]?.stringValue, !value.isEmpty, value.count <= max else {
                throw bad("\(name) is missing or too long")
            }
            return value
        }
        func integer(_ name: String) throws(MemberError) -> UInt64 {
            switch json[name] {
            case .number(let n)?, .string(let n)?:
                guard let value = UInt64(n) else { throw bad("\(name) \(n.prefix(30)) is not a uint64") }
                return value
            default: throw bad("\(name) is missing")
            }
        }
        key = try text("key")
        guard let kind = Kind(rawValue: try text("kind")) else { throw bad("kind must be governor or poll") }
        self.kind = kind
        channel = try text("channel", max: 256)
        chainId = try integer("chainId")
        proposalId = try text("proposalId", max: 256)
        title = json["title"]?.stringValue ?? ""
        guard let system = VotingSystem(rawValue: try text("system")) else { throw bad("unknown voting system") }
        self.system = system
        guard let items = json["choices"]?.arrayValue, !items.isEmpty, items.count <= TallyRules.maxChoices else {
            throw bad("choices must be 1 to \(TallyRules.maxChoices) labels")
        }
        var labels: [String] = []
        for item in items {
            guard let label = item.stringValue, label.count <= 256 else {
                throw bad("each choice must be a label of at most 256 characters")
            }
            labels.append(label)
        }
        choices = labels
        voteChange = json["voteChange"]?.stringValue ?? ""
        clock = json["clock"]?.stringValue ?? ""
        snapshot = try integer("snapshot")
        deadline = try integer("deadline")
        switch kind {
        case .governor:
            guard let text = json["governor"]?.stringValue, let address = try? Address(text) else {
                throw bad("a governor proposal needs the governor's address")
            }
            governor = address
            guard let name = json["governorName"]?.stringValue, name.count <= 256 else {
                throw bad("a governor proposal needs governorName (the EIP-712 domain name)")
            }
            governorName = name
            guard (try? UInt256(decimal: proposalId)) != nil else {
                throw bad("proposalId \(proposalId.prefix(80)) is not a decimal uint256")
            }
        case .poll:
            governor = json["governor"]?.stringValue.flatMap { try? Address($0) }
            governorName = nil
        }
    }
}
