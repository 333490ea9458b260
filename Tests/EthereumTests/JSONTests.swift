import Ethereum
import Testing

@Suite("Strict JSON")
struct JSONTests {
    @Test func parsesAndKeepsBigNumbersAndOrder() throws {
        let json = try JSONParser.parse(
            #"{"b": 115792089237316195423570985008687907853269984665640564039457584007913129639935, "a": [true, null, -0.5e+3, "\u00e9\ud83d\ude00"]}"#
        )
        #expect(json.objectValue?.keys == ["b", "a"])
        #expect(json["b"] == .number("115792089237316195423570985008687907853269984665640564039457584007913129639935"))
        #expect(json["a"] == [true, nil, .number("-0.5e+3"), "é😀"])
        #expect(try JSONParser.parse(json.serialized()) == json)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "\"\\x\"", "\"\u{01}\"", "\"\\ud800\"", "\"\\udc00x\"",
        "{\"a\":1,\"a\":2}", "[1] 2", "tru", "{a:1}", "[1 2]", "NaN", "'x'",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONError.self) { try JSONParser.parse(text) }
    }

    /// Keys are bytes: spellings Swift's `==` calls equal are two members, found each by its own
    /// spelling, in small objects and in indexed ones alike.
    @Test func keysAreTheirBytes() throws {
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        for filler in [0, 20] {
            let others = (0..<filler).map { #","k\#($0)":\#($0)"# }.joined()
            let json = try JSONParser.parse(#"{"\#(composed)":1,"\#(decomposed)":2\#(others)}"#)
            let object = try #require(json.objectValue)
            #expect(object.count == 2 + filler)
            #expect(object[composed] == .number("1") && object[decomposed] == .number("2"))
            #expect(object["caf"] == nil)
        }
        #expect(JSON.string(composed) == JSON.string(decomposed) && !JSON.string(composed).hasSameBytes(as: .string(decomposed)))
        #expect(JSON.array([.string("a"), ["k": "v"]]).hasSameBytes(as: [.string("a"), ["k": "v"]]))
    }

    @Test func boundsDepthAndSize() throws {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONError.self) { try JSONParser.parse(deep) }
        #expect(throws: JSONError.self) { try JSONParser.parse("[1,2,3]", limits: .init(maxBytes: 4)) }
        let error = try #require(throws: JSONError.self) { try JSONParser.parse("{\n  \"a\": tru\n}") }
        #expect(error.line == 2 && error.column == 8)
    }

    @Test func escapesOnOutput() throws {
        let value: JSON = ["k": "quote\" back\\ nl\n nul\u{0} é"]
        #expect(value.serialized() == #"{"k":"quote\" back\\ nl\n nul\u0000 é"}"#)
        #expect(try JSONParser.parse(value.serialized()) == value)
    }

    @Test func serializesStringsExactlyAsTheScalarByScalarWriterDid() throws {
        // The reference: the first writer, one Unicode scalar at a time.
        func reference(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{08}": out += "\\b"
                case "\u{0C}": out += "\\f"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        }
        var rng = SeededGenerator(seed: 9)
        let pieces = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\"", "\\", "a", "Z", " ", "é", "€", "😀", "/", "\u{7f}"]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...24, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            let value: JSON = [text: .array([.string(text), .number("1"), .null, .bool(true)])]
            let r = reference(text)
            #expect(value.serialized() == "{\(r):[\(r),1,null,true]}")
            #expect(value.serialized(pretty: true) == "{\n  \(r): [\n    \(r),\n    1,\n    null,\n    true\n  ]\n}")
            #expect(try JSONParser.parse(value.serialized()) == value)
        }
    }

    // Strings without escapes are taken straight from the input; with escapes they are rebuilt.
    @Test func stringsWithAndWithoutEscapes() throws {
        #expect(
            try JSONParser.parse(#"["plain", "héllo wörld 😀", "", "a\"b", "tail\n", "é\u00e9"]"#) == [
                "plain", "héllo wörld 😀", "", "a\"b", "tail\n", "éé",
            ])
        // Invalid UTF-8 is refused on both paths, and so is a control character or a missing end.
        let invalid: [[UInt8]] = [
            Array(#"[""#.utf8) + [0xC3, 0x28] + Array(#""]"#.utf8),
            Array(#"[""#.utf8) + [0xC3, 0x28] + Array(#"\n"]"#.utf8),
            Array(#"[""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""]"#.utf8),
            Array(#"["a"#.utf8) + [0x0A] + Array(#""]"#.utf8),
            Array(#"["abc"#.utf8),
            Array(#"["abc\"#.utf8),
        ]
        for bytes in invalid {
            #expect(throws: JSONError.self) { try JSONParser().parse(bytes) }
        }
        let error = try #require(throws: JSONError.self) {
            try JSONParser().parse(Array(#"{"k": "ok", "v": ""#.utf8) + [0xFF] + Array(#""}"#.utf8))
        }
        #expect(error.kind == .invalidUnicode)
    }

    @Test func randomBytesNeverCrashTheParser() {
        var rng = SeededGenerator(seed: 5)
        let alphabet = Array(#"{}[],:"\ 0123456789.eE+-truefalsnl"#.utf8) + [0x00, 0xc3, 0xa9, 0xff, 0x0a]
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            _ = try? JSONParser().parse(bytes)
        }
    }
}
