import Ethereum
import Testing

@Suite("ABI codec")
struct ABITests {
    @Test func selectorsAndTopics() throws {
        // Well-known selectors and the OpenZeppelin governor's event topics.
        #expect(try ABIFunction("transfer(address,uint256)").selector == [0xa9, 0x05, 0x9c, 0xbb])
        #expect(try ABIFunction("function balanceOf(address owner) view returns (uint256)").selector == [0x70, 0xa0, 0x82, 0x31])
        #expect(try ABIFunction("isValidSignature(bytes32,bytes)").selector == [0x16, 0x26, 0xba, 0x7e])
        let created = try ABIEvent("ProposalCreated(uint256,address,address[],uint256[],string[],bytes[],uint256,uint256,string)")
        #expect(created.topic0.description == "0x7d84a6263ae0d98d3329bd7b46bb4e8d6f98cd35a7adb45c274c8b7fd5ebd5e0")
        let transfer = try ABIEvent("event Transfer(address indexed from, address indexed to, uint256 value)")
        #expect(transfer.topic0.description == "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
    }

    @Test func decodesAnEventWithIndexedAndDynamicParameters() throws {
        let event = try ABIEvent("VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)")
        let voter = try Address("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")
        let data = try ABIEncoder.encode(
            [.uint(42), .uint(1), .uint(1000), .string("because")], as: [.uint(256), .uint(8), .uint(256), .string])
        let values = try event.decodeNamed(topics: [event.topic0, voter.word], data: data)
        #expect(values["voter"] == .address(voter))
        #expect(values["proposalId"] == .uint(42))
        #expect(values["support"] == .uint(1))
        #expect(values["reason"] == .string("because"))
        #expect(throws: ABIError.topicCount(expected: 2, found: 1)) { try event.decode(topics: [event.topic0], data: data) }
        #expect(throws: ABIError.topic0Mismatch(expected: event.topic0, found: voter.word)) {
            try event.decode(topics: [voter.word, voter.word], data: data)
        }
        // An indexed string is only present as its hash.
        let hashed = try ABIEvent("Named(string indexed name)")
        let topic = Keccak256.hash("plenum")
        #expect(try hashed.decode(topics: [hashed.topic0, topic], data: []) == [.fixedBytes(topic.bytes)])
    }

    @Test func typeParsing() throws {
        #expect(try ABIType("uint").canonical == "uint256")
        #expect(try ABIType("(uint,(address,bytes)[])[2][]").canonical == "(uint256,(address,bytes)[])[2][]")
        for bad in [
            "uint7", "uint264", "int0", "bytes0", "bytes33", "()", "uint256[0]", "uint256[", "(uint256", "foo", "uint256[]x", "",
            "uint256[01]",
        ] {
            #expect(throws: ABIError.self, "\(bad)") { try ABIType(bad) }
        }
        let deep = String(repeating: "(", count: 40) + "uint256" + String(repeating: ")", count: 40)
        #expect(throws: ABIError.self) { try ABIType(deep) }
    }

    @Test func encodingMatchesTheSolidityDocumentationExample() throws {
        // The Solidity ABI specification's example: f(uint256,uint32[],bytes10,bytes) with
        // (0x123, [0x456, 0x789], "1234567890", "Hello, world!").
        let f = try ABIFunction("f(uint256,uint32[],bytes10,bytes)")
        let data = try f.encodeCall([
            .uint(0x123), .array([.uint(0x456), .uint(0x789)]), .fixedBytes(Array("1234567890".utf8)), .bytes(Array("Hello, world!".utf8)),
        ])
        let expected =
            "8be65246"
            + "0000000000000000000000000000000000000000000000000000000000000123"
            + "0000000000000000000000000000000000000000000000000000000000000080"
            + "3132333435363738393000000000000000000000000000000000000000000000"
            + "00000000000000000000000000000000000000000000000000000000000000e0"
            + "0000000000000000000000000000000000000000000000000000000000000002"
            + "0000000000000000000000000000000000000000000000000000000000000456"
            + "0000000000000000000000000000000000000000000000000000000000000789"
            + "000000000000000000000000000000000000000000000000000000000000000d"
            + "48656c6c6f2c20776f726c642100000000000000000000000000000000000000"
        #expect(Hex.encode(data, prefix: false) == expected)
    }

    @Test func encoderRejectsValuesThatDoNotFit() {
        #expect(throws: ABIError.self) { try ABIEncoder.encode(.uint(256), as: .uint(8)) }
        #expect(throws: ABIError.self) { try ABIEncoder.encode(.int(Int256(-129)), as: .int(8)) }
        #expect(throws: ABIError.self) { try ABIEncoder.encode(.fixedBytes([1, 2]), as: .fixedBytes(3)) }
        #expect(throws: ABIError.self) { try ABIEncoder.encode(.array([.uint(1)]), as: .fixedArray(.uint(8), 2)) }
        #expect(throws: ABIError.self) { try ABIEncoder.encode(.string("x"), as: .bytes) }
    }
}

@Suite("ABI decoding of hostile data")
struct ABIHostileInputTests {
    let word = { (n: UInt64) in UInt256(n).word.bytes }

    @Test func truncatedData() throws {
        let good = try ABIEncoder.encode(
            [.uint(1), .string("hello"), .array([.uint(5), .uint(6)])], as: [.uint(256), .string, .array(.uint(256))])
        for cut in stride(from: 0, to: good.count, by: 7) {
            #expect(throws: ABIError.self, "cut at \(cut)") {
                try ABIDecoder.decode([.uint(256), .string, .array(.uint(256))], from: Array(good[..<cut]))
            }
        }
        #expect(try ABIDecoder.decode([.uint(256), .string, .array(.uint(256))], from: good + [1, 2, 3]).count == 3)
    }

    @Test func offsetsAndLengthsOutsideTheData() {
        #expect(throws: ABIError.offsetOutOfBounds(path: "[0]", offset: "4096", size: 64)) {
            try ABIDecoder.decode(.bytes, from: word(4096) + word(0))
        }
        let hugeOffset = [UInt8](repeating: 0xff, count: 32)
        #expect(throws: ABIError.self) { try ABIDecoder.decode(.string, from: hugeOffset) }
        #expect(throws: ABIError.lengthOutOfBounds(path: "[0]", length: "1000000 bytes", available: 0)) {
            try ABIDecoder.decode(.bytes, from: word(32) + word(1_000_000))
        }
        #expect(throws: ABIError.lengthOutOfBounds(path: "[0]", length: "4294967296 elements", available: 32)) {
            try ABIDecoder.decode(.array(.uint(256)), from: word(32) + word(1 << 32) + word(0))
        }
    }

    @Test func strictPadding() {
        var addressWord = word(1)
        addressWord[0] = 1
        #expect(throws: ABIError.self) { try ABIDecoder.decode(.address, from: addressWord) }
        #expect(throws: ABIError.invalidBool(path: "[0]")) { try ABIDecoder.decode(.bool, from: word(2)) }
        #expect(throws: ABIError.self) { try ABIDecoder.decode(.uint(8), from: word(256)) }
        #expect(throws: ABIError.self) { try ABIDecoder.decode(.int(8), from: word(128)) }
        var bytes1 = word(0)
        bytes1[0] = 0xaa
        bytes1[5] = 1
        #expect(throws: ABIError.self) { try ABIDecoder.decode(.fixedBytes(1), from: bytes1) }
        var dirtyTail = word(32) + word(3) + [0x61, 0x62, 0x63] + [UInt8](repeating: 0, count: 29)
        dirtyTail[dirtyTail.count - 1] = 9
        #expect(throws: ABIError.self) { try ABIDecoder.decode(.string, from: dirtyTail) }
        #expect(throws: ABIError.invalidUTF8(path: "[0]")) {
            try ABIDecoder.decode(.string, from: word(32) + word(2) + [0xc3, 0x28] + [UInt8](repeating: 0, count: 30))
        }
    }

    @Test func aliasedOffsetsCannotAmplifyMemory() {
        // 64 elements of bytes[] all pointing at the same 2 KiB payload: canonical data could never
        // hold 64 copies in this space, so the decoder refuses rather than allocate 128 KiB.
        let n = 64
        var data = word(32) + word(UInt64(n))
        let payloadOffset = UInt64(n * 32)
        for _ in 0..<n { data += word(payloadOffset) }
        data += word(2048) + [UInt8](repeating: 0x41, count: 2048)
        #expect(throws: ABIError.self) { try ABIDecoder.decode(.array(.bytes), from: data) }
        // Nested empty arrays aliased at every level would grow exponentially; the value budget stops it.
        var nested = word(32) + word(30)
        for _ in 0..<30 { nested += word(30 * 32) }
        nested += word(30)
        for _ in 0..<30 { nested += word(0) }
        #expect(throws: ABIError.self) { try ABIDecoder.decode(.array(.array(.array(.uint(256)))), from: nested) }
    }

    @Test func randomBytesNeverCrashTheDecoder() throws {
        var rng = SeededGenerator(seed: 2026)
        let types: [[ABIType]] = try [
            ["uint256", "string"], ["bytes[]"], ["(uint256,address[],string)[]"], ["uint256[][2]", "bytes"],
            ["(bytes,(string[],bool))"], ["address[3]", "int8"], ["string[][]"],
        ].map { try $0.map { try ABIType($0) } }
        var decoded = 0, rejected = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...320, using: &rng)
            var data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Bias towards small words so that offsets and lengths are sometimes plausible.
            for i in stride(from: 0, to: data.count - 31, by: 32) where Bool.random(using: &rng) {
                for j in i..<(i + 31) { data[j] = 0 }
                data[i + 31] = [0, 1, 2, 32, 64, 96, 128, 160, 255].randomElement(using: &rng)!
            }
            let t = types.randomElement(using: &rng)!
            do {
                _ = try ABIDecoder.decode(t, from: data)
                decoded += 1
            } catch is ABIError {
                rejected += 1
            }
        }
        #expect(decoded + rejected == 20_000)
        #expect(decoded > 0 && rejected > 0)
    }
}
