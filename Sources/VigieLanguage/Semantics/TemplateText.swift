import VigieCore
import VigieText
import VigieRegex

/// A reply text split into literal parts and `{placeholder}` parts.
public struct TemplateText: Sendable {
    /// One piece of a template.
    public enum Part: Sendable, Equatable {
        /// Text copied as is.
        case literal(String)
        /// A field path (`author.name`), `lang`, or `match` (the text the rule matched), with an
        /// optional fallback for missing values.
        case placeholder(path: [String], fallback: String?)
    }

    /// A placeholder syntax error, at a byte offset in the text.
    public struct ParseError: Error {
        /// Offset in the (decoded) string.
        public var offset: Int
        /// What is wrong.
        public var message: String
    }

    /// The parts in order.
    public var parts: [Part]

    /// A template made of `parts`.
    package init(parts: [Part]) { self.parts = parts }

    /// Parses `{field.path}` and `{field.path|fallback}` placeholders; `\{` and `\}` are literal braces.
    public static func parse(_ s: String) -> Result<TemplateText, ParseError> {
        let b = Array(s.utf8)
        var parts: [Part] = []
        var lit: [UInt8] = []
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\\"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "{") || b[i + 1] == UInt8(ascii: "}") {
                lit.append(b[i + 1])
                i += 2
                continue
            }
            if c == UInt8(ascii: "}") { return .failure(ParseError(offset: i, message: "`}` without `{`")) }
            if c != UInt8(ascii: "{") {
                lit.append(c)
                i += 1
                continue
            }
            guard let close = b[i...].firstIndex(of: UInt8(ascii: "}")) else {
                return .failure(ParseError(offset: i, message: "`{` is not closed"))
            }
            let inner = String(decoding: b[(i + 1)..<close], as: UTF8.self)
            let pieces = inner.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            let path = pieces[0].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let valid = path.allSatisfy { seg in
                !seg.isEmpty && seg.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
            }
            guard valid else { return .failure(ParseError(offset: i, message: "`{\(inner)}` is not a field path")) }
            if !lit.isEmpty {
                parts.append(.literal(String(decoding: lit, as: UTF8.self)))
                lit.removeAll()
            }
            parts.append(.placeholder(path: path, fallback: pieces.count > 1 ? String(pieces[1]) : nil))
            i = close + 1
        }
        if !lit.isEmpty { parts.append(.literal(String(decoding: lit, as: UTF8.self))) }
        return .success(TemplateText(parts: parts))
    }
}
