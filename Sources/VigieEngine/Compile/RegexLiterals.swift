import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// Finds, for a regular expression, a set of literal words at least one of which appears in
/// every text it matches. The matcher graph looks for those words with the shared automaton and
/// runs PCRE2 only when one of them was seen. Returns nil when no such set can be proven (the
/// regex then runs on every comment that reaches it, and lint reports its cost).
///
/// The analysis is deliberately conservative: it understands concatenation, top-level and group
/// alternation, quantifiers, classes and escapes, and gives up on anything else.
package enum RegexLiterals {
    /// Shortest literal worth using as a prefilter, in normalized bytes.
    package static let minimumLength = 3

    package static func required(_ pattern: String, flags: String, stages: NormalizationStages = .all) -> [String]? {
        if flags.contains("x") { return nil }
        let b = Array(pattern.utf8)
        var i = 0
        guard let set = alternation(b, &i, leet: stages.contains(.leetspeak)), i == b.count else { return nil }
        let normalizer = Normalizer(stages: stages)
        var out: [String] = []
        for lit in set {
            let n = normalizer.normalize(lit)
            // A literal that normalizes to several words is still required as a whole, but only
            // its longest word is safe against the collapsing of punctuation: keep that.
            guard let word = n.split(separator: " ").max(by: { $0.utf8.count < $1.utf8.count }), word.utf8.count >= minimumLength else { return nil }
            out.append(String(word))
        }
        return out.isEmpty ? nil : Array(Set(out)).sorted()
    }

    /// Parses `branch (| branch)*` up to `)` or the end; returns the union of each branch's best literal.
    private static func alternation(_ b: [UInt8], _ i: inout Int, leet: Bool) -> [String]? {
        var result: [String]? = []
        while true {
            let branch = sequence(b, &i, leet: leet)
            if let branch, result != nil { result! += branch } else { result = nil }
            if i < b.count, b[i] == UInt8(ascii: "|") {
                i += 1
                continue
            }
            return result
        }
    }

    /// Parses a concatenation; returns the best required literal set for it (nil if none).
    /// The one letter every member of a leetspeak class such as `[a@4]` or `[o0]` normalizes to,
    /// or nil (ranges, negation, escapes, separators or mixed letters).
    package static func leetClassLetter(_ members: ArraySlice<UInt8>) -> UInt8? {
        guard !members.isEmpty, members.first != UInt8(ascii: "^") else { return nil }
        var letter: UInt8?
        var prev: UInt8 = 0
        for m in members {
            if m == UInt8(ascii: "-"), prev != 0 { return nil }  // a range
            prev = m
            let l: UInt8
            switch m {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): l = m
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): l = m + 0x20
            default:
                guard let x = Normalizer.leet(m) else { return nil }
                l = x
            }
            if let letter, letter != l { return nil }
            letter = l
        }
        return letter
    }

    private static func sequence(_ b: [UInt8], _ i: inout Int, leet: Bool) -> [String]? {
        var best: [String]? = nil
        var bestScore = 0
        var run: [UInt8] = []
        // A literal made only of class letters could sit in a token without letters, where
        // leetspeak does not apply: keep only runs with at least one plain letter.
        var runHasPlain = false
        func consider(_ cand: [String]) {
            let score = cand.map { $0.utf8.count }.min() ?? 0
            if score > bestScore || (score == bestScore && (best?.count ?? Int.max) > cand.count) {
                best = cand
                bestScore = score
            }
        }
        func flush() {
            if run.count >= 1, runHasPlain, let s = String(validating: run, as: UTF8.self) { consider([s]) }
            run.removeAll()
            runHasPlain = false
        }
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "|") || c == UInt8(ascii: ")") { break }
            var atom: [UInt8]? = nil  // a literal atom (one character)
            var groupSet: [String]? = nil
            var isGroup = false
            var classLetter = false
            switch c {
            case UInt8(ascii: "\\"):
                guard i + 1 < b.count else { return nil }
                let e = b[i + 1]
                i += 2
                if e == UInt8(ascii: "c") {
                    // \cX: a control character.
                    i += 1
                    atom = nil
                } else if (e >= 0x61 && e <= 0x7A) || (e >= 0x41 && e <= 0x5A) || (e >= 0x30 && e <= 0x39) {
                    // \w \s \b \d \p{..} \x.. etc.: not literal.
                    if e == UInt8(ascii: "p") || e == UInt8(ascii: "P") || e == UInt8(ascii: "x") {
                        if i < b.count, b[i] == UInt8(ascii: "{") { while i < b.count, b[i] != UInt8(ascii: "}") { i += 1 }; i += 1 } else if e != UInt8(ascii: "x") { i += 1 } else { i += 2 }
                    }
                    atom = nil
                } else {
                    atom = [e]
                }
            case UInt8(ascii: "["):
                let classStart = i + 1
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "^") { i += 1 }
                if i < b.count, b[i] == UInt8(ascii: "]") { i += 1 }
                while i < b.count, b[i] != UInt8(ascii: "]") {
                    if b[i] == UInt8(ascii: "\\") { i += 1 }
                    if b[i] == UInt8(ascii: "["), i + 1 < b.count, b[i + 1] == UInt8(ascii: ":") {
                        while i < b.count, !(b[i] == UInt8(ascii: "]") && b[i - 1] == UInt8(ascii: ":")) { i += 1 }
                    }
                    i += 1
                }
                guard i < b.count else { return nil }
                // `[a@4]`: one letter once normalized (an `@` may only follow letters, since a
                // leading `@` reads as a mention).
                if leet, let l = leetClassLetter(b[classStart..<i]), !(run.isEmpty && b[classStart..<i].contains(UInt8(ascii: "@"))) {
                    atom = [l]
                    classLetter = true
                }
                i += 1
            case UInt8(ascii: "("):
                i += 1
                isGroup = true
                if i < b.count, b[i] == UInt8(ascii: "?") {
                    if i + 1 < b.count, b[i + 1] == UInt8(ascii: ":") {
                        i += 2
                        groupSet = alternation(b, &i, leet: leet)
                    } else {
                        // Lookaround, named group, inline options...: skip, and use nothing inside.
                        var depth = 1
                        i += 1
                        if i < b.count, b[i] == UInt8(ascii: "<"), i + 1 < b.count, b[i + 1] != UInt8(ascii: "="), b[i + 1] != UInt8(ascii: "!") {
                            while i < b.count, b[i] != UInt8(ascii: ">") { i += 1 }
                            i += 1
                            groupSet = alternation(b, &i, leet: leet)
                            depth = 0
                        }
                        while depth > 0, i < b.count {
                            if b[i] == UInt8(ascii: "\\") { i += 1 } else if b[i] == UInt8(ascii: "(") { depth += 1 } else if b[i] == UInt8(ascii: ")") { depth -= 1; if depth == 0 { break } }
                            i += 1
                        }
                    }
                } else {
                    groupSet = alternation(b, &i, leet: leet)
                }
                guard i < b.count, b[i] == UInt8(ascii: ")") else { return nil }
                i += 1
            case UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"):
                i += 1
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
                return nil  // quantifier without an atom: give up
            default:
                var n = 1
                if c >= 0xC0 { while i + n < b.count, b[i + n] & 0xC0 == 0x80 { n += 1 } }
                atom = Array(b[i..<(i + n)])
                i += n
            }
            // Quantifier?
            var optional = false
            var repeated = false
            if i < b.count {
                switch b[i] {
                case UInt8(ascii: "?"), UInt8(ascii: "*"):
                    optional = true
                    i += 1
                case UInt8(ascii: "+"):
                    repeated = true
                    i += 1
                case UInt8(ascii: "{"):
                    var j = i + 1
                    var digits: [UInt8] = []
                    while j < b.count, b[j] >= 0x30, b[j] <= 0x39 { digits.append(b[j]); j += 1 }
                    if j < b.count, b[j] == UInt8(ascii: "}") || b[j] == UInt8(ascii: ",") {
                        while j < b.count, b[j] != UInt8(ascii: "}") { j += 1 }
                        i = j + 1
                        if digits.isEmpty || digits == [0x30] { optional = true } else { repeated = true }
                    }
                default: break
                }
                if i < b.count, b[i] == UInt8(ascii: "?") || b[i] == UInt8(ascii: "+") { i += 1 }
            }
            if optional {
                flush()
                continue
            }
            if let atom {
                // Letters only: digits may be read as leetspeak in the text.
                let letterOrDigit = atom.count > 1 || ((atom[0] | 0x20) >= 0x61 && (atom[0] | 0x20) <= 0x7A)
                if letterOrDigit {
                    run += atom
                    if !classLetter { runHasPlain = true }
                    if repeated { flush() }
                } else {
                    flush()
                }
            } else {
                flush()
                if isGroup, let g = groupSet, !g.isEmpty { consider(g) }
            }
        }
        flush()
        return best
    }
}
