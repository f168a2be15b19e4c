/// A rule file's text, kept as UTF-8 bytes so that every span is a byte range.
///
/// Vigie works on byte offsets inside; line and column are computed only when rendering.
/// Columns are 1-based and counted in Unicode scalars (characters as an editor shows them).
public final class SourceFile: @unchecked Sendable {
    /// The path as given by the user (used in diagnostics).
    public let path: String
    /// The file's bytes.
    public let bytes: [UInt8]
    /// Byte offset of the start of each line.
    public let lineStarts: [Int]

    /// Creates a source file from its path and text.
    public convenience init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// Creates a source file from its path and raw bytes.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// The 1-based line and column of a byte offset (column in Unicode scalars).
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let offset = max(0, min(offset, bytes.count))
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        var column = 1
        var i = lineStarts[lo]
        if lo == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = min(3, offset) }
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        if offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { column -= 1 }
        return (lo + 1, column)
    }

    /// The text of a 1-based line, without its line end.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The text of a byte range.
    public func text(_ span: Span) -> String {
        let lo = max(0, min(span.start, bytes.count))
        let hi = max(lo, min(span.end, bytes.count))
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}

/// A byte range in one source file.
public struct Span: Hashable, Sendable, CustomStringConvertible {
    /// Byte offset of the first byte.
    public var start: Int
    /// Byte offset one past the last byte.
    public var end: Int

    /// Creates a span of bytes `start..<end`.
    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// The smallest span that covers both.
    public func merged(with other: Span) -> Span { Span(min(start, other.start), max(end, other.end)) }

    public var description: String { "\(start)..<\(end)" }
}
