import VigieCore
import VigieText
import VigieRegex

/// Turns a rule file's bytes into tokens. Lexical errors become `.invalid` tokens plus a
/// diagnostic, and lexing goes on, so the parser can report every problem in a file.
///
/// Comments are skipped unless the lexer is created with `keepComments: true`, in which case each
/// one becomes a `.comment` token (the formatter needs them; the parser does not).
package struct Lexer {
    package let file: SourceFile
    /// Whether `# ...` comments become `.comment` tokens instead of being skipped.
    package let keepComments: Bool
    private let b: [UInt8]
    private var i = 0
    private var sawNewline = true
    private var previous: Token?
    package private(set) var diagnostics: [Diagnostic] = []

    package init(file: SourceFile, keepComments: Bool = false) {
        self.file = file
        self.keepComments = keepComments
        self.b = file.bytes
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
    }

    package mutating func tokenize() -> [Token] {
        var out: [Token] = []
        while true {
            let t = next()
            out.append(t)
            if t.kind == .eof { break }
        }
        return out
    }

    private func peek(_ k: Int = 0) -> UInt8 { i + k < b.count ? b[i + k] : 0 }

    private mutating func skipTrivia() {
        while i < b.count {
            let c = b[i]
            if c == 0x0A {
                sawNewline = true
                i += 1
            } else if c == 0x20 || c == 0x09 || c == 0x0D {
                i += 1
            } else if c == UInt8(ascii: "#"), !keepComments {
                while i < b.count, b[i] != 0x0A { i += 1 }
            } else {
                break
            }
        }
    }

    private mutating func next() -> Token {
        skipTrivia()
        if keepComments, i < b.count, b[i] == UInt8(ascii: "#") { return scanComment() }
        let startsLine = sawNewline
        sawNewline = false
        var t = scan()
        t.startsLine = startsLine
        previous = t
        return t
    }

    /// A comment token. It leaves `sawNewline` and `previous` alone, so the tokens around it are
    /// exactly those of a lexer that skips comments (a regex after `matches # ...` still lexes).
    private mutating func scanComment() -> Token {
        let start = i
        while i < b.count, b[i] != 0x0A { i += 1 }
        var end = i
        while end > start, b[end - 1] == 0x20 || b[end - 1] == 0x09 || b[end - 1] == 0x0D { end -= 1 }
        var t = Token(kind: .comment, span: Span(start, end), text: String(decoding: b[start..<end], as: UTF8.self))
        t.startsLine = sawNewline
        return t
    }

    private mutating func error(_ id: String, _ message: String, _ span: Span, help: String? = nil) {
        diagnostics.append(Diagnostic(id, .error, message, file: file, span: span, help: help))
    }

    private static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c >= 0x80
    }

    private static func isIdentContinue(_ c: UInt8) -> Bool {
        isIdentStart(c) || (c >= 0x30 && c <= 0x39)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private mutating func scan() -> Token {
        let start = i
        guard i < b.count else { return Token(kind: .eof, span: Span(i, i), text: "") }
        let c = b[i]
        func punct(_ kind: TokenKind, _ n: Int) -> Token {
            i += n
            return Token(kind: kind, span: Span(start, i), text: String(decoding: b[start..<i], as: UTF8.self))
        }
        switch c {
        case UInt8(ascii: "{"): return punct(.lbrace, 1)
        case UInt8(ascii: "}"): return punct(.rbrace, 1)
        case UInt8(ascii: "("): return punct(.lparen, 1)
        case UInt8(ascii: ")"): return punct(.rparen, 1)
        case UInt8(ascii: "["): return punct(.lbracket, 1)
        case UInt8(ascii: "]"): return punct(.rbracket, 1)
        case UInt8(ascii: ","): return punct(.comma, 1)
        case UInt8(ascii: ":"): return punct(.colon, 1)
        case UInt8(ascii: "."): return punct(.dot, 1)
        case UInt8(ascii: "="): return peek(1) == UInt8(ascii: "=") ? punct(.eq, 2) : punct(.assign, 1)
        case UInt8(ascii: "!"):
            if peek(1) == UInt8(ascii: "=") { return punct(.ne, 2) }
            i += 1
            error("E001", "unexpected character `!`", Span(start, i), help: "write `not` to negate a condition, `!=` to compare")
            return Token(kind: .invalid, span: Span(start, i), text: "!")
        case UInt8(ascii: "<"): return peek(1) == UInt8(ascii: "=") ? punct(.le, 2) : punct(.lt, 1)
        case UInt8(ascii: ">"): return peek(1) == UInt8(ascii: "=") ? punct(.ge, 2) : punct(.gt, 1)
        case UInt8(ascii: "\""): return scanString()
        case UInt8(ascii: "/"):
            if let p = previous, p.isWord("matches") { return scanRegex() }
            i += 1
            error("E001", "unexpected `/`", Span(start, i), help: "a regular expression is written after `matches`, as `matches /pattern/i`")
            return Token(kind: .invalid, span: Span(start, i), text: "/")
        default:
            if Lexer.isDigit(c) || (c == UInt8(ascii: "-") && Lexer.isDigit(peek(1))) { return scanNumber() }
            if Lexer.isIdentStart(c) {
                while i < b.count, Lexer.isIdentContinue(b[i]) || (b[i] == UInt8(ascii: "-") && i + 1 < b.count && Lexer.isIdentStart(b[i + 1]) && b[i - 1] != UInt8(ascii: "-")) {
                    i += 1
                }
                return Token(kind: .identifier, span: Span(start, i), text: String(decoding: b[start..<i], as: UTF8.self))
            }
            // Skip one whole UTF-8 scalar.
            i += 1
            while i < b.count, b[i] & 0xC0 == 0x80 { i += 1 }
            let text = String(decoding: b[start..<i], as: UTF8.self)
            error("E001", "unexpected character `\(text)`", Span(start, i))
            return Token(kind: .invalid, span: Span(start, i), text: text)
        }
    }

    private mutating func scanNumber() -> Token {
        let start = i
        if b[i] == UInt8(ascii: "-") { i += 1 }
        while i < b.count, Lexer.isDigit(b[i]) || b[i] == UInt8(ascii: "_") { i += 1 }
        if i + 1 < b.count, b[i] == UInt8(ascii: "."), Lexer.isDigit(b[i + 1]) {
            i += 1
            while i < b.count, Lexer.isDigit(b[i]) { i += 1 }
        }
        let digits = String(decoding: b[start..<i].filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        let value = Double(digits) ?? 0
        if i < b.count, b[i] == UInt8(ascii: "%") {
            i += 1
            return Token(kind: .percent, span: Span(start, i), text: digits + "%", number: value / 100)
        }
        if i < b.count, Lexer.isIdentStart(b[i]) {
            let unitStart = i
            while i < b.count, Lexer.isIdentContinue(b[i]) { i += 1 }
            let unit = String(decoding: b[unitStart..<i], as: UTF8.self)
            let seconds: Double? = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "ms": 0.001][unit]
            guard let seconds else {
                let meant = Parser.durationWords[unit.lowercased()].map { "did you mean `\(digits)\($0)`? " } ?? ""
                error("E002", "unknown duration unit `\(unit)`", Span(unitStart, i), help: meant + "durations use s, m, h, d or w, as in `90m` or `7d`")
                return Token(kind: .invalid, span: Span(start, i), text: digits + unit)
            }
            return Token(kind: .duration, span: Span(start, i), text: digits + unit, number: value * seconds)
        }
        return Token(kind: .number, span: Span(start, i), text: digits, number: value)
    }

    private mutating func scanString() -> Token {
        let start = i
        i += 1
        var out: [UInt8] = []
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return Token(kind: .string, span: Span(start, i), text: String(decoding: out, as: UTF8.self))
            }
            if c == 0x0A { break }
            if c == UInt8(ascii: "\\"), i + 1 < b.count {
                let e = b[i + 1]
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "\\"): out.append(e)
                case UInt8(ascii: "\""): out.append(e)
                case UInt8(ascii: "{"): out.append(contentsOf: [UInt8(ascii: "\\"), e])
                case UInt8(ascii: "}"): out.append(contentsOf: [UInt8(ascii: "\\"), e])
                default:
                    error("E003", "unknown escape `\\\(String(decoding: [e], as: UTF8.self))` in string", Span(i, i + 2), help: "strings accept \\n, \\t, \\\\, \\\" and \\{ \\}")
                }
                i += 2
                continue
            }
            out.append(c)
            i += 1
        }
        error("E004", "unterminated string", Span(start, i), help: "close the string with `\"` on the same line")
        return Token(kind: .string, span: Span(start, i), text: String(decoding: out, as: UTF8.self))
    }

    private mutating func scanRegex() -> Token {
        let start = i
        i += 1
        let patternStart = i
        var inClass = false
        while i < b.count, b[i] != 0x0A {
            let c = b[i]
            if c == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if c == UInt8(ascii: "[") { inClass = true }
            if c == UInt8(ascii: "]") { inClass = false }
            if c == UInt8(ascii: "/"), !inClass { break }
            i += 1
        }
        guard i < b.count, b[i] == UInt8(ascii: "/") else {
            error("E005", "unterminated regular expression", Span(start, min(i, b.count)), help: "close the pattern with `/`, as in `matches /porter\\s+plainte/i`")
            return Token(kind: .invalid, span: Span(start, min(i, b.count)), text: "")
        }
        let pattern = String(decoding: b[patternStart..<i], as: UTF8.self)
        i += 1
        let flagStart = i
        while i < b.count, Lexer.isIdentContinue(b[i]) { i += 1 }
        let flags = String(decoding: b[flagStart..<i], as: UTF8.self)
        for (k, f) in flags.enumerated() where !"imsxu".contains(f) {
            error("E006", "unknown regex flag `\(f)`", Span(flagStart + k, flagStart + k + 1), help: "flags are i (ignore case), m (multi-line), s (dot matches newline), x (extended), u (accepted, always on)")
        }
        var t = Token(kind: .regex, span: Span(start, i), text: pattern, flags: flags)
        t.patternStart = patternStart
        return t
    }
}
