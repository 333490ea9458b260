import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on loopback in front of a hub that loses, on its first `lossyConnections`
/// connections, what a WebSocket client can lose when the hub's first frames arrive together
/// with its upgrade answer: the first frame after the HTTP head (`dropFirstFrame`), or everything
/// after the head, the end of the connection included (`silenceAfterHead`). Seen in captures of the
/// test suite: the swift-websocket client sometimes never delivers the frames (nor the end of
/// the connection) that followed the `101` within a fraction of a millisecond. Later connections
/// pass through untouched.
///
/// Plain POSIX sockets and one thread per direction: the proxy is test plumbing and must not
/// share the cooperative pool or the event loops it observes.
final class LossyStreamProxy: Sendable {
    enum Loss: Sendable {
        case dropFirstFrame
        case silenceAfterHead
    }

    let port: UInt16
    private let listener: Int32
    private let target: UInt16
    private let loss: Loss
    private let remaining: Mutex<Int>
    /// Connections that lost frames.
    let lossy = Atomic<Int>(0)

    init(to target: Int, loss: Loss, lossyConnections: Int) throws {
        self.target = UInt16(target)
        self.loss = loss
        remaining = Mutex(lossyConnections)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else { throw TestFailure("bind/listen: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Stops accepting (connections already open run until either side closes).
    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            guard let upstream = try? Self.connect(port: target) else {
                close(client)
                continue
            }
            let lose = remaining.withLock { left in
                defer { left = max(0, left - 1) }
                return left > 0
            }
            if lose { lossy.add(1, ordering: .relaxed) }
            let pair = Pair(client: client, upstream: upstream)
            Thread {
                Self.pump(from: client, to: upstream, loss: nil)
                pair.finished()
            }.start()
            Thread {
                Self.pump(from: upstream, to: client, loss: lose ? self.loss : nil)
                pair.finished()
            }.start()
        }
    }

    /// Both sockets of one proxied connection, closed when both directions have ended.
    private final class Pair: Sendable {
        let client: Int32
        let upstream: Int32
        private let ended = Atomic<Int>(0)

        init(client: Int32, upstream: Int32) {
            self.client = client
            self.upstream = upstream
        }

        func finished() {
            guard ended.add(1, ordering: .acquiringAndReleasing).newValue == 2 else { return }
            close(client)
            close(upstream)
        }
    }

    /// Copies bytes until end of input (losing what `loss` says after the HTTP head), then ends
    /// the sink's output and the source's input.
    private static func pump(from source: Int32, to sink: Int32, loss: Loss?) {
        // Bytes seen before the head's end; nil once it has passed (or when nothing is lost).
        var head: [UInt8]? = loss == nil ? nil : []
        // After the head: bytes of the first frame still to drop, once its length is known.
        var frame: [UInt8] = []
        var dropping = loss == .dropFirstFrame
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            var chunk = Array(buffer[0..<n])
            if var seen = head {
                seen += chunk
                guard let end = headEnd(seen) else {
                    head = seen
                    continue
                }
                guard write(all: Array(seen[..<end]), to: sink) else { break }
                head = nil
                chunk = Array(seen[end...])
            }
            switch loss {
            case .silenceAfterHead?: continue
            case .dropFirstFrame? where dropping:
                frame += chunk
                guard let length = frameLength(frame), frame.count >= length else { continue }
                chunk = Array(frame[length...])
                dropping = false
            default: break
            }
            guard write(all: chunk, to: sink) else { break }
        }
        // A silenced connection does not end for the client either: it waits, as in the captures.
        if loss != .silenceAfterHead { shutdown(sink, Int32(SHUT_WR)) }
        shutdown(source, Int32(SHUT_RD))
    }

    /// The length of the (unmasked, server-sent) WebSocket frame at the start of `bytes`, once its
    /// header has arrived.
    private static func frameLength(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        switch bytes[1] & 0x7f {
        case 126:
            guard bytes.count >= 4 else { return nil }
            return 4 + (Int(bytes[2]) << 8 | Int(bytes[3]))
        case 127:
            guard bytes.count >= 10 else { return nil }
            return 10 + bytes[2..<10].reduce(0) { $0 << 8 | Int($1) }
        case let short: return 2 + Int(short)
        }
    }

    /// The offset just past the blank line that ends an HTTP head, if it has arrived.
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i + 4
        }
        return nil
    }

    private static func write(all bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func connect(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw TestFailure("connect to 127.0.0.1:\(port): errno \(errno)")
        }
        return fd
    }
}
