import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `template/missing-language`: a template without a variant for one of the rule set's
/// languages (the checker's W002, reported under this id).
public struct TemplateMissingLanguageRule: LintRule {
    public static let description = LintRuleDescription(
        id: "template/missing-language",
        severity: .warning,
        summary: "A reply template has no variant for one of the languages the rule set declares.",
        explanation: """
            A rule set declares its languages with `lang fr, en, es`, and each reply goes out in \
            the comment's language. When a template has no variant for a declared language, \
            comments in that language get the template's first variant: a French answer to a \
            Spanish customer.

            Add the missing variant (`es: \"...\"`), or remove the language from `lang` if the \
            community does not write in it. `vigie check` reports the same problem as W002.
            """,
        triggeringExamples: [
            LintExample(
                """
                lang fr, en
                template ↓excuses { fr: "Désolés pour ce retard." }
                rule r { when text has "retard" then reply excuses }
                """)
        ],
        nonTriggeringExamples: [
            LintExample(
                """
                lang fr, en
                template excuses { fr: "Désolés pour ce retard." en: "Sorry for the delay." }
                rule r { when text has "retard" then reply excuses }
                """)
        ],
        replacesCheckerIDs: ["W002"]
    )

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.ruleSet.diagnostics.filter { $0.id == "W002" }.map { d in
            var f = d
            f.id = Self.description.id
            f.severity = Self.description.severity
            f.label = f.label ?? "no variant for this language"
            return f
        }
    }
}
