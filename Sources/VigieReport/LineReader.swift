import Foundation
import VigieCore
import VigieEngine

/// Reads a file descriptor one line at a time through a fixed buffer (grown only for a line
/// longer than it, up to ``maxLineBytes``; longer lines are skipped and reported empty).
package final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    /// The most bytes one line may hold.
    package let maxLineBytes: Int
    /// Bytes read from the file so far.
    package private(set) var bytesRead = 0
    /// Lines returned so far.
    package private(set) var lineNumber = 0
    /// Whether the last line returned was too long (and returned empty).
    package private(set) var lastWasTooLong = false

    package init(fd: Int32, bufferSize: Int = 1 << 20, maxLineBytes: Int = 64 << 20) {
        self.fd = fd
        self.buffer = [UInt8](repeating: 0, count: bufferSize)
        self.maxLineBytes = maxLineBytes
    }

    /// The bytes of the next line (without `\n` or `\r\n`), valid until the next call; nil at
    /// the end of the file.
    package func next() -> ArraySlice<UInt8>? {
        lastWasTooLong = false
        var skipping = false
        var searched = start
        while true {
            if let nl = findNewline(from: searched) {
                let r = skipping ? nl..<nl : start..<nl
                start = nl + 1
                lastWasTooLong = skipping
                return line(r)
            }
            if eof {
                if start == end, !skipping { return nil }
                let r = skipping ? end..<end : start..<end
                lastWasTooLong = skipping
                start = end
                return line(r)
            }
            if end - start >= maxLineBytes {
                // Too long: forget what we have and look for the end of the line.
                skipping = true
                start = end
            }
            let pending = end - start
            fill()
            searched = start + pending
        }
    }

    private func line(_ r: Range<Int>) -> ArraySlice<UInt8> {
        lineNumber += 1
        var r = r
        if r.upperBound > r.lowerBound, buffer[r.upperBound - 1] == 0x0D { r = r.lowerBound..<(r.upperBound - 1) }
        if lineNumber == 1, r.count >= 3, buffer[r.lowerBound] == 0xEF, buffer[r.lowerBound + 1] == 0xBB, buffer[r.lowerBound + 2] == 0xBF {
            r = (r.lowerBound + 3)..<r.upperBound
        }
        return buffer[r]
    }

    private func findNewline(from: Int) -> Int? {
        guard from < end else { return nil }
        return buffer.withUnsafeBufferPointer { p -> Int? in
            guard let hit = memchr(p.baseAddress! + from, 0x0A, end - from) else { return nil }
            return p.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Moves the pending bytes to the front and reads more (growing the buffer when full).
    private func fill() {
        if start > 0 {
            let pending = end - start
            if pending > 0 {
                buffer.withUnsafeMutableBufferPointer { p in
                    _ = memmove(p.baseAddress!, p.baseAddress! + start, pending)
                }
            }
            end = pending
            start = 0
        }
        if end == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + end, $0.count - end) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 {
                eof = true
                return
            }
            end += n
            bytesRead += n
            return
        }
    }
}
