import Bot
import Ethereum
import Testing

/// The receipt's digest is hashed straight from its fields (the re-tally checks one per ballot):
/// it must be exactly the EIP-712 digest of its typed data, which wallets and `plenum verify` compute.
@Suite("receipt digests")
struct ReceiptDigestTests {
    @Test(arguments: [0, 1, 7, 1_000_000, UInt64.max])
    func theDirectDigestIsTheTypedDataDigest(_ n: UInt64) throws {
        let receipt = Receipt(
            proposal: "gov:1:0xabc:\(n)", ballot: Keccak256.hash("ballot \(n)"), group: "group-\(n % 7)", sequence: n,
            logHead: Keccak256.hash("head \(n)"), status: n % 2 == 0 ? "counted" : "rejected", reason: n % 2 == 0 ? "" : "wrong-signer",
            choice: n % 2 == 0 ? "{\"1\":2,\"3\":1}" : "", weight: UInt256(n) * UInt256(1_000_000_007), chainId: n % 5 + 1)
        #expect(try receipt.digest() == (try TypedData(json: receipt.typedDataJSON).digest()))
        // A signed document reads back, also with its members reordered (then compared by digest).
        let key = PrivateKey.generate()
        let signed = try receipt.signed(with: key)
        #expect(try Receipt(signedDocument: signed, signer: key.address) == receipt)
        var reordered = JSONObject()
        for (k, v) in signed.objectValue!.members.reversed() { reordered[k] = v }
        #expect(try Receipt(signedDocument: .object(reordered), signer: key.address) == receipt)
        #expect(throws: ReceiptError.badSignature) { try Receipt(signedDocument: signed, signer: PrivateKey.generate().address) }
    }
}
