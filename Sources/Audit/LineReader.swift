#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file line by line in constant memory (one read buffer plus the longest line).
///
/// Lines end at `\n`; a last line without one is returned with `terminated == false` (a writer always
/// ends its lines, so this marks a file cut short).
public final class LineReader {
    /// One line, without its `\n`.
    public struct Line: Sendable {
        /// 1-based line number in the file.
        public let number: Int
        public let bytes: [UInt8]
        public let terminated: Bool
    }

    let fd: Int32
    var buffer: [UInt8]
    var start = 0
    var end = 0
    var eof = false
    var lineNumber = 0
    /// Bytes consumed so far (for progress).
    public private(set) var offset: Int64 = 0
    /// The file's size when opened.
    public let size: Int64

    /// Opens `path` for reading; nil when it cannot be opened.
    public init?(path: String, bufferSize: Int = 1 << 20) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else {
            close(fd)
            return nil
        }
        self.fd = fd
        self.size = Int64(info.st_size)
        buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    deinit { close(fd) }

    /// The next line, or nil at the end of the file. Throws when the file cannot be read.
    public func next() throws(LineReaderError) -> Line? {
        while true {
            if let newline = findNewline() {
                let bytes = Array(buffer[start..<newline])
                offset += Int64(newline - start + 1)
                start = newline + 1
                lineNumber += 1
                return Line(number: lineNumber, bytes: bytes, terminated: true)
            }
            if eof {
                guard start < end else { return nil }
                let bytes = Array(buffer[start..<end])
                offset += Int64(end - start)
                start = end
                lineNumber += 1
                return Line(number: lineNumber, bytes: bytes, terminated: false)
            }
            try fill()
        }
    }

    func findNewline() -> Int? {
        guard start < end else { return nil }
        return buffer.withUnsafeBufferPointer { p -> Int? in
            guard let found = memchr(p.baseAddress! + start, 0x0A, end - start) else { return nil }
            return p.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    func fill() throws(LineReaderError) {
        // Move the partial line to the front; grow when a line is longer than the buffer.
        if start > 0 {
            buffer.withUnsafeMutableBufferPointer { p in
                _ = memmove(p.baseAddress!, p.baseAddress! + start, end - start)
            }
            end -= start
            start = 0
        }
        if end == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        let n = buffer.withUnsafeMutableBufferPointer { p in read(fd, p.baseAddress! + end, p.count - end) }
        guard n >= 0 else { throw LineReaderError(errno: errno) }
        if n == 0 { eof = true } else { end += n }
    }
}

/// A read failure of the file system.
public struct LineReaderError: Error, CustomStringConvertible {
    public let errno: Int32
    public var description: String { "read failed: \(String(cString: strerror(errno)))" }
}
