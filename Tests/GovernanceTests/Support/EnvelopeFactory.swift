import Ethereum
import Governance

/// Builds and signs ballot envelopes in Swift for validation tests.
struct EnvelopeFactory {
    static let chainId: UInt256 = 131_277_322_940_537
    static let governor = try! Address("0x5FbDB2315678afecb367f032d93F642f64180aa3")
    static let proposalId: UInt256 = 4_242
    static let space = "plenum.eth"
    static let pollId = "0x" + String(repeating: "ab", count: 32)
    static let timestamp: UInt64 = 1_750_000_000

    static func key(_ n: UInt8) -> PrivateKey { try! PrivateKey(bytes: [UInt8](repeating: 0, count: 31) + [n]) }

    static func governorContext(version: String? = "1") -> ProposalContext {
        ProposalContext(
            governor: .init(chainId: chainId, governor: governor, name: "Plenum Governor", version: version, proposalId: proposalId),
            rules: try! TallyRules(system: .basic, choices: []), window: .governor(snapshot: 100, deadline: 200, clock: .blockNumber),
            pinnedBlock: BlockRef(number: 100, hash: Keccak256.hash("block 100")))
    }

    static func snapshotContext(_ system: VotingSystem = .singleChoice, apps: [String]? = nil) -> ProposalContext {
        ProposalContext(
            snapshot: .init(space: space, proposal: pollId, chainId: chainId, apps: apps),
            rules: try! TallyRules(system: system, choices: system == .basic ? [] : ["A", "B", "C"]),
            window: .snapshot(start: timestamp - 3_600, end: timestamp + 3_600),
            pinnedBlock: BlockRef(number: 100, hash: Keccak256.hash("block 100")))
    }

    static let openGovernor = ValidationContext(blockNumber: 150, timestamp: timestamp, receivedAt: timestamp)
    static let openSnapshot = ValidationContext(blockNumber: 150, timestamp: timestamp)

    static func field(_ name: String, _ type: String) -> JSON { ["name": .string(name), "type": .string(type)] }

    /// An OpenZeppelin Ballot (or ExtendedBallot / Bravo Ballot) as typed data.
    static func governorBallot(
        form: GovernorBallot.Form = .ballot, voter: Address, support: Int = 1, nonce: Int = 0, proposalId: UInt256 = proposalId,
        chainId: UInt256 = chainId, governor: Address = governor, name: String = "Plenum Governor", version: String? = "1"
    ) -> JSON {
        var domain = JSONObject([("name", .string(name))])
        if let version { domain["version"] = .string(version) }
        domain["chainId"] = .string(chainId.description)
        domain["verifyingContract"] = .string(governor.checksummed)
        var message = JSONObject([("proposalId", .string(proposalId.description)), ("support", .number(String(support)))])
        if form != .bravo {
            message["voter"] = .string(voter.checksummed)
            message["nonce"] = .number(String(nonce))
        }
        if form == .extendedBallot {
            message["reason"] = "because"
            message["params"] = "0x"
        }
        return [
            "types": [.init(stringLiteral: form.primaryType): .array(form.fields.map { field($0.name, $0.type) })],
            "primaryType": .string(form.primaryType), "domain": .object(domain), "message": .object(message),
        ]
    }

    /// A current-layout Snapshot vote as typed data.
    static func snapshotVote(
        voter: Address, choice: JSON, choiceType: SnapshotVoteVariant.ChoiceType = .uint32, space: String = space,
        proposal: String = pollId,
        timestamp: UInt64 = timestamp, app: String = "", domainChainId: UInt256? = nil, reason: String = ""
    ) -> JSON {
        let variant = SnapshotVoteVariant.current(choice: choiceType)
        var domain = JSONObject([("name", "snapshot"), ("version", "0.1.4")])
        if let domainChainId { domain["chainId"] = .string(domainChainId.description) }
        let message = JSONObject([
            ("from", .string(voter.checksummed)), ("space", .string(space)), ("timestamp", .number(String(timestamp))),
            ("proposal", .string(proposal)), ("choice", choice), ("reason", .string(reason)), ("app", .string(app)), ("metadata", "{}"),
        ])
        return [
            "types": ["Vote": .array(variant.fields.map { field($0.name, $0.type) })], "primaryType": "Vote", "domain": .object(domain),
            "message": .object(message),
        ]
    }

    /// The typed data with `signature` added, as message-body bytes.
    static func signed(_ typed: JSON, by key: PrivateKey, compact: Bool = false) -> [UInt8] {
        let data = try! TypedData(json: typed)
        let signature = try! key.signTypedData(data)
        return body(typed, signature: compact ? signature.compactBytes : signature.bytes)
    }

    static func body(_ typed: JSON, signature: [UInt8]) -> [UInt8] {
        var object = typed.objectValue!
        object["signature"] = .string(Hex.encode(signature))
        return Array(JSON.object(object).serialized().utf8)
    }

    static func digest(_ typed: JSON) -> Hash32 { try! TypedData(json: typed).digest() }
}
