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
        try signedGovernorBallot(
            signer: signer, voter: voter, governorName: governorName, chainId: chainId, governor: governor, proposalId: proposalId,
            support: support, nonce: nonce
        ).text
    }

    /// The same ballot with its id (the EIP-712 digest the wallet signed).
    public static func signedGovernorBallot(
        signer: PrivateKey, voter: Address? = nil, governorName: String, chainId: UInt64, governor: Address, proposalId: String,
        support: Int,
        nonce: Int = 0
    ) throws -> (text: String, id: Hash32) {
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
        let digest = try TypedData(json: typed).digest()
        var object = typed.objectValue!
        object["signature"] = .string(signer.sign(digest: digest).description)
        return (JSON.object(object).serialized(), digest)
    }
}
