import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// A regular expression parsed for analysis: its structure with byte ranges in the pattern,
/// characters as ``CharSet``s. PCRE2 still does all the matching; this tree only lets lint
/// rules reason about quantifiers, alternatives, empty matches and impossible anchors.
///
/// The parser knows PCRE2's common syntax (groups of every kind, classes with POSIX names and
/// properties, escapes, quantifiers with lazy and possessive forms, inline options, `\Q...\E`,
/// the `x` flag). What it does not understand (recursion, conditionals, verbs, callouts)
/// becomes an ``Kind/opaque`` node that analyses treat conservatively.
package struct RegexTree {
    /// A zero-width assertion.
    package enum Assertion: Equatable {
        /// `^`: start of text (or of a line with `m`).
        case lineStart(multiline: Bool)
        /// `$`: end of text or before a final newline (or before any newline with `m`).
        case lineEnd(multiline: Bool)
        /// `\b`.
        case wordBoundary
        /// `\B`.
        case notWordBoundary
        /// `\A`.
        case textStart
        /// `\z`.
        case textEnd
        /// `\Z`: end of text or before a final newline.
        case textEndOrNewline
        /// `\G`, `\K` and other zero-width items.
        case other
    }

    /// What a node is.
    package indirect enum Kind {
        /// One character out of a set.
        case chars(CharSet)
        /// Items one after the other.
        case sequence([RegexTree])
        /// `a|b|c`.
        case alternation([RegexTree])
        /// `(...)`, `(?:...)`, `(?<name>...)`.
        case group(RegexTree)
        /// `(?>...)`: no backtracking into it once it matched.
        case atomic(RegexTree)
        /// `(?=...)`, `(?!...)`, `(?<=...)`, `(?<!...)`.
        case lookaround(RegexTree, negative: Bool)
        /// A repeated item; `max` nil is unbounded.
        case quantified(RegexTree, min: Int, max: Int?, possessive: Bool)
        /// `^`, `$`, `\b`...
        case assertion(Assertion)
        /// `\1`, `\k<name>`.
        case backreference
        /// Syntax the analyses do not look into.
        case opaque
    }

    /// The node.
    package var kind: Kind
    /// Its bytes in the pattern.
    package var range: Range<Int>

    /// Parses a pattern with its flags; nil when the pattern is beyond the parser.
    package static func parse(_ pattern: String, flags: String) -> RegexTree? {
        var p = RegexParser(bytes: Array(pattern.utf8), flags: flags)
        guard let tree = p.parseAlternation(), p.i == p.b.count else { return nil }
        return tree
    }

    // MARK: - Properties

    /// Whether the node can match without consuming a character. Assertions are empty;
    /// lookarounds are empty when `lookaroundIsEmpty` (otherwise they count as requiring
    /// something, as a pattern made of lookaheads is deliberate).
    package func nullable(lookaroundIsEmpty: Bool = true) -> Bool {
        switch kind {
        case .chars: return false
        case .sequence(let items): return items.allSatisfy { $0.nullable(lookaroundIsEmpty: lookaroundIsEmpty) }
        case .alternation(let bs): return bs.contains { $0.nullable(lookaroundIsEmpty: lookaroundIsEmpty) }
        case .group(let x), .atomic(let x): return x.nullable(lookaroundIsEmpty: lookaroundIsEmpty)
        case .lookaround: return lookaroundIsEmpty
        case .quantified(let x, let min, _, _): return min == 0 || x.nullable(lookaroundIsEmpty: lookaroundIsEmpty)
        case .assertion: return true
        case .backreference, .opaque: return false
        }
    }

    /// The characters a match of the node can start with.
    package var first: CharSet {
        switch kind {
        case .chars(let s): return s
        case .sequence(let items):
            var out = CharSet.empty
            for item in items {
                out.formUnion(item.first)
                if !item.nullable() { break }
            }
            return out
        case .alternation(let bs): return bs.reduce(CharSet.empty) { $0.union($1.first) }
        case .group(let x), .atomic(let x), .quantified(let x, _, _, _): return x.first
        case .lookaround, .assertion: return .empty
        case .backreference, .opaque: return .any
        }
    }

    /// The characters a match of the node can end with.
    package var last: CharSet {
        switch kind {
        case .chars(let s): return s
        case .sequence(let items):
            var out = CharSet.empty
            for item in items.reversed() {
                out.formUnion(item.last)
                if !item.nullable() { break }
            }
            return out
        case .alternation(let bs): return bs.reduce(CharSet.empty) { $0.union($1.last) }
        case .group(let x), .atomic(let x), .quantified(let x, _, _, _): return x.last
        case .lookaround, .assertion: return .empty
        case .backreference, .opaque: return .any
        }
    }

    /// Every character the node can consume.
    package var allChars: CharSet {
        switch kind {
        case .chars(let s): return s
        case .sequence(let items), .alternation(let items): return items.reduce(CharSet.empty) { $0.union($1.allChars) }
        case .group(let x), .atomic(let x), .quantified(let x, _, _, _): return x.allChars
        case .lookaround, .assertion: return .empty
        case .backreference, .opaque: return .any
        }
    }

    /// The node's direct children.
    package var children: [RegexTree] {
        switch kind {
        case .sequence(let items), .alternation(let items): return items
        case .group(let x), .atomic(let x), .lookaround(let x, _), .quantified(let x, _, _, _): return [x]
        default: return []
        }
    }

    /// Calls `body` on the node and every node inside it, parents first.
    package func forEach(_ body: (RegexTree) -> Void) {
        body(self)
        for c in children { c.forEach(body) }
    }

    /// The node without the groups around it (`((a+))` is `a+`).
    package var unwrapped: RegexTree {
        if case .group(let x) = kind { return x.unwrapped }
        if case .sequence(let items) = kind, items.count == 1 { return items[0].unwrapped }
        return self
    }

    /// For an unbounded, backtracking repetition: its repeated body.
    package var unboundedBody: RegexTree? {
        if case .quantified(let x, _, nil, false) = unwrapped.kind { return x }
        return nil
    }

    /// The fixed characters of a node made only of single characters (`abc`, `(?:ab)`), or nil.
    package var literal: [CharSet]? {
        switch kind {
        case .chars(let s): return [s]
        case .sequence(let items):
            var out: [CharSet] = []
            for item in items {
                guard let l = item.literal else { return nil }
                out += l
            }
            return out
        case .group(let x): return x.literal
        default: return nil
        }
    }
}

/// The recursive-descent parser behind ``RegexTree/parse(_:flags:)``.
package struct RegexParser {
    package let b: [UInt8]
    package var i = 0
    package var caseless: Bool
    package var extended: Bool
    package var dotAll: Bool
    package var multiline: Bool

    package init(bytes: [UInt8], flags: String) {
        b = bytes
        caseless = flags.contains("i")
        extended = flags.contains("x")
        dotAll = flags.contains("s")
        multiline = flags.contains("m")
    }

    private func at(_ k: Int = 0) -> UInt8? { i + k < b.count ? b[i + k] : nil }
    private func isChar(_ c: Character, _ k: Int = 0) -> Bool { at(k) == c.asciiValue }

    /// Skips white space and `#` comments in extended mode.
    private mutating func skipExtended() {
        guard extended else { return }
        while let c = at() {
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C {
                i += 1
            } else if c == UInt8(ascii: "#") {
                while let d = at(), d != 0x0A { i += 1 }
            } else {
                break
            }
        }
    }

    package mutating func parseAlternation() -> RegexTree? {
        let start = i
        var branches: [RegexTree] = []
        let saved = (caseless, extended, dotAll, multiline)
        while true {
            guard let s = parseSequence() else { return nil }
            branches.append(s)
            if isChar("|") {
                i += 1
                continue
            }
            break
        }
        (caseless, extended, dotAll, multiline) = saved
        if branches.count == 1 { return branches[0] }
        return RegexTree(kind: .alternation(branches), range: start..<i)
    }

    package mutating func parseSequence() -> RegexTree? {
        let start = i
        var items: [RegexTree] = []
        while true {
            skipExtended()
            guard let c = at(), c != UInt8(ascii: "|"), c != UInt8(ascii: ")") else { break }
            guard let parsed = parseAtom() else { return nil }
            guard var atoms = parsed else { continue }  // a comment or an option setting
            skipExtended()
            if let q = parseQuantifier(), let lastAtom = atoms.popLast() {
                atoms.append(
                    RegexTree(
                        kind: .quantified(lastAtom, min: q.min, max: q.max, possessive: q.possessive),
                        range: lastAtom.range.lowerBound..<i))
            }
            items += atoms
        }
        return RegexTree(kind: .sequence(items), range: start..<i)
    }

    /// A quantifier at `i`, if any.
    package mutating func parseQuantifier() -> (min: Int, max: Int?, possessive: Bool)? {
        guard let c = at() else { return nil }
        var q: (min: Int, max: Int?)
        switch c {
        case UInt8(ascii: "*"):
            q = (0, nil)
            i += 1
        case UInt8(ascii: "+"):
            q = (1, nil)
            i += 1
        case UInt8(ascii: "?"):
            q = (0, 1)
            i += 1
        case UInt8(ascii: "{"):
            var j = i + 1
            func number() -> Int? {
                var n: Int?
                while j < b.count, b[j] >= 0x30, b[j] <= 0x39 {
                    n = (n ?? 0) * 10 + Int(b[j] - 0x30)
                    j += 1
                }
                return n
            }
            let lo = number()
            if j < b.count, b[j] == UInt8(ascii: "}"), let lo {
                q = (lo, lo)
            } else if j < b.count, b[j] == UInt8(ascii: ",") {
                j += 1
                let hi = number()
                guard j < b.count, b[j] == UInt8(ascii: "}"), lo != nil || hi != nil else { return nil }
                q = (lo ?? 0, hi)
            } else {
                return nil
            }
            i = j + 1
        default: return nil
        }
        var possessive = false
        if isChar("?") {
            i += 1
        } else if isChar("+") {
            i += 1
            possessive = true
        }
        return (q.min, q.max, possessive)
    }

    /// One atom. Returns nil on a parse failure, `.some(nil)` for something that matches
    /// nothing by itself (a comment, an option setting), else the atoms (several for `\Q...\E`).
    package mutating func parseAtom() -> [RegexTree]?? {
        let start = i
        let c = b[i]
        switch c {
        case UInt8(ascii: "("):
            guard let g = parseGroup() else { return nil }
            guard let g else { return .some(nil) }
            return [g]
        case UInt8(ascii: "["):
            guard let set = parseClass() else { return nil }
            return [RegexTree(kind: .chars(set), range: start..<i)]
        case UInt8(ascii: "\\"):
            guard let e = parseEscape() else { return nil }
            return [e]
        case UInt8(ascii: "."):
            i += 1
            return [RegexTree(kind: .chars(dotAll ? .any : CharSet.any.subtracting(newline: true)), range: start..<i)]
        case UInt8(ascii: "^"):
            i += 1
            return [RegexTree(kind: .assertion(.lineStart(multiline: multiline)), range: start..<i)]
        case UInt8(ascii: "$"):
            i += 1
            return [RegexTree(kind: .assertion(.lineEnd(multiline: multiline)), range: start..<i)]
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"): return nil
        default:
            let v = decodeScalar(b, at: i)
            i += v.1
            return [RegexTree(kind: .chars(CharSet(scalar: v.0 ?? 0xFFFD, caseless: caseless)), range: start..<i)]
        }
    }

    /// Applies inline option letters such as `i`, `-i`, `^`.
    package mutating func applyOptions(_ letters: ArraySlice<UInt8>) -> Bool {
        var on = true
        for l in letters {
            switch l {
            case UInt8(ascii: "-"): on = false
            case UInt8(ascii: "^"):
                caseless = false
                multiline = false
                dotAll = false
                extended = false
            case UInt8(ascii: "i"): caseless = on
            case UInt8(ascii: "m"): multiline = on
            case UInt8(ascii: "s"): dotAll = on
            case UInt8(ascii: "x"): extended = on
            case UInt8(ascii: "n"), UInt8(ascii: "J"), UInt8(ascii: "U"): break
            default: return false
            }
        }
        return true
    }

    package mutating func parseGroup() -> RegexTree?? {
        let start = i
        i += 1
        func close(_ kind: (RegexTree) -> RegexTree.Kind) -> RegexTree?? {
            let saved = (caseless, extended, dotAll, multiline)
            guard let inner = parseAlternation(), isChar(")") else { return nil }
            (caseless, extended, dotAll, multiline) = saved
            i += 1
            return .some(RegexTree(kind: kind(inner), range: start..<i))
        }
        func skipBalanced() -> Bool {
            var depth = 1
            while let c = at() {
                if c == UInt8(ascii: "\\") {
                    i += 2
                    continue
                }
                if c == UInt8(ascii: "(") { depth += 1 }
                if c == UInt8(ascii: ")") {
                    depth -= 1
                    if depth == 0 {
                        i += 1
                        return true
                    }
                }
                i += 1
            }
            return false
        }
        if isChar("*") {
            // (*VERB) or (*positive_lookahead:...) and friends: not analysed.
            guard skipBalanced() else { return nil }
            return .some(RegexTree(kind: .opaque, range: start..<i))
        }
        guard isChar("?") else { return close { .group($0) } }
        i += 1
        guard let c = at() else { return nil }
        switch c {
        case UInt8(ascii: ":"), UInt8(ascii: "|"):
            i += 1
            return close { .group($0) }
        case UInt8(ascii: ">"):
            i += 1
            return close { .atomic($0) }
        case UInt8(ascii: "="), UInt8(ascii: "!"):
            i += 1
            let negative = c == UInt8(ascii: "!")
            return close { .lookaround($0, negative: negative) }
        case UInt8(ascii: "#"):
            while let d = at(), d != UInt8(ascii: ")") { i += 1 }
            guard isChar(")") else { return nil }
            i += 1
            return .some(nil)
        case UInt8(ascii: "<") where isChar("=", 1) || isChar("!", 1):
            let negative = isChar("!", 1)
            i += 2
            return close { .lookaround($0, negative: negative) }
        case UInt8(ascii: "<"), UInt8(ascii: "'"):
            let end: UInt8 = c == UInt8(ascii: "<") ? UInt8(ascii: ">") : UInt8(ascii: "'")
            i += 1
            while let d = at(), d != end { i += 1 }
            guard at() == end else { return nil }
            i += 1
            return close { .group($0) }
        case UInt8(ascii: "P") where isChar("<", 1):
            i += 2
            while let d = at(), d != UInt8(ascii: ">") { i += 1 }
            guard isChar(">") else { return nil }
            i += 1
            return close { .group($0) }
        case UInt8(ascii: "P") where isChar("=", 1):
            guard skipBalanced() else { return nil }
            return .some(RegexTree(kind: .backreference, range: start..<i))
        default:
            // Inline options: (?i) or (?i:...).
            let optStart = i
            while let d = at(), d != UInt8(ascii: ")"), d != UInt8(ascii: ":") {
                guard (d >= 0x41 && d <= 0x5A) || (d >= 0x61 && d <= 0x7A) || d == UInt8(ascii: "-") || d == UInt8(ascii: "^") else {
                    // Recursion, subroutine calls, conditionals: skip them whole.
                    i = optStart
                    guard skipBalanced() else { return nil }
                    return .some(RegexTree(kind: .opaque, range: start..<i))
                }
                i += 1
            }
            guard let end = at() else { return nil }
            let saved = (caseless, extended, dotAll, multiline)
            guard applyOptions(b[optStart..<i]) else {
                i = optStart
                guard skipBalanced() else { return nil }
                return .some(RegexTree(kind: .opaque, range: start..<i))
            }
            i += 1
            if end == UInt8(ascii: ")") { return .some(nil) }  // applies to the rest of the group
            guard let inner = parseAlternation(), isChar(")") else { return nil }
            (caseless, extended, dotAll, multiline) = saved
            i += 1
            return .some(RegexTree(kind: .group(inner), range: start..<i))
        }
    }

    /// An escape outside a class.
    package mutating func parseEscape() -> RegexTree? {
        let start = i
        guard let e = at(1) else { return nil }
        i += 2
        func node(_ k: RegexTree.Kind) -> RegexTree { RegexTree(kind: k, range: start..<i) }
        switch e {
        case UInt8(ascii: "b"): return node(.assertion(.wordBoundary))
        case UInt8(ascii: "B"): return node(.assertion(.notWordBoundary))
        case UInt8(ascii: "A"): return node(.assertion(.textStart))
        case UInt8(ascii: "z"): return node(.assertion(.textEnd))
        case UInt8(ascii: "Z"): return node(.assertion(.textEndOrNewline))
        case UInt8(ascii: "G"), UInt8(ascii: "K"): return node(.assertion(.other))
        case UInt8(ascii: "R"): return node(.chars(CharSet.verticalSpace))
        case UInt8(ascii: "X"), UInt8(ascii: "C"): return node(.chars(.any))
        case UInt8(ascii: "N"): return node(.chars(CharSet.any.subtracting(newline: true)))
        case UInt8(ascii: "Q"):
            // \Q...\E: a literal run, one node per character.
            var items: [RegexTree] = []
            while i < b.count, !(b[i] == UInt8(ascii: "\\") && isChar("E", 1)) {
                let s = i
                let v = decodeScalar(b, at: i)
                i += v.1
                items.append(RegexTree(kind: .chars(CharSet(scalar: v.0 ?? 0xFFFD, caseless: caseless)), range: s..<i))
            }
            if i < b.count { i += 2 }
            return node(.sequence(items))
        case UInt8(ascii: "E"): return node(.sequence([]))
        case UInt8(ascii: "g"), UInt8(ascii: "k"):
            if let d = at(), d == UInt8(ascii: "<") || d == UInt8(ascii: "'") || d == UInt8(ascii: "{") {
                let closing: UInt8 = d == UInt8(ascii: "<") ? UInt8(ascii: ">") : d == UInt8(ascii: "'") ? d : UInt8(ascii: "}")
                let subroutine = e == UInt8(ascii: "g") && d != UInt8(ascii: "{")
                i += 1
                while let x = at(), x != closing { i += 1 }
                guard at() == closing else { return nil }
                i += 1
                return node(subroutine ? .opaque : .backreference)
            }
            if isChar("-") { i += 1 }
            while let d = at(), d >= 0x30, d <= 0x39 { i += 1 }
            return node(.backreference)
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            while let d = at(), d >= 0x30, d <= 0x39 { i += 1 }
            return node(.backreference)
        default:
            i = start
            guard let set = parseCharEscape() else { return nil }
            return node(.chars(set))
        }
    }

    /// An escape that stands for characters (shared by classes and atoms); `i` at the backslash.
    package mutating func parseCharEscape(inClass: Bool = false) -> CharSet? {
        guard let e = at(1) else { return nil }
        i += 2
        switch e {
        case UInt8(ascii: "d"): return CharSet.digit
        case UInt8(ascii: "D"): return CharSet.digit.complement
        case UInt8(ascii: "w"): return CharSet.word
        case UInt8(ascii: "W"): return CharSet.word.complement
        case UInt8(ascii: "s"): return CharSet.space
        case UInt8(ascii: "S"): return CharSet.space.complement
        case UInt8(ascii: "h"): return CharSet.horizontalSpace
        case UInt8(ascii: "H"): return CharSet.horizontalSpace.complement
        case UInt8(ascii: "v"): return CharSet.verticalSpace
        case UInt8(ascii: "V"): return CharSet.verticalSpace.complement
        case UInt8(ascii: "p"), UInt8(ascii: "P"):
            var name = ""
            if isChar("{") {
                i += 1
                let s = i
                while let d = at(), d != UInt8(ascii: "}") { i += 1 }
                guard isChar("}") else { return nil }
                name = String(decoding: b[s..<i], as: UTF8.self)
                i += 1
            } else if let d = at() {
                name = String(UnicodeScalar(d))
                i += 1
            }
            let set = CharSet.property(name)
            return e == UInt8(ascii: "P") ? set.complement : set
        case UInt8(ascii: "n"): return .ascii("\n")
        case UInt8(ascii: "t"): return .ascii("\t")
        case UInt8(ascii: "r"): return .ascii("\r")
        case UInt8(ascii: "f"): return .ascii("\u{0C}")
        case UInt8(ascii: "e"): return .ascii("\u{1B}")
        case UInt8(ascii: "a"): return .ascii("\u{07}")
        case UInt8(ascii: "b") where inClass: return .ascii("\u{08}")
        case UInt8(ascii: "c"):
            guard let d = at() else { return nil }
            i += 1
            return CharSet(scalar: UInt32((d >= 0x61 && d <= 0x7A ? d - 0x20 : d) ^ 0x40))
        case UInt8(ascii: "x"):
            var value: UInt32 = 0
            if isChar("{") {
                i += 1
                while let d = at(), d != UInt8(ascii: "}") {
                    guard let h = hexValue(d) else { return nil }
                    value = value &* 16 &+ h
                    i += 1
                }
                guard isChar("}") else { return nil }
                i += 1
            } else {
                var n = 0
                while n < 2, let d = at(), let h = hexValue(d) {
                    value = value * 16 + h
                    i += 1
                    n += 1
                }
            }
            return CharSet(scalar: value, caseless: caseless)
        case UInt8(ascii: "o"):
            var value: UInt32 = 0
            guard isChar("{") else { return nil }
            i += 1
            while let d = at(), d != UInt8(ascii: "}") {
                value = value &* 8 &+ UInt32(d &- 0x30)
                i += 1
            }
            guard isChar("}") else { return nil }
            i += 1
            return CharSet(scalar: value, caseless: caseless)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var value = UInt32(e - 0x30)
            var n = 0
            while n < 2, let d = at(), d >= 0x30, d <= 0x37 {
                value = value * 8 + UInt32(d - 0x30)
                i += 1
                n += 1
            }
            return CharSet(scalar: value, caseless: caseless)
        default:
            if (e >= 0x41 && e <= 0x5A) || (e >= 0x61 && e <= 0x7A) || (e >= 0x30 && e <= 0x39) { return .any }
            i -= 1
            let v = decodeScalar(b, at: i)
            i += v.1
            return CharSet(scalar: v.0 ?? 0xFFFD, caseless: caseless)
        }
    }

    package func hexValue(_ d: UInt8) -> UInt32? {
        switch d {
        case 0x30...0x39: return UInt32(d - 0x30)
        case 0x41...0x46: return UInt32(d - 0x41 + 10)
        case 0x61...0x66: return UInt32(d - 0x61 + 10)
        default: return nil
        }
    }

    /// A character class `[...]`; `i` at `[`.
    package mutating func parseClass() -> CharSet? {
        i += 1
        var negated = false
        if isChar("^") {
            negated = true
            i += 1
        }
        var set = CharSet.empty
        var firstItem = true
        while let c = at() {
            if c == UInt8(ascii: "]"), !firstItem { break }
            firstItem = false
            if c == UInt8(ascii: "["), isChar(":", 1) {
                let s = i + 2
                var j = s
                if j < b.count, b[j] == UInt8(ascii: "^") { j += 1 }
                let nameStart = j
                while j + 1 < b.count, !(b[j] == UInt8(ascii: ":") && b[j + 1] == UInt8(ascii: "]")) { j += 1 }
                guard j + 1 < b.count else { return nil }
                let name = String(decoding: b[nameStart..<j], as: UTF8.self)
                guard var posix = CharSet.posix(name) else { return nil }
                if nameStart > s { posix = posix.complement }
                set.formUnion(posix)
                i = j + 2
                continue
            }
            // A single character or an escape, possibly the start of a range.
            let lo: UInt32?
            var item: CharSet
            if c == UInt8(ascii: "\\") {
                if isChar("Q", 1) {
                    i += 2
                    while i < b.count, !(b[i] == UInt8(ascii: "\\") && isChar("E", 1)) {
                        let v = decodeScalar(b, at: i)
                        i += v.1
                        set.formUnion(CharSet(scalar: v.0 ?? 0xFFFD, caseless: caseless))
                    }
                    if i < b.count { i += 2 }
                    continue
                }
                if isChar("E", 1) {
                    i += 2
                    continue
                }
                let before = i
                guard let s = parseCharEscape(inClass: true) else { return nil }
                item = s
                lo = singleScalar(b[before..<i])
            } else {
                let v = decodeScalar(b, at: i)
                i += v.1
                lo = v.0
                item = CharSet(scalar: v.0 ?? 0xFFFD, caseless: caseless)
            }
            if let lo, isChar("-"), let n = at(1), n != UInt8(ascii: "]") {
                let save = i
                i += 1
                var hi: UInt32?
                if b[i] == UInt8(ascii: "\\") {
                    let before = i
                    guard parseCharEscape(inClass: true) != nil else { return nil }
                    hi = singleScalar(b[before..<i])
                } else {
                    let v = decodeScalar(b, at: i)
                    i += v.1
                    hi = v.0
                }
                if let hi {
                    item = CharSet(range: lo, hi, caseless: caseless)
                } else {
                    i = save
                }
            }
            set.formUnion(item)
        }
        guard isChar("]") else { return nil }
        i += 1
        return negated ? set.complement : set
    }

    /// The scalar an escape or character written as `bytes` stands for, when it is one.
    package func singleScalar(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var p = RegexParser(bytes: Array(bytes), flags: "")
        guard let first = bytes.first else { return nil }
        if first != UInt8(ascii: "\\") { return decodeScalar(Array(bytes), at: 0).0 }
        guard let set = p.parseCharEscape(inClass: true), p.i == bytes.count, set.categories.isEmpty else { return nil }
        var found: UInt32?
        for v in 0..<128 where set.contains(UInt32(v)) {
            if found != nil { return nil }
            found = UInt32(v)
        }
        if set.scalars.count == 1, found == nil { return set.scalars.first }
        return set.scalars.isEmpty ? found : nil
    }
}

extension CharSet {
    /// The set without `\n` (for `.` without the `s` flag).
    package func subtracting(newline: Bool) -> CharSet {
        var s = self
        if newline { s.low &= ~(1 << 10) }
        return s
    }
}
