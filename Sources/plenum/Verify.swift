import ArgumentParser
import Ethereum

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recover and check the signer of a signed EIP-712 or EIP-191 document.",
        discussion: """
            Input: {"domain", "types", "primaryType", "message", "signature"} (EIP-712) or
            {"message": "text", "signature": "0x…"} (EIP-191). Prints the signer's EIP-55 address.
            Exit status: 0 verified; 1 the signature does not verify (non-canonical, unrecoverable)
            or the signer is not --expect; 2 the input is malformed.
            """
    )

    @Flag(help: "Print {\"signer\", \"digest\", \"scheme\"} as JSON.")
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
            if json {
                let out: JSON = [
                    "signer": .string(signer.checksummed), "digest": .string(try document.digest().description),
                    "scheme": .string(document.scheme.rawValue),
                ]
                print(out.serialized())
            } else {
                print(signer.checksummed)
            }
            if let expected, expected != signer {
                throw CLIFailure.check("signer \(signer.checksummed) is not the expected \(expected.checksummed)")
            }
        }
    }
}
