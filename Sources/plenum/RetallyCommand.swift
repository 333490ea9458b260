import ArgumentParser
import Audit
import Ethereum
import Foundation

struct RetallyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retally",
        abstract: "Re-verify an export offline and reproduce its signed result.",
        discussion: """
            Reads the export (docs/audit-format.md) and nothing else: no database, no configuration,
            no network unless --rpc. Re-verifies the hash chain, every message signature, every
            ballot's validity and weight, every receipt the bot posted, recomputes the tally and
            compares it with the bot's signed result field by field, and checks the bot's signatures
            over the result and the header. --receipt FILE (repeatable) checks that a receipt a voter
            holds is the bot's and that its ballot stands in the export at the receipted position.
            --rpc URL re-reads the proposal's log, the pinned blocks, every voting power and the quorum
            from a node at the recorded block hashes. Prints per-check counts and a verdict (--json:
            the report as one JSON document). Signature checks run on --threads workers (all cores by
            default); a progress bar shows on a terminal for large files.
            Exit status: 0 everything matches; 1 a mismatch (each listed: check, line, message,
            expected and found); 2 the input is unreadable.
            """)

    @Argument(help: "The export file (JSON Lines).")
    var file: String

    @Option(name: .long, help: "Also re-read the chain from this JSON-RPC endpoint, at the recorded block hashes.")
    var rpc: String?

    @Option(name: .long, help: "A signed receipt a voter holds (repeatable).")
    var receipt: [String] = []

    @Option(name: .long, help: "The bot's address as you know it: the export must be signed by it.")
    var bot: String?

    @Option(name: .long, help: "Worker threads for signature checks (default: all cores).")
    var threads: Int?

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        var options = Retally.Options(workers: threads ?? Retally.cores)
        do {
            if let bot { options.bot = try Ethereum.Address(bot) }
        } catch {
            CLIIO.printError("--bot: \(error)")
            throw ExitCode(2)
        }
        for path in receipt {
            do {
                let bytes = try CLIIO.readInput(path, limit: 1 << 20)
                options.receipts.append((path, try JSONParser.parse(String(decoding: bytes, as: UTF8.self))))
            } catch let failure as CLIFailure {
                CLIIO.printError("--receipt \(path): \(failure.message)")
                throw ExitCode(2)
            } catch {
                CLIIO.printError("--receipt \(path): not JSON: \(error)")
                throw ExitCode(2)
            }
        }
        options.keepReads = rpc != nil
        let bar = ProgressBar.forStandardError()
        if let bar { options.progress = { done, total in bar.update(done, of: total) } }
        var outcome: Retally.Outcome
        do { outcome = try await Retally.run(path: file, options: options) } catch {
            bar?.finish()
            CLIIO.printError(error.description)
            throw ExitCode(2)
        }
        bar?.finish()
        if let rpc, let header = outcome.header {
            do { try await RetallyChainCheck.run(&outcome, header: header, rpc: rpc) } catch {
                CLIIO.printError("--rpc \(rpc): \(error)")
                throw ExitCode(2)
            }
        }
        print(json ? outcome.report.json.serialized() : outcome.report.text)
        if !outcome.report.isMatch { throw ExitCode(1) }
    }
}
