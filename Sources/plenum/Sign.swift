import ArgumentParser
import Ethereum

struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign EIP-712 typed data or an EIP-191 message with a key file.",
        discussion: """
            Input (a file, or - for standard input): EIP-712 typed data as wallets sign it
            ({"types", "primaryType", "domain", "message"}), {"message": "text"} for EIP-191, or any
            other text, which is signed as an EIP-191 message byte for byte (a trailing newline included).
            Output: the input JSON with a "signature" member, ready for `plenum verify`.
            """
    )

    @Option(name: .long, help: "The signing key file (hex or keystore v3).")
    var key: String

    @Option(name: .long, help: "File holding the keystore password (else PLENUM_KEY_PASSWORD).")
    var passwordFile: String?

    @Option(name: .long, help: "Sign this text as an EIP-191 message instead of reading input.")
    var message: String?

    @Flag(help: "Print only the 0x signature.")
    var signatureOnly = false

    @Argument(help: "Input file, or - for standard input.")
    var input: String?

    func run() throws {
        try CLIIO.run {
            let signer = try KeyFile.read(path: key, password: CLIIO.password(file: passwordFile))
            let document: SignableDocument
            if let message {
                guard input == nil else { throw CLIFailure.input("give either --message or an input file, not both") }
                document = SignableDocument(text: message)
            } else {
                document = try SignableDocument(bytes: try CLIIO.readInput(input), allowPlainText: true)
            }
            let signed = try document.signed(with: signer)
            print(signatureOnly ? signed["signature"]!.stringValue! : signed.serialized())
        }
    }
}
