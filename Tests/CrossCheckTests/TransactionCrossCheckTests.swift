import Ethereum
import PlenumTesting
import Testing

@Suite("EIP-1559 transactions against eth-account")
struct TransactionCrossCheckTests {
    @Test func signedTransactionsMatchByteForByte() throws {
        let cases = try #require(try PythonOracle.run("tx-gen", seed: 1559, count: 300).arrayValue)
        #expect(cases.count == 300)
        var failures: [String] = []
        for (i, c) in cases.enumerated() {
            let tx = c["tx"]!
            func u(_ k: String) throws -> UInt256 { try UInt256(parsing: tx[k]!.stringValue!) }
            let transaction = EIP1559Transaction(
                chainId: try u("chainId").uint64Value!, nonce: try u("nonce").uint64Value!,
                maxPriorityFeePerGas: try u("maxPriorityFeePerGas"),
                maxFeePerGas: try u("maxFeePerGas"), gasLimit: try u("gas").uint64Value!, to: try Address(tx["to"]!.stringValue!),
                value: try u("value"), data: try Hex.decode(tx["data"]!.stringValue!))
            let key = try PrivateKey(hex: c["key"]!.stringValue!)
            if Hex.encode(transaction.signed(with: key)) != c["raw"]!.stringValue! { failures.append("case \(i): raw differs") }
            if transaction.hash(signedWith: key).description != c["hash"]!.stringValue! { failures.append("case \(i): hash differs") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }
}
