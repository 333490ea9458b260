import Crypto
import CryptoExtras

/// A Web3 Secret Storage (keystore v3) file: a private key encrypted with AES-128-CTR under a key
/// derived from a password by scrypt or PBKDF2-HMAC-SHA256, with a Keccak-256 MAC.
public struct Keystore: Sendable {
    public enum KDF: Sendable, Equatable {
        case scrypt(n: Int, r: Int, p: Int)
        case pbkdf2(iterations: Int)
    }

    public let kdf: KDF
    public let salt: [UInt8]
    public let iv: [UInt8]
    public let ciphertext: [UInt8]
    public let mac: Hash32
    public let address: Address?
    public let id: String?

    /// Upper bounds on work a keystore may demand, so that a hostile file cannot exhaust the machine.
    static let maxScryptMemory = 1 << 30
    static let maxPBKDF2Iterations = 10_000_000

    /// Parses the JSON form (`crypto` or the older `Crypto` member).
    public init(jsonText: String) throws {
        let json = try JSONParser.parse(jsonText, limits: .init(maxBytes: 64 * 1024, maxDepth: 8))
        guard json["version"] == .number("3") else { throw KeyFileError.unsupported("only version 3 keystores are supported") }
        guard let crypto = json["crypto"] ?? json["Crypto"] else { throw KeyFileError.unsupported("no crypto member") }
        guard crypto["cipher"]?.stringValue == "aes-128-ctr" else { throw KeyFileError.unsupported("cipher must be aes-128-ctr") }
        func hex(_ value: JSON?, _ name: String) throws -> [UInt8] {
            guard let s = value?.stringValue, let bytes = try? Hex.decode(s) else { throw KeyFileError.unsupported("\(name) must be hex") }
            return bytes
        }
        func int(_ value: JSON?, _ name: String) throws -> Int {
            guard case .number(let n)? = value, let i = Int(n), i > 0 else {
                throw KeyFileError.unsupported("\(name) must be a positive integer")
            }
            return i
        }
        iv = try hex(crypto["cipherparams"]?["iv"], "cipherparams.iv")
        guard iv.count == 16 else { throw KeyFileError.unsupported("cipherparams.iv must be 16 bytes") }
        ciphertext = try hex(crypto["ciphertext"], "ciphertext")
        guard ciphertext.count == 32 else { throw KeyFileError.unsupported("ciphertext must be 32 bytes") }
        mac = try Hash32(bytes: try hex(crypto["mac"], "mac"))
        let params = crypto["kdfparams"]
        salt = try hex(params?["salt"], "kdfparams.salt")
        guard try int(params?["dklen"], "kdfparams.dklen") == 32 else { throw KeyFileError.unsupported("kdfparams.dklen must be 32") }
        switch crypto["kdf"]?.stringValue {
        case "scrypt":
            let n = try int(params?["n"], "kdfparams.n"), r = try int(params?["r"], "kdfparams.r"), p = try int(params?["p"], "kdfparams.p")
            guard n > 1, n & (n - 1) == 0 else { throw KeyFileError.unsupported("scrypt n must be a power of two") }
            guard p <= 16, r <= 64, 128 * n * r <= Keystore.maxScryptMemory else {
                throw KeyFileError.unsupported("scrypt parameters need more than 1 GiB of memory")
            }
            kdf = .scrypt(n: n, r: r, p: p)
        case "pbkdf2":
            guard params?["prf"]?.stringValue == "hmac-sha256" else { throw KeyFileError.unsupported("pbkdf2 prf must be hmac-sha256") }
            let c = try int(params?["c"], "kdfparams.c")
            guard c <= Keystore.maxPBKDF2Iterations else {
                throw KeyFileError.unsupported("pbkdf2 iteration count above \(Keystore.maxPBKDF2Iterations)")
            }
            kdf = .pbkdf2(iterations: c)
        default:
            throw KeyFileError.unsupported("kdf must be scrypt or pbkdf2")
        }
        address = (json["address"]?.stringValue).flatMap { try? Address("0x" + $0.lowercased().replacingPrefix("0x", with: "")) }
        id = json["id"]?.stringValue
    }

    /// Encrypts a key. `kdf` defaults to geth's standard scrypt (n = 2^18, r = 8, p = 1).
    public init(encrypting key: PrivateKey, password: String, kdf: KDF = .scrypt(n: 1 << 18, r: 8, p: 1)) throws {
        var rng = SystemRandomNumberGenerator()
        salt = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        iv = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        self.kdf = kdf
        let derived = try Keystore.deriveKey(password: password, salt: salt, kdf: kdf)
        ciphertext = try Keystore.aesCTR(key: Array(derived[0..<16]), iv: iv, data: key.rawBytes)
        mac = Keccak256.hash(Array(derived[16..<32]) + ciphertext)
        address = key.address
        let uuid = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        id = Keystore.uuidString(uuid)
    }

    /// Decrypts the key, checking the MAC first.
    public func decrypt(password: String) throws -> PrivateKey {
        let derived = try Keystore.deriveKey(password: password, salt: salt, kdf: kdf)
        let expected = Keccak256.hash(Array(derived[16..<32]) + ciphertext)
        guard Keystore.constantTimeEqual(expected.bytes, mac.bytes) else { throw KeyFileError.wrongPassword }
        let plain = try Keystore.aesCTR(key: Array(derived[0..<16]), iv: iv, data: ciphertext)
        let key = try PrivateKey(bytes: plain)
        if let address, address != key.address {
            throw KeyFileError.unsupported("the decrypted key controls \(key.address), not the file's address \(address)")
        }
        return key
    }

    /// The JSON form, as geth and eth-account write it.
    public var json: JSON {
        var kdfParams: [(String, JSON)] = [("dklen", 32)]
        let kdfName: String
        switch kdf {
        case .scrypt(let n, let r, let p):
            kdfName = "scrypt"
            kdfParams += [("n", .number(String(n))), ("r", .number(String(r))), ("p", .number(String(p)))]
        case .pbkdf2(let c):
            kdfName = "pbkdf2"
            kdfParams += [("c", .number(String(c))), ("prf", "hmac-sha256")]
        }
        kdfParams.append(("salt", .string(Hex.encode(salt, prefix: false))))
        var members: [(String, JSON)] = []
        if let address { members.append(("address", .string(Hex.encode(address.bytes, prefix: false)))) }
        members.append(
            (
                "crypto",
                .object(
                    JSONObject([
                        ("cipher", "aes-128-ctr"),
                        ("cipherparams", .object(JSONObject([("iv", .string(Hex.encode(iv, prefix: false)))]))),
                        ("ciphertext", .string(Hex.encode(ciphertext, prefix: false))),
                        ("kdf", .string(kdfName)),
                        ("kdfparams", .object(JSONObject(kdfParams))),
                        ("mac", .string(Hex.encode(mac.bytes, prefix: false))),
                    ]))
            ))
        if let id { members.append(("id", .string(id))) }
        members.append(("version", 3))
        return .object(JSONObject(members))
    }

    static func deriveKey(password: String, salt: [UInt8], kdf: KDF) throws -> [UInt8] {
        let key: SymmetricKey
        switch kdf {
        case .scrypt(let n, let r, let p):
            key = try CryptoExtras.KDF.Scrypt.deriveKey(
                from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: n, blockSize: r, parallelism: p,
                maxMemory: 128 * n * r * p + (1 << 20))
        case .pbkdf2(let c):
            key = try CryptoExtras.KDF.Insecure.PBKDF2.deriveKey(
                from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: c)
        }
        return key.withUnsafeBytes { Array($0) }
    }

    static func aesCTR(key: [UInt8], iv: [UInt8], data: [UInt8]) throws -> [UInt8] {
        let nonce = try AES._CTR.Nonce(nonceBytes: iv)
        return Array(try AES._CTR.encrypt(data, using: SymmetricKey(data: key), nonce: nonce))
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }

    static func uuidString(_ b: [UInt8]) -> String {
        var b = b
        b[6] = b[6] & 0x0f | 0x40
        b[8] = b[8] & 0x3f | 0x80
        let h = Hex.encode(b, prefix: false)
        let c = Array(h)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
