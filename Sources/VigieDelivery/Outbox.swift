import Foundation

/// The durable outbox: one file per message (`KEY.json`) in a folder, written to a temporary
/// file, synced, then renamed, before the decision that asked for it is answered; removed once
/// the endpoint took it or it went to the dead-letter file. A process that stops for any reason
/// finds its messages there on the next start.
public final class Outbox: @unchecked Sendable {
    /// The folder.
    public let folder: String

    /// Opens (and creates) the outbox folder.
    public init(folder: String) throws {
        self.folder = folder
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DeliveryConfig.Problem(description: "cannot create the outbox folder `\(folder)`: \(error.localizedDescription); give `outbox` a folder this process may write")
        }
    }

    func path(_ key: String) -> String { (folder as NSString).appendingPathComponent(key + ".json") }

    /// Whether a message with this key waits in the outbox.
    public func contains(_ key: String) -> Bool { FileManager.default.fileExists(atPath: path(key)) }

    /// Writes `m` durably (replacing the file of the same key).
    public func write(_ m: DeliveryMessage) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        try Self.writeDurably(try enc.encode(m), to: path(m.key), folder: folder)
    }

    /// Removes the message of `key`.
    public func remove(_ key: String) {
        unlink(path(key))
    }

    /// Every message waiting, oldest first; files that cannot be read are renamed `*.bad` and
    /// reported through `problem`.
    public func load(problem: (String) -> Void) -> [DeliveryMessage] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }
        var out: [DeliveryMessage] = []
        for n in names {
            let p = (folder as NSString).appendingPathComponent(n)
            if let d = FileManager.default.contents(atPath: p), let m = try? JSONDecoder().decode(DeliveryMessage.self, from: d) {
                out.append(m)
            } else {
                rename(p, p + ".bad")
                problem("vigie: the outbox file `\(p)` cannot be read; it was renamed `\(n).bad` and will not be sent\n")
            }
        }
        return out.sorted { ($0.queuedAt, $0.key) < ($1.queuedAt, $1.key) }
    }

    /// Writes `data` to `path` through a temporary file, fsync and rename, then syncs the folder.
    static func writeDurably(_ data: Data, to path: String, folder: String) throws {
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DeliveryConfig.Problem(description: "cannot write `\(tmp)`: \(String(cString: strerror(errno)))") }
        var ok = data.withUnsafeBytes { b in
            var off = 0
            while off < b.count {
                let n = Foundation.write(fd, b.baseAddress! + off, b.count - off)
                if n < 0 { if errno == EINTR { continue }; return false }
                off += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        let e = errno
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw DeliveryConfig.Problem(description: "cannot write `\(path)`: \(String(cString: strerror(ok ? errno : e)))")
        }
        let dfd = open(folder, O_RDONLY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }

    /// Appends one line to the file at `path`, synced.
    static func appendLine(_ line: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DeliveryConfig.Problem(description: "cannot write the dead-letter file `\(path)`: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = line + [0x0A]
        _ = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress!, $0.count) }
        fsync(fd)
    }
}

/// When to try again: the first wait is `backoff`, doubled after each failed try up to
/// `maxBackoff`, with ±20 % jitter so that many messages do not come back at once; after
/// `maxAttempts` tries the message goes to the dead-letter file.
public struct RetryPolicy: Sendable, Equatable {
    public var backoff: Double
    public var maxBackoff: Double
    public var maxAttempts: Int

    /// Creates a policy.
    public init(backoff: Double, maxBackoff: Double, maxAttempts: Int) {
        self.backoff = backoff
        self.maxBackoff = maxBackoff
        self.maxAttempts = maxAttempts
    }

    /// The wait after `attempts` failed tries (1 or more), before jitter.
    public func delay(afterAttempts attempts: Int) -> Double {
        min(maxBackoff, backoff * pow(2, Double(max(0, attempts - 1))))
    }

    /// ``delay(afterAttempts:)`` with jitter (`unit` in 0...1 picks where in ±20 %).
    public func jittered(afterAttempts attempts: Int, unit: Double = Double.random(in: 0...1)) -> Double {
        delay(afterAttempts: attempts) * (0.8 + 0.4 * unit)
    }
}
