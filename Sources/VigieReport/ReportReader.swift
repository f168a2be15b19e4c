import Foundation
import VigieCore
import VigieEngine

/// How far `vigie report` has read, for a progress line.
public struct ReportProgress: Sendable {
    /// Bytes of the decisions file read so far.
    public var bytesRead: Int
    /// The size of the decisions file (0 when unknown, as for a pipe).
    public var totalBytes: Int
    /// Decision lines read so far.
    public var lines: Int
}

/// A file `vigie report` cannot read.
public struct ReportFileError: Error, CustomStringConvertible {
    /// The path given.
    public var path: String
    /// The system's reason.
    public var reason: String
    public var description: String { "cannot open `\(path)`: \(reason)" }
}

/// A file given to `vigie report` as decisions in which no line is a decision line.
public struct ReportInputError: Error, CustomStringConvertible {
    /// The path given (`-` for standard input).
    public var path: String
    /// Lines read.
    public var lines: Int
    /// Whether the lines look like comments (JSON objects with the text field).
    public var commentLike: Bool
    /// The text field looked for.
    public var textField: String

    public var description: String {
        let name = path == "-" ? "standard input" : "`\(path)`"
        let input = path == "-" ? "comments.jsonl" : path
        let lines = "\(ReportFormat.count(lines)) line\(lines == 1 ? "" : "s")"
        if commentLike {
            return
                "\(name) looks like a file of comments (lines with `\(textField)`), not decisions written by `vigie run` (\(lines), none with `actions` or `error_code`); run `vigie run --rules RULES --input \(input) > decisions.jsonl` first, then `vigie report decisions.jsonl --comments \(input) -o report.html`"
        }
        return
            "\(name) has no decision line (\(lines), none a JSON object with `actions` or `error_code`): give the file written by `vigie run --rules RULES --input COMMENTS > decisions.jsonl`"
    }
}

/// The comments file read in step with the decisions: it hands out the line of a given number,
/// reading forward only (decision lines come in input order).
package final class CommentCursor {
    private let reader: LineReader
    private var current: ArraySlice<UInt8>?
    private var currentNumber = 0
    private var ended = false

    package init(reader: LineReader) { self.reader = reader }

    /// The comment line numbered `n` (from 1), or nil when the file has no such line or it was
    /// already passed. Valid until the next call.
    package func line(_ n: Int) -> ArraySlice<UInt8>? {
        if n == currentNumber { return current }
        guard n > currentNumber, !ended else { return nil }
        while currentNumber < n {
            guard let l = reader.next() else {
                ended = true
                current = nil
                return nil
            }
            current = l
            currentNumber += 1
        }
        return current
    }
}

extension Report {
    /// Reads a decisions file (`-` for standard input) and the comments file it was made from
    /// (for time and texts), and builds the report in one pass. `progress` is called about
    /// every 64,000 lines. Throws ``ReportFileError`` when a file cannot be opened, and
    /// ``ReportInputError`` when lines were read and none is a decision line (a comments file
    /// given in place of the decisions, say).
    public static func build(
        decisions: String, comments: String?, options: ReportOptions = ReportOptions(),
        progress: ((ReportProgress) -> Void)? = nil
    ) throws -> Report {
        let dfd = decisions == "-" ? 0 : open(decisions, O_RDONLY)
        guard dfd >= 0 else { throw ReportFileError(path: decisions, reason: String(cString: strerror(errno))) }
        defer { if dfd != 0 { close(dfd) } }
        var cursor: CommentCursor?
        var cfd: Int32 = -1
        if let comments {
            cfd = open(comments, O_RDONLY)
            guard cfd >= 0 else { throw ReportFileError(path: comments, reason: String(cString: strerror(errno))) }
            cursor = CommentCursor(reader: LineReader(fd: cfd))
        }
        defer { if cfd >= 0 { close(cfd) } }
        var st = stat()
        let total = fstat(dfd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : 0

        let builder = ReportBuilder(axis: comments == nil ? .line : .time, options: options)
        let reader = LineReader(fd: dfd)
        var n = 0
        while let line = reader.next() {
            n += 1
            if reader.lastWasTooLong || line.isEmpty {
                // Not a decision line, but it still takes a line number.
                builder.add(decision: line, comment: nil)
                continue
            }
            let number = ReportBuilder.lineNumber(of: line) ?? builder.expectedLine
            builder.add(decision: line, comment: cursor?.line(number))
            if n & 0xFFFF == 0, let progress { progress(ReportProgress(bytesRead: reader.bytesRead, totalBytes: total, lines: n)) }
        }
        progress?(ReportProgress(bytesRead: reader.bytesRead, totalBytes: total, lines: n))
        if let (lines, commentLike) = builder.notDecisions {
            throw ReportInputError(path: decisions, lines: lines, commentLike: commentLike, textField: options.textField)
        }
        return builder.finish(decisionsPath: decisions, commentsPath: comments)
    }
}
