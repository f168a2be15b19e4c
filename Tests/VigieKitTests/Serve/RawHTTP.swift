import Foundation

/// A small HTTP/1.1 client over a plain socket, for the server tests: every byte sent is the
/// test's own (slow bodies, oversized heads), and the answer is read to the end of the
/// connection (`Connection: close`), chunked bodies decoded.
enum RawHTTP {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// A connected socket to 127.0.0.1:`port`, reads bounded by `timeout` seconds.
    static func connect(_ port: Int, timeout: Int = 30) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let r = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if r != 0 {
            close(fd)
            return -1
        }
        return fd
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n <= 0 { return }
            off += n
        }
    }

    /// What the server sends until it holds `marker` (or it closes, or the read times out).
    static func receive(_ fd: Int32, until marker: String) -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while !String(decoding: out, as: UTF8.self).contains(marker) {
            let n = Foundation.read(fd, &buf, buf.count)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return out
    }

    /// Everything the server sends until it closes (or the read times out: nil).
    static func readToEnd(_ fd: Int32) -> [UInt8]? {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buf, buf.count)
            if n == 0 { return out }
            if n < 0 { return errno == EINTR ? nil : (errno == ECONNRESET ? out : nil) }
            out += buf[0..<n]
        }
    }

    static func head(_ method: String, _ path: String, _ headers: [String: String], bodyCount: Int?) -> [UInt8] {
        var s = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) { s += "\(k): \(v)\r\n" }
        if let bodyCount { s += "Content-Length: \(bodyCount)\r\n" }
        return Array((s + "\r\n").utf8)
    }

    /// Sends one request and reads the whole answer.
    static func request(_ port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) -> Reply? {
        let fd = connect(port)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        send(fd, head(method, path, headers, bodyCount: method == "GET" ? nil : body.count) + body)
        return readToEnd(fd).flatMap(parse)
    }

    /// Parses a whole HTTP/1.1 answer.
    static func parse(_ raw: [UInt8]) -> Reply? {
        let sep: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, raw.count - 3)).first(where: { Array(raw[$0..<$0 + 4]) == sep }) else { return nil }
        let lines = String(decoding: raw[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var headers: [String: String] = [:]
        for l in lines.dropFirst() {
            guard let c = l.firstIndex(of: ":") else { continue }
            headers[l[..<c].lowercased()] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(raw[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var out: [UInt8] = []
            var i = 0
            while i < body.count {
                guard let crlf = (i..<body.count - 1).first(where: { body[$0] == 13 && body[$0 + 1] == 10 }),
                    let size = Int(String(decoding: body[i..<crlf], as: UTF8.self).split(separator: ";")[0], radix: 16)
                else { break }
                if size == 0 { break }
                out += body[(crlf + 2)..<min(body.count, crlf + 2 + size)]
                i = crlf + 2 + size + 2
            }
            body = out
        }
        return Reply(status: status, headers: headers, body: body)
    }
}
