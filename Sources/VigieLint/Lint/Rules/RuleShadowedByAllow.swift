import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `rule/shadowed-by-allow`: a rule that can never act because an `allow` rule evaluated before
/// it holds whenever it does.
public struct RuleShadowedByAllowRule: LintRule {
    public static let description = LintRuleDescription(
        id: "rule/shadowed-by-allow",
        severity: .warning,
        summary: "A rule can never act: an `allow` rule evaluated before it holds whenever it does.",
        explanation: """
            Rules are evaluated by priority (highest first), then in the order they are written, \
            and a matching `allow` exempts every rule evaluated after it from all its actions. When \
            the condition of an earlier `allow` rule holds every time a later rule's condition \
            holds, the later rule never acts: its actions always end up under `dropped`.

            Vigie reports this when it can show it: the two conditions are the same, the later rule \
            requires (under `and`) a condition the `allow` rule is made of, the `allow` rule looks \
            for a superset of the later rule's terms, or tests the same field more broadly \
            (`author.age < 7d` after `author.age < 1d`). Shadow rules and shadow `allow` rules \
            are left out, as they never apply actions.

            Give the later rule a higher priority than the `allow` rule if it must act even for \
            those comments (as Vigie's examples do for distress messages), or narrow the `allow` \
            rule's condition. A rule kept only for other rules to refer to (`not rule NAME`) still \
            works as a condition: silence the finding with `# vigie:ignore rule/shadowed-by-allow -- \
            used by ...` on the line above it.
            """,
        triggeringExamples: [
            LintExample(
                """
                rule equipe priority 100 { when author.role in ["staff", "moderator"] then allow }
                rule ↓lien { when author.role == "staff" and links(text) > 0 then flag spam }
                """),
            LintExample(
                """
                rule partenaires priority 10 { when text has any ["lumen", "maison lumen"] then allow }
                rule ↓promo { when text has "lumen" then tag marque }
                """),
            LintExample(
                """
                rule nouveaux { when author.age < 7d then allow }
                rule ↓tout_nouveaux { when author.age < 1d then flag spam }
                """),
        ],
        nonTriggeringExamples: [
            LintExample(
                """
                rule equipe priority 100 { when author.role in ["staff", "moderator"] then allow }
                rule detresse priority 200 { when author.role == "staff" and text has "suicide" then escalate securite }
                """),
            LintExample(
                """
                rule equipe priority 100 { when author.role == "staff" then allow }
                rule lien { when author.role == "staff" or links(text) > 0 then flag spam }
                """),
            LintExample(
                """
                rule essai shadow { when author.age < 7d then allow }
                rule tout_nouveaux { when author.age < 1d then flag spam }
                """),
        ]
    )

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        let logic = ConditionLogic(ruleSet: context.ruleSet)
        let ordered = context.ruleSet.rules.enumerated().sorted { a, b in
            a.element.decl.priority != b.element.decl.priority ? a.element.decl.priority > b.element.decl.priority : a.offset < b.offset
        }.map(\.element)
        var out: [Diagnostic] = []
        for (i, r) in ordered.enumerated() where !r.decl.shadow && !r.decl.actions.isEmpty {
            for a in ordered[..<i] where !a.decl.shadow && a.decl.actions.contains(where: { $0.kind == .allow }) {
                guard logic.implies(r.decl.condition, r.decl.exact, a.decl.condition, a.decl.exact) else { continue }
                let order =
                    a.decl.priority > r.decl.priority
                    ? "priority \(a.decl.priority) against \(r.decl.priority)"
                    : "same priority, written earlier"
                out.append(
                    context.finding(
                        Self.description, "rule `\(r.decl.name.text)` never acts: rule `\(a.decl.name.text)` allows every comment it matches",
                        file: r.file, span: r.decl.name.span, label: "its actions are always exempted",
                        labels: [
                            DiagnosticLabel(
                                file: a.file, span: a.decl.condition.span,
                                message: "holds whenever `\(r.decl.name.text)` holds, and is evaluated first (\(order))")
                        ],
                        notes: ["`allow` exempts every rule evaluated after it from all its actions"],
                        help:
                            "give `\(r.decl.name.text)` a priority above \(a.decl.priority) if it must act on these comments, or narrow the condition of `\(a.decl.name.text)`"
                    ))
                break
            }
        }
        return out
    }
}
