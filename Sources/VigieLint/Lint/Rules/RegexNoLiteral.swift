import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `regex/no-literal`: a regular expression with no word the prefilter can look for, in a rule
/// that nothing else gates, so PCRE2 runs on every comment.
public struct RegexNoLiteralRule: LintRule {
    public static let description = LintRuleDescription(
        id: "regex/no-literal",
        severity: .info,
        summary: "A regular expression has no literal word for the prefilter, so it runs on every comment.",
        explanation: """
            Vigie scans each comment once with a shared automaton over every term of every rule, and \
            evaluates a rule only when one of its terms was seen. For a regular expression it looks \
            for a word of at least three letters that every match must contain (`plainte` in \
            `/porter\\s+plainte/`) and runs PCRE2 only when that word is in the comment. A pattern \
            made only of classes, repetitions and short pieces (`/\\d{5}/`, `/[A-Z]{10,}/`) has no \
            such word; when the rule has no other term either, PCRE2 runs on every comment, and the \
            cost of the rule set grows with the number of such patterns instead of staying flat.

            The message gives an estimate of the pattern's cost per comment. This is information, \
            not a mistake: keep the pattern if it is what you need. To make it cheaper, add a term \
            the rule also requires (`text has any [\"commande\", \"order\"] and text matches \
            /\\d{8}/`), or write a required word inside the pattern.
            """,
        triggeringExamples: [
            LintExample(#"rule r { when text matches ↓/\d{8}/ then flag review }"#),
            LintExample(#"rule r { when text matches ↓/.*!!!/ then flag review }"#),
        ],
        nonTriggeringExamples: [
            LintExample(#"rule r { when text matches /\bporter\s+plainte\b/i then flag review }"#),
            LintExample(#"rule r { when text has any ["commande", "order"] and text matches /\d{8}/ then flag review }"#),
            LintExample(#"rule r { when author.name matches /\d{4}$/ then flag review }"#),
        ],
        needsProgram: true
    )

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        guard let program = context.program else { return [] }
        var out: [Diagnostic] = []
        for use in context.regexUses where use.onText {
            guard let index = program.ruleIndex[use.rule.decl.name.text], program.rules[index].gate == nil else { continue }
            if !use.rule.decl.exact, RegexLiterals.required(use.pattern, flags: use.flags) != nil { continue }
            let span = Span(use.patternStart - 1, use.patternStart + use.pattern.utf8.count + 1 + use.flags.utf8.count)
            out.append(
                context.finding(
                    Self.description, "regular expression `/\(use.pattern)/` has no word the prefilter can look for: PCRE2 runs it on every comment",
                    file: use.rule.file, span: span, label: "no required word of 3 letters or more",
                    notes: ["estimated cost: \(Self.cost(use))", "rule `\(use.rule.decl.name.text)` has no other term that could gate it"],
                    help: "add a term the rule also requires (`text has any [...] and text matches ...`), or a required word in the pattern"))
        }
        return out
    }

    /// A rough cost per comment of `n` characters.
    package static func cost(_ use: RegexUse) -> String {
        guard let tree = RegexTree.parse(use.pattern, flags: use.flags) else { return "unknown (the pattern is beyond Vigie's analysis)" }
        if let risk = tree.backtrackingRisk(Array(use.pattern.utf8)) {
            return risk.isExponential
                ? "exponential in the comment's length on some comments (see regex/catastrophic-backtracking)"
                : "grows with a power of the comment's length (see regex/catastrophic-backtracking)"
        }
        return "linear: about one step per character of every comment"
    }
}
