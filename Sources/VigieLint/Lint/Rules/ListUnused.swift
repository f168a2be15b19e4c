import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `list/unused`: a list no rule uses.
public struct ListUnusedRule: LintRule {
    public static let description = LintRuleDescription(
        id: "list/unused",
        severity: .warning,
        summary: "A list is declared but no rule uses it.",
        explanation: """
            A list that no condition names (`text has any NAME`, `near any NAME`, `count(...)`, \
            `FIELD in NAME`) changes nothing: its terms are never looked for. It is usually left \
            over from a renamed rule, or its name is misspelled where it is used (then the rule \
            also has an `unknown list` error).

            Use the list in a rule, or delete it.
            """,
        triggeringExamples: [
            LintExample(
                """
                list ↓retard = ["pas reçu", "toujours rien"]
                rule r { when text has "colis" then tag sav }
                """)
        ],
        nonTriggeringExamples: [
            LintExample(
                """
                list verbes = ["tuer", "buter"]
                rule r { when text has "te" before any inflected verbes within 3 words then escalate securite }
                """),
            LintExample(
                """
                list retard = ["pas reçu", "toujours rien"]
                rule r { when text has "colis" near any retard within 6 words then tag sav }
                """),
            LintExample(
                """
                list equipe = ["staff", "moderator"]
                rule r { when author.role in equipe then allow }
                """),
        ]
    )

    public init() {}

    /// The names of the lists some rule condition uses.
    package static func usedLists(_ ruleSet: RuleSet) -> Set<String> {
        var used = Set<String>()
        func note(_ t: TermsSyntax) { if case .list(let n) = t.base { used.insert(n.text) } }  // also under `inflected`, `fuzzy`
        for r in ruleSet.rules {
            ConditionWalk.forEach(r.decl.condition) { e in
                switch e {
                case .text(_, _, _, let terms, let near, _):
                    note(terms)
                    if let near { note(near.terms) }
                case .isIn(_, let terms, _, _): note(terms)
                default: break
                }
            }
        }
        return used
    }

    public func check(_ context: LintContext) -> [Diagnostic] {
        let used = Self.usedLists(context.ruleSet)
        var out: [Diagnostic] = []
        for f in context.ruleSet.files {
            for l in f.lists where !used.contains(l.name.text) && context.ruleSet.lists[l.name.text]?.decl.span == l.span {
                out.append(
                    context.finding(
                        Self.description, "list `\(l.name.text)` is never used", file: f.file, span: l.name.span, label: "no rule uses this list",
                        help: "use it in a rule (`text has any \(l.name.text)`) or delete it"))
            }
        }
        return out
    }
}
