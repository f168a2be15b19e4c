import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `rule/untested`: a rule that no test, example or test file exercises.
public struct RuleUntestedRule: LintRule {
    public static let description = LintRuleDescription(
        id: "rule/untested",
        severity: .info,
        summary: "No test or example exercises the rule (a warning with `--require-tests`).",
        explanation: """
            Rules change every week, and a rule nobody tests breaks silently: a typo in a term, a \
            new `not rule ...`, a priority change. A rule counts as tested when one of its \
            `examples { match \"...\" }` or a `test` block or `*.tests.jsonl` line makes its \
            condition hold, or when a test expects an action `by` it.

            Add `examples { match \"...\" no match \"...\" }` to the rule: they are the quickest \
            tests to write and document the rule for the next reader. This is an info by default; \
            `vigie lint --require-tests` makes it a warning, so CI can ask every rule to be tested.
            """,
        triggeringExamples: [
            LintExample(#"rule ↓spam { when text has "cliquez ici" then hide }"#),
            LintExample(#"rule ↓spam { when text has "cliquez ici" then hide }"#, requireTests: true),
        ],
        nonTriggeringExamples: [
            LintExample(
                """
                rule spam { when text has "cliquez ici" then hide examples { match "Cliquez ici pour gagner" } }
                """),
            LintExample(
                """
                rule spam { when text has "cliquez ici" then hide }
                test "le spam est masqué" { given { text: "Gagnez 1000 euros, cliquez ici" } expect hide }
                """, requireTests: true),
        ],
        needsProgram: true
    )

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        guard let report = context.testReport else { return [] }
        var tested = report.exercised
        for r in context.ruleSet.rules where !r.decl.matchExamples.isEmpty { tested.insert(r.decl.name.text) }
        for t in context.ruleSet.tests {
            for e in t.decl.expectations { if let by = e.byRule { tested.insert(by.text) } }
        }
        var out: [Diagnostic] = []
        for r in context.ruleSet.rules where !tested.contains(r.decl.name.text) {
            out.append(
                context.finding(
                    Self.description, "rule `\(r.decl.name.text)` has no test or example", file: r.file, span: r.decl.name.span,
                    label: "no test makes this rule's condition hold",
                    help: "add `examples { match \"...\" }` to the rule, or a `test` block whose comment triggers it"))
        }
        return out
    }
}
