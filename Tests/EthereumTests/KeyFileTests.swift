import Ethereum
import Foundation
import Testing

@Suite("Key files")
struct KeyFileTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("plenum-key-\(UUID().uuidString)").path
    }

    @Test func writesPrivateFilesAndReadsThemBack() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let key = PrivateKey.generate()
        try KeyFile.write(key, to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try KeyFile.read(path: path).address == key.address)
        #expect(throws: KeyFileError.self) { try KeyFile.write(key, to: path) }  // never overwrites
    }

    @Test func refusesFilesReadableByOthers() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try KeyFile.write(PrivateKey.generate(), to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let error = try #require(throws: KeyFileError.self) { try KeyFile.read(path: path) }
        #expect(error == .tooOpen(path, mode: 0o644))
        #expect(error.description.contains("chmod 600"))
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        #expect(throws: KeyFileError.tooOpen(path, mode: 0o640)) { try KeyFile.read(path: path) }
    }

    @Test func keystoreFilesNeedTheirPassword() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let key = PrivateKey.generate()
        let keystore = try Keystore(encrypting: key, password: "correct horse", kdf: .scrypt(n: 1024, r: 8, p: 1))
        try KeyFile.writePrivateFile(path: path, contents: Array(keystore.json.serialized().utf8))
        #expect(throws: KeyFileError.passwordRequired) { try KeyFile.read(path: path) }
        #expect(throws: KeyFileError.wrongPassword) { try KeyFile.read(path: path, password: { "battery staple" }) }
        #expect(try KeyFile.read(path: path, password: { "correct horse" }).address == key.address)
    }

    @Test func hostileKeystoreParametersAreRefused() throws {
        let keystore = try Keystore(encrypting: PrivateKey.generate(), password: "p", kdf: .scrypt(n: 1024, r: 8, p: 1))
        let text = keystore.json.serialized()
        #expect(throws: KeyFileError.self) { try Keystore(jsonText: text.replacingOccurrences("\"n\":1024", "\"n\":1073741824")) }
        #expect(throws: KeyFileError.self) { try Keystore(jsonText: text.replacingOccurrences("\"n\":1024", "\"n\":1000")) }
        #expect(throws: KeyFileError.self) { try Keystore(jsonText: text.replacingOccurrences("aes-128-ctr", "aes-128-cbc")) }
    }
}
