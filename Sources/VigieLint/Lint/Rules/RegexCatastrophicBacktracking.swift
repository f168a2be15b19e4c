import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `regex/catastrophic-backtracking`: a regular expression whose matching time can explode on
/// some comments.
public struct RegexCatastrophicBacktrackingRule: LintRule {
    public static let description = LintRuleDescription(
        id: "regex/catastrophic-backtracking",
        severity: .warning,
        summary: "A regular expression with nested or overlapping quantifiers can take exponential time.",
        explanation: """
            PCRE2 tries the ways a pattern can match one after the other. When a repetition sits \
            inside another repetition and both can take the same characters (`(a+)+`, `(\\w+\\s?)*`), \
            when a repeated alternation has branches that match the same text (`(a|a)*`, `(\\w|\\d)+`), \
            or when a repeated group can match nothing (`(a*)*`), the number of ways grows \
            exponentially with the length of the text, and a comment a few dozen characters long \
            that almost matches is enough to hit the match limit. Two repetitions side by side over \
            the same characters, followed by something that can fail (`\\w+\\s*\\w+:`), cost a power \
            of the length instead. Vigie cuts any regex off at its match limit and counts it as not \
            matched, so the rule silently misses comments and slows the whole stream.

            Rewrite the pattern so that each character can be taken by only one repetition: \
            `(\\w+\\s)*\\w+` instead of `(\\w+\\s?)+`, a class instead of an alternation of single \
            characters, a possessive quantifier (`\\w++`) or an atomic group (`(?>...)`) when \
            backtracking into it is never useful. Better still, use `has` with a list of terms: the \
            shared automaton never backtracks.
            """,
        triggeringExamples: [
            LintExample(#"rule r { when text matches /(↓a+)+!/ then flag review }"#),
            LintExample(#"rule r { when text matches /^(?:↓\w+\s?)+$/ then flag review }"#),
            LintExample(#"rule r { when text matches /(?:a|↓a)*b/ then flag review }"#),
            LintExample(#"rule r { when text matches /(?:\w|↓\d)+;/ then flag review }"#),
            LintExample(#"rule r { when text matches /\d+\s*↓\d+€/ then flag review }"#),
        ],
        nonTriggeringExamples: [
            LintExample(#"rule r { when text matches /\bporter\s+plainte\b/i then flag review }"#),
            LintExample(#"rule r { when text matches /^(?:\w+\s)*\w+$/ then flag review }"#),
            LintExample(#"rule r { when text matches /(?:\s+\w+)+/ then flag review }"#),
            LintExample(#"rule r { when text matches /(?:[a-z]+\.)+com/ then flag review }"#),
            LintExample(#"rule r { when text matches /(?>a+)+b/ then flag review }"#),
            LintExample(#"rule r { when text matches /\d+\s+\d+/ then flag review }"#),
        ]
    )

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for use in context.regexUses {
            let bytes = Array(use.pattern.utf8)
            guard let tree = RegexTree.parse(use.pattern, flags: use.flags), let risk = tree.backtrackingRisk(bytes) else { continue }
            let inner = String(decoding: bytes[risk.primary], as: UTF8.self)
            let outer = String(decoding: bytes[risk.secondary], as: UTF8.self)
            let message: String
            let label: String
            let other: String
            switch risk.kind {
            case .nestedRepetition:
                message = "`\(inner)` repeats inside the repetition `\(outer)`: matching time can grow exponentially"
                label = "this repetition can take the characters of the next round of the outer one"
                other = "the outer repetition"
            case .emptyRepetition:
                message = "`\(outer)` repeats a group that can match nothing: matching time can grow exponentially"
                label = "this can match an empty string"
                other = "repeated here"
            case .ambiguousAlternation:
                message = "branches `\(outer)` and `\(inner)` can match the same text inside a repetition: matching time can grow exponentially"
                label = "matches the same text as another branch"
                other = "this branch"
            case .adjacentRepetitions:
                message = "`\(outer)` and `\(inner)` can take the same characters: matching time grows with a power of the text's length"
                label = "overlaps the repetition before it"
                other = "this repetition"
            }
            out.append(
                context.finding(
                    Self.description, message, file: use.rule.file, span: use.span(of: risk.primary), label: label,
                    labels: [DiagnosticLabel(file: use.rule.file, span: use.span(of: risk.secondary), message: other)],
                    notes: ["a regex cut off by the match limit counts as not matched, so the rule misses the comment"],
                    help: risk.kind == .ambiguousAlternation
                        ? "make the branches exclusive (a class such as `[\\w]` instead of `\\w|\\d`), or match the words with `has any [...]`"
                        : "let each character be taken by one repetition only, e.g. `(\\w+\\s)*\\w+` instead of `(\\w+\\s?)+`, or use a possessive `++`"))
        }
        return out
    }
}
