import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `template/unused`: a template no rule replies with.
public struct TemplateUnusedRule: LintRule {
    public static let description = LintRuleDescription(
        id: "template/unused",
        severity: .warning,
        summary: "A reply template is declared but no rule replies with it.",
        explanation: """
            A template is sent only by a rule's `reply NAME` action. One that no rule names is \
            never sent, however carefully it is worded: it was often left behind when a rule changed \
            its reply, or the rule names it with a typo (then the rule also has an `unknown \
            template` error). Tests that expect the template do not count as a use.

            Reply with it from a rule, or delete it.
            """,
        triggeringExamples: [
            LintExample(
                """
                lang fr
                template ↓excuses { fr: "Désolés pour ce retard." }
                rule r { when text has "retard" then tag sav }
                """)
        ],
        nonTriggeringExamples: [
            LintExample(
                """
                lang fr
                template excuses { fr: "Désolés pour ce retard." }
                rule r { when text has "retard" then reply excuses }
                """)
        ]
    )

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        var used = Set<String>()
        for r in context.ruleSet.rules {
            for a in r.decl.actions where a.kind == .reply {
                if let n = a.argument { used.insert(n.text) }
            }
        }
        var out: [Diagnostic] = []
        for f in context.ruleSet.files {
            for t in f.templates where !used.contains(t.name.text) && context.ruleSet.templates[t.name.text]?.decl.span == t.span {
                out.append(
                    context.finding(
                        Self.description, "template `\(t.name.text)` is never used", file: f.file, span: t.name.span,
                        label: "no rule replies with this template",
                        help: "reply with it from a rule (`then reply \(t.name.text)`) or delete it"))
            }
        }
        return out
    }
}
