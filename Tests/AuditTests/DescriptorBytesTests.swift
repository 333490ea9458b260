import Audit
import AuditTesting
import Foundation
import PlenumTesting
import Testing

/// The bot's descriptor must announce the header's proposal in the same bytes: voters build their
/// ballots from it (the Snapshot space, the governor's domain name), so a spelling Swift's `==`
/// calls equal but that signs differently is a descriptor mismatch, never a clean re-tally.
@Suite("re-tally: the descriptor agrees with the header byte for byte")
struct DescriptorBytesTests {
    static func retally(channel: String, announced: String?) async throws -> RetallyReport {
        let dir = try TemporaryDirectory()
        let file = dir.file("export.jsonl")
        var configuration = ExportGenerator.Configuration(ballots: 4, voters: 2)
        configuration.channel = channel
        configuration.announcedChannel = announced
        let summary = try await ExportGenerator.generate(to: file, configuration: configuration)
        var options = Retally.Options(workers: 1)
        options.bot = summary.bot
        return try await Retally.run(path: file, options: options).report
    }

    @Test func aRespelledChannelIsADescriptorMismatch() async throws {
        // KELVIN SIGN and "K": equal to Swift's ==, different bytes.
        #expect("\u{212A}bench" == "Kbench")
        let honest = try await Self.retally(channel: "Kbench", announced: nil)
        #expect(honest.isMatch, "\(honest.text.suffix(2000))")
        let respelled = try await Self.retally(channel: "Kbench", announced: "\u{212A}bench")
        #expect(!respelled.isMatch)
        #expect(respelled.mismatches.contains { $0.check == .descriptor && $0.found.contains("channel") }, "\(respelled.text.suffix(2000))")
    }
}
