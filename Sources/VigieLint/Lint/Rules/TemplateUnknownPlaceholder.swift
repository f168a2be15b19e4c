import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `template/unknown-placeholder`: a reply placeholder naming a field that is not a documented
/// input field (the checker's W006, reported under this id).
public struct TemplateUnknownPlaceholderRule: LintRule {
    public static let description = LintRuleDescription(
        id: "template/unknown-placeholder",
        severity: .warning,
        summary: "A reply placeholder names a field that is not a documented input field.",
        explanation: """
            A placeholder such as `{author.name}` is filled from the comment when the reply is \
            rendered; a field the comment does not have renders as the placeholder's fallback \
            (`{author.name|à vous}`) or as nothing. A misspelled field (`{author.nmae}`) therefore \
            never shows the customer's name, and nothing fails: every reply just reads a little \
            colder, or has a hole in it.

            Placeholders may name the documented input fields (Grammar/input.schema.json), `lang`, \
            and anything under `meta.` (your own fields). Fix the name (the finding suggests the \
            closest field), or move a custom field under `meta.`.
            """,
        triggeringExamples: [
            LintExample(
                """
                template merci { fr: "Merci {↓author.nmae|à vous} !" }
                rule r { when text has "merci" then reply merci }
                """)
        ],
        nonTriggeringExamples: [
            LintExample(
                """
                template merci { fr: "Merci {author.name|à vous} ! Ticket {meta.ticket|en cours}, réponse en {lang}." }
                rule r { when text has "merci" then reply merci }
                """)
        ],
        replacesCheckerIDs: ["W006"]
    )

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.ruleSet.diagnostics.filter { $0.id == "W006" }.map { d in
            var f = d
            f.id = Self.description.id
            f.severity = Self.description.severity
            return f
        }
    }}
