import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `list/duplicate-term`: the same term twice in a list, or in two lists used by the same rule.
public struct ListDuplicateTermRule: LintRule {
    public static let description = LintRuleDescription(
        id: "list/duplicate-term",
        severity: .info,
        summary: "A term appears twice in a list, or in two lists used by the same rule, after normalization.",
        explanation: """
            Terms are compared after normalization, so `\"Colis\"`, `\"colis\"` and `\"cOlis\"` are \
            one term, and so are `\"reçu\"` and `\"recu\"`. A duplicate does no harm to matching \
            (the automaton holds each term once), but it makes lists longer to review and hides \
            mistakes: the second copy was often meant to be another word, or the two lists were \
            meant to be one.

            Inside a list, the later copy is reported. Across the lists (and inline lists) one rule \
            uses, the copy in the list used later in the rule is reported, with the first one as a \
            label. Remove one copy, or merge the lists.
            """,
        triggeringExamples: [
            LintExample(#"rule r { when text has any ["colis", "commande", ↓"Colis"] then tag sav }"#),
            LintExample(
                """
                list livraison = ["colis", "reçu"]
                list retard = ["pas reçu", ↓"recu"]
                rule r { when text has any livraison or text has any retard then tag sav }
                """),
        ],
        nonTriggeringExamples: [
            LintExample(#"rule r { when text has any ["colis", "commande", "paquet"] then tag sav }"#),
            LintExample(
                """
                list livraison = ["colis", "reçu"]
                list retard = ["pas reçu", "recu"]
                rule a { when text has any livraison then tag sav }
                rule b { when text has any retard then tag retard }
                """),
        ]
    )

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var reported = Set<String>()
        func key(_ t: TermRef) -> String { "\(t.file.path):\(t.span.start)" }
        func report(_ dup: TermRef, _ first: TermRef, _ normalized: String, _ message: String) {
            guard !reported.contains(key(dup)) else { return }
            reported.insert(key(dup))
            out.append(
                context.finding(
                    Self.description, message, file: dup.file, span: dup.span, label: "duplicate",
                    labels: [DiagnosticLabel(file: first.file, span: first.span, message: "first written here")],
                    notes: dup.value == first.value ? [] : ["\"\(dup.value)\" and \"\(first.value)\" are both compared as \"\(normalized)\""],
                    help: "remove one of them"))
        }
        // Inside each named list.
        for name in context.ruleSet.lists.keys.sorted() {
            let l = context.ruleSet.lists[name]!
            var firstOf: [String: TermRef] = [:]
            for (value, span) in zip(l.terms, l.termSpans) {
                let t = TermRef(value: value, file: l.termFile, span: span)
                let n = context.normalizer.matchKey(value)
                if let first = firstOf[n] { report(t, first, n, "term \"\(value)\" appears twice in list `\(name)`") } else { firstOf[n] = t }
            }
        }
        // Inside each inline list, and across the lists of one rule.
        for rule in context.ruleSet.rules {
            let norm = context.normalizer(for: rule.decl)
            var owner: [String: (TermRef, String)] = [:]  // normalized term -> first term, its source's description
            var sources: [String] = []
            for use in context.termUses where use.rule.decl.name.text == rule.decl.name.text && use.rule.file === rule.file {
                let source =
                    use.terms.list.map { "list `\($0)`" } ?? "the list at line \(use.terms.terms.first.map { $0.file.location(of: $0.span.start).line } ?? 0)"
                let sourceKey = use.terms.list ?? "inline:\(use.terms.terms.first.map { key($0) } ?? "")"
                if sources.contains(sourceKey) { continue }
                sources.append(sourceKey)
                var local: [String: TermRef] = [:]
                for t in use.terms.terms {
                    let n = norm.matchKey(t.value)
                    guard !n.isEmpty else { continue }
                    if let first = local[n] {
                        if use.terms.list == nil { report(t, first, n, "term \"\(t.value)\" appears twice in this list") }
                        continue
                    }
                    local[n] = t
                    if let (first, where_) = owner[n] {
                        report(t, first, n, "term \"\(t.value)\" is also in \(where_), used by the same rule `\(rule.decl.name.text)`")
                    } else {
                        owner[n] = (t, source)
                    }
                }
            }
        }
        return out
    }
}
