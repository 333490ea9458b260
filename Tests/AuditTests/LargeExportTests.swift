import Audit
import AuditTesting
import Ethereum
import Foundation
import PlenumTesting
import Testing

/// A generated export of signed ballots re-tallies to its signed result, the same way every
/// time and with one worker or two; and the CLI reads it.
@Suite("re-tally of a large generated export")
struct LargeExportTests {
    /// Made once: 2,000 ballots from 200 voters, a size a debug build signs and re-tallies in seconds
    /// (the benchmark, in release, runs 1,000,000 ballots from 100,000 voters).
    static let export = Task<(TemporaryDirectory, String, ExportGenerator.Summary), any Error> {
        let dir = try TemporaryDirectory()
        let file = dir.file("generated.jsonl")
        let summary = try await ExportGenerator.generate(to: file, configuration: .init(ballots: 2_000, voters: 200))
        return (dir, file, summary)
    }

    @Test func identicalResultsBetweenRunsAndBetweenOneAndTwoWorkers() async throws {
        let (_, file, summary) = try await Self.export.value
        var digests: [String] = []
        var reports: [String] = []
        for workers in [2, 1, 2] {
            var options = Retally.Options(workers: workers)
            options.bot = summary.bot
            let outcome = try await Retally.run(path: file, options: options)
            #expect(outcome.report.isMatch, "\(workers) worker(s): \(outcome.report.text.suffix(3000))")
            #expect(outcome.report.recomputedDigest == summary.resultDigest)
            #expect(outcome.report.ballots == 2_000)
            digests.append(outcome.report.recomputedDigest?.description ?? "none")
            var json = outcome.report.json.objectValue!
            json["seconds"] = nil
            json["workers"] = nil
            reports.append(JSON.object(json).serialized())
        }
        #expect(Set(digests).count == 1, "\(digests)")
        #expect(Set(reports).count == 1, "the whole report is the same with 1 and 2 workers")
    }

    @Test func theGeneratorIsDeterministic() async throws {
        let (dir, file, _) = try await Self.export.value
        let again = dir.file("again.jsonl")
        _ = try await ExportGenerator.generate(to: again, configuration: .init(ballots: 300, voters: 50))
        let third = dir.file("third.jsonl")
        _ = try await ExportGenerator.generate(to: third, configuration: .init(ballots: 300, voters: 50))
        #expect(FileManager.default.contentsEqual(atPath: again, andPath: third))
        #expect(!FileManager.default.contentsEqual(atPath: again, andPath: file))
    }

    @Test func theCLIReTalliesItAndPrintsPerCheckCounts() async throws {
        let (_, file, summary) = try await Self.export.value
        let result = try await PlenumBinary.runDetached(["retally", "--threads", "2", "--bot", summary.bot.checksummed, file])
        #expect(result.status == 0, "\(result.stdoutText.suffix(3000)) \(result.stderrText)")
        #expect(result.stdoutText.contains("verdict: match"))
        #expect(result.stdoutText.contains("ballot") && result.stdoutText.contains("2000 ballots"))
        // Another bot's address: the export is not that bot's.
        let other = try await PlenumBinary.runDetached(["retally", "--bot", PrivateKey.generate().address.checksummed, file])
        #expect(other.status == 1)
        #expect(other.stdoutText.contains("header-signature"))
    }
}
