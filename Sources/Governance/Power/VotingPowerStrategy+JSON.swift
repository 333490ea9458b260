import Ethereum

extension VotingPowerStrategy {
    /// Parses configuration JSON:
    ///
    /// ```json
    /// {"strategy": "governor-votes", "governor": "0x…"}
    /// {"strategy": "erc20-votes", "token": "0x…"}
    /// {"strategy": "erc20-balance", "token": "0x…"}
    /// {"strategy": "erc721-balance", "token": "0x…"}
    /// {"strategy": "allowlist", "weights": {"0x…": "1000", …}}
    /// {"strategy": "one-per-member", "members": ["0x…", …]}
    /// {"strategy": "sum", "of": [ <strategy>, … ]}
    /// ```
    ///
    /// Weights are decimal strings of token base units. Unknown members are rejected.
    public init(json: JSON) throws(VotingPowerStrategyError) {
        try self.init(json: json, path: "strategy", depth: 0)
    }

    private init(json: JSON, path: String, depth: Int) throws(VotingPowerStrategyError) {
        guard let object = json.objectValue else { throw .invalid(path: path, "must be an object, found \(json.kind)") }
        guard let name = object["strategy"]?.stringValue else { throw .invalid(path: "\(path).strategy", "a strategy name is required") }
        func only(_ allowed: [String]) throws(VotingPowerStrategyError) {
            for key in object.keys where key != "strategy" && !allowed.contains(key) {
                throw .invalid(path: "\(path).\(key)", "is not a member of a \(name) strategy")
            }
        }
        func address(_ key: String) throws(VotingPowerStrategyError) -> Address {
            guard let text = object[key]?.stringValue else { throw .invalid(path: "\(path).\(key)", "an address is required") }
            do { return try Address(text) } catch { throw .invalid(path: "\(path).\(key)", "\(error)") }
        }
        switch name {
        case "governor-votes":
            try only(["governor"])
            self = .governorVotes(governor: try address("governor"))
        case "erc20-votes":
            try only(["token"])
            self = .erc20Votes(token: try address("token"))
        case "erc20-balance":
            try only(["token"])
            self = .erc20Balance(token: try address("token"))
        case "erc721-balance":
            try only(["token"])
            self = .erc721Balance(token: try address("token"))
        case "allowlist":
            try only(["weights"])
            guard let weights = object["weights"]?.objectValue else {
                throw .invalid(path: "\(path).weights", "an object {\"0x…\": \"weight\"} is required")
            }
            guard weights.count <= VotingPowerStrategy.maxListEntries else {
                throw .invalid(path: "\(path).weights", "more than \(VotingPowerStrategy.maxListEntries) entries")
            }
            var entries: [Address: UInt256] = [:]
            for (key, value) in weights {
                let entryPath = "\(path).weights.\(key.prefix(42))"
                let address: Address
                do { address = try Address(key) } catch { throw .invalid(path: entryPath, "\(error)") }
                guard let text = value.stringValue, let weight = try? UInt256(decimal: text) else {
                    throw .invalid(path: entryPath, "the weight must be a decimal string of token base units")
                }
                guard entries.updateValue(weight, forKey: address) == nil else {
                    throw .invalid(path: entryPath, "the address is listed twice")
                }
            }
            self = .allowlist(entries.keys.sorted().map { AllowlistEntry(address: $0, weight: entries[$0]!) })
        case "one-per-member":
            try only(["members"])
            guard let members = object["members"]?.arrayValue else {
                throw .invalid(path: "\(path).members", "an array of addresses is required")
            }
            guard members.count <= VotingPowerStrategy.maxListEntries else {
                throw .invalid(path: "\(path).members", "more than \(VotingPowerStrategy.maxListEntries) members")
            }
            var set = Set<Address>()
            for (i, member) in members.enumerated() {
                guard let text = member.stringValue, let address = try? Address(text) else {
                    throw .invalid(path: "\(path).members[\(i)]", "must be an address")
                }
                guard set.insert(address).inserted else { throw .invalid(path: "\(path).members[\(i)]", "the address is listed twice") }
            }
            self = .onePerMember(set.sorted())
        case "sum":
            try only(["of"])
            guard depth < VotingPowerStrategy.maxDepth else {
                throw .invalid(path: path, "sums nest deeper than \(VotingPowerStrategy.maxDepth)")
            }
            guard let terms = object["of"]?.arrayValue, !terms.isEmpty, terms.count <= VotingPowerStrategy.maxSumTerms else {
                throw .invalid(path: "\(path).of", "an array of 1 to \(VotingPowerStrategy.maxSumTerms) strategies is required")
            }
            var parsed: [VotingPowerStrategy] = []
            for (i, term) in terms.enumerated() {
                parsed.append(try VotingPowerStrategy(json: term, path: "\(path).of[\(i)]", depth: depth + 1))
            }
            self = .sum(parsed)
        default:
            throw .invalid(
                path: "\(path).strategy",
                "unknown strategy \"\(name.prefix(40))\" (governor-votes, erc20-votes, erc20-balance, erc721-balance, allowlist, one-per-member, sum)"
            )
        }
    }

    /// The configuration JSON (canonical: lists sorted by address).
    public var json: JSON {
        switch self {
        case .governorVotes(let governor): ["strategy": "governor-votes", "governor": .string(governor.checksummed)]
        case .erc20Votes(let token): ["strategy": "erc20-votes", "token": .string(token.checksummed)]
        case .erc20Balance(let token): ["strategy": "erc20-balance", "token": .string(token.checksummed)]
        case .erc721Balance(let token): ["strategy": "erc721-balance", "token": .string(token.checksummed)]
        case .allowlist(let entries):
            [
                "strategy": "allowlist",
                "weights": .object(JSONObject(entries.map { ($0.address.checksummed, JSON.string($0.weight.description)) })),
            ]
        case .onePerMember(let members): ["strategy": "one-per-member", "members": .array(members.map { .string($0.checksummed) })]
        case .sum(let terms): ["strategy": "sum", "of": .array(terms.map(\.json))]
        }
    }
}

/// Why strategy configuration is unusable, naming the member at fault.
public enum VotingPowerStrategyError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalid(path: String, String)

    public var description: String {
        switch self {
        case .invalid(let path, let why): "\(path): \(why)"
        }
    }
}
