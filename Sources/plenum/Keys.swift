import ArgumentParser
import Ethereum

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create private key files and show their addresses.",
        subcommands: [New.self, Address.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new private key in a file readable only by you (mode 0600).",
            discussion:
                "Prints the new key's address. The file holds the key as 0x-prefixed hex, or with --keystore an encrypted Web3 Secret Storage (v3) file. An existing file is never overwritten."
        )

        @Option(name: .long, help: "Where to write the key (must not exist).")
        var out: String

        @Flag(help: "Write an encrypted keystore v3 file instead of plain hex.")
        var keystore = false

        @Option(name: .long, help: "File holding the keystore password (else PLENUM_KEY_PASSWORD).")
        var passwordFile: String?

        @Flag(help: "Use light scrypt parameters (n = 4096) for a keystore: fast, for tests only.")
        var lightKdf = false

        func run() throws {
            try CLIIO.run {
                let key = PrivateKey.generate()
                if keystore {
                    let password = try CLIIO.password(file: passwordFile)()
                    let kdf: Keystore.KDF = lightKdf ? .scrypt(n: 4096, r: 8, p: 1) : .scrypt(n: 1 << 18, r: 8, p: 1)
                    let file = try Keystore(encrypting: key, password: password, kdf: kdf)
                    try KeyFile.writePrivateFile(path: out, contents: Array((file.json.serialized() + "\n").utf8))
                } else {
                    try KeyFile.write(key, to: out)
                }
                print(key.address.checksummed)
            }
        }
    }

    struct Address: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the EIP-55 address of a key file.")

        @Argument(help: "A key file (hex or keystore v3).")
        var file: String

        @Option(name: .long, help: "File holding the keystore password (else PLENUM_KEY_PASSWORD).")
        var passwordFile: String?

        func run() throws {
            try CLIIO.run {
                let key = try KeyFile.read(path: file, password: CLIIO.password(file: passwordFile))
                print(key.address.checksummed)
            }
        }
    }
}
