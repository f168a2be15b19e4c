import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// The `fuzzy` and `inflected` terms of a rule set, each with the rule and file it is written in.
package func modifiedTerms(_ context: LintContext, fuzzy: Bool) -> [(term: StringLit, rule: Located<RuleDecl>)] {
    var out: [(StringLit, Located<RuleDecl>)] = []
    func visit(_ t: TermsSyntax, _ r: Located<RuleDecl>, under: Bool) {
        switch t {
        case .fuzzy(let inner, _): visit(inner, r, under: under || fuzzy)
        case .inflected(let inner, _): visit(inner, r, under: under || !fuzzy)
        case .single(let s): if under { out.append((s, r)) }
        case .inline(let items, _): if under { out += items.map { ($0, r) } }
        case .list: break  // a list's terms are checked where the list is written, by the other rules
        }
    }
    for r in context.ruleSet.rules {
        ConditionWalk.forEach(r.decl.condition) { e in
            guard case .text(_, _, _, let terms, let near, _) = e else { return }
            visit(terms, r, under: false)
            if let near { visit(near.terms, r, under: false) }
        }
    }
    return out
}

/// `term/fuzzy-near-common-word`: a `fuzzy` term one typo away from everyday words.
public struct TermFuzzyNearCommonWordRule: LintRule {
    public static let description = LintRuleDescription(
        id: "term/fuzzy-near-common-word",
        severity: .warning,
        summary: "A `fuzzy` term is one typo away from everyday words.",
        explanation: """
            `fuzzy` accepts every spelling one typo away from a term. The everyday words among \
            them are left out (`fuzzy \"porte\"` does not match the Spanish `parte`), but a term \
            that sits among everyday words still catches their typos: a comment that misspells \
            `parte` as `prte` or `partte` is one typo from `porte` too. The finding lists the \
            everyday words one edit away (Vigie's lists of frequent French, English and Spanish words).

            Use `fuzzy` on longer, rarer words, list the spellings you mean with `has any [...]`, \
            or keep the term and accept the risk (suppress the finding with a comment).
            """,
        triggeringExamples: [
            LintExample(#"rule r { when text has fuzzy ↓"porte" then flag review }"#),
        ],
        nonTriggeringExamples: [
            LintExample(#"rule r { when text has fuzzy "déteste" then flag review }"#),
            LintExample(#"rule r { when text has "porte" then flag review }"#),
        ]
    )

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let norm = Normalizer(stages: .all.subtracting(.repeats))
        for (s, r) in modifiedTerms(context, fuzzy: true) {
            let words = norm.normalize(s.value).split(separator: " ").filter { $0.count >= WordVariants.fuzzyMinimumLength }
            let near = words.flatMap { WordVariants.commonNeighbours(of: String($0)) }
            guard !near.isEmpty else { continue }
            let shown = near.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ")
            out.append(context.finding(
                Self.description, "\"\(s.value)\" is one typo away from everyday words: \(shown)\(near.count > 5 ? " and \(near.count - 5) more" : "")",
                file: r.file, span: s.span, label: "neighbours are everyday words",
                help: "misspellings of these words may match; use `fuzzy` on a longer word or list the spellings with `has any [...]`"))
        }
        return out
    }
}

/// `term/inflected-common-form`: an `inflected` word one of whose forms is an everyday word.
public struct TermInflectedCommonFormRule: LintRule {
    public static let description = LintRuleDescription(
        id: "term/inflected-common-form",
        severity: .warning,
        summary: "A form of an `inflected` word is an everyday word.",
        explanation: """
            `inflected` matches every form the dictionaries give a word. Some forms are also \
            everyday words, of the same language or another: `inflected \"être\"` matches `est` and \
            `sont`, `inflected \"pasar\"` matches `paso`, `inflected \"aimer\"` matches `aime`. \
            The rule then fires on ordinary comments. The finding lists those forms.

            List the forms you mean with `has any [...]`, or pair the word with another term \
            (`near`) so that the everyday form alone does not fire.
            """,
        triggeringExamples: [
            LintExample(#"rule r { when text has inflected ↓"pouvoir" then flag review }"#),
        ],
        nonTriggeringExamples: [
            LintExample(#"rule r { when text has inflected "égorger" then flag review }"#),
            LintExample(#"rule r { when text has inflected "pouvoir" near "tuer" within 3 words then flag review }"#),
        ]
    )

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let norm = Normalizer()
        // Paired with another term by `near`, an everyday form alone does not fire.
        var paired = Set<Int>()
        for r in context.ruleSet.rules {
            ConditionWalk.forEach(r.decl.condition) { e in
                if case .text(_, _, _, let t, .some(let near), _) = e { paired.insert(t.span.start); paired.insert(near.terms.span.start) }
            }
        }
        for (s, r) in modifiedTerms(context, fuzzy: false) {
            guard !paired.contains(where: { $0 <= s.span.start && s.span.start - $0 < 16 }) else { continue }
            let lemma = norm.normalize(s.value)
            var common: [String] = []
            for f in Inflector.shared.forms(of: s.value) {
                let n = norm.normalize(f.form)
                if n != lemma, CommonWords.contains(n), !common.contains(n) { common.append(n) }
            }
            guard !common.isEmpty else { continue }
            let shown = common.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ")
            out.append(context.finding(
                Self.description, "forms of \"\(s.value)\" are everyday words: \(shown)\(common.count > 5 ? " and \(common.count - 5) more" : "")",
                file: r.file, span: s.span, label: "fires on everyday words",
                help: "list the forms you mean with `has any [...]`, or pair the word with another term using `near`"))
        }
        return out
    }
}
