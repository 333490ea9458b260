import Chat
import Ethereum
import PlenumTesting
import Testing

@Suite("ChatMessage: EIP-712 digest, signature, canonical log hash")
struct ChatMessageTests {
    static let group = try! GroupID("00112233445566778899aabbccddeeff")

    /// The worked example of docs/chat-api.md.
    static var example: (message: ChatMessage, key: PrivateKey) {
        let key = try! PrivateKey(hex: "0x0000000000000000000000000000000000000000000000000000000000000001")
        let message = ChatMessage(
            hub: "chat.example.org", group: group, sender: key.address, body: "I support proposal 7", timestamp: 1_767_225_600_000,
            nonce: try! Hash32(hex: "0x" + String(repeating: "11", count: 32)))
        return (message, key)
    }

    @Test func digestEqualsTheGenericEIP712Encoder() throws {
        for body in ["", "hello", String(repeating: "é€😀", count: 500)] {
            let message = ChatMessage(
                hub: "h", group: Self.group, sender: ChatFixtures.alice.address, body: body, timestamp: 42, nonce: ChatMessage.randomNonce()
            )
            let generic = try TypedData(json: message.typedDataJSON)
            #expect(try generic.digest() == message.digest)
            #expect(try generic.encodeType("ChatMessage") == ChatMessage.typeString)
            #expect(try generic.domainSeparator() == ChatMessage.domainSeparator)
        }
    }

    @Test func ethAccountSignsTheSameDigestAndTheHubAcceptsItsSignatures() throws {
        var inputs: [JSON] = []
        var messages: [ChatMessage] = []
        for i in 0..<6 {
            let key = PrivateKey.generate()
            let message = ChatMessage(
                hub: i % 2 == 0 ? "chat.example.org" : "hub ✓", group: Self.group, sender: key.address,
                body: ["", "vote yes", "multi\nline \"quoted\" \\ ", String(repeating: "x", count: 3000), "中文字😀", "\u{2028}"][i],
                timestamp: [0, 1, 1_767_225_600_000, UInt64.max, 12345, 9_007_199_254_740_993][i], nonce: ChatMessage.randomNonce())
            messages.append(message)
            inputs.append(["typedData": message.typedDataJSON, "key": .string(Hex.encode(key.rawBytes))])
        }
        let outputs = try #require(try PythonOracle.run("typed-sign", input: .array(inputs)).arrayValue)
        #expect(outputs.count == messages.count)
        for (message, output) in zip(messages, outputs) {
            #expect(output["digest"]?.stringValue == message.digest.description)
            let signature = try Signature(hex: try #require(output["signature"]?.stringValue))
            #expect(try SignedChatMessage(message: message, signature: signature).verify() == message.digest)
        }
        // And the other way: eth-account recovers Swift's signatures.
        let cases: [JSON] = messages.prefix(3).map { message in
            let key = PrivateKey.generate()
            var m = message
            m.sender = key.address
            return [
                "typedData": m.typedDataJSON, "signature": .string(m.signed(with: key).signature.description),
                "address": .string(key.address.checksummed),
            ]
        }
        let checks = try #require(try PythonOracle.run("recover-check", input: .array(cases)).arrayValue)
        #expect(checks.count == 3 && checks.allSatisfy { $0["ok"]?.boolValue == true }, "\(checks)")
    }

    @Test func canonicalEncodingIsABIEncode() throws {
        let (message, key) = Self.example
        let signed = message.signed(with: key)
        let entry = StoredMessage(
            position: 1, hub: message.hub, group: message.group, seq: 1, prevHash: .zero, id: message.digest, sender: message.sender,
            body: message.body, timestamp: message.timestamp, nonce: message.nonce, signature: signed.signature,
            receivedAt: 1_767_225_600_123)
        let encoded = StoredMessage.canonicalEncoding(
            prevHash: entry.prevHash, hub: entry.hub, group: entry.group.rawValue, seq: entry.seq, id: entry.id, sender: entry.sender,
            body: entry.body, timestamp: entry.timestamp, nonce: entry.nonce, signature: entry.signature.bytes, receivedAt: entry.receivedAt
        )
        let values: [ABIValue] = [
            .fixedBytes(entry.prevHash.bytes), .string(entry.hub), .string(entry.group.rawValue), .uint(UInt256(entry.seq)),
            .fixedBytes(entry.id.bytes), .address(entry.sender), .string(entry.body), .uint(UInt256(entry.timestamp)),
            .fixedBytes(entry.nonce.bytes), .bytes(entry.signature.bytes), .uint(UInt256(entry.receivedAt)),
        ]
        let types = try StoredMessage.canonicalTypes.map { try ABIType($0) }
        #expect(try ABIEncoder.encode(values, as: types) == encoded)
        #expect(entry.hash == Keccak256.hash(encoded))
        // eth-abi decodes it to the same values and re-encodes it to the same bytes.
        let json: [JSON] = [
            .string(entry.prevHash.description), .string(entry.hub), .string(entry.group.rawValue), .string(String(entry.seq)),
            .string(entry.id.description), .string(entry.sender.checksummed), .string(entry.body), .string(String(entry.timestamp)),
            .string(entry.nonce.description), .string(entry.signature.description), .string(String(entry.receivedAt)),
        ]
        let input: JSON = [
            [
                "types": .array(StoredMessage.canonicalTypes.map { .string($0) }), "encoded": .string(Hex.encode(encoded)),
                "values": .array(json),
            ]
        ]
        let results = try #require(try PythonOracle.run("abi-check", input: input).arrayValue)
        #expect(results.first?["ok"]?.boolValue == true, "\(results)")
    }

    /// The values quoted in docs/chat-api.md's worked example.
    @Test func workedExample() throws {
        let (message, key) = Self.example
        #expect(key.address.checksummed == "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf")
        #expect(ChatMessage.typeHash.description == "0x1cd49ff722e17e21333c23e18da1468ac7613bf0dbdf46ffbc75cbc62eb97f80")
        #expect(ChatMessage.domainSeparator.description == "0xe5efdef176debe4f90e3d1e83adacf517025f6a12249a541a3ec414bda7dcb79")
        #expect(message.structHash.description == "0x9b42b29c069c4df120b81cea27a3ef0c2d52f226c3f53af32e5dbaf1b6d4c05b")
        #expect(message.digest.description == "0x636027d16a952306fd975d7701eea7e7225b4f47bf2ca35819dfeed38826aaf8")
        let signed = message.signed(with: key)
        #expect(
            signed.signature.description
                == "0x0ba78904ab00e73e0e0501a77d393969743bb6cf82311c6482fa8143c0f2e326112e3151acd1e6b1a376282c1cb841124bbce623636a555f78763c510897e0f91c"
        )
        let entry = StoredMessage(
            position: 1, hub: message.hub, group: message.group, seq: 1, prevHash: .zero, id: message.digest, sender: message.sender,
            body: message.body, timestamp: message.timestamp, nonce: message.nonce, signature: signed.signature,
            receivedAt: 1_767_225_600_123)
        #expect(entry.hash.description == "0xa2f9f5449db96f396ff452d16d5379f862a169708091f75adfa820210960f5e5")
        let second = StoredMessage(
            position: 2, hub: message.hub, group: message.group, seq: 2, prevHash: entry.hash, id: message.digest, sender: message.sender,
            body: message.body, timestamp: message.timestamp, nonce: message.nonce, signature: signed.signature,
            receivedAt: 1_767_225_600_456)
        #expect(second.hash.description == "0x638ce02840be231d86250bcd0b71fba132e0b13d7d6327f273919ab944845f34")
        // eth-account computes the same digest and, signing deterministically (RFC 6979), the same signature.
        let input: JSON = [["typedData": message.typedDataJSON, "key": .string(Hex.encode(key.rawBytes))]]
        let output = try #require(try PythonOracle.run("typed-sign", input: input).arrayValue?.first)
        #expect(output["digest"]?.stringValue == message.digest.description)
        #expect(output["signature"]?.stringValue == signed.signature.description)
    }

    @Test func storedMessageJSONRoundTrips() throws {
        let (message, key) = Self.example
        let signed = message.signed(with: key)
        let entry = StoredMessage(
            position: 9, hub: message.hub, group: message.group, seq: 3, prevHash: Keccak256.hash("x"), id: message.digest,
            sender: message.sender, body: message.body, timestamp: message.timestamp, nonce: message.nonce, signature: signed.signature,
            receivedAt: 5)
        let back = try StoredMessage(json: try JSONParser.parse(entry.json.serialized()))
        #expect(back == entry)
        #expect(back.verificationProblem() == nil)
        let tampered = StoredMessage(
            position: 9, hub: message.hub, group: message.group, seq: 3, prevHash: Keccak256.hash("x"), id: message.digest,
            sender: message.sender, body: message.body + "!", timestamp: message.timestamp, nonce: message.nonce,
            signature: signed.signature,
            receivedAt: 5, storedHash: entry.hash)
        #expect(tampered.verificationProblem() != nil)
    }

    /// The served form written straight into bytes is the JSON tree's text, byte for byte, for
    /// bodies with every kind of character a JSON string escapes or carries as it is.
    @Test func storedMessageBytesAreTheJSONTreesText() throws {
        let bodies = [
            "", "plain", "quote \" and backslash \\ and slash /", "\n\r\t\u{08}\u{0C}", "\u{00}\u{01}\u{1F}\u{7F}",
            "é€😀 mixed ASCII", String(repeating: "{\"types\":{\"a\":[1,2]}}", count: 80),
            String((0..<256).map { Character(Unicode.Scalar(UInt8($0))) }),
        ]
        var generator = SystemRandomNumberGenerator()
        for (i, body) in bodies.enumerated() {
            let key = PrivateKey.generate()
            let message = ChatMessage(
                hub: i % 2 == 0 ? "chat.example.org" : "hub \"quoted\" ü", group: Self.group, sender: key.address, body: body,
                timestamp: UInt64.random(in: 0...UInt64.max, using: &generator), nonce: ChatMessage.randomNonce())
            let entry = StoredMessage(
                position: Int64.random(in: 0...Int64.max, using: &generator), hub: message.hub, group: message.group,
                seq: UInt64.random(in: 1...UInt64.max, using: &generator), prevHash: ChatMessage.randomNonce(), id: message.digest,
                sender: message.sender, body: message.body, timestamp: message.timestamp, nonce: message.nonce,
                signature: message.signed(with: key).signature, receivedAt: UInt64.random(in: 0...UInt64.max, using: &generator))
            var bytes: [UInt8] = [0x20]
            entry.appendJSON(to: &bytes)
            #expect(bytes == [0x20] + entry.json.serializedBytes(), "body \(i)")
        }
    }
}
