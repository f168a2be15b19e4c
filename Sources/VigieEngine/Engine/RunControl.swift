import Foundation
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// Requests that reach a running ``StreamRunner`` from other threads — a signal source, a rules
/// watcher — and take effect between two reads: stop, or decide with new rules.
///
/// The reader waits for input with `poll` on the input and on a wake-up pipe, so a request is
/// seen at once even when the input is an idle pipe. Nothing here runs in a signal handler:
/// signals are turned into calls on an ordinary thread (`DispatchSource` in `vigie run`).
public final class RunControl: @unchecked Sendable {
    private let lock = NSLock()
    @exclusivity(unchecked) private var stop: Int32?
    @exclusivity(unchecked) private var offered: Program?
    /// The read end of the wake-up pipe, polled by the reader.
    package let wakeRead: Int32
    private let wakeWrite: Int32

    /// Creates a control with its wake-up pipe.
    public init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        } else {
            fds = [-1, -1]  // no wake-ups: requests are still seen after the next read
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        if wakeRead >= 0 { close(wakeRead) }
        if wakeWrite >= 0 { close(wakeWrite) }
    }

    /// Asks the runner to stop reading: the lines already read are decided and written whole,
    /// then ``StreamRunner/run(input:output:)`` returns ``RunEnd/stopped(signal:partialBytes:)``.
    /// `signal` is only reported back (0 when the stop does not come from a signal).
    public func requestStop(signal: Int32 = 0) {
        lock.lock()
        if stop == nil { stop = signal }
        lock.unlock()
        wake()
    }

    /// The stop asked for, if any: the signal number, or 0.
    public var stopRequest: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return stop
    }

    /// Hands new rules to the runner. They decide from the next batch of lines on; the state
    /// (windows, `once per`, cooldowns) moves over. A later offer replaces one not taken yet.
    public func offer(_ program: Program) {
        lock.lock()
        offered = program
        lock.unlock()
        wake()
    }

    /// The rules offered since the last call, if any.
    package func takeOffer() -> Program? {
        lock.lock()
        defer { lock.unlock() }
        let p = offered
        offered = nil
        return p
    }

    package func wake() {
        var b: UInt8 = 1
        _ = write(wakeWrite, &b, 1)
    }

    /// Empties the wake-up pipe (the requests themselves are read under the lock).
    package func drain() {
        var b = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &b, b.count) > 0 {}
    }
}
