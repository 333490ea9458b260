import ArgumentParser
import Bot
import Ethereum

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recover and check the signer of a signed EIP-712 or EIP-191 document.",
        discussion: """
            Input: {"domain", "types", "primaryType", "message", "signature"} (EIP-712) or
            {"message": "text", "signature": "0x…"} (EIP-191). Prints the signer's EIP-55 address.
            For a bot's PlenumReceipt it then prints what the receipt attests: the proposal, the group,
            the ballot's sequence number in the group and its log hash, the status and the weight.
            Exit status: 0 verified; 1 the signature does not verify (non-canonical, unrecoverable)
            or the signer is not --expect; 2 the input is malformed.
            """
    )

    @Flag(help: "Print {\"signer\", \"digest\", \"scheme\"} as JSON (and \"receipt\" for a PlenumReceipt).")
    var json = false

    @Option(name: .long, help: "Exit 1 unless the signer is this address.")
    var expect: String?

    @Argument(help: "Input file, or - for standard input.")
    var input: String?

    func run() throws {
        try CLIIO.run {
            var expected: Ethereum.Address?
            if let expect {
                do { expected = try Ethereum.Address(expect) } catch { throw CLIFailure.input("--expect: \(error)") }
            }
            let document = try SignableDocument(bytes: try CLIIO.readInput(input), allowPlainText: false)
            let signer = try document.recoverSigner()
            let receipt = Self.receipt(in: document)
            if json {
                var out = JSONObject([
                    ("signer", .string(signer.checksummed)), ("digest", .string(try document.digest().description)),
                    ("scheme", .string(document.scheme.rawValue)),
                ])
                if let receipt { out["receipt"] = Self.receiptJSON(receipt) }
                print(JSON.object(out).serialized())
            } else {
                print(signer.checksummed)
                if let receipt { print(Self.receiptText(receipt)) }
            }
            if let expected, expected != signer {
                throw CLIFailure.check("signer \(signer.checksummed) is not the expected \(expected.checksummed)")
            }
        }
    }

    /// The receipt a `PlenumReceipt` document carries; nil for any other document (and for one whose
    /// fields do not read as a receipt, which is still verified as plain typed data).
    static func receipt(in document: SignableDocument) -> Receipt? {
        guard document.scheme == .eip712, document.typedData?.primaryType == Receipt.primaryType else { return nil }
        return try? Receipt(signedDocument: .object(document.members))
    }

    static func receiptJSON(_ r: Receipt) -> JSON {
        .object(
            JSONObject([
                ("proposal", .string(r.proposal)), ("group", .string(r.group)), ("sequence", .number(String(r.sequence))),
                ("logHead", .string(r.logHead.description)), ("ballot", .string(r.ballot.description)), ("status", .string(r.status)),
                ("reason", .string(r.reason)), ("choice", .string(r.choice)), ("weight", .string(r.weight.description)),
                ("chainId", .number(String(r.chainId))),
            ]))
    }

    static func receiptText(_ r: Receipt) -> String {
        let outcome =
            r.status == "counted" ? "counted: choice \(r.choice), weight \(r.weight)" : "\(r.status): \(r.reason.isEmpty ? "-" : r.reason)"
        return
            "receipt: proposal \(r.proposal), group \(r.group), ballot sequence \(r.sequence) (log hash \(r.logHead)), ballot \(r.ballot), \(outcome)"
    }
}
