import Foundation

/// A webhook receiver on 127.0.0.1 for the delivery tests, in the test process. Of every three
/// requests it answers one, drops one (closes the connection without answering) and lets one
/// hang past the sender's time-out; it can be stopped and started again on the same port.
final class FlakyReceiver: @unchecked Sendable {
    private let lock = NSLock()
    private var listener: Int32 = -1
    private(set) var port: Int = 0
    private var seen = 0
    private var stopped = true
    /// Every request answered 200: (Idempotency-Key, body).
    private var received: [(key: String, body: String)] = []
    /// Every request seen, answered or not.
    private var requests = 0
    /// How long a hanging request is held (longer than the sender's time-out).
    let hang: Double
    /// Whether to fail two requests of three (false: answer every one).
    let flaky: Bool

    init(hang: Double = 0.5, flaky: Bool = true) {
        self.hang = hang
        self.flaky = flaky
    }

    var deliveries: [(key: String, body: String)] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    var requestCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return requests
    }

    /// Listens (on `port`, or a free port the first time) and serves from a thread.
    func start() {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, 64)
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        lock.lock()
        port = Int(UInt16(bigEndian: bound.sin_port))
        listener = fd
        stopped = false
        lock.unlock()
        let t = Thread { [self] in acceptLoop(fd) }
        t.start()
    }

    /// Stops listening: new connections are refused until ``start()``.
    func stop() {
        lock.lock()
        stopped = true
        let fd = listener
        listener = -1
        lock.unlock()
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 {
                lock.lock()
                let done = stopped
                lock.unlock()
                if done || errno != EINTR { return }
                continue
            }
            let t = Thread { [self] in serve(c) }
            t.start()
        }
    }

    private func serve(_ c: Int32) {
        defer { close(c) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        var headEnd: Int?
        var length = 0
        while true {
            if let h = headEnd, data.count >= h + 4 + length { break }
            let n = read(c, &buf, buf.count)
            if n <= 0 { return }
            data += buf[0..<n]
            if headEnd == nil, let h = (0..<max(0, data.count - 3)).first(where: { data[$0] == 13 && data[$0 + 1] == 10 && data[$0 + 2] == 13 && data[$0 + 3] == 10 }) {
                headEnd = h
                let head = String(decoding: data[0..<h], as: UTF8.self).lowercased()
                for l in head.components(separatedBy: "\r\n") where l.hasPrefix("content-length:") { length = Int(l.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0 }
            }
        }
        let h = headEnd!
        let head = String(decoding: data[0..<h], as: UTF8.self)
        let key = head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("idempotency-key:") }.map { String($0.dropFirst(16)).trimmingCharacters(in: .whitespaces) } ?? ""
        let body = String(decoding: data[(h + 4)..<(h + 4 + length)], as: UTF8.self)
        lock.lock()
        requests += 1
        seen += 1
        let turn = flaky ? seen % 3 : 0
        lock.unlock()
        switch turn {
        case 1:
            return  // refused: closed without an answer
        case 2:
            Thread.sleep(forTimeInterval: hang)  // past the sender's time-out
            return
        default:
            lock.lock()
            received.append((key, body))
            lock.unlock()
            let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
            _ = answer.withUnsafeBytes { write(c, $0.baseAddress!, $0.count) }
        }
    }
}
