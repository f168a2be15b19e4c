import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `lint/unused-suppression`: a `# vigie:ignore` comment that silences nothing.
public struct UnusedSuppressionRule: LintRule {
    public static let description = LintRuleDescription(
        id: "lint/unused-suppression",
        severity: .warning,
        summary: "A `# vigie:ignore` comment silences nothing.",
        explanation: """
            `# vigie:ignore ID -- reason` on the line above a finding silences that finding (the \
            comment applies to the next line that is not a comment, so several suppressions can be \
            stacked). Once the problem is fixed or the rule rewritten, the comment stays behind and \
            would silence a future, real problem on that line: it is reported so it can be removed. \
            A suppression that names an unknown id, or a compile error (which cannot be silenced), \
            is reported too.

            Remove the comment, or correct the id it names (`vigie lint --list` shows them). \
            Suppressions of a rule turned off in the configuration are not reported.
            """,
        triggeringExamples: [
            LintExample(
                """
                list livraison = ["colis"]
                # vigie:ignore ↓list/unused -- kept for the next campaign
                rule r { when text has any livraison then tag sav }
                """),
            LintExample(
                """
                # vigie:ignore ↓list/unsued -- typo in the id
                list retard = ["pas reçu"]
                rule r { when text has "colis" then tag sav }
                """),
        ],
        nonTriggeringExamples: [
            LintExample(
                """
                # vigie:ignore list/unused -- kept for the next campaign
                list retard = ["pas reçu"]
                rule r { when text has "colis" then tag sav }
                """)
        ]
    )

    public init() {}

    /// Suppressions are checked by the linter once every other rule has run.
    public func check(_ context: LintContext) -> [Diagnostic] { [] }

    /// The findings for one suppression comment after the run: `ran` holds the ids of the lint
    /// rules that ran.
    package static func findings(_ s: Suppression, ran: Set<String>, configuration: LintConfiguration) -> [Diagnostic] {
        let d = description
        guard !s.entries.isEmpty else {
            return [
                Diagnostic(
                    d.id, d.severity, "`# vigie:ignore` names no rule", file: s.file, span: s.span,
                    help: "write `# vigie:ignore ID -- reason` on the line above the finding")
            ]
        }
        var out: [Diagnostic] = []
        for e in s.entries where !e.used {
            guard let id = e.resolved else {
                let upper = e.id.uppercased()
                if upper.hasPrefix("E"), ErrorCatalog.entries[upper] != nil {
                    out.append(
                        Diagnostic(
                            d.id, d.severity, "`# vigie:ignore` names `\(e.id)`, a compile error, which cannot be silenced", file: s.file, span: e.span,
                            help: "fix the error; the rule set does not compile while it is there"))
                } else {
                    let suggestion = closestName(to: e.id, among: LintRegistry.descriptions.map(\.id))
                    out.append(
                        Diagnostic(
                            d.id, d.severity, "`# vigie:ignore` names `\(e.id)`, which is not a lint rule", file: s.file, span: e.span,
                            label: "unknown id", help: suggestion.map { "did you mean `\($0)`?" } ?? "`vigie lint --list` shows the rules"))
                }
                continue
            }
            if configuration.levels[id] == .off { continue }
            if LintRegistry.description(for: id) != nil, !ran.contains(id) { continue }
            out.append(
                Diagnostic(
                    d.id, d.severity, "suppression of `\(e.id)` silences nothing", file: s.file, span: e.span,
                    label: "no `\(id)` finding on line \(s.targetLine)",
                    help: "remove the suppression, or move it to the line above the finding"))
        }
        return out
    }
}
