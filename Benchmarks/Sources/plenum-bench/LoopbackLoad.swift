import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A load generator for the ingest benchmark that costs little CPU of its own, so the two cores
/// measure the hub rather than its clients: one thread drives every keep-alive HTTP/1.1
/// connection through poll(2), each connection posting its share of pre-built requests one at a
/// time (the next is sent only when the previous answer has been read in full). Real voters post
/// from their own machines; this stands in for them the way `wrk` would, but with a distinct body
/// per request and each answer's status checked.
struct LoopbackLoad {
    struct Outcome {
        /// Seconds from each request's send to the end of its answer.
        var latencies: [Double]
        /// CPU time (user + system) of the generator's thread.
        var cpuSeconds: Double
        var seconds: Double
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let port: UInt16
    let path: String
    let connections: Int

    /// Posts every body, each from connection `index % connections`; any answer but 201 fails.
    /// The generator runs on a thread of its own, off the cooperative pool the hub uses.
    func post(_ bodies: [[UInt8]]) async throws -> Outcome {
        let requests = bodies.map { body -> [UInt8] in
            Array(
                "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
                    .utf8) + body
        }
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try drive(requests) }) }
            thread.stackSize = 1 << 22
            thread.name = "loadgen"
            thread.start()
        }
    }

    private func drive(_ requests: [[UInt8]]) throws -> Outcome {
        let cpuBefore = Self.threadCPU()
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        for _ in 0..<min(connections, requests.count) { sockets.append(try connect()) }
        struct Connection {
            var next: Int
            var sentAt: UInt64 = 0
            var buffer: [UInt8] = []
        }
        var state = sockets.indices.map { Connection(next: $0) }
        var latencies: [Double] = []
        latencies.reserveCapacity(requests.count)
        let start = Self.nanoseconds()
        var pending = 0
        for (c, fd) in sockets.enumerated() {
            state[c].sentAt = Self.nanoseconds()
            try send(requests[state[c].next], on: fd)
            pending += 1
        }
        var polled = sockets.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while pending > 0 {
            let ready = poll(&polled, nfds_t(polled.count), 60_000)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { throw Failure(description: "no answer within 60 s (\(pending) requests outstanding)") }
            for c in polled.indices where polled[c].revents != 0 {
                polled[c].revents = 0
                let fd = sockets[c]
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { throw Failure(description: "connection \(c) closed by the hub (read \(n), errno \(errno))") }
                state[c].buffer.append(contentsOf: chunk[0..<n])
                guard let status = try Self.completeAnswer(&state[c].buffer) else { continue }
                let now = Self.nanoseconds()
                latencies.append(Double(now - state[c].sentAt) / 1e9)
                guard status.code == 201 else {
                    throw Failure(description: "request \(state[c].next) answered \(status.code): \(status.body.prefix(300))")
                }
                pending -= 1
                state[c].next += sockets.count
                if state[c].next < requests.count {
                    state[c].sentAt = now
                    try send(requests[state[c].next], on: fd)
                    pending += 1
                }
            }
        }
        let seconds = Double(Self.nanoseconds() - start) / 1e9
        return Outcome(latencies: latencies, cpuSeconds: Self.threadCPU() - cpuBefore, seconds: seconds)
    }

    private func connect() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect to 127.0.0.1:\(port): errno \(errno)")
        }
        return fd
    }

    private func send(_ request: [UInt8], on fd: Int32) throws {
        var offset = 0
        while offset < request.count {
            let n = request.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(description: "write: errno \(errno)") }
            offset += n
        }
    }

    /// When `buffer` holds a whole answer (head and a `Content-Length` body): its status and body,
    /// removed from the buffer. Nil while more bytes are needed. Scans bytes: the generator's own
    /// CPU time is part of what the two cores spend.
    static func completeAnswer(_ buffer: inout [UInt8]) throws -> (code: Int, body: String)? {
        let n = buffer.count
        guard n >= 16 else { return nil }
        return try buffer.withUnsafeBufferPointer { bytes -> (code: Int, body: String, used: Int)? in
            var headEnd = -1
            var i = 3
            while i < n {
                if bytes[i] == 10 && bytes[i - 1] == 13 && bytes[i - 2] == 10 && bytes[i - 3] == 13 {
                    headEnd = i + 1
                    break
                }
                i += 1
            }
            guard headEnd > 0 else { return nil }
            // "HTTP/1.1 201 ..."
            let prefix: [UInt8] = Array("HTTP/1.1 ".utf8)
            guard headEnd > 12, (0..<9).allSatisfy({ bytes[$0] == prefix[$0] }),
                (9..<12).allSatisfy({ bytes[$0] >= 48 && bytes[$0] <= 57 })
            else {
                throw Failure(description: "not an HTTP/1.1 answer: \(String(decoding: bytes[0..<min(n, 100)], as: UTF8.self))")
            }
            let code = (9..<12).reduce(0) { $0 * 10 + Int(bytes[$1] - 48) }
            let length = try contentLength(bytes, headEnd: headEnd)
            guard n >= headEnd + length else { return nil }
            let body = code == 201 ? "" : String(decoding: bytes[headEnd..<headEnd + length], as: UTF8.self)
            return (code, body, headEnd + length)
        }.map { answer in
            buffer.removeFirst(answer.used)
            return (answer.code, answer.body)
        }
    }

    /// The value of the head's `Content-Length` header (names compared without case).
    private static func contentLength(_ bytes: UnsafeBufferPointer<UInt8>, headEnd: Int) throws -> Int {
        let name = Array("content-length:".utf8)
        let chunked = Array("transfer-encoding:".utf8)
        var lineStart = 0
        while lineStart < headEnd {
            var lineEnd = lineStart
            while lineEnd < headEnd && bytes[lineEnd] != 13 { lineEnd += 1 }
            func starts(with field: [UInt8]) -> Bool {
                lineEnd - lineStart > field.count && field.indices.allSatisfy { bytes[lineStart + $0] | 0x20 == field[$0] }
            }
            if starts(with: chunked) { throw Failure(description: "a chunked answer (this generator reads Content-Length only)") }
            if starts(with: name) {
                var value = 0
                for k in lineStart + name.count..<lineEnd where bytes[k] != 32 {
                    guard bytes[k] >= 48 && bytes[k] <= 57 else { throw Failure(description: "a malformed Content-Length") }
                    value = value * 10 + Int(bytes[k] - 48)
                }
                return value
            }
            lineStart = lineEnd + 2
        }
        throw Failure(description: "an answer without Content-Length")
    }

    static func nanoseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    /// CPU time of the calling thread.
    static func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
