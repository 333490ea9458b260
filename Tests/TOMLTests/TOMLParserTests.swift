import TOML
import Testing

@Suite("TOML parser")
struct TOMLParserTests {
    @Test func parsesAConfigurationWithLines() throws {
        let doc = try TOMLParser.parse(
            """
            # Plenum
            title = "Plenum \\"bot\\""   # comment
            [storage]
            path = '/var/lib/plenum/db.sqlite'

            [chains.devnet]
            rpc = [
              "http://127.0.0.1:8545",  # primary
              "http://127.0.0.1:8546",
            ]
            confirmations = 5
            poll_interval = 2.5
            big = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
            hex = 0xff_ff
            neg = -1_000
            on = true
            point = { x = 1, y.z = "two" }

            [[webhooks]]
            url = "https://a.example"
            [[webhooks]]
            url = "https://b.example"
            text = \"\"\"
            line one
            line two\"\"\"
            """)
        #expect(doc["title"]?.value == .string("Plenum \"bot\""))
        guard case .table(let chains)? = doc["chains"]?.value, case .table(let devnet)? = chains["devnet"]?.value else {
            Issue.record("no chains.devnet"); return
        }
        #expect(devnet["confirmations"] == TOMLNode(.integer(5), line: 11))
        guard case .array(let rpc)? = devnet["rpc"]?.value else { Issue.record("rpc"); return }
        #expect(rpc.map(\.value) == [.string("http://127.0.0.1:8545"), .string("http://127.0.0.1:8546")])
        #expect(rpc.map(\.line) == [8, 9])
        #expect(devnet["hex"]?.value == .integer(0xffff))
        #expect(devnet["neg"]?.value == .integer(-1000))
        #expect(devnet["poll_interval"]?.value == .float(2.5))
        guard case .table(let point)? = devnet["point"]?.value, case .table(let y)? = point["y"]?.value else {
            Issue.record("point")
            return
        }
        #expect(y["z"]?.value == .string("two"))
        guard case .array(let hooks)? = doc["webhooks"]?.value, hooks.count == 2, case .table(let second) = hooks[1].value else {
            Issue.record("webhooks"); return
        }
        #expect(hooks.map(\.line) == [19, 21])
        #expect(second["text"]?.value == .string("line one\nline two"))
    }

    @Test(arguments: [
        ("a = 1\na = 2", 2, "defined twice"),
        ("[t]\n[t]", 2, "defined twice"),
        ("a = \"unterminated", 1, "unterminated"),
        ("a = 1 2", 1, "unexpected text"),
        ("a = 1979-05-27", 1, "dates"),
        ("a = 99999999999999999999", 1, "out of range"),
        ("a = [1, 2", 1, "unterminated array"),
        ("a.b = 1\na = 2", 2, "defined twice"),
        ("x = 1\n\n= 3", 3, "key"),
        ("a = 'x\ny'", 1, "newline"),
        ("a = 01", 1, "invalid integer"),
        ("a = \"\\q\"", 1, "invalid escape"),
        ("a = 1\n[a]", 2, "already a value"),
    ])
    func errorsNameTheLine(text: String, line: Int, mentions: String) {
        do {
            _ = try TOMLParser.parse(text)
            Issue.record("accepted: \(text)")
        } catch let error as TOMLError {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(mentions), "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func randomInputNeverCrashes() {
        var state: UInt64 = 3
        let alphabet = Array("ab=[]{}\"'.,#\n 01x_-+e\\".utf8)
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...30) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            _ = try? TOMLParser.parse(String(decoding: bytes, as: UTF8.self))
        }
    }
}
