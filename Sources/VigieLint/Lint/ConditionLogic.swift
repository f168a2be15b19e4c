import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// Decides, where it is easy to decide, whether one rule condition implies another: whenever
/// the first holds, so does the second. "No" means "not shown", never "shown false".
///
/// It knows `and`, `or`, `not`, identical conditions, text predicates over term sets (`has any
/// [a, b]` implies `has any [a, b, c]`; `has` implies `contains`), `==` and `in` on one field,
/// and numeric bounds on one field (`author.age < 1d` implies `author.age < 7d`).
package struct ConditionLogic {
    package let ruleSet: RuleSet
    package let normalizer: Normalizer
    package let exactNormalizer = Normalizer(stages: .minimal)

    package init(ruleSet: RuleSet) {
        self.ruleSet = ruleSet
        self.normalizer = Normalizer(stages: ruleSet.stages)
    }

    /// Whether `r` (of a rule that is `exact` or not) implies `a` (likewise).
    package func implies(_ r: Expr, _ rExact: Bool, _ a: Expr, _ aExact: Bool) -> Bool {
        if rExact == aExact, key(r, rExact) == key(a, aExact) { return true }
        switch a {
        case .constant(true, _): return true
        case .or(let x, let y): if implies(r, rExact, x, aExact) || implies(r, rExact, y, aExact) { return true }
        case .and(let x, let y): if implies(r, rExact, x, aExact) && implies(r, rExact, y, aExact) { return true }
        default: break
        }
        switch r {
        case .constant(false, _): return true
        case .and(let x, let y): if implies(x, rExact, a, aExact) || implies(y, rExact, a, aExact) { return true }
        case .or(let x, let y): return implies(x, rExact, a, aExact) && implies(y, rExact, a, aExact)
        case .not(let x, _):
            if case .not(let y, _) = a { return implies(y, aExact, x, rExact) }
        default: break
        }
        return atomImplies(r, rExact, a, aExact)
    }

    /// Implication between two conditions that are neither `and` nor `or`.
    package func atomImplies(_ r: Expr, _ rExact: Bool, _ a: Expr, _ aExact: Bool) -> Bool {
        switch (r, a) {
        case (.text(let s1, let op1, let q1, let t1, nil, _), .text(let s2, let op2, let q2, let t2, nil, _)):
            guard rExact == aExact, valueKey(s1) == valueKey(s2), opImplies(op1, op2), let tr = termSet(t1, rExact), let ta = termSet(t2, aExact),
                !hasExcept(t2)
            else { return false }
            switch (q1, q2) {
            case (.any, .any): return tr.isSubset(of: ta)
            case (.all, .any): return !tr.isDisjoint(with: ta)
            case (.all, .all): return ta.isSubset(of: tr)
            case (.any, .all): return ta.count == 1 && tr == ta
            }
        case (.compare(let f1, .eq, let v1, _), .isIn(let f2, let terms, false, _)):
            guard valueKey(f1) == valueKey(f2), case .string(let s) = v1, let set = lowercasedSet(terms) else { return false }
            return set.contains(s.value.lowercased())
        case (.isIn(let f1, let t1, let n1, _), .isIn(let f2, let t2, let n2, _)):
            guard n1 == n2, valueKey(f1) == valueKey(f2), let s1 = lowercasedSet(t1), let s2 = lowercasedSet(t2) else { return false }
            return n1 ? s2.isSubset(of: s1) : s1.isSubset(of: s2)
        case (.compare, .compare):
            guard let i1 = interval(r), let i2 = interval(a), i1.field == i2.field else { return false }
            return i1.within(i2)
        default: return false
        }
    }

    package func opImplies(_ a: TextOp, _ b: TextOp) -> Bool { a == b || b == .contains }

    package func hasExcept(_ t: TermsSyntax) -> Bool {
        if case .list(let n) = t { return !(ruleSet.lists[n.text]?.decl.except.isEmpty ?? true) }
        return false
    }

    package func termSet(_ t: TermsSyntax, _ exact: Bool) -> Set<String>? {
        let norm = exact ? exactNormalizer : normalizer
        switch t {
        case .single(let s): return [norm.normalize(s.value)]
        case .inline(let items, _): return Set(items.map { norm.normalize($0.value) })
        case .list(let n): return ruleSet.lists[n.text].map { Set($0.terms.map { norm.normalize($0) }) }
        case .inflected, .fuzzy: return nil  // the forms are generated: not compared term by term
        }
    }

    package func lowercasedSet(_ t: TermsSyntax) -> Set<String>? {
        switch t {
        case .single(let s): return [s.value.lowercased()]
        case .inline(let items, _): return Set(items.map { $0.value.lowercased() })
        case .list(let n): return ruleSet.lists[n.text].map { Set($0.terms.map { $0.lowercased() }) }
        case .inflected, .fuzzy: return nil
        }
    }

    /// A numeric range of one field.
    package struct Interval {
        package var field: String
        package var low = -Double.infinity
        package var lowOpen = true
        package var high = Double.infinity
        package var highOpen = true

        package func within(_ o: Interval) -> Bool {
            let lowOK = low > o.low || (low == o.low && (lowOpen || !o.lowOpen))
            let highOK = high < o.high || (high == o.high && (highOpen || !o.highOpen))
            return lowOK && highOK
        }
    }

    package func interval(_ e: Expr) -> Interval? {
        guard case .compare(let lhs, let op, let rhs, _) = e else { return nil }
        func number(_ v: ValueSyntax) -> Double? {
            switch v {
            case .number(let n, _), .duration(let n, _): return n
            default: return nil
            }
        }
        var field: String
        var bound: Double
        var o = op
        if let n = number(rhs), number(lhs) == nil {
            field = valueKey(lhs)
            bound = n
        } else if let n = number(lhs), number(rhs) == nil {
            field = valueKey(rhs)
            bound = n
            switch op {
            case .lt: o = .gt
            case .le: o = .ge
            case .gt: o = .lt
            case .ge: o = .le
            default: break
            }
        } else {
            return nil
        }
        var i = Interval(field: field)
        switch o {
        case .lt: (i.high, i.highOpen) = (bound, true)
        case .le: (i.high, i.highOpen) = (bound, false)
        case .gt: (i.low, i.lowOpen) = (bound, true)
        case .ge: (i.low, i.lowOpen) = (bound, false)
        case .eq: (i.low, i.lowOpen, i.high, i.highOpen) = (bound, false, bound, false)
        case .ne: return nil
        }
        return i
    }

    // MARK: - Structural keys

    /// A text that is equal for two conditions exactly when they are written the same way
    /// (spans ignored, terms normalized). Conditions it does not know get a unique key.
    package func key(_ e: Expr, _ exact: Bool) -> String {
        let norm = exact ? exactNormalizer : normalizer
        func terms(_ t: TermsSyntax) -> String {
            switch t {
            case .single(let s): return "[\(norm.normalize(s.value))]"
            case .inline(let items, _): return "[" + items.map { norm.normalize($0.value) }.joined(separator: "|") + "]"
            case .list(let n): return "list:\(n.text)"
            case .inflected(let inner, _): return "inflected:" + terms(inner)
            case .fuzzy(let inner, _): return "fuzzy:" + terms(inner)
            }
        }
        switch e {
        case .and(let a, let b): return "and(\(key(a, exact)),\(key(b, exact)))"
        case .or(let a, let b): return "or(\(key(a, exact)),\(key(b, exact)))"
        case .not(let a, _): return "not(\(key(a, exact)))"
        case .ruleRef(let n, _): return "rule(\(n.text))"
        case .constant(let v, _): return "const(\(v))"
        case .text(let s, let op, let q, let t, let near, _):
            var k = "text(\(valueKey(s)),\(op.rawValue),\(q.rawValue),\(terms(t))"
            if let near { k += ",\(near.order.rawValue)(\(near.quantifier.rawValue),\(terms(near.terms)),\(near.within))" }
            return k + ")"
        case .matches(let s, let p, let f, _, _): return "matches(\(valueKey(s)),/\(p)/\(f))"
        case .count(let inner, let op, let v, _): return "count(\(key(inner, exact)),\(op.rawValue),\(valueKey(v)))"
        case .compare(let a, let op, let b, _): return "cmp(\(valueKey(a)),\(op.rawValue),\(valueKey(b)))"
        case .isIn(let v, let t, let neg, _):
            let set = lowercasedSet(t).map { $0.sorted().joined(separator: "|") } ?? "?"
            return "in(\(valueKey(v)),\(neg),\(set))"
        case .exists(let v, _): return "exists(\(valueKey(v)))"
        case .qualified(let inner, let q, _):
            return "where(\(key(inner, exact)),\(q.map { ($0.negated ? "not " : "") + $0.kind.rawValue }.sorted().joined(separator: ",")))"
        default: return "opaque@\(e.span.start)"
        }
    }

    package func valueKey(_ v: ValueSyntax) -> String {
        switch v {
        case .field(let path, _): return path.map(\.text).joined(separator: ".")
        case .string(let s): return "\"\(s.value)\""
        case .number(let n, _), .duration(let n, _): return "\(n)"
        case .bool(let b, _): return "\(b)"
        case .null: return "null"
        case .call(let n, let args, _): return "\(n.text)(\(args.map(valueKey).joined(separator: ",")))"
        }
    }
}
