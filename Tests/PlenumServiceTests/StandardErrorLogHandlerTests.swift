import Logging
import PlenumService
import Synchronization
import Testing

/// A text stream that keeps what is written (shared by the handler's copies).
final class CapturedText: TextOutputStream, Sendable {
    private let text = Mutex("")
    func write(_ string: String) { text.withLock { $0 += string } }
    var lines: [Substring] { text.withLock { $0 }.split(separator: "\n") }
}

@Suite("Log lines: the service's handler writes what StreamLogHandler writes")
struct StandardErrorLogHandlerTests {
    /// The same events through both handlers, with metadata set before, between and in the call,
    /// give the same lines (but for the timestamp, which is the time of writing) and nothing for
    /// levels below the logger's.
    @Test func linesAreStreamLogHandlersLines() {
        let ours = CapturedText(), theirs = CapturedText()
        var a = Logger(label: "plenum.test") { StandardErrorLogHandler(label: $0, output: ours) }
        var b = Logger(label: "plenum.test") { StreamLogHandler(label: $0, stream: theirs) }
        a.logLevel = .info
        b.logLevel = .info
        a[metadataKey: "hb.request.id"] = "42"
        b[metadataKey: "hb.request.id"] = "42"
        a.info("first")
        b.info("first")
        a.debug("not written")
        b.debug("not written")
        a[metadataKey: "z"] = .array(["x", .dictionary(["k": "v"])])
        b[metadataKey: "z"] = .array(["x", .dictionary(["k": "v"])])
        a[metadataKey: "hb.request.id"] = nil
        b[metadataKey: "hb.request.id"] = nil
        a.warning("second", metadata: ["call": "yes"])
        b.warning("second", metadata: ["call": "yes"])
        let strip = { (line: Substring) in line.split(separator: " ", maxSplits: 1).last ?? "" }
        #expect(ours.lines.count == 2)
        #expect(ours.lines.map(strip) == theirs.lines.map(strip))
        #expect(ours.lines.last?.hasSuffix(#"warning plenum.test: call=yes z=["x", ["k": "v"]] [PlenumServiceTests] second"#) == true)
    }
}
