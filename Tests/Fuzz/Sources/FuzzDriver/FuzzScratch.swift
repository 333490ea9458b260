import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh folder under /tmp for targets whose code under test reads files (`name` prefixes it);
/// removed when the fuzzer exits normally.
public func makeScratchDirectory(_ name: String) -> String {
    var template = Array("/tmp/plenum-\(name).XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { fatalError("cannot create a scratch folder in /tmp") }
    let path = String(cString: made)
    scratchDirectories.withLock { $0.append(path) }
    if !removalRegistered.exchange(true, ordering: .relaxed) {
        atexit {
            for path in scratchDirectories.withLock({ $0 }) { removeTree(path) }
        }
    }
    return path
}

private let scratchDirectories = Mutex<[String]>([])
private let removalRegistered = Atomic<Bool>(false)

/// Removes `path` and, when it is a folder, everything in it (symbolic links are not followed).
public func removeTree(_ path: String) {
    var info = stat()
    guard lstat(path, &info) == 0 else { return }
    guard (info.st_mode & S_IFMT) == S_IFDIR else {
        unlink(path)
        return
    }
    if let folder = opendir(path) {
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        closedir(folder)
        for name in names { removeTree("\(path)/\(name)") }
    }
    rmdir(path)
}

/// Creates or replaces the file at `path` with `bytes` (mode 0600).
public func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { fatalError("cannot write \(path)") }
    defer { close(fd) }
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBufferPointer { write(fd, $0.baseAddress! + written, bytes.count - written) }
        guard n > 0 else { fatalError("cannot write \(path)") }
        written += n
    }
}

/// The file's bytes, or nil when it cannot be read (a folder named as a file, for instance).
public func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBufferPointer { read(fd, $0.baseAddress!, $0.count) }
        guard n > 0 else { return n == 0 ? bytes : nil }
        bytes += chunk[..<n]
    }
}

/// Creates `path` as a folder (its parent must exist); an existing folder is fine.
public func makeDirectory(_ path: String) {
    guard mkdir(path, 0o700) == 0 || errno == EEXIST else { fatalError("cannot create \(path)") }
}

/// Runs `body` to completion and returns its value, blocking the calling thread. libFuzzer calls a
/// target on a thread of its own, never one of Swift's cooperative pool, so blocking it is safe.
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let result = ResultSlot<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        let value = await body()
        result.value.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    return result.value.withLock { $0! }
}

private final class ResultSlot<T: Sendable>: Sendable {
    let value = Mutex<T?>(nil)
}
