import VigieCore
import VigieRegex
import VigieLanguage
import VigieFormat

/// Turns the regular expressions and literal values of an AutoModerator rule into PCRE2 patterns
/// that a Vigie regex literal (`/.../flags`) can hold.
///
/// AutoModerator compiles its patterns with Python's `re`; PCRE2 reads almost every Python pattern
/// the same way. The differences handled here are spelled out in
/// `Grammar/MIGRATING-FROM-AUTOMODERATOR.md`: `\Z` (`\z` in PCRE2), `\uXXXX` and `\UXXXXXXXX`
/// (`\x{...}`), the flags `a`, `L` and `u` of inline groups (Unicode is always on in Vigie),
/// `{,n}` (`{0,n}`). A `/` is escaped so that the pattern fits between Vigie's slashes, and
/// control characters are written as `\x{..}` so that it fits on one line.
package enum PythonRegex {
    /// The PCRE2 form of a Python pattern, and what was changed in words (for the report).
    package static func toPCRE2(_ pattern: String) -> (pattern: String, changes: [String]) {
        let s = Array(pattern.unicodeScalars)
        var out = ""
        var changes: [String] = []
        var i = 0
        var inClass = false
        var classStart = -1
        func hex(_ from: Int, _ count: Int) -> String? {
            guard from + count <= s.count else { return nil }
            let digits = s[from..<(from + count)]
            guard digits.allSatisfy({ $0.properties.isASCIIHexDigit }) else { return nil }
            return String(String.UnicodeScalarView(digits))
        }
        while i < s.count {
            let c = s[i]
            if c == "\\", i + 1 < s.count {
                let n = s[i + 1]
                if n == "Z" && !inClass {
                    out += "\\z"
                    changes.append("`\\Z` is written `\\z` in PCRE2")
                    i += 2
                } else if n == "u", let h = hex(i + 2, 4) {
                    out += "\\x{\(h)}"
                    i += 6
                } else if n == "U", let h = hex(i + 2, 8) {
                    out += "\\x{\(h)}"
                    i += 10
                } else if n.value < 0x20 || n.value == 0x7F {
                    out += "\\x{\(String(n.value, radix: 16))}"
                    i += 2
                } else {
                    out.unicodeScalars.append(c)
                    out.unicodeScalars.append(n)
                    i += 2
                }
                continue
            }
            if inClass {
                if c == "]", i > classStart + 1, !(i == classStart + 2 && s[classStart + 1] == "^") {
                    inClass = false
                }
                appendLiteralSafe(c, to: &out)
                i += 1
                continue
            }
            switch c {
            case "[":
                inClass = true
                classStart = i
                out += "["
                i += 1
            case "(" where i + 2 < s.count && s[i + 1] == "?":
                // Inline flags: (?iu) or (?iu:...) — drop the letters PCRE2 does not take.
                var j = i + 2
                var letters = ""
                while j < s.count, "aiLmsux".unicodeScalars.contains(s[j]) {
                    letters.unicodeScalars.append(s[j])
                    j += 1
                }
                if !letters.isEmpty, j < s.count, s[j] == ")" || s[j] == ":" {
                    let kept = letters.filter { !"aLu".contains($0) }
                    if kept != letters {
                        changes.append("the inline flags `\(letters.filter { "aLu".contains($0) })` are dropped: Vigie's regexes always read Unicode")
                    }
                    if kept.isEmpty && s[j] == ")" {
                        i = j + 1
                    } else {
                        out += "(?\(kept)\(s[j] == ":" ? ":" : ")")"
                        i = j + 1
                    }
                } else {
                    out += "("
                    i += 1
                }
            case "{" where i + 1 < s.count && s[i + 1] == ",":
                var j = i + 2
                while j < s.count, s[j].properties.numericType != nil, s[j].isASCII { j += 1 }
                if j > i + 2, j < s.count, s[j] == "}" {
                    out += "{0,"
                    changes.append("`{,n}` is written `{0,n}`")
                    i += 2
                } else {
                    out += "{"
                    i += 1
                }
            default:
                appendLiteralSafe(c, to: &out)
                i += 1
            }
        }
        return (out, changes)
    }

    /// Appends one pattern character, escaping what a Vigie regex literal cannot hold as is: a
    /// `/` (the literal's delimiter) and control characters (the literal is one line).
    private static func appendLiteralSafe(_ c: Unicode.Scalar, to out: inout String) {
        if c == "/" {
            out += "\\/"
        } else if c.value < 0x20 || c.value == 0x7F {
            out += "\\x{\(String(c.value, radix: 16))}"
        } else {
            out.unicodeScalars.append(c)
        }
    }

    /// A pattern matching `text` literally, like Python's `re.escape`, ready for a Vigie literal.
    package static func escape(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            if "\\^$.|?*+()[]{}".unicodeScalars.contains(c) {
                out += "\\"
                out.unicodeScalars.append(c)
            } else {
                appendLiteralSafe(c, to: &out)
            }
        }
        return out
    }
}
