import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `rule/hide-and-reply`: a rule that hides the comment and replies to it (the checker's W003,
/// reported under this id).
public struct RuleHideAndReplyRule: LintRule {
    public static let description = LintRuleDescription(
        id: "rule/hide-and-reply",
        severity: .warning,
        summary: "A rule hides the comment and replies to it publicly; the reply is never sent.",
        explanation: """
            Vigie's precedence never replies publicly to a hidden comment: the reply would draw \
            attention to what was just taken down, and answer someone nobody else can read. A rule \
            with both `hide` and `reply` therefore never sends its reply; the reply shows up under \
            `dropped` in the output.

            Use `flag` to ask a person to answer privately, or split the rule in two with \
            conditions that cannot hold together. `vigie check` reports the same problem as W003.
            """,
        triggeringExamples: [
            LintExample(
                """
                template excuses { fr: "Désolés." }
                rule r { when text has "nul" then hide, ↓reply excuses }
                """)
        ],
        nonTriggeringExamples: [
            LintExample(
                """
                template excuses { fr: "Désolés." }
                rule r { when text has "nul" then hide, flag moderation }
                rule s { when text has "retard" then reply excuses }
                """)
        ],
        replacesCheckerIDs: ["W003"]
    )

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        context.ruleSet.diagnostics.filter { $0.id == "W003" }.map { d in
            var f = d
            f.id = Self.description.id
            f.severity = Self.description.severity
            return f
        }
    }
}
