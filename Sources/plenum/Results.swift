import ArgumentParser
import Ethereum
import Foundation
import PlenumService

struct Results: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show signed results from the bot's database and check their signatures.", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a proposal's signed result and verify its signature against the bot's address.",
            discussion: """
                The digest is recomputed from the result's EIP-712 typed data and the signer recovered from
                it must be the bot: the address of the configured [bot] key (a keystore's password comes
                from [bot] password_file or PLENUM_KEY_PASSWORD), or --signer. Exit status: 0 verified;
                1 the signature does not verify, or the proposal has no result yet; 2 unusable input.
                With --json: the admin API's result document plus "verification".
                """)

        @Argument(help: "A proposal key (gov:… or poll:…), a governor proposal id, or a poll id.")
        var id: String

        @Option(name: .long, help: "Check against this address instead of the configured bot key's.")
        var signer: String?

        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await AdminCLI.run {
                let (configuration, queries) = try AdminCLI.queries(config: options.config)
                let expected = try botAddress(configuration)
                let (proposal, signed) = try await queries.result(id)
                let verification = ResultVerification(signed, expected: expected)
                if options.json {
                    var document = try AdminJSON.result(signed).objectValue!
                    document["verification"] = verification.json
                    AdminCLI.printJSON(.object(document))
                } else {
                    print(AdminText.result(proposal, signed))
                    print(
                        verification.isValid
                            ? "verified:   signed by the bot \(expected.checksummed)"
                            : "NOT VERIFIED: \(verification.problem ?? "")")
                }
                if let problem = verification.problem { throw CLIFailure.check("result signature: \(problem)") }
            }
        }

        func botAddress(_ configuration: PlenumConfiguration) throws -> Ethereum.Address {
            if let signer {
                do { return try Ethereum.Address(signer) } catch { throw CLIFailure.input("--signer: \(error)") }
            }
            guard let bot = configuration.bot else {
                throw CLIFailure.input("\(configuration.file) has no [bot] key to check the signature against; give --signer ADDRESS")
            }
            // [bot] password_file as plenum serve reads it (whitespace around it ignored), else PLENUM_KEY_PASSWORD.
            let password: () throws -> String = {
                guard let file = bot.passwordFile else { return try CLIIO.password(file: nil)() }
                return String(decoding: try KeyFile.readPrivateFile(path: file), as: UTF8.self).trimmingCharacters(
                    in: .whitespacesAndNewlines)
            }
            return try KeyFile.read(path: bot.keyFile, password: password).address
        }
    }
}
