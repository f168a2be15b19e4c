import VigieCore

/// A text that a regular expression matches, built from the pattern itself: the first
/// alternative of each choice, the fewest repetitions each quantifier allows, a character of each
/// class. Used to write a test for each imported rule from its own terms; the import checks every
/// generated test against the compiled rules and leaves out (with a comment) those that fail,
/// so a sample that is wrong (a negated class, a lookaround) costs a test, never a wrong one.
package enum RegexSample {
    /// A text `pattern` (PCRE2 syntax, as the importer writes it) matches, or nil when the pattern
    /// uses something this builder does not follow (a backreference, a conditional).
    package static func sample(_ pattern: String) -> String? {
        var p = Parser(Array(pattern.unicodeScalars))
        guard let s = p.alternation(), p.i == p.s.count else { return nil }
        return s
    }

    private struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        init(_ s: [Unicode.Scalar]) { self.s = s }

        /// `a|b|c`: the first alternative; the others are read and ignored.
        mutating func alternation() -> String? {
            guard let first = sequence() else { return nil }
            while i < s.count, s[i] == "|" {
                i += 1
                guard sequence() != nil else { return nil }
            }
            return first
        }

        mutating func sequence() -> String? {
            var out = ""
            while i < s.count, s[i] != "|", s[i] != ")" {
                guard let (atom, zeroWidth) = self.atom() else { return nil }
                guard let n = quantifier() else { return nil }
                if !zeroWidth { out += String(repeating: atom, count: n) }
            }
            return out
        }

        /// The fewest repetitions the quantifier after an atom allows (1 without a quantifier).
        mutating func quantifier() -> Int? {
            guard i < s.count else { return 1 }
            var n = 1
            switch s[i] {
            case "?", "*": n = 0; i += 1
            case "+": i += 1
            case "{":
                var j = i + 1
                var digits = ""
                while j < s.count, s[j].properties.numericType != nil, s[j].isASCII { digits.unicodeScalars.append(s[j]); j += 1 }
                guard j < s.count, s[j] == "," || s[j] == "}", let m = Int(digits.isEmpty ? "0" : digits) else { return 1 }
                while j < s.count, s[j] != "}" { j += 1 }
                guard j < s.count else { return nil }
                n = m
                i = j + 1
            default: return 1
            }
            if i < s.count, s[i] == "?" || s[i] == "+" { i += 1 }  // lazy or possessive
            return n
        }

        /// One atom and whether it takes no text (an anchor, a lookaround).
        mutating func atom() -> (String, Bool)? {
            let c = s[i]
            i += 1
            switch c {
            case "^", "$": return ("", true)
            case ".": return ("a", false)
            case "[": return charClass().map { ($0, false) }
            case "\\": return escape(inClass: false).map { ($0.0, $0.1) }
            case "(":
                var lookaround = false
                if i < s.count, s[i] == "?" {
                    i += 1
                    guard i < s.count else { return nil }
                    switch s[i] {
                    case ":", ">": i += 1
                    case "=", "!": i += 1; lookaround = true
                    case "<" where i + 1 < s.count && (s[i + 1] == "=" || s[i + 1] == "!"): i += 2; lookaround = true
                    case "<", "P", "'":
                        while i < s.count, s[i] != ">", s[i] != "'" { i += 1 }
                        i += 1
                    default:
                        // Inline flags: (?i) or (?i:...)
                        while i < s.count, s[i].properties.isAlphabetic || s[i] == "-" { i += 1 }
                        guard i < s.count else { return nil }
                        if s[i] == ")" { i += 1; return ("", true) }
                        guard s[i] == ":" else { return nil }
                        i += 1
                    }
                }
                guard let inner = alternation(), i < s.count, s[i] == ")" else { return nil }
                i += 1
                return lookaround ? ("", true) : (inner, false)
            default:
                return (String(Character(c)), false)
            }
        }

        /// After `\`: a character, a class shorthand, or an assertion (zero width).
        mutating func escape(inClass: Bool) -> (String, Bool)? {
            guard i < s.count else { return nil }
            let c = s[i]
            i += 1
            switch c {
            case "d": return ("1", false)
            case "w", "D", "S": return ("a", false)
            case "s", "W": return (" ", false)
            case "b", "B", "A", "z", "Z", "G": return ("", !inClass)
            case "n": return ("\n", false)
            case "t": return ("\t", false)
            case "x":
                if i < s.count, s[i] == "{" {
                    var j = i + 1
                    var hex = ""
                    while j < s.count, s[j] != "}" { hex.unicodeScalars.append(s[j]); j += 1 }
                    i = j + 1
                    guard let v = UInt32(hex, radix: 16), let u = Unicode.Scalar(v) else { return nil }
                    return (String(Character(u)), false)
                }
                guard i + 1 < s.count, let v = UInt32(String(String.UnicodeScalarView(s[i...(i + 1)])), radix: 16), let u = Unicode.Scalar(v) else { return nil }
                i += 2
                return (String(Character(u)), false)
            case "p", "P":
                if i < s.count, s[i] == "{" { while i < s.count, s[i] != "}" { i += 1 }; i += 1 } else { i += 1 }
                return c == "p" ? ("a", false) : (" ", false)
            default:
                if c.properties.numericType != nil, c != "0" { return nil }  // a backreference
                return (String(Character(c)), false)
            }
        }

        /// `[...]`: the first character the class names; for `[^...]`, a common character it
        /// does not list.
        mutating func charClass() -> String? {
            var negated = false
            if i < s.count, s[i] == "^" { negated = true; i += 1 }
            var members: [String] = []
            var ranges: [ClosedRange<UInt32>] = []
            var first = true
            while i < s.count, s[i] != "]" || first {
                first = false
                var m: String
                if s[i] == "\\" {
                    i += 1
                    guard let (e, _) = escape(inClass: true) else { return nil }
                    m = e
                } else if s[i] == "[", i + 1 < s.count, s[i + 1] == ":" {
                    while i < s.count, s[i] != "]" { i += 1 }
                    i += 1
                    m = "a"
                } else {
                    m = String(Character(s[i]))
                    i += 1
                }
                if i + 1 < s.count, s[i] == "-", s[i + 1] != "]" {
                    i += 1
                    var hi: String
                    if s[i] == "\\" {
                        i += 1
                        guard let (e, _) = escape(inClass: true) else { return nil }
                        hi = e
                    } else {
                        hi = String(Character(s[i]))
                        i += 1
                    }
                    if let lo = m.unicodeScalars.first?.value, let h = hi.unicodeScalars.first?.value, lo <= h { ranges.append(lo...h) }
                }
                members.append(m)
            }
            guard i < s.count else { return nil }
            i += 1
            if negated {
                return ["x", "q", "7", " ", "#", "é", "ж"].first { c in
                    !members.contains(c) && !ranges.contains { $0.contains(c.unicodeScalars.first!.value) }
                }
            }
            return members.first { !$0.isEmpty }
        }
    }
}
