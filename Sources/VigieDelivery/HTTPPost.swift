import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What one try of a POST gave.
public enum PostResult: Sendable, Equatable {
    /// A 2xx answer: delivered.
    case delivered
    /// Worth trying again: no connection, a time-out, a 5xx, 408 or 429.
    case retry(String)
    /// Will never work as it is: another 4xx (a wrong address, a revoked webhook).
    case permanent(String)

    /// The result of an HTTP status.
    public static func of(status: Int) -> PostResult {
        switch status {
        case 200..<300: return .delivered
        case 408, 425, 429, 500...: return .retry("the endpoint answered \(status)")
        default: return .permanent("the endpoint answered \(status)")
        }
    }
}

/// The small POST client of delivery. `http://` goes over a plain socket with a time limit on
/// each step (no package beyond Foundation, and the sanitizer builds see all of it); `https://`
/// goes through Foundation's URLSession (libcurl on Linux).
public enum HTTPPost {
    /// Sends `body` to `url` with `headers`, within `timeout` seconds.
    public static func send(url: String, headers: [String: String], body: [UInt8], timeout: Double) -> PostResult {
        guard let u = URL(string: url), let host = u.host else { return .permanent("`\(url)` is not an address") }
        if u.scheme?.lowercased() == "https" { return viaURLSession(u, headers: headers, body: body, timeout: timeout) }
        let port = u.port ?? 80
        var path = u.path.isEmpty ? "/" : u.path
        if let q = u.query { path += "?" + q }
        var head = "POST \(path) HTTP/1.1\r\nHost: \(host)\(u.port.map { ":\($0)" } ?? "")\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\nUser-Agent: vigie\r\n"
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) where !k.contains("\r") && !k.contains("\n") && !v.contains("\r") && !v.contains("\n") {
            head += "\(k): \(v)\r\n"
        }
        head += "\r\n"
        return plain(host: host, port: port, request: Array(head.utf8) + body, timeout: timeout)
    }

    static func plain(host: String, port: Int, request: [UInt8], timeout: Double) -> PostResult {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &res) == 0, let first = res else { return .retry("cannot resolve `\(host)`") }
        defer { freeaddrinfo(res) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { return .retry("cannot open a socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var tv = timeval()
        tv.tv_sec = Int(timeout)
        tv.tv_usec = .init((timeout - Double(Int(timeout))) * 1e6)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        #if canImport(Darwin)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        guard connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            return .retry("cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        var off = 0
        while off < request.count {
            let n = request.withUnsafeBytes { sendNoSignal(fd, $0.baseAddress! + off, request.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                return .retry("cannot send to \(host):\(port): \(String(cString: strerror(errno)))")
            }
            off += n
        }
        // The status line is all that is needed.
        var got: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while !got.contains(0x0A) {
            if Date() > deadline { return .retry("no answer from \(host):\(port) within \(timeout) s") }
            let n = read(fd, &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .retry(errno == EAGAIN || errno == EWOULDBLOCK ? "no answer from \(host):\(port) within \(timeout) s" : "cannot read from \(host):\(port): \(String(cString: strerror(errno)))") }
            if n == 0 { return .retry("\(host):\(port) closed the connection without an answer") }
            got += buf[0..<n]
        }
        let line = String(decoding: got.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self).split(separator: " ")
        guard line.count >= 2, line[0].hasPrefix("HTTP/"), let status = Int(line[1]) else { return .retry("\(host):\(port) did not answer in HTTP") }
        return .of(status: status)
    }

    static func viaURLSession(_ url: URL, headers: [String: String], body: [UInt8], timeout: Double) -> PostResult {
        var req = URLRequest(url: url, timeoutInterval: timeout)
        req.httpMethod = "POST"
        req.httpBody = Data(body)
        req.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (k, v) in headers { req.setValue(v, forHTTPHeaderField: k) }
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: req) { _, response, error in
            if let status = (response as? HTTPURLResponse)?.statusCode {
                box.result = .of(status: status)
            } else {
                box.result = .retry("cannot reach \(url.host ?? ""): \(error?.localizedDescription ?? "no answer")")
            }
            done.signal()
        }.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut { return .retry("no answer from \(url.host ?? "") within \(timeout) s") }
        return box.result ?? .retry("no answer")
    }
}

private final class ResultBox: @unchecked Sendable {
    var result: PostResult?
}

/// `send` without SIGPIPE when the endpoint has closed the connection.
private func sendNoSignal(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    #if canImport(Darwin)
        return Darwin.send(fd, p, n, 0)
    #else
        return Glibc.send(fd, p, n, Int32(MSG_NOSIGNAL))
    #endif
}
