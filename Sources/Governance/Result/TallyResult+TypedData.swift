import BigInt
import Ethereum

extension TallyResult {
    /// The EIP-712 type the bot signs. Scores are `uint256` counts of `10^-scoreDecimals` units;
    /// `quorum` is 0 when none applies and `winningChoice` 0 when there is no winner.
    public static let typeFields: [(name: String, type: String)] = [
        ("proposal", "string"), ("system", "string"), ("choices", "string[]"), ("scores", "uint256[]"), ("scoreDecimals", "uint8"),
        ("validWeight", "uint256"), ("invalidWeight", "uint256"), ("validVotes", "uint32"), ("invalidVotes", "uint32"),
        ("voters", "uint32"), ("quorum", "uint256"), ("quorumVotes", "uint256"), ("outcome", "string"), ("winningChoice", "uint32"),
        ("countedVotes", "bytes32"), ("rejectedVotes", "bytes32"), ("logHead", "bytes32"),
    ]

    /// `TallyResult(string proposal,string system,…)`.
    public static var typeString: String {
        "TallyResult(" + typeFields.map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
    }

    /// The domain name and version of result attestations.
    public static let domainName = "Plenum"
    public static let domainVersion = "1"

    /// The typed data in the wallet JSON form (`eth_signTypedData_v4`), which `plenum verify` checks.
    public func typedDataJSON() throws(TallyResultError) -> JSON {
        func uint256(_ field: String, _ value: BigUInt) throws(TallyResultError) -> JSON {
            guard value.bitWidth <= 256 else { throw .doesNotFit(field: field, value: String(value), type: "uint256") }
            return .string(String(value))
        }
        func uint32(_ field: String, _ value: Int) throws(TallyResultError) -> JSON {
            guard value >= 0, value <= Int(UInt32.max) else { throw .doesNotFit(field: field, value: String(value), type: "uint32") }
            return .number(String(value))
        }
        var scores: [JSON] = []
        for (i, score) in self.scores.enumerated() { scores.append(try uint256("scores[\(i)]", score.units)) }
        let message: JSON = .object(
            JSONObject([
                ("proposal", .string(proposal)), ("system", .string(system.rawValue)), ("choices", .array(choices.map { .string($0) })),
                ("scores", .array(scores)), ("scoreDecimals", .number(String(system.scoreDecimals))),
                ("validWeight", try uint256("validWeight", validWeight)), ("invalidWeight", try uint256("invalidWeight", invalidWeight)),
                ("validVotes", try uint32("validVotes", validVotes)), ("invalidVotes", try uint32("invalidVotes", invalidVotes)),
                ("voters", try uint32("voters", voters)), ("quorum", .string((quorum ?? .zero).description)),
                ("quorumVotes", try uint256("quorumVotes", quorumVotes)), ("outcome", .string(outcome.rawValue)),
                ("winningChoice", try uint32("winningChoice", winningChoice ?? 0)), ("countedVotes", .string(countedVotesHash.description)),
                ("rejectedVotes", .string(rejectedVotesHash.description)), ("logHead", .string(logHead.description)),
            ]))
        var domainFields: [JSON] = [["name": "name", "type": "string"], ["name": "version", "type": "string"]]
        var domain = JSONObject([("name", .string(Self.domainName)), ("version", .string(Self.domainVersion))])
        if let chainId {
            domainFields.append(["name": "chainId", "type": "uint256"])
            domain["chainId"] = .string(chainId.description)
        }
        let types: JSON = [
            "EIP712Domain": .array(domainFields),
            "TallyResult": .array(Self.typeFields.map { ["name": .string($0.name), "type": .string($0.type)] }),
        ]
        return ["types": types, "primaryType": "TallyResult", "domain": .object(domain), "message": message]
    }

    /// The parsed typed data.
    public func typedData() throws(TallyResultError) -> TypedData {
        let json = try typedDataJSON()
        do { return try TypedData(json: json) } catch { throw .malformed(field: "typed data", "\(error)") }
    }

    /// The result's digest: the EIP-712 digest of its typed data.
    public func digest() throws(TallyResultError) -> Hash32 {
        let data = try typedData()
        do { return try data.digest() } catch { throw .malformed(field: "typed data", "\(error)") }
    }

    /// Signs the digest with the bot's key.
    public func sign(with key: PrivateKey) throws(TallyResultError) -> Signature {
        key.sign(digest: try digest())
    }

    /// Checks that `signature` over this result was made by `signer`.
    public func verify(signature: Signature, signer: Address) throws(TallyResultError) {
        let recovered: Address
        do { recovered = try signature.recoverAddress(digest: try digest()) } catch let error as TallyResultError { throw error } catch {
            throw .badSignature("\(error)")
        }
        guard recovered == signer else { throw .badSignature("signed by \(recovered), not \(signer)") }
    }
}
