import Ethereum
import Governance

/// The bot's signature binding an export's header to the result it heads: made when the bot
/// tallies, stored with the result, and written into every export of the proposal.
///
/// EIP-712 type (domain `{name: "Plenum", version: "1", chainId}`):
/// `PlenumExport(string proposal,bytes32 header,bytes32 result)`, where `header` is keccak256 of the
/// header's UTF-8 text and `result` the signed `TallyResult`'s EIP-712 digest.
public struct ExportAnchor: Hashable, Sendable {
    /// The header's text, exactly as hashed.
    public let header: String
    /// The result's typed data (the `TallyResult` document the bot signed, without its signature).
    public let resultTypedData: JSON
    /// The bot's signature over the `PlenumExport` digest.
    public let signature: Signature

    public init(header: String, resultTypedData: JSON, signature: Signature) {
        self.header = header
        self.resultTypedData = resultTypedData
        self.signature = signature
    }

    public static let primaryType = "PlenumExport"

    /// keccak256 of the header text's UTF-8 bytes.
    public static func headerHash(_ text: String) -> Hash32 { Keccak256.hash(Array(text.utf8)) }

    /// The `PlenumExport` typed data binding `proposal`, the header's hash and the result's digest.
    public static func typedDataJSON(proposal: String, headerHash: Hash32, resultDigest: Hash32, chainId: UInt64) -> JSON {
        [
            "types": [
                "EIP712Domain": [
                    ["name": "name", "type": "string"], ["name": "version", "type": "string"], ["name": "chainId", "type": "uint256"],
                ],
                "PlenumExport": [
                    ["name": "proposal", "type": "string"], ["name": "header", "type": "bytes32"], ["name": "result", "type": "bytes32"],
                ],
            ],
            "primaryType": .string(primaryType),
            "domain": ["name": "Plenum", "version": "1", "chainId": .string(String(chainId))],
            "message": [
                "proposal": .string(proposal), "header": .string(headerHash.description), "result": .string(resultDigest.description),
            ],
        ]
    }

    /// The digest the bot signs.
    public static func digest(proposal: String, headerHash: Hash32, resultDigest: Hash32, chainId: UInt64) throws -> Hash32 {
        try TypedData(json: typedDataJSON(proposal: proposal, headerHash: headerHash, resultDigest: resultDigest, chainId: chainId))
            .digest()
    }

    /// Signs `header` and `result` with the bot's key.
    public static func sign(header: ExportHeader, result: TallyResult, key: PrivateKey) throws -> ExportAnchor {
        let text = header.text
        let digest = try digest(
            proposal: header.proposal, headerHash: headerHash(text), resultDigest: try result.digest(), chainId: header.chainId)
        return ExportAnchor(header: text, resultTypedData: try result.typedDataJSON(), signature: key.sign(digest: digest))
    }

    /// `{"header": text, "result": typed data, "signature": "0x…"}` (stored with the proposal).
    public var json: JSON {
        ["header": .string(header), "result": resultTypedData, "signature": .string(signature.description)]
    }

    public init(json: JSON) throws {
        guard let header = json["header"]?.stringValue, let result = json["result"], let s = json["signature"]?.stringValue else {
            throw RulesDecodingError(what: "export anchor")
        }
        self.init(header: header, resultTypedData: result, signature: try Signature(hex: s))
    }
}
