#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Private keys at rest: a file holding the key as hex, or a Web3 Secret Storage (keystore v3) JSON file.
///
/// A key file must not be readable by group or others; reading one that is fails with a message
/// saying how to fix the mode. New files are created with mode 0600 and never overwrite an existing file.
public enum KeyFile {
    /// Largest key file accepted (a keystore is well under 1 KiB).
    static let maxSize = 64 * 1024

    /// Reads a private key. A keystore file needs `password`, called only when the file is a keystore.
    public static func read(path: String, password: () throws -> String = { throw KeyFileError.passwordRequired }) throws -> PrivateKey {
        let contents = try readPrivateFile(path: path)
        guard let text = String(validating: contents, as: UTF8.self) else { throw KeyFileError.unreadable(path, "not UTF-8 text") }
        if text.trimmingWhitespace().hasPrefix("{") {
            let keystore: Keystore
            do { keystore = try Keystore(jsonText: text) } catch { throw KeyFileError.unreadable(path, "\(error)") }
            return try keystore.decrypt(password: try password())
        }
        do {
            return try PrivateKey(hex: text)
        } catch {
            throw KeyFileError.unreadable(path, "expected 64 hex digits (optionally 0x-prefixed) or a keystore v3 JSON file")
        }
    }

    /// Reads a file that must be private to its owner (mode 0600 or stricter).
    public static func readPrivateFile(path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KeyFileError.unreadable(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw KeyFileError.unreadable(path, String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw KeyFileError.unreadable(path, "not a regular file") }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else { throw KeyFileError.tooOpen(path, mode: UInt32(mode)) }
        guard info.st_size <= maxSize else { throw KeyFileError.unreadable(path, "larger than \(maxSize) bytes") }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw KeyFileError.unreadable(path, n == 0 ? "file shrank while reading" : String(cString: strerror(errno)))
            }
            filled += n
        }
        return bytes
    }

    /// Writes `contents` to a new file with mode 0600; fails if the path exists.
    public static func writePrivateFile(path: String, contents: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "the file already exists; refusing to overwrite a key" : String(cString: strerror(errno))
            throw KeyFileError.unwritable(path, reason)
        }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else { throw KeyFileError.unwritable(path, String(cString: strerror(errno))) }
        var written = 0
        while written < contents.count {
            let n = contents.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw KeyFileError.unwritable(path, String(cString: strerror(errno))) }
            written += n
        }
        guard fsync(fd) == 0 else { throw KeyFileError.unwritable(path, String(cString: strerror(errno))) }
    }

    /// Writes a key as `0x…` hex to a new file with mode 0600.
    public static func write(_ key: PrivateKey, to path: String) throws {
        try writePrivateFile(path: path, contents: Array((Hex.encode(key.rawBytes) + "\n").utf8))
    }
}

/// Why a key file could not be used. Messages never contain key material.
public enum KeyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooOpen(String, mode: UInt32)
    case unreadable(String, String)
    case unwritable(String, String)
    case passwordRequired
    case wrongPassword
    case unsupported(String)

    public var description: String {
        switch self {
        case .tooOpen(let path, let mode):
            "key file \(path) has mode \(String(mode, radix: 8, uppercase: false).leftPadded(to: 4)), which lets group or others read it; run: chmod 600 '\(path)'"
        case .unreadable(let path, let why): "cannot read key file \(path): \(why)"
        case .unwritable(let path, let why): "cannot write key file \(path): \(why)"
        case .passwordRequired: "this key file is an encrypted keystore: give its password (--password-file FILE or PLENUM_KEY_PASSWORD)"
        case .wrongPassword: "wrong password for the keystore (its MAC does not match)"
        case .unsupported(let what): "unsupported keystore: \(what)"
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
