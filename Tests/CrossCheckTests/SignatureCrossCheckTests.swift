import Ethereum
import PlenumTesting
import Testing

/// EIP-191 and EIP-712 digests and signatures agree with eth-account in both directions.
@Suite("Signatures against eth-account")
struct SignatureCrossCheckTests {
    @Test func personalMessagesSignedByEthAccount() throws {
        let cases = try #require(try PythonOracle.run("personal-gen", seed: 191, count: 1000).arrayValue)
        #expect(cases.count == 1000)
        var failures: [String] = []
        var swiftSigned: [JSON] = []
        for (i, c) in cases.enumerated() {
            let text = c["message"]!.stringValue!
            let expectedSigner = try Address(c["address"]!.stringValue!)
            let key = try PrivateKey(hex: c["key"]!.stringValue!)
            if key.address != expectedSigner { failures.append("case \(i): key → \(key.address)") }
            if PersonalMessage.digest(text: text).description != c["digest"]!.stringValue! { failures.append("case \(i): digest") }
            let theirs = try Signature(hex: c["signature"]!.stringValue!)
            if try PersonalMessage.recoverSigner(text: text, signature: theirs) != expectedSigner { failures.append("case \(i): recovery") }
            // RFC 6979 on both sides: the same key signs the same bytes identically.
            if key.signPersonalMessage(text) != theirs { failures.append("case \(i): signature differs") }
            let fresh = PrivateKey.generate()
            swiftSigned.append([
                "message": .string(text), "address": .string(fresh.address.checksummed),
                "signature": .string(fresh.signPersonalMessage(text).description),
            ])
        }
        #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(5))")
        let results = try #require(try PythonOracle.run("recover-check", input: .array(swiftSigned)).arrayValue)
        #expect(results.count == 1000)
        let rejected = results.filter { $0["ok"] != .bool(true) }
        #expect(rejected.isEmpty, "eth-account rejected \(rejected.count): \(rejected.prefix(3).map { $0.serialized() })")
    }

    @Test func randomNestedTypedDataAgreesWithEthAccount() throws {
        let cases = try #require(try PythonOracle.run("typed-gen", seed: 712, count: 1000).arrayValue)
        #expect(cases.count == 1000)
        var failures: [String] = []
        var swiftSigned: [JSON] = []
        for (i, c) in cases.enumerated() {
            do {
                let data = try TypedData(json: c["typedData"]!)
                if try data.domainSeparator().description != c["domainSeparator"]!.stringValue! {
                    failures.append("case \(i): domain separator")
                }
                if try data.structHash().description != c["structHash"]!.stringValue! { failures.append("case \(i): struct hash") }
                if try data.digest().description != c["digest"]!.stringValue! { failures.append("case \(i): digest") }
                let theirs = try Signature(hex: c["signature"]!.stringValue!)
                if try data.recoverSigner(signature: theirs) != Address(c["address"]!.stringValue!) {
                    failures.append("case \(i): recovery")
                }
                let key = try PrivateKey(hex: c["key"]!.stringValue!)
                if try key.signTypedData(data) != theirs { failures.append("case \(i): signature differs") }
                let fresh = PrivateKey.generate()
                swiftSigned.append([
                    "typedData": c["typedData"]!, "address": .string(fresh.address.checksummed),
                    "signature": .string(try fresh.signTypedData(data).description),
                ])
            } catch {
                failures.append("case \(i): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(5))")
        let results = try #require(try PythonOracle.run("recover-check", input: .array(swiftSigned)).arrayValue)
        let rejected = results.filter { $0["ok"] != .bool(true) }
        #expect(
            results.count == swiftSigned.count && rejected.isEmpty,
            "eth-account rejected \(rejected.count): \(rejected.prefix(3).map { $0.serialized() })")
    }

    @Test func keystoresInterchangeWithEthAccount() throws {
        let cases = try #require(try PythonOracle.run("keystore-gen", seed: 3, count: 6).arrayValue)
        #expect(cases.count == 6)
        var ours: [JSON] = []
        for c in cases {
            let keystore = try Keystore(jsonText: c["keystore"]!.serialized())
            let password = c["password"]!.stringValue!
            #expect(try keystore.decrypt(password: password).address == Address(c["address"]!.stringValue!))
            #expect(throws: KeyFileError.wrongPassword) { try keystore.decrypt(password: password + "x") }
            let key = PrivateKey.generate()
            for kdf in [Keystore.KDF.scrypt(n: 1024, r: 8, p: 1), .pbkdf2(iterations: 1000)] {
                let mine = try Keystore(encrypting: key, password: password, kdf: kdf)
                ours.append(["keystore": mine.json, "password": .string(password), "address": .string(key.address.checksummed)])
            }
        }
        let results = try #require(try PythonOracle.run("keystore-check", input: .array(ours)).arrayValue)
        #expect(results.count == ours.count && results.allSatisfy { $0["ok"] == .bool(true) }, "\(results.map { $0.serialized() })")
    }
}
