import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// A way a regular expression can make PCRE2 backtrack far more than the text's length.
package struct BacktrackingRisk {
    /// The shape of the risk.
    package enum Kind {
        /// A repetition inside a repetition, able to share characters with what follows it:
        /// `(a+)+`, `(\w+\s?)*`. Exponential.
        case nestedRepetition
        /// A repetition whose body can match the empty string: `(a*)*`. Exponential.
        case emptyRepetition
        /// A repeated alternation whose branches can match the same text: `(a|a)*`, `(\w|\d)+`.
        /// Exponential.
        case ambiguousAlternation
        /// Two repetitions next to each other over shared characters, followed by something that
        /// can fail: `\w+\s*\w+x`. Polynomial (cubic over an unanchored search).
        case adjacentRepetitions
    }

    /// The shape.
    package var kind: Kind
    /// The part of the pattern to point at.
    package var primary: Range<Int>
    /// The other part involved (the outer repetition, the other branch, the other repetition).
    package var secondary: Range<Int>

    /// Whether the cost can grow exponentially with the text's length.
    package var isExponential: Bool { kind != .adjacentRepetitions }
}

/// Why a regular expression can never match.
package struct RegexImpossibility {
    /// The part of the pattern that cannot match.
    package var range: Range<Int>
    /// Why, in words.
    package var reason: String
}

extension RegexTree {
    // MARK: - Backtracking

    /// The first backtracking risk of the pattern (exponential ones first), or nil.
    /// `bytes` is the pattern the tree was parsed from.
    package func backtrackingRisk(_ bytes: [UInt8]) -> BacktrackingRisk? {
        var exponential: BacktrackingRisk?
        forEach { node in
            guard exponential == nil, case .quantified(let body, _, let max, false) = node.kind, max == nil || max! >= 10 else { return }
            if body.nullable(), !body.allChars.isEmpty {
                exponential = BacktrackingRisk(kind: .emptyRepetition, primary: body.range, secondary: node.range)
                return
            }
            var loops: [(RegexTree, CharSet)] = []
            body.innerLoops(follow: body.first, into: &loops)
            if let (inner, _) = loops.first(where: { $0.0.loopChars.overlaps($0.1) }) {
                exponential = BacktrackingRisk(kind: .nestedRepetition, primary: inner.range, secondary: node.range)
                return
            }
            if let (a, b) = body.ambiguousBranches(bytes) {
                exponential = BacktrackingRisk(kind: .ambiguousAlternation, primary: b.range, secondary: a.range)
            }
        }
        return exponential ?? adjacentRepetitions(requiredAfter: false)
    }

    /// The characters a repetition's body consumes.
    package var loopChars: CharSet {
        if case .quantified(let x, _, _, _) = kind { return x.allChars }
        return allChars
    }

    /// Every unbounded, backtracking repetition inside the node, with the characters that can
    /// come right after it (`follow` is what can follow the node itself).
    package func innerLoops(follow: CharSet, into out: inout [(RegexTree, CharSet)]) {
        switch kind {
        case .sequence(let items):
            var f = follow
            for item in items.reversed() {
                item.innerLoops(follow: f, into: &out)
                f = item.nullable() ? item.first.union(f) : item.first
            }
        case .alternation(let bs): for b in bs { b.innerLoops(follow: follow, into: &out) }
        case .group(let x): x.innerLoops(follow: follow, into: &out)
        case .quantified(let x, _, let max, let possessive):
            guard !possessive else { return }
            if max == nil { out.append((self, follow)) }
            x.innerLoops(follow: max == 1 ? follow : x.first.union(follow), into: &out)
        default: return
        }
    }

    /// Two branches of an alternation inside the node that can match the same text, in pattern order.
    package func ambiguousBranches(_ bytes: [UInt8]) -> (RegexTree, RegexTree)? {
        var found: (RegexTree, RegexTree)?
        forEach { node in
            guard found == nil, case .alternation(let bs) = node.kind else { return }
            for (qi, q) in bs.enumerated() {
                let others = bs.enumerated().filter { $0.offset != qi }.map(\.element)
                if let p = others.first(where: { Array(bytes[$0.range]) == Array(bytes[q.range]) }) {
                    found = p.range.lowerBound < q.range.lowerBound ? (p, q) : (q, p)
                    return
                }
                guard let lit = q.literal, !lit.isEmpty else { continue }
                let pieces = others.compactMap { o in o.literal.map { (o, $0) } }.filter { !$0.1.isEmpty }
                // reach[k]: the branch that first covers characters 0..<k, when any does.
                var reach = [RegexTree?](repeating: nil, count: lit.count + 1)
                var reached = [Bool](repeating: false, count: lit.count + 1)
                reached[0] = true
                for k in 0..<lit.count where reached[k] {
                    for (o, l) in pieces where k + l.count <= lit.count && zip(l, lit[k...]).allSatisfy({ $0.overlaps($1) }) {
                        if !reached[k + l.count] {
                            reached[k + l.count] = true
                            reach[k + l.count] = reach[k] ?? o
                        }
                    }
                }
                if reached[lit.count], let p = reach[lit.count] {
                    found = p.range.lowerBound < q.range.lowerBound ? (p, q) : (q, p)
                    return
                }
            }
        }
        return found
    }

    /// Two adjacent repetitions over shared characters, when something that can fail follows.
    package func adjacentRepetitions(requiredAfter: Bool) -> BacktrackingRisk? {
        switch kind {
        case .sequence(let items):
            for (k, item) in items.enumerated() {
                let required = requiredAfter || items[(k + 1)...].contains { !$0.nullable() }
                if let r = item.adjacentRepetitions(requiredAfter: required) { return r }
                guard let a = item.unboundedBody else { continue }
                var j = k + 1
                while j < items.count {
                    let next = items[j]
                    if let b = next.unboundedBody, a.allChars.overlaps(b.allChars),
                        requiredAfter || items[(j + 1)...].contains(where: { !$0.nullable() })
                    {
                        return BacktrackingRisk(kind: .adjacentRepetitions, primary: next.range, secondary: item.range)
                    }
                    if !next.nullable() { break }
                    j += 1
                }
            }
            return nil
        case .alternation(let bs):
            for b in bs { if let r = b.adjacentRepetitions(requiredAfter: requiredAfter) { return r } }
            return nil
        case .group(let x), .atomic(let x), .quantified(let x, _, _, _): return x.adjacentRepetitions(requiredAfter: requiredAfter)
        case .lookaround(let x, _): return x.adjacentRepetitions(requiredAfter: false)
        default: return nil
        }
    }

    // MARK: - Impossible patterns

    /// Why the node can never match, if that can be shown.
    package func impossibility() -> RegexImpossibility? {
        switch kind {
        case .chars(let s):
            return s.isEmpty ? RegexImpossibility(range: range, reason: "this class matches no character") : nil
        case .sequence(let items):
            for (k, item) in items.enumerated() {
                if let r = item.impossibility() { return r }
                guard case .assertion(let a) = item.kind else { continue }
                let before = k > 0 ? items[k - 1] : nil
                let after = k + 1 < items.count ? items[k + 1] : nil
                let consumedBefore = items[..<k].contains { !$0.nullable() }
                let consumedAfter = items[(k + 1)...].contains { !$0.nullable() }
                let word = CharSet.word
                let nonWord = CharSet.word.complement
                func solid(_ t: RegexTree?) -> RegexTree? { t.flatMap { $0.nullable() ? nil : $0 } }
                switch a {
                case .wordBoundary:
                    if let p = solid(before), let n = solid(after) {
                        if p.last.isSubset(of: word), n.first.isSubset(of: word) {
                            return RegexImpossibility(range: item.range, reason: "`\\b` sits between two word characters, where there is never a word boundary")
                        }
                        if p.last.isSubset(of: nonWord), n.first.isSubset(of: nonWord) {
                            return RegexImpossibility(
                                range: item.range,
                                reason: "`\\b` sits between two characters that are not word characters, where there is never a word boundary")
                        }
                    }
                case .notWordBoundary:
                    if let p = solid(before), let n = solid(after),
                        (p.last.isSubset(of: word) && n.first.isSubset(of: nonWord)) || (p.last.isSubset(of: nonWord) && n.first.isSubset(of: word))
                    {
                        return RegexImpossibility(
                            range: item.range, reason: "`\\B` sits between a word character and another character, where there is always a word boundary")
                    }
                case .lineStart(multiline: false), .textStart:
                    if consumedBefore {
                        return RegexImpossibility(
                            range: item.range, reason: "the start of the text cannot come after characters (use the `m` flag for the start of a line)")
                    }
                case .lineStart(multiline: true):
                    if let p = solid(before), !p.last.overlaps(CharSet.newline) {
                        return RegexImpossibility(range: item.range, reason: "the start of a line can only follow a line break")
                    }
                case .lineEnd, .textEndOrNewline:
                    if let n = solid(after), !n.first.overlaps(CharSet.newline) {
                        return RegexImpossibility(
                            range: item.range, reason: "the end of the text or of a line cannot come before characters other than a line break")
                    }
                case .textEnd:
                    if consumedAfter {
                        return RegexImpossibility(range: item.range, reason: "the end of the text cannot come before characters")
                    }
                case .other: break
                }
            }
            return nil
        case .alternation(let bs):
            var first: RegexImpossibility?
            for b in bs {
                guard let r = b.impossibility() else { return nil }
                if first == nil { first = r }
            }
            return first
        case .group(let x), .atomic(let x): return x.impossibility()
        case .quantified(let x, let min, _, _): return min == 0 ? nil : x.impossibility()
        case .lookaround(let x, let negative):
            if negative {
                if case .sequence(let items) = x.kind, items.isEmpty {
                    return RegexImpossibility(range: range, reason: "`(?!)` never matches")
                }
                return nil
            }
            return x.impossibility()
        case .assertion, .backreference, .opaque: return nil
        }
    }
}
