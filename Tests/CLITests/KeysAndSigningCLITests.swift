import Ethereum
import Foundation
import PlenumTesting
import Testing

@Suite("plenum keys / sign / verify")
struct KeysAndSigningCLITests {
    @Test func keysNewWritesAPrivateFileAndAddressReadsIt() throws {
        let dir = try TemporaryDirectory()
        let created = try PlenumBinary.run(["keys", "new", "--out", dir.file("k")])
        #expect(created.status == 0, "\(created.stderrText)")
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.file("k"))
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        let shown = try PlenumBinary.run(["keys", "address", dir.file("k")])
        #expect(shown.status == 0)
        #expect(shown.stdoutText == created.stdoutText)
        let address = try Address(shown.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(try KeyFile.read(path: dir.file("k")).address == address)
        #expect(try PlenumBinary.run(["keys", "new", "--out", dir.file("k")]).status == 2)  // never overwrites
        try FileManager.default.setAttributes([.posixPermissions: 0o604], ofItemAtPath: dir.file("k"))
        let refused = try PlenumBinary.run(["keys", "address", dir.file("k")])
        #expect(refused.status == 2)
        #expect(refused.stderrText.contains("chmod 600"))
        #expect(!refused.stderrText.contains(try Hex.encode(KeyFile.readPrivateFileIgnoringMode(dir.file("k")), prefix: false).prefix(20)))
    }

    @Test func keystoreKeysNeedThePassword() throws {
        let dir = try TemporaryDirectory()
        try KeyFile.writePrivateFile(path: dir.file("pw"), contents: Array("s3cret\n".utf8))
        let created = try PlenumBinary.run([
            "keys", "new", "--keystore", "--light-kdf", "--password-file", dir.file("pw"), "--out", dir.file("ks"),
        ])
        #expect(created.status == 0, "\(created.stderrText)")
        #expect(try PlenumBinary.run(["keys", "address", dir.file("ks")]).status == 2)
        let shown = try PlenumBinary.run(["keys", "address", dir.file("ks")], environment: ["PLENUM_KEY_PASSWORD": "s3cret"])
        #expect(shown.stdoutText == created.stdoutText)
    }

    @Test func signedByPlenumVerifiesInEthAccountAndBack() throws {
        let dir = try TemporaryDirectory()
        let address = try PlenumBinary.run(["keys", "new", "--out", dir.file("k")]).stdoutText.trimmingCharacters(
            in: .whitespacesAndNewlines)
        var forOracle: [JSON] = []
        // EIP-712: the EIP's Mail example, signed by plenum.
        let mail = try String(contentsOfFile: Repository.path("Tests/CLITests/Fixtures/mail.json"), encoding: .utf8)
        let signedMail = try PlenumBinary.run(["sign", "--key", dir.file("k"), "-"], stdin: mail)
        #expect(signedMail.status == 0, "\(signedMail.stderrText)")
        let signedJSON = try JSONParser.parse(signedMail.stdoutText)
        var typed = signedJSON.objectValue!
        typed["signature"] = nil
        forOracle.append(["typedData": .object(typed), "signature": signedJSON["signature"]!, "address": .string(address)])
        // EIP-191 plain text from stdin (exact bytes, newline included) and via --message.
        let signedText = try JSONParser.parse(try PlenumBinary.run(["sign", "--key", dir.file("k")], stdin: "vote yes\n").stdoutText)
        #expect(signedText["message"] == "vote yes\n")
        forOracle.append(["message": "vote yes\n", "signature": signedText["signature"]!, "address": .string(address)])
        let sigOnly = try PlenumBinary.run(["sign", "--key", dir.file("k"), "--message", "gm", "--signature-only"]).stdoutText
        forOracle.append([
            "message": "gm", "signature": .string(sigOnly.trimmingCharacters(in: .whitespacesAndNewlines)), "address": .string(address),
        ])
        let results = try PythonOracle.run("recover-check", input: .array(forOracle)).arrayValue ?? []
        #expect(results.count == 3 && results.allSatisfy { $0["ok"] == .bool(true) }, "\(results.map { $0.serialized() })")

        // And plenum verifies what it signed, with --expect and --json.
        let verified = try PlenumBinary.run(["verify", "--expect", address, "--json", "-"], stdin: signedMail.stdoutText)
        #expect(verified.status == 0)
        let out = try JSONParser.parse(verified.stdoutText)
        #expect(out["signer"] == .string(address))
        #expect(out["digest"] == .string(try TypedData(jsonText: mail).digest().description))
    }

    @Test func verifiesEthAccountSignaturesAndReportsMismatches() throws {
        let cases = try PythonOracle.run("typed-gen", seed: 11, count: 5).arrayValue ?? []
        let dir = try TemporaryDirectory()
        for c in cases {
            var doc = c["typedData"]!.objectValue!
            doc["signature"] = c["signature"]!
            let path = dir.file("doc.json")
            try JSON.object(doc).serialized().write(toFile: path, atomically: true, encoding: .utf8)
            let ok = try PlenumBinary.run(["verify", path, "--expect", c["address"]!.stringValue!])
            #expect(ok.status == 0, "\(ok.stderrText)")
            #expect(ok.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == c["address"]!.stringValue!)
            let wrong = try PlenumBinary.run(["verify", path, "--expect", "0x0000000000000000000000000000000000000001"])
            #expect(wrong.status == 1)
        }
    }

    @Test(arguments: [
        ("not json at all", "not valid JSON"),
        ("{\"message\": \"hi\"}", "no \"signature\""),
        ("{\"message\": \"hi\", \"signature\": \"0x1234\"}", "65 bytes"),
        ("{\"message\": \"hi\", \"signature\": 7}", "0x hex string"),
        ("{\"types\": {}, \"message\": {}, \"signature\": \"0x\(String(repeating: "11", count: 65))\"}", "primaryType"),
        ("[1, 2]", "found an array"),
        ("{\"message\": \"hi\"", "not valid JSON"),
    ])
    func malformedInputExitsTwoNamingTheProblem(input: String, mentions: String) throws {
        let result = try PlenumBinary.run(["verify"], stdin: input)
        #expect(result.status == 2)
        #expect(result.stderrText.contains(mentions), "\(result.stderrText)")
    }

    @Test func nonCanonicalSignatureExitsOne() throws {
        let key = PrivateKey.generate()
        let sig = key.signPersonalMessage("hi")
        let n = try UInt256(parsing: "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141")
        let high = sig.r.bytes + (n - UInt256(word: sig.s)).word.bytes + [sig.yParity == 0 ? 28 : 27]
        let result = try PlenumBinary.run(["verify"], stdin: "{\"message\": \"hi\", \"signature\": \"\(Hex.encode(high))\"}")
        #expect(result.status == 1)
        #expect(result.stderrText.contains("EIP-2"))
    }
}

extension KeyFile {
    /// Test helper: the key file's bytes, whatever its mode.
    static func readPrivateFileIgnoringMode(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
