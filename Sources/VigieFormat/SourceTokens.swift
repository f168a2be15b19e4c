import VigieCore
import VigieLanguage

/// A rule file's tokens as the formatter sees them: the code tokens, and for each one the
/// comments written just before it, with where the author left blank lines.
package struct SourceTokens {
    /// The file.
    package let file: SourceFile
    /// Code tokens (no comments, no invalid tokens), ending with `.eof`.
    package let code: [Token]
    /// `leading[i]`: the comments between `code[i - 1]` and `code[i]`, in order.
    package let leading: [[Token]]
    /// `blankBefore[i]`: whether an empty line separates `code[i]` from the token before it
    /// (a comment or code).
    package let blankBefore: [Bool]
    /// `commentBlankBefore[i][k]`: the same for `leading[i][k]`.
    package let commentBlankBefore: [[Bool]]
    /// `partner[i]`: the index of the bracket matching `code[i]` (`(` `)` `[` `]` `{` `}`), if any.
    package let partner: [Int?]

    /// Lexes a file, keeping its comments.
    package init(file: SourceFile) {
        self.file = file
        var lexer = Lexer(file: file, keepComments: true)
        let all = lexer.tokenize().filter { $0.kind != .invalid }
        var code: [Token] = []
        var leading: [[Token]] = [[]]
        var blank: [Bool] = []
        var commentBlank: [[Bool]] = [[]]
        var previousEnd: Int?
        func blankBetween(_ end: Int?, _ start: Int) -> Bool {
            guard let end else { return false }
            var newlines = 0
            for b in file.bytes[min(end, start)..<start] where b == 0x0A { newlines += 1 }
            return newlines >= 2
        }
        for t in all {
            if t.kind == .comment {
                leading[leading.count - 1].append(t)
                commentBlank[commentBlank.count - 1].append(blankBetween(previousEnd, t.span.start))
            } else {
                code.append(t)
                blank.append(blankBetween(previousEnd, t.span.start))
                leading.append([])
                commentBlank.append([])
            }
            previousEnd = t.span.end
        }
        leading.removeLast()
        commentBlank.removeLast()
        var partner = [Int?](repeating: nil, count: code.count)
        var open: [Int] = []
        for (i, t) in code.enumerated() {
            switch t.kind {
            case .lparen, .lbracket, .lbrace: open.append(i)
            case .rparen, .rbracket, .rbrace:
                if let o = open.last, SourceTokens.closer(of: code[o].kind) == t.kind {
                    open.removeLast()
                    partner[o] = i
                    partner[i] = o
                }
            default: break
            }
        }
        self.code = code
        self.leading = leading
        self.blankBefore = blank
        self.commentBlankBefore = commentBlank
        self.partner = partner
    }

    /// The closing kind of an opening bracket.
    package static func closer(of kind: TokenKind) -> TokenKind? {
        switch kind {
        case .lparen: return .rparen
        case .lbracket: return .rbracket
        case .lbrace: return .rbrace
        default: return nil
        }
    }

    /// Every comment, in order.
    package var comments: [Token] { leading.flatMap { $0 } }

    /// The token exactly as written (strings keep their quotes and escapes, numbers their `_`,
    /// regexes their slashes and flags).
    package func raw(_ i: Int) -> String { file.text(code[i].span) }

    /// The index of the end-of-file token.
    package var eof: Int { code.count - 1 }

    /// Whether an empty line comes before the first thing written on its own line in front of
    /// `code[i]`: its first own-line comment, or the token itself.
    package func blankBeforeItem(_ i: Int) -> Bool {
        for (k, c) in leading[i].enumerated() where c.startsLine { return commentBlankBefore[i][k] }
        return blankBefore[i]
    }

    /// The index just after the bracket group opened at `i`, or nil when `i` opens nothing.
    package func afterGroup(_ i: Int) -> Int? {
        guard i < code.count, SourceTokens.closer(of: code[i].kind) != nil, let p = partner[i] else { return nil }
        return p + 1
    }
}
