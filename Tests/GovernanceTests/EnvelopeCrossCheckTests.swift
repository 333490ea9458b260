import Ethereum
import Governance
import PlenumTesting
import Testing

/// Ballots signed by eth-account (every governor form and every Snapshot Vote layout, some as
/// EIP-2098 compact signatures) verify; flipping any signed field, or signing for another chain,
/// governor, proposal or space, gets them rejected.
@Suite("Ballot envelopes against eth-account")
struct EnvelopeCrossCheckTests {
    /// SHA-256 of `JSON.stringify(types)` for the Vote layouts in Snapshot's `hashedTypes.json`
    /// (snapshot-labs/snapshot.js, src/sign/hashedTypes.json): the sequencer accepts exactly these.
    static let snapshotVoteTypeHashes: Set<String> = [
        "078d9c91ec3321dd1f0de0c152676e8d37b585b7b7b2f37d49b28cb8db08f61c",
        "09635280c0ac5c801b997b20db5ef0bc71c1b27e01220d52e0d55e9f2612671d",
        "0982321a37996bab9519d2cbbed8625187ac39e6153bf5341dd66edfd25d28d4",
        "112ba2ecb692f822eeacb1f2961fddec432925abf1b14b6732937c1029a26516",
        "1814c3dd303c5919ce488b924f92b9a42a0834972f514e55b1879fda48e67736",
        "1dfe3863f6333a85581fb150d4ee77c95a6d026c518ca1b11c08ae1d98acd598",
        "1f85be40d703b7136fc0cfdad361572514299b79cbb286e875165d38d1e4f084",
        "258ddbad661d7530f23c4b945e847df99764b9e5e3bc6e127e41d07e4d0cc8b2",
        "40bc49afc0f4084a08af0d768ff67816dde5c61550ff65008c835982a62c351e",
        "43ad7ff95a9851492a09f8b3afdfa3ad2c28a10a371586d56fcc100f3ae8766c",
        "4ce05af3e66945ce30c03f1dd9d148a845d6491b0c9f8368acc211b321da7063",
        "4e064f8ce7a1aa3e95666117eaab5afbd515be5e94ea25ea037c9c803819ae69",
        "50084aae0fe117c83ddf855557dde35ae2872e9045443a15f72aa6c68ea3943b",
        "59b60a06b729bf429bb984f2ce93dd9be08e013fdc59bfb39493114ad31a79d3",
        "5f95ed849bafb034c37e340dc06ad6fa6985d674714cb602a6bf11119ffba2a1",
        "7b564612c125cd62c00c066ef4721fae1179a27238cd398b16f9813239fb248a",
        "86c81555a3dda45aa7b151c574dc27f7402c23d9b1432156f1daa6c2e15f9891",
        "9cf05f3cc08b78654652fb2494d9b2beab8803b723cf1c36e1abaab7427f3823",
        "9f5632e3d8846ae2cde2366b77e4690dec595ec3b932b7713c905187d4fd181c",
        "afc5911fd9722b3dc5e8b16a552997510644a52d2b229c3868fb1910b112416e",
        "b7a980854cf2772e2c4b418df0ffee5add68c8f46926af9c92c9c01c79049324",
        "bc8c6814ddd5b9b6ef6415c656c9e7b9e05e029cc19b954b7160dc2928a12caf",
        "bfeb52fefb3cf93d06e6c146dd4a16e88f5ab1e9777bd95b0b6160cd2aba565a",
        "c0f418890817b3e6deb58fa3182bf8ed7619242666a9087eab28f27a6876e1da",
        "c2e77cabf40490a8419d35b47bee2dc9f7759f004d51404ba617e7c4b14eb4ec",
        "c77a39b4525f80edda58f3653424fb334c34eb733cbd14fbeaeac7df883b12a1",
        "dc18975713da65e4874577c67f56aa674c9ecf61d3f75eadbde061e8924e423a",
        "df8bea6fea4f124ef988d71c79c6aef5828f42a1456113324896414424ed6c58",
        "e4b768874f191321f9a6460e15f87e98800c78c1e3104f9d4e443f2ed9b1c45e",
        "e557d7869559924326c5ab88fc19eca604694be2ff5df2e6b6443e1974b54525",
        "e731b9f36a18d4ba17b453e27db4210d02a1433ae08c21f6b5ba57df6d4efcfe",
        "e96749dcafbe24c60e422fc27dc3eb47578d1981ec1dc5356995414656490892",
        "ed24a65f4e1c377d7d0176e51c4000506f04df0d07df7a229f9ed9e69aa0a2e0",
        "f2ad79a1a9ff7bedacf8380f1e1e764d3f6094ad16eae974d1ef20df22e764bf",
        "fb8fa9816cd42974e7f1af671aa548c8c458553364ed809e45042f141de8c0d5",
        "fdee6a1cfaa9aa1219c9d6117e5850b5ad2fecd91580ef60947ebaeda9da0fe6",
    ]

    @Test func snapshotLayoutsAreExactlyTheSequencers() throws {
        let texts: [JSON] = SnapshotVoteVariant.all.map { variant in
            let types: JSON = ["Vote": .array(variant.fields.map { ["name": .string($0.name), "type": .string($0.type)] })]
            return .string(types.serialized())
        }
        let hashes = try #require(try PythonOracle.run("sha256-texts", input: .array(texts)).arrayValue).compactMap(\.stringValue)
        #expect(hashes.count == 36)
        #expect(Set(hashes) == Self.snapshotVoteTypeHashes)
    }

    static func context(for c: JSON) throws -> (VoteValidator, ValidationContext) {
        let ctx = c["context"]!
        let system = VotingSystem(rawValue: c["system"]!.stringValue!)!
        if c["kind"]!.stringValue! == "snapshot-vote" {
            let timestamp = UInt64(ctx["timestamp"]!.number!)!
            let proposal = ProposalContext(
                snapshot: .init(
                    space: ctx["space"]!.stringValue!, proposal: ctx["proposal"]!.stringValue!,
                    chainId: UInt256(UInt64(ctx["chainId"]!.number!)!)),
                rules: try TallyRules(system: system, choices: ["a", "b", "c", "d", "e"]),
                window: .snapshot(start: timestamp - 1_000, end: timestamp + 1_000))
            return (VoteValidator(proposal: proposal), ValidationContext(blockNumber: 1, timestamp: timestamp))
        }
        let governor = ProposalContext.Governor(
            chainId: UInt256(UInt64(ctx["chainId"]!.number!)!), governor: try Address(ctx["governor"]!.stringValue!),
            name: ctx["name"]!.stringValue!, version: ctx["version"]!.stringValue,
            proposalId: try UInt256(decimal: ctx["proposalId"]!.stringValue!))
        let proposal = ProposalContext(
            governor: governor, rules: try TallyRules(system: .basic, choices: []),
            window: .governor(snapshot: 100, deadline: 200, clock: .blockNumber))
        return (VoteValidator(proposal: proposal), ValidationContext(blockNumber: 150, timestamp: 1_000))
    }

    static func validate(
        _ body: JSON, _ validator: VoteValidator, _ context: ValidationContext, voter: Address
    ) async throws -> Result<
        AcceptedVote, VoteRejection
    > {
        try await validator.validate(
            Array(body.serialized().utf8), context: context, signatures: NoContractSignatures(), power: FixedVotingPower([voter: 1_000]))
    }

    @Test func ethAccountBallotsVerifyAndEveryFlipIsRejected() async throws {
        let cases = try #require(try PythonOracle.run("ballot-gen", seed: 5, count: 216).arrayValue)
        #expect(cases.count == 216)
        var failures: [String] = []
        var kinds: [String: Int] = [:], compact = 0, layouts = Set<String>(), flips = 0, foreign = 0
        for (i, c) in cases.enumerated() {
            let (validator, context) = try Self.context(for: c)
            let voter = try Address(c["address"]!.stringValue!)
            let body = c["body"]!
            switch try await Self.validate(body, validator, context, voter: voter) {
            case .failure(let rejection):
                failures.append("case \(i) (\(c["kind"]!)): \(rejection)")
                continue
            case .success(let vote):
                if vote.id.description != c["digest"]!.stringValue! { failures.append("case \(i): id \(vote.id) is not the digest") }
                if vote.voter != voter { failures.append("case \(i): voter \(vote.voter)") }
                let isCompact = c["compact"] == .bool(true)
                if vote.signature != (isCompact ? .compact : .ecdsa) { failures.append("case \(i): signature kind \(vote.signature)") }
                compact += isCompact ? 1 : 0
                kinds[vote.kind, default: 0] += 1
            }
            let envelope = try BallotEnvelope.parse(Array(body.serialized().utf8))
            if case .snapshot(let vote) = envelope.body { layouts.insert(vote.variant.typeString) }
            for (path, mutated) in Self.flips(of: body) {
                flips += 1
                if case .success = try await Self.validate(mutated, validator, context, voter: voter) {
                    failures.append("case \(i): flipping \(path) was accepted")
                }
            }
            for f in c["foreign"]!.arrayValue! {
                foreign += 1
                let expected = f["reason"]!.stringValue!
                switch try await Self.validate(f["body"]!, validator, context, voter: voter) {
                case .success: failures.append("case \(i): a ballot for another \(expected) was accepted")
                case .failure(let rejection) where rejection.reason.rawValue != expected:
                    failures.append("case \(i): expected \(expected), got \(rejection)")
                default: break
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(8))")
        #expect(kinds["oz-ballot"]! > 0 && kinds["oz-extended-ballot"]! > 0 && kinds["bravo-ballot"]! > 0 && kinds["snapshot-vote"] == 108)
        #expect(layouts.count == 36)
        #expect(compact > 20)
        #expect(flips > 1_000 && foreign > 300)
    }

    /// Every signed field, domain field and the signature, each changed to another value of its type.
    static func flips(of body: JSON) -> [(String, JSON)] {
        let snapshotForm = body["data"] != nil
        let typed = (snapshotForm ? body["data"]! : body).objectValue!
        var out: [(String, JSON)] = []
        func rebuild(_ newTyped: JSONObject) -> JSON {
            if snapshotForm {
                var b = body.objectValue!
                b["data"] = .object(newTyped)
                return .object(b)
            }
            return .object(newTyped)
        }
        let primary = typed["primaryType"]?.stringValue ?? "Vote"
        let fieldTypes = Dictionary(
            uniqueKeysWithValues: typed["types"]![primary]!.arrayValue!.map { ($0["name"]!.stringValue!, $0["type"]!.stringValue!) })
        for section in ["message", "domain"] {
            for (name, value) in typed[section]!.objectValue! {
                let type =
                    section == "message"
                    ? fieldTypes[name]!
                    : ["name": "string", "version": "string", "chainId": "uint256", "verifyingContract": "address"][name]!
                var t = typed
                var s = t[section]!.objectValue!
                s[name] = mutate(value, type: type)
                t[section] = .object(s)
                out.append(("\(section).\(name)", rebuild(t)))
            }
        }
        let signatureKey = snapshotForm ? "sig" : "signature"
        let container = snapshotForm ? body.objectValue! : typed
        var signature = Array(container[signatureKey]!.stringValue!)
        signature[10] = signature[10] == "0" ? "1" : "0"
        var b = body.objectValue!
        b[signatureKey] = .string(String(signature))
        out.append(("signature", .object(b)))
        return out
    }

    static func mutate(_ value: JSON, type: String) -> JSON {
        switch type {
        case _ where type.hasPrefix("uint") && !type.hasSuffix("]"):
            let text = value.number ?? value.stringValue!
            let next = (try! UInt256(parsing: text)) + 1
            return value.number != nil ? .number(next.description) : .string(next.description)
        case "address":
            var chars = Array(value.stringValue!.lowercased())
            chars[chars.count - 1] = chars.last == "0" ? "1" : "0"
            return .string(String(chars))
        case "bytes32":
            var chars = Array(value.stringValue!)
            chars[chars.count - 1] = chars.last == "0" ? "1" : "0"
            return .string(String(chars))
        case "bytes": return .string(value.stringValue! + "00")
        case "uint32[]":
            let items = value.arrayValue!
            return items.isEmpty ? [1] : .array([.number(String(Int(items[0].number!)! % 5 + 1))] + items.dropFirst())
        default:
            let text = value.stringValue!
            if text.hasPrefix("0x"), text.count == 42 { return mutate(value, type: "address") }
            return .string(text + "x")
        }
    }
}
