import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// A `# vigie:ignore ID -- reason` comment: it silences the findings with that id on the next
/// line that is not itself a comment.
///
/// The lexer drops comments, so suppressions are read from the files' bytes: a comment line is
/// a line whose first non-blank character is `#` (strings and regexes cannot span lines, so
/// such a line is always a comment). Several ids may be given, separated by spaces or commas;
/// the reason after `--` is for reviewers.
public struct Suppression {
    /// One id named by the comment.
    public struct Entry {
        /// The id as written.
        public var id: String
        /// The lint id it stands for (nil when it names nothing suppressible).
        public var resolved: String?
        /// Where the id is written.
        public var span: Span
        /// Whether it silenced at least one finding.
        public var used = false
    }

    /// The file holding the comment.
    public var file: SourceFile
    /// The whole comment.
    public var span: Span
    /// The ids it names.
    public var entries: [Entry]
    /// The 1-based line it applies to.
    public var targetLine: Int
    /// The text after `--`, if any.
    public var reason: String?

    /// The marker that starts a suppression comment.
    public static let marker = "vigie:ignore"

    /// Every suppression comment of a file.
    public static func scan(_ file: SourceFile) -> [Suppression] {
        let b = file.bytes
        var out: [Suppression] = []
        var pending: [Suppression] = []
        for (index, start) in file.lineStarts.enumerated() {
            let line = index + 1
            var end = index + 1 < file.lineStarts.count ? file.lineStarts[index + 1] - 1 : b.count
            if end > start, b[end - 1] == 0x0D { end -= 1 }
            var i = start
            while i < end, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
            guard i < end, b[i] == UInt8(ascii: "#") else {
                for var p in pending {
                    p.targetLine = line
                    out.append(p)
                }
                pending.removeAll()
                continue
            }
            if let s = parse(file, commentStart: i, end: end) { pending.append(s) }
        }
        let last = file.lineStarts.count + 1
        for var p in pending {
            p.targetLine = last
            out.append(p)
        }
        return out
    }

    package static func parse(_ file: SourceFile, commentStart: Int, end: Int) -> Suppression? {
        let b = file.bytes
        var i = commentStart + 1
        while i < end, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
        let marker = Array(marker.utf8)
        guard end - i >= marker.count, Array(b[i..<(i + marker.count)]) == marker else { return nil }
        i += marker.count
        guard i == end || b[i] == 0x20 || b[i] == 0x09 else { return nil }
        var entries: [Entry] = []
        var reason: String?
        while i < end {
            while i < end, b[i] == 0x20 || b[i] == 0x09 || b[i] == UInt8(ascii: ",") { i += 1 }
            if i + 1 < end, b[i] == UInt8(ascii: "-"), b[i + 1] == UInt8(ascii: "-") {
                var r = i + 2
                var e = end
                while r < e, b[r] == 0x20 || b[r] == 0x09 { r += 1 }
                while e > r, b[e - 1] == 0x20 || b[e - 1] == 0x09 { e -= 1 }
                let text = String(decoding: b[r..<e], as: UTF8.self)
                reason = text.isEmpty ? nil : text
                break
            }
            let s = i
            while i < end, b[i] != 0x20, b[i] != 0x09, b[i] != UInt8(ascii: ",") { i += 1 }
            if i > s {
                let id = String(decoding: b[s..<i], as: UTF8.self)
                entries.append(Entry(id: id, resolved: LintRegistry.configurableID(id), span: Span(s, i)))
            }
        }
        return Suppression(file: file, span: Span(commentStart, end), entries: entries, targetLine: 0, reason: reason)
    }
}
