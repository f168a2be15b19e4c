import VigieCore
import VigieLanguage

/// A layout document: what the formatter wants to print, with the places where a line may break.
///
/// This is the classic Wadler / Oppen pretty-printing model (as in prettier): a `group` is printed
/// on one line when it fits in the remaining width, otherwise its `line`s become line breaks.
/// Comments and blank lines force the groups around them to break.
package indirect enum Doc {
    /// Text that never contains a line break.
    case text(String)
    /// One space, never a break. Dropped at the start of a line.
    case space
    /// A space when the enclosing group is flat, a line break when it is broken.
    case line
    /// Nothing when the enclosing group is flat, a line break when it is broken.
    case softline
    /// A line break, always.
    case hardline
    /// A line break and one empty line before the next content (collapsed: never two).
    case blankline
    /// A comment: on its own line (`ownLine`), or after the code of the current line.
    /// Either way the next content starts a new line.
    case comment(String, ownLine: Bool)
    /// Documents one after the other.
    case concat([Doc])
    /// Line breaks inside are indented `n` more columns.
    case nest(Int, Doc)
    /// Line breaks inside go to the column where this document starts.
    case align(Doc)
    /// Flat when it fits and nothing inside forces a break. Build with ``Doc/group(_:)``.
    case groupNode(Doc, forced: Bool)
    /// `broken` inside a broken group, `flat` inside a flat one.
    case ifBreak(Doc, flat: Doc)

    /// Nothing.
    package static let empty = Doc.concat([])

    /// A group, marked as forced to break when it holds a comment, a hard line or a blank line.
    package static func group(_ d: Doc) -> Doc { .groupNode(d, forced: d.forcesBreak) }

    /// Whether printing this document necessarily breaks a line.
    package var forcesBreak: Bool {
        switch self {
        case .text, .space, .line, .softline: return false
        case .hardline, .blankline, .comment: return true
        case .concat(let ds): return ds.contains { $0.forcesBreak }
        case .nest(_, let d), .align(let d): return d.forcesBreak
        case .groupNode(_, let forced): return forced
        case .ifBreak(_, let flat): return flat.forcesBreak
        }
    }
}

/// One printed line: indentation, code, and an optional comment after the code.
package struct PrintedLine {
    package var indent: Int
    package var code: String
    package var trailingComment: String?
    package var isCommentLine = false
    package var isBlank = false
}

/// Prints a ``Doc`` in a given width. Widths count characters (what an editor shows as columns).
package struct DocPrinter {
    private enum Mode { case flat, broken }
    private struct Command {
        package var indent: Int
        package var mode: Mode
        package var doc: Doc
    }

    package let width: Int
    package private(set) var lines: [PrintedLine] = []
    private var atLineStart = true
    private var nextIndent = 0
    private var pendingBlank = false
    /// A comment broke a line the document did not break: the rest is a continuation line,
    /// indented ``continuationIndent`` more.
    private var continuation = false

    /// The extra indentation of code that a comment pushed onto the next line.
    package static let continuationIndent = 4

    package init(width: Int) { self.width = width }

    /// The column where the next text goes.
    private var column: Int {
        if atLineStart { return nextIndent + (continuation ? DocPrinter.continuationIndent : 0) }
        let l = lines[lines.count - 1]
        return l.indent + l.code.count
    }

    /// Prints a document after whatever was printed before.
    package mutating func print(_ doc: Doc) {
        var stack = [Command(indent: 0, mode: .broken, doc: doc)]
        while let c = stack.popLast() {
            switch c.doc {
            case .text(let s):
                write(s)
            case .space:
                if !atLineStart { lines[lines.count - 1].code += " " }
            case .line:
                if c.mode == .flat {
                    if !atLineStart { lines[lines.count - 1].code += " " }
                } else {
                    newline(c.indent)
                }
            case .softline:
                if c.mode == .broken { newline(c.indent) }
            case .hardline:
                newline(c.indent)
            case .blankline:
                newline(c.indent)
                if !lines.isEmpty { pendingBlank = true }
            case .comment(let text, let ownLine):
                comment(text, ownLine: ownLine, indent: c.indent)
            case .concat(let ds):
                for d in ds.reversed() { stack.append(Command(indent: c.indent, mode: c.mode, doc: d)) }
            case .nest(let n, let d):
                stack.append(Command(indent: c.indent + n, mode: c.mode, doc: d))
            case .align(let d):
                stack.append(Command(indent: column, mode: c.mode, doc: d))
            case .groupNode(let d, let forced):
                if c.mode == .flat {
                    stack.append(Command(indent: c.indent, mode: .flat, doc: d))
                } else {
                    let flat = !forced && fits(Command(indent: c.indent, mode: .flat, doc: d), rest: stack)
                    stack.append(Command(indent: c.indent, mode: flat ? .flat : .broken, doc: d))
                }
            case .ifBreak(let broken, let flat):
                stack.append(Command(indent: c.indent, mode: c.mode, doc: c.mode == .broken ? broken : flat))
            }
        }
    }

    private mutating func startLine() {
        if pendingBlank, !lines.isEmpty { lines.append(PrintedLine(indent: 0, code: "", isBlank: true)) }
        pendingBlank = false
        lines.append(PrintedLine(indent: nextIndent + (continuation ? DocPrinter.continuationIndent : 0), code: ""))
        atLineStart = false
    }

    private mutating func write(_ s: String) {
        if atLineStart { startLine() }
        lines[lines.count - 1].code += s
    }

    private mutating func newline(_ indent: Int) {
        atLineStart = true
        nextIndent = indent
        continuation = false
    }

    /// A line break that the document did not ask for (after or before a comment).
    private mutating func forcedNewline(_ indent: Int) {
        newline(indent)
        continuation = true
    }

    private mutating func comment(_ text: String, ownLine: Bool, indent: Int) {
        let last = lines.last
        let canTrail = !ownLine && last != nil && !last!.isCommentLine && !last!.isBlank && last!.trailingComment == nil
        if canTrail {
            lines[lines.count - 1].trailingComment = text
            if !atLineStart { forcedNewline(indent) }
            return
        }
        if !atLineStart { forcedNewline(indent) }
        startLine()
        lines[lines.count - 1].code = text
        lines[lines.count - 1].isCommentLine = true
        atLineStart = true
    }

    /// Whether `next`, printed flat, and what follows it up to the next possible line break, fit
    /// in the rest of the current line.
    private func fits(_ next: Command, rest: [Command]) -> Bool {
        var remaining = width - column
        var todo: [(Mode, Doc)] = [(next.mode, next.doc)]
        var restIndex = rest.count - 1
        while remaining >= 0 {
            guard let (mode, doc) = todo.popLast() else {
                if restIndex < 0 { return true }
                todo.append((rest[restIndex].mode, rest[restIndex].doc))
                restIndex -= 1
                continue
            }
            switch doc {
            case .text(let s): remaining -= s.count
            case .space: remaining -= 1
            case .line:
                if mode == .broken { return true }
                remaining -= 1
            case .softline:
                if mode == .broken { return true }
            case .hardline, .blankline, .comment: return true
            case .concat(let ds): for d in ds.reversed() { todo.append((mode, d)) }
            case .nest(_, let d), .align(let d): todo.append((mode, d))
            case .groupNode(let d, let forced): todo.append((forced ? .broken : mode, d))
            case .ifBreak(let broken, let flat): todo.append((mode, mode == .broken ? broken : flat))
            }
        }
        return false
    }

    /// The printed text: trailing comments of consecutive lines with the same indentation
    /// aligned two spaces after the longest code among them, no trailing white space, a line
    /// feed at the end of each line.
    package func render() -> String {
        var out = lines
        var k = 0
        while k < out.count {
            guard out[k].trailingComment != nil else {
                k += 1
                continue
            }
            var end = k
            while end < out.count, out[end].trailingComment != nil, out[end].indent == out[k].indent { end += 1 }
            let column = out[k..<end].map { $0.indent + trimmed($0.code).count }.max()! + 2
            for j in k..<end {
                let used = out[j].indent + trimmed(out[j].code).count
                out[j].code = trimmed(out[j].code) + String(repeating: " ", count: column - used) + out[j].trailingComment!
                out[j].trailingComment = nil
            }
            k = end
        }
        var text = ""
        for l in out {
            if !l.isBlank { text += String(repeating: " ", count: l.indent) + trimmed(l.code) }
            text += "\n"
        }
        return text
    }

    private func trimmed(_ s: String) -> String {
        var s = Substring(s)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
