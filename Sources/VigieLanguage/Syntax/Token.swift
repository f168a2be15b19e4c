import VigieCore
import VigieText
import VigieRegex

/// The kinds of token the lexer produces. Keywords are contextual: the lexer returns them as
/// identifiers and the parser recognises them by text, so names like `test` or `file` stay usable.
public enum TokenKind: Equatable, Sendable {
    case identifier
    case string
    case regex
    case number
    case duration
    case percent
    case lbrace, rbrace, lparen, rparen, lbracket, rbracket
    case comma, colon, dot, assign
    case eq, ne, lt, le, gt, ge
    case eof
    case invalid
    /// A `# ...` comment, produced only by a lexer asked to keep comments (the formatter's);
    /// `text` is the comment from `#` to the end of the line, trailing white space removed, and
    /// `startsLine` tells whether it stands on its own line (true) or trails code (false).
    case comment
}

/// One token, with its span and decoded value.
public struct Token: Sendable {
    /// What it is.
    public var kind: TokenKind
    /// Where it is.
    public var span: Span
    /// The source text for identifiers and punctuation; the decoded value for strings;
    /// the pattern for regexes (without slashes).
    public var text: String
    /// Regex flags (`i`, `m`, `s`, `x`) for regex tokens.
    public var flags: String = ""
    /// Numeric value for numbers, durations (in seconds) and percents (as a fraction).
    public var number: Double = 0
    /// Whether the token is preceded by a line break (used to resynchronise after errors).
    public var startsLine = false
    /// Byte offset of the regex pattern's first byte (regex tokens only).
    public var patternStart: Int = 0

    /// Whether this is the identifier `word`.
    @inline(__always) public func isWord(_ word: String) -> Bool { kind == .identifier && text == word }
}
