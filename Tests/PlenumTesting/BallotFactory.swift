import Ethereum

/// Signed ballots as members' wallets make them, for tests.
public enum BallotFactory {
    /// An OpenZeppelin `Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)` under the
    /// governor's domain, in the wallet JSON form with its signature.
    public static func governorBallot(
        signer: PrivateKey, voter: Address? = nil, governorName: String, chainId: UInt64, governor: Address, proposalId: String,
        support: Int,
        nonce: Int = 0
    ) throws -> String {
        let typed: JSON = [
            "types": [
                "EIP712Domain": [
                    ["name": "name", "type": "string"], ["name": "version", "type": "string"], ["name": "chainId", "type": "uint256"],
                    ["name": "verifyingContract", "type": "address"],
                ],
                "Ballot": [
                    ["name": "proposalId", "type": "uint256"], ["name": "support", "type": "uint8"], ["name": "voter", "type": "address"],
                    ["name": "nonce", "type": "uint256"],
                ],
            ],
            "primaryType": "Ballot",
            "domain": [
                "name": .string(governorName), "version": "1", "chainId": .number(String(chainId)),
                "verifyingContract": .string(governor.checksummed),
            ],
            "message": [
                "proposalId": .string(proposalId), "support": .number(String(support)),
                "voter": .string((voter ?? signer.address).checksummed),
                "nonce": .number(String(nonce)),
            ],
        ]
        var object = typed.objectValue!
        object["signature"] = .string(try signer.signTypedData(try TypedData(json: typed)).description)
        return JSON.object(object).serialized()
    }
}
