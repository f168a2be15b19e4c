import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `regex/empty-match`: a regular expression that can match an empty string, so it holds on
/// comments that contain none of what it looks for.
public struct RegexEmptyMatchRule: LintRule {
    public static let description = LintRuleDescription(
        id: "regex/empty-match",
        severity: .warning,
        summary: "A regular expression can match an empty string, so it holds on almost every comment.",
        explanation: """
            `text matches /.../` holds when the pattern matches anywhere in the text. A pattern that \
            can match zero characters (`/a*/`, `/(merci)?/`, `/\\b/`, `/^/`) therefore holds on \
            every comment, or on every comment with a word in it, whatever the rule meant to find. \
            This usually comes from a `*` or `?` where a `+` or nothing was meant.

            Make the pattern require at least one character: `+` instead of `*`, no `?` on the only \
            group. Lookaheads alone (`/(?=.*a)(?=.*b)/`) are deliberate and are not reported, unless \
            PCRE2 matches the pattern on an empty comment. To test for an empty or blank text, \
            compare its length instead: `length(text) == 0`.
            """,
        triggeringExamples: [
            LintExample(#"rule r { when text matches ↓/a*/ then flag review }"#),
            LintExample(#"rule r { when text matches ↓/(?:merci)?/i then flag review }"#),
            LintExample(#"rule r { when text matches ↓/\b/ then flag review }"#),
            LintExample(#"rule r { when author.name matches ↓/^\s*$/ then flag review }"#),
        ],
        nonTriggeringExamples: [
            LintExample(#"rule r { when text matches /a+/ then flag review }"#),
            LintExample(#"rule r { when text matches /\bmerci\b/i then flag review }"#),
            LintExample(#"rule r { when text matches /(?=.*colis)(?=.*retard)/ then flag review }"#),
        ]
    )

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for use in context.regexUses {
            guard let regex = try? Regex(use.pattern, flags: use.flags) else { continue }  // E036 already
            let scratch = RegexScratch()
            let empty: [UInt8] = []
            let matchesEmptyText = empty.withUnsafeBufferPointer { regex.firstMatch(in: $0, scratch: scratch) }.isMatch
            let tree = RegexTree.parse(use.pattern, flags: use.flags)
            guard matchesEmptyText || tree?.nullable(lookaroundIsEmpty: false) == true else { continue }
            let span = Span(use.patternStart - 1, use.patternStart + use.pattern.utf8.count + 1 + use.flags.utf8.count)
            out.append(
                context.finding(
                    Self.description, "regular expression `/\(use.pattern)/` can match an empty string", file: use.rule.file, span: span,
                    label: "can match zero characters",
                    notes: [
                        matchesEmptyText
                            ? "PCRE2 matches it on an empty text: the condition holds on every comment"
                            : "it matches zero characters at some position of almost every comment"
                    ],
                    help: "require at least one character (`+` instead of `*`, no `?` on the only group); to test for an empty text, use `length(text) == 0`"))
        }
        return out
    }
}

extension Regex.MatchResult {
    /// Whether the attempt found a match.
    package var isMatch: Bool {
        if case .match = self { return true }
        return false
    }
}
