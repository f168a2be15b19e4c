import VigieCore
import VigieLanguage

/// Builds the ``Doc`` of a rule file from its tokens: the canonical layout described in
/// ``RuleFormatter`` and `Grammar/FORMAT.md`.
///
/// It works on the token stream, not on the syntax tree, so that every comment can be put back
/// between the same two tokens, and so that syntax it does not know (new keywords inside a
/// condition or an action list) is kept token for token with normalised spacing. The syntax tree
/// only gives hints where a word could be read two ways (a field named `then`). A declaration whose
/// shape is not the expected one is printed by ``fallback(_:_:)``, which keeps the author's line
/// breaks.
///
/// Every code token is printed exactly once and in order, except the optional commas between
/// template variants, which are dropped, and the commas between `given` fields, which are added
/// when missing; the trailing comma of a broken bracket list is added or dropped with the break.
package struct LayoutBuilder {
    /// What kind of declaration a run of tokens is.
    package enum DeclKind {
        case lang, list, normalize, template, rule, test, other

        /// One-line declarations that the author may stack without blank lines between them.
        package var stacks: Bool { self == .lang || self == .list || self == .normalize }
    }

    /// A top-level declaration: code tokens `start..<end`.
    package struct Decl {
        package var kind: DeclKind
        package var start: Int
        package var end: Int
    }

    /// The shape of a declaration is not the expected one: print it with ``fallback(_:_:)``.
    private struct Unexpected: Error {}

    private let t: SourceTokens
    private let ruleHints: [Int: RuleDecl]
    private let testHints: [Int: TestDecl]
    private let fallbackOnly: Bool
    private var commentsDone: [Bool]

    /// Words after which `(` opens a group rather than a call's arguments: a space goes between.
    private static let wordsBeforeGroup: Set<String> = [
        "and", "or", "not", "when", "then", "in", "any", "all", "has", "contains", "with", "near", "matches",
        "by", "per", "expect", "given", "match", "within", "window", "severity", "exists", "priority",
    ]

    /// Words that take a name after them in an expected action, so that `expect` right after them
    /// is that name rather than a new `expect` clause (when the syntax tree does not say).
    private static let wordsBeforeName: Set<String> = ["tag", "severity", "by"]

    /// Creates a builder. With `fallbackOnly`, every declaration keeps the author's line breaks.
    package init(tokens: SourceTokens, tree: RuleFileSyntax?, fallbackOnly: Bool = false) {
        self.t = tokens
        var hints: [Int: RuleDecl] = [:]
        for r in tree?.rules ?? [] { hints[r.span.start] = r }
        self.ruleHints = hints
        var tests: [Int: TestDecl] = [:]
        for d in tree?.tests ?? [] { tests[d.span.start] = d }
        self.testHints = tests
        self.fallbackOnly = fallbackOnly
        self.commentsDone = Array(repeating: false, count: tokens.code.count)
    }

    // MARK: - File

    /// The whole file.
    package mutating func file() -> Doc {
        let decls = split()
        var parts: [Doc] = []
        let nameWidth = listAlignment(decls)
        for (k, d) in decls.enumerated() {
            if k > 0 {
                let stacked = decls[k - 1].kind.stacks && d.kind.stacks
                parts.append(t.blankBeforeItem(d.start) || !stacked ? .blankline : .hardline)
            }
            parts.append(comments(d.start, blanks: true))
            parts.append(d.kind == .list ? list(d, nameWidth: nameWidth[k]) : declaration(d))
        }
        let eof = t.eof
        if !t.leading[eof].isEmpty {
            if !decls.isEmpty { parts.append(t.blankBeforeItem(eof) ? .blankline : .hardline) }
            parts.append(comments(eof, blanks: true))
        }
        return .concat(parts)
    }

    /// The width to pad each `list` name to: stacked one-line lists (no empty line between them)
    /// align their `=`; a list that takes several lines is not aligned and cuts the run.
    private func listAlignment(_ decls: [Decl]) -> [Int] {
        var oneLine = decls.map { $0.kind == .list ? flatWidth($0) : nil }
        var widths = [Int](repeating: 0, count: decls.count)
        var changed = true
        while changed {
            changed = false
            var k = 0
            while k < decls.count {
                guard oneLine[k] != nil else {
                    k += 1
                    continue
                }
                var end = k + 1
                while end < decls.count, oneLine[end] != nil, !t.blankBeforeItem(decls[end].start) { end += 1 }
                let width = (k..<end).map { t.raw(decls[$0].start + 1).count }.max()!
                for j in k..<end {
                    widths[j] = width
                    // Padding must not push a list over the width: it then takes several lines.
                    if oneLine[j]! + width - t.raw(decls[j].start + 1).count > RuleFormatter.lineWidth {
                        oneLine[j] = nil
                        widths[j] = 0
                        changed = true
                    }
                }
                k = end
            }
        }
        return widths
    }

    /// The length of a declaration printed on one line, or nil when it cannot be (a comment
    /// inside, or longer than the line width).
    private func flatWidth(_ d: Decl) -> Int? {
        var width = 0
        for i in d.start..<d.end {
            if i > d.start, !t.leading[i].isEmpty { return nil }
            // A trailing comma disappears on one line.
            if t.code[i].kind == .comma, i + 1 < d.end, t.code[i + 1].kind == .rbracket { continue }
            if i > d.start, spaced(i - 1, i) { width += 1 }
            width += t.raw(i).count
        }
        return width <= RuleFormatter.lineWidth ? width : nil
    }

    /// Cuts the file into declarations.
    package func split() -> [Decl] {
        var out: [Decl] = []
        var i = 0
        while i < t.eof {
            let (kind, end) = extent(of: i)
            let e = max(end, i + 1)
            out.append(Decl(kind: kind, start: i, end: e))
            i = e
        }
        return out
    }

    private func extent(of i: Int) -> (DeclKind, Int) {
        let c = t.code
        let n = t.eof
        func word(_ j: Int, _ w: String) -> Bool { j < n && c[j].isWord(w) }
        func name(_ j: Int) -> Bool { j < n && c[j].kind == .identifier }
        func names(_ j: Int) -> Int? {
            guard name(j) else { return nil }
            var k = j + 1
            while k + 1 < n, c[k].kind == .comma, name(k + 1) { k += 2 }
            return k
        }
        switch c[i].kind == .identifier ? c[i].text : "" {
        case "lang":
            if let e = names(i + 1) { return (.lang, e) }
        case "normalize":
            if word(i + 1, "except"), let e = names(i + 2) { return (.normalize, e) }
        case "list":
            guard name(i + 1), i + 2 < n, c[i + 2].kind == .assign else { break }
            var end: Int?
            if word(i + 3, "file"), i + 4 < n, c[i + 4].kind == .string {
                end = i + 5
            } else if i + 3 < n, c[i + 3].kind == .lbracket {
                end = t.afterGroup(i + 3)
            }
            guard var e = end else { break }
            if word(e, "except"), e + 1 < n, c[e + 1].kind == .lbracket, let g = t.afterGroup(e + 1) { e = g }
            return (.list, e)
        case "template", "rule", "test":
            var j = i + 1
            while j < n, c[j].kind != .lbrace, SourceTokens.closer(of: c[j].kind) == nil { j += 1 }
            if j < n, c[j].kind == .lbrace, let e = t.afterGroup(j) {
                return (c[i].text == "template" ? .template : c[i].text == "rule" ? .rule : .test, e)
            }
        default:
            break
        }
        var j = i + 1
        while j < n {
            if let g = t.afterGroup(j) {
                j = g
                continue
            }
            if c[j].startsLine, c[j].kind == .identifier, Parser.topLevelKeywords.contains(c[j].text) { break }
            j += 1
        }
        return (.other, j)
    }

    private mutating func declaration(_ d: Decl) -> Doc {
        if fallbackOnly { return fallback(d.start, d.end) }
        let saved = commentsDone
        do {
            switch d.kind {
            case .lang, .list, .normalize: return seq(d.start, d.end)
            case .template: return try template(d)
            case .rule: return try rule(d)
            case .test: return try test(d)
            case .other: return fallback(d.start, d.end)
            }
        } catch {
            commentsDone = saved
            return fallback(d.start, d.end)
        }
    }

    // MARK: - Comments and tokens

    /// The comments written before `code[i]`, once (later calls return nothing).
    ///
    /// With `blanks`, an empty line the author left between two of these comments, or between
    /// the last of them and the token, is kept (unless `blankAfter` is false). The empty line
    /// before the first of them is the caller's choice.
    private mutating func comments(_ i: Int, blanks: Bool = false, blankAfter: Bool = true) -> Doc {
        guard !commentsDone[i] else { return .empty }
        commentsDone[i] = true
        var out: [Doc] = []
        var ownLine = false
        for (k, c) in t.leading[i].enumerated() {
            if c.startsLine {
                if blanks, ownLine, t.commentBlankBefore[i][k] { out.append(.blankline) }
                ownLine = true
            }
            out.append(.comment(c.text, ownLine: c.startsLine))
        }
        if blanks, blankAfter, ownLine, t.blankBefore[i] { out.append(.blankline) }
        return .concat(out)
    }

    /// The comments before a closing bracket, on their own lines inside the block: an empty
    /// line before them is kept (after items only), none after them.
    private mutating func closing(_ close: Int, afterItems: Bool = true) -> Doc {
        guard !t.leading[close].isEmpty else { return .empty }
        let blank = afterItems && t.leading[close].contains { $0.startsLine } && t.blankBeforeItem(close)
        return .concat([blank ? .blankline : .hardline, comments(close, blanks: true, blankAfter: false)])
    }

    /// A code token as written, after its comments.
    private mutating func tok(_ i: Int) -> Doc { .concat([comments(i), .text(t.raw(i))]) }

    /// The line break before an item of a block: an empty line where the author left one.
    private func itemBreak(_ i: Int) -> Doc { t.blankBeforeItem(i) ? .blankline : .hardline }

    /// Whether a space goes between two adjacent code tokens.
    private func spaced(_ a: Int, _ b: Int) -> Bool {
        let p = t.code[a]
        let n = t.code[b]
        switch n.kind {
        case .comma, .colon, .rparen, .rbracket, .dot: return false
        default: break
        }
        switch p.kind {
        case .lparen, .lbracket, .dot: return false
        default: break
        }
        if n.kind == .lparen, p.kind == .identifier, !LayoutBuilder.wordsBeforeGroup.contains(p.text) { return false }
        return true
    }

    /// Skips a bracket group if `i` opens one.
    private func next(_ i: Int) -> Int { t.afterGroup(i) ?? i + 1 }

    /// The indices in `a..<b` of tokens outside brackets for which `test` holds.
    private func topLevel(_ a: Int, _ b: Int, _ test: (Int) -> Bool) -> [Int] {
        var out: [Int] = []
        var i = a
        while i < b {
            if test(i) { out.append(i) }
            i = min(next(i), b)
        }
        return out
    }

    // MARK: - Sequences, brackets and conditions

    /// Tokens `a..<b` on one line with normalised spacing; brackets become groups that break
    /// when they do not fit.
    private mutating func seq(_ a: Int, _ b: Int) -> Doc {
        var out: [Doc] = []
        var i = a
        while i < b {
            if i > a, spaced(i - 1, i) { out.append(.space) }
            guard let close = t.partner[i], close > i, close < b else {
                out.append(tok(i))
                i += 1
                continue
            }
            switch t.code[i].kind {
            case .lbracket: out.append(bracketList(i))
            case .lparen: out.append(paren(i))
            default: out.append(object(i))
            }
            i = close + 1
        }
        return .concat(out)
    }

    /// `[a, b, c]` on one line, or one item per line with a trailing comma.
    private mutating func bracketList(_ open: Int) -> Doc {
        let close = t.partner[open]!
        var items: [(start: Int, end: Int, comma: Int?)] = []
        var start = open + 1
        for c in topLevel(open + 1, close, { t.code[$0].kind == .comma }) {
            items.append((start, c, c))
            start = c + 1
        }
        if start < close { items.append((start, close, nil)) }
        if items.isEmpty {
            return .group(.concat([tok(open), .nest(2, closing(close, afterItems: false)), .softline, tok(close)]))
        }
        var inner: [Doc] = [.softline]
        for (k, item) in items.enumerated() {
            if k > 0 { inner.append(t.blankBeforeItem(item.start) ? .ifBreak(.blankline, flat: .line) : .line) }
            inner.append(seq(item.start, item.end))
            if let c = item.comma, k < items.count - 1 {
                inner.append(tok(c))
            } else {
                if let c = item.comma { inner.append(comments(c)) }
                inner.append(.ifBreak(.text(","), flat: .empty))
            }
        }
        inner.append(closing(close))
        return .group(.concat([tok(open), .nest(2, .concat(inner)), .softline, tok(close)]))
    }

    /// `{ key: value, ... }` on one line, or one field per line with a trailing comma.
    private mutating func object(_ open: Int) -> Doc {
        let close = t.partner[open]!
        // Fields: key `:` value [`,`]; anything else is printed as a plain sequence.
        var fields: [(start: Int, valueEnd: Int, comma: Int?)] = []
        var i = open + 1
        while i < close {
            guard t.code[i].kind == .identifier || t.code[i].kind == .string, i + 2 < close, t.code[i + 1].kind == .colon
            else { break }
            let valueEnd = next(i + 2)
            guard valueEnd <= close else { break }
            var comma: Int?
            if valueEnd < close, t.code[valueEnd].kind == .comma { comma = valueEnd }
            fields.append((i, valueEnd, comma))
            i = comma.map { $0 + 1 } ?? valueEnd
        }
        if i != close {
            return .concat([tok(open), .space, seq(open + 1, close), .space, tok(close)])
        }
        if fields.isEmpty {
            return .group(.concat([tok(open), .nest(2, closing(close, afterItems: false)), .softline, tok(close)]))
        }
        var inner: [Doc] = [.line]
        for (k, f) in fields.enumerated() {
            if k > 0 { inner.append(t.blankBeforeItem(f.start) ? .ifBreak(.blankline, flat: .line) : .line) }
            inner.append(tok(f.start))
            inner.append(tok(f.start + 1))
            inner.append(.space)
            inner.append(seq(f.start + 2, f.valueEnd))
            let lastField = k == fields.count - 1
            switch (f.comma, lastField) {
            case (let c?, false): inner.append(tok(c))
            case (nil, false): inner.append(.text(","))
            case (let c?, true):
                inner.append(comments(c))
                inner.append(.ifBreak(.text(","), flat: .empty))
            case (nil, true): inner.append(.ifBreak(.text(","), flat: .empty))
            }
        }
        inner.append(closing(close))
        return .group(.concat([tok(open), .nest(2, .concat(inner)), .line, tok(close)]))
    }

    /// `( ... )`: a condition group, whose `and` / `or` break aligned after the parenthesis, or a
    /// call's arguments.
    private mutating func paren(_ open: Int) -> Doc {
        let close = t.partner[open]!
        let ops = operators(open + 1, close)
        if ops.isEmpty {
            return .concat([tok(open), seq(open + 1, close), closing(close), tok(close)])
        }
        let inner = chain(open + 1, close, ops, aligned: true)
        return .concat([tok(open), .align(.concat([inner, closing(close)])), tok(close)])
    }

    /// The `and` / `or` of a condition `a..<b`, outside brackets.
    private func operators(_ a: Int, _ b: Int) -> [Int] {
        topLevel(a, b) { $0 > a && (t.code[$0].isWord("and") || t.code[$0].isWord("or")) }
    }

    /// A condition: on one line, or broken before each of its `and` / `or` when it does not fit
    /// or when the author broke it so. At the top of a rule the operators are right-aligned under
    /// `when`; inside parentheses they go under the first operand.
    private mutating func chain(_ a: Int, _ b: Int, _ ops: [Int], aligned: Bool) -> Doc {
        var parts: [Doc] = [seq(a, ops.first ?? b)]
        for (k, op) in ops.enumerated() {
            let end = k + 1 < ops.count ? ops[k + 1] : b
            let piece = Doc.concat([.line, tok(op), .space, seq(op + 1, end)])
            parts.append(aligned ? piece : .nest(t.code[op].text == "and" ? 1 : 2, piece))
        }
        // A condition the author broke before an operator stays broken.
        let authorBroke = ops.contains { t.code[$0].startsLine }
        return authorBroke ? .groupNode(.concat(parts), forced: true) : .group(.concat(parts))
    }

    /// A comma-separated list (actions, expectations): on one line, or one item per line
    /// aligned under the first.
    private mutating func commaList(_ a: Int, _ b: Int) -> Doc {
        let commas = topLevel(a, b) { t.code[$0].kind == .comma }
        var parts: [Doc] = []
        var start = a
        for c in commas {
            parts.append(seq(start, c))
            parts.append(tok(c))
            parts.append(.line)
            start = c + 1
        }
        parts.append(seq(start, b))
        return .group(.align(.concat(parts)))
    }

    // MARK: - Declarations

    /// The first `{` of a declaration and its partner, which must end the declaration.
    private func body(_ d: Decl) throws -> (open: Int, close: Int) {
        var open = d.start
        while open < d.end, t.code[open].kind != .lbrace { open += 1 }
        guard open < d.end, let close = t.partner[open], close == d.end - 1 else { throw Unexpected() }
        return (open, close)
    }

    /// `HEADER {`, the items one per line indented two spaces, `}`.
    private mutating func block(_ d: Decl, _ open: Int, _ close: Int, _ items: [Doc]) -> Doc {
        let header = seq(d.start, open)
        let brace = tok(open)
        let end = closing(close, afterItems: !items.isEmpty)
        return .concat([header, .space, brace, .nest(2, .concat(items + [end])), .hardline, tok(close)])
    }

    /// `list NAME = ...`, the name padded to `nameWidth` characters so that stacked lists align
    /// their `=`.
    private mutating func list(_ d: Decl, nameWidth: Int) -> Doc {
        if fallbackOnly { return fallback(d.start, d.end) }
        let name = d.start + 1
        let pad = String(repeating: " ", count: max(0, nameWidth - t.raw(name).count))
        return .concat([tok(d.start), .space, tok(name), .text(pad), .space, seq(name + 1, d.end)])
    }

    /// `template NAME {`, one `LANG: TEXT` or `LANG: [TEXTS]` per line, `}`.
    private mutating func template(_ d: Decl) throws -> Doc {
        let (open, close) = try body(d)
        var variants: [(start: Int, end: Int, comma: Int?)] = []
        var i = open + 1
        while i < close {
            guard t.code[i].kind == .identifier, i + 2 < close, t.code[i + 1].kind == .colon,
                t.code[i + 2].kind == .string || t.code[i + 2].kind == .lbracket
            else { throw Unexpected() }
            let end = next(i + 2)
            guard end <= close else { throw Unexpected() }
            let comma = end < close && t.code[end].kind == .comma ? end : nil
            variants.append((i, end, comma))
            i = comma.map { $0 + 1 } ?? end
        }
        var items: [Doc] = []
        for (k, v) in variants.enumerated() {
            items.append(k == 0 ? .hardline : itemBreak(v.start))
            items.append(comments(v.start, blanks: true))
            items.append(tok(v.start))
            items.append(tok(v.start + 1))
            items.append(.space)
            items.append(seq(v.start + 2, v.end))
            if let c = v.comma { items.append(comments(c)) }
        }
        return block(d, open, close, items)
    }

    /// `rule NAME OPTIONS {`, `when CONDITION`, `then ACTIONS`, optional `examples { ... }`, `}`.
    private mutating func rule(_ d: Decl) throws -> Doc {
        let (open, close) = try body(d)
        let when = open + 1
        guard when < close, t.code[when].isWord("when") else { throw Unexpected() }
        let hint = ruleHints[t.code[d.start].span.start]
        let conditionEnd = hint?.condition.span.end ?? 0
        guard let then = topLevel(when + 1, close, { t.code[$0].isWord("then") && t.code[$0].span.start >= conditionEnd }).first
        else { throw Unexpected() }
        let actionsEnd: Int
        if let last = hint?.actions.last {
            actionsEnd = topLevel(then + 1, close) { t.code[$0].span.start >= last.span.end }.first ?? close
        } else {
            actionsEnd = topLevel(then + 1, close) { t.code[$0].isWord("examples") && t.code[$0 + 1].kind == .lbrace }.first ?? close
        }
        var items: [Doc] = [.hardline, comments(when, blanks: true), tok(when), .space]
        items.append(chain(when + 1, then, operators(when + 1, then), aligned: false))
        items += [itemBreak(then), comments(then, blanks: true), tok(then), .space, commaList(then + 1, actionsEnd)]
        if actionsEnd < close {
            let ex = actionsEnd
            guard t.code[ex].isWord("examples"), t.code[ex + 1].kind == .lbrace, t.afterGroup(ex + 1) == close
            else { throw Unexpected() }
            items += [itemBreak(ex), comments(ex, blanks: true), try examples(ex)]
        }
        return block(d, open, close, items)
    }

    /// `examples {`, one `match "..."` or `no match "..."` per line, `}`.
    private mutating func examples(_ ex: Int) throws -> Doc {
        let open = ex + 1
        let close = t.partner[open]!
        let starts = topLevel(open + 1, close) { i in
            (t.code[i].isWord("match") && !(i > open + 1 && t.code[i - 1].isWord("no")))
                || (t.code[i].isWord("no") && i + 1 < close && t.code[i + 1].isWord("match"))
        }
        guard starts.first == open + 1 || (starts.isEmpty && open + 1 == close) else { throw Unexpected() }
        var items: [Doc] = []
        for (k, s) in starts.enumerated() {
            let end = k + 1 < starts.count ? starts[k + 1] : close
            items += [k == 0 ? .hardline : itemBreak(s), comments(s, blanks: true), seq(s, end)]
        }
        let end = closing(close, afterItems: !items.isEmpty)
        return .concat([tok(ex), .space, tok(open), .nest(2, .concat(items + [end])), .hardline, tok(close)])
    }

    /// `test "NAME" [todo] {`, `given VALUE`, one `expect ...` per line, `}`.
    private mutating func test(_ d: Decl) throws -> Doc {
        let (open, close) = try body(d)
        let given = open + 1
        guard given + 1 < close, t.code[given].isWord("given"),
            t.code[given + 1].kind == .lbrace || t.code[given + 1].kind == .lbracket
        else { throw Unexpected() }
        let valueEnd = next(given + 1)
        // An `expect` inside an expected action's span is a name (`tag expect`), not a clause.
        let actions = testHints[t.code[d.start].span.start]?.expectations.map(\.span)
        let expects = topLevel(valueEnd, close) { i in
            guard t.code[i].isWord("expect") else { return false }
            if let actions { return !actions.contains { $0.start <= t.code[i].span.start && t.code[i].span.end <= $0.end } }
            return !LayoutBuilder.wordsBeforeName.contains(t.code[i - 1].text)
        }
        guard valueEnd <= close, expects.first == valueEnd || (expects.isEmpty && valueEnd == close) else { throw Unexpected() }
        var items: [Doc] = [.hardline, comments(given, blanks: true), tok(given), .space, seq(given + 1, valueEnd)]
        for (k, e) in expects.enumerated() {
            let end = k + 1 < expects.count ? expects[k + 1] : close
            items += [itemBreak(e), comments(e, blanks: true), tok(e), .space, commaList(e + 1, end)]
        }
        return block(d, open, close, items)
    }

    // MARK: - Fallback

    /// Tokens `a..<b` with the author's line breaks (at most one empty line in a row) and
    /// normalised spacing, indented two spaces per open bracket.
    private mutating func fallback(_ a: Int, _ b: Int) -> Doc {
        var parts: [Doc] = []
        var depth = 0
        for i in a..<b {
            let kind = t.code[i].kind
            if kind == .rparen || kind == .rbracket || kind == .rbrace { depth = max(0, depth - 1) }
            if i > a, t.code[i].startsLine {
                parts.append(.nest(2 * depth, .concat([itemBreak(i), comments(i, blanks: true)])))
            } else if i > a, spaced(i - 1, i) {
                parts.append(.space)
            }
            parts.append(tok(i))
            if SourceTokens.closer(of: kind) != nil { depth += 1 }
        }
        return .concat(parts)
    }
}
