import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `term/never-matches`: a term or a regular expression that can never match as written.
public struct TermNeverMatchesRule: LintRule {
    public static let description = LintRuleDescription(
        id: "term/never-matches",
        severity: .warning,
        summary: "A term or regular expression can never match as written.",
        explanation: """
            Terms are compared after normalization, the same one comments go through: case and \
            accents are folded, punctuation separates words, leetspeak digits inside words become \
            letters (`n4z3` is `naze`), repeated letters collapse. So `\"Colis\"` and `\"reçu\"` are \
            fine, but a term whose meaning lies in what normalization removes can never match as \
            written: `\"c++\"` is compared as `c`, `\"100%\"` as `100`, `\"@marque\"` as `marque`, \
            `\"1er\"` as `ier`. It matches something else instead, usually far more than intended.

            A term that is also one of its list's `except` words never counts either: every place it \
            occurs is inside an excepted word.

            Regular expressions run on the original text, so upper-case letters without the `i` \
            flag are fine. This rule reports the patterns that cannot match any text at all: a \
            `\\b` between two letters (`/a\\bb/`), `^` after characters without the `m` flag, `$` \
            before characters other than a line break, a class that matches no character (`[^\\s\\S]`).

            Write the plain word (comments in leetspeak are folded the same way), use `matches` \
            for symbols (`matches /c\\+\\+/`), or fix the pattern.
            """,
        triggeringExamples: [
            LintExample(#"rule r { when text has any [↓"c++", "java"] then tag dev }"#),
            LintExample(#"rule r { when text has ↓"1er" then tag premier }"#),
            LintExample(#"rule r { when text contains ↓"@maisonlumen" then tag mention }"#),
            LintExample(
                """
                list insultes = [↓"con", "connard"] except ["con"]
                rule r { when text has any insultes then hide }
                """),
            LintExample(#"rule r { when text matches /porter↓\bplainte/ then flag juridique }"#),
            LintExample(#"rule r { when text matches /fin↓$ de/ then flag review }"#),
        ],
        nonTriggeringExamples: [
            LintExample(#"rule r { when text has any ["Colis", "reçu", "l'arnaque", "mise en demeure"] then tag sav }"#),
            LintExample(#"rule r { when text has "60 millions de consommateurs" then tag presse }"#),
            LintExample(#"rule r { when text matches /c\+\+/ then tag dev }"#),
            LintExample(#"rule r { when text matches /Maison Lumen/ then tag marque }"#),
            LintExample(#"rule r { when text matches /\bporter\s+plainte\b/ then flag juridique }"#),
            LintExample(#"rule r { when text matches /(?m)^merci$/ then tag merci }"#),
            LintExample(#"rule r exact { when text has "1er" then tag premier }"#),
        ]
    )

    public init() {}

    /// ASCII characters the normalizer drops although they usually carry meaning in a term.
    package static let meaningfulSymbols: Set<Unicode.Scalar> = ["#", "$", "%", "&", "*", "+", "<", "=", ">", "@", "^", "|", "~", "\\", "`", "_"]

    public func check(_ context: LintContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen = Set<String>()
        for use in context.termUses {
            let rule = use.rule.decl
            let norm = context.normalizer(for: rule)
            let excepts = use.terms.except.map { (norm.normalize($0.value), $0) }
            for t in use.terms.terms {
                let key = "\(t.file.path):\(t.span.start):\(rule.exact)"
                guard !seen.contains(key) else { continue }
                seen.insert(key)
                let normalized = norm.normalize(t.value)
                guard !normalized.isEmpty else { continue }  // E040
                if let (_, e) = excepts.first(where: { $0.0 == normalized }) {
                    out.append(
                        context.finding(
                            Self.description, "term \"\(t.value)\" can never count: it is also one of the list's `except` words",
                            file: t.file, span: t.span, label: "every occurrence is inside an excepted word",
                            labels: [DiagnosticLabel(file: e.file, span: e.span, message: "excepted here")],
                            help: "remove it from the list or from `except`"))
                    continue
                }
                let symbols = t.value.unicodeScalars.filter { s in
                    Self.meaningfulSymbols.contains(s) || [.mathSymbol, .currencySymbol].contains(s.properties.generalCategory)
                }
                var leet = false
                if norm.stages.contains(.leetspeak) {
                    leet = Normalizer(stages: norm.stages.subtracting(.leetspeak)).normalize(t.value) != normalized
                }
                guard !symbols.isEmpty || leet else { continue }
                var notes: [String] = []
                if !symbols.isEmpty {
                    let list = Array(Set(symbols.map { String($0) })).sorted().map { "`\($0)`" }.joined(separator: ", ")
                    notes.append("normalization drops \(list): symbols only separate words")
                }
                if leet { notes.append("leetspeak reads digits and `@` `$` inside a word as letters: 0→o 1→i 3→e 4→a 5→s 7→t @→a $→s") }
                out.append(
                    context.finding(
                        Self.description,
                        leet && symbols.isEmpty
                            ? "term \"\(t.value)\" is compared as \"\(normalized)\": it also matches \"\(normalized)\" written in letters"
                            : "term \"\(t.value)\" can never match as written: it is compared as \"\(normalized)\"",
                        file: t.file, span: t.span, label: "compared as \"\(normalized)\"", notes: notes,
                        help: leet && symbols.isEmpty
                            ? "to match the digits as written, use `matches /.../`; to catch a word written in leetspeak, write the word itself (comments are folded the same way)"
                            : "use `matches /.../` to match symbols as written"))
            }
        }
        for use in context.regexUses {
            guard let tree = RegexTree.parse(use.pattern, flags: use.flags), let why = tree.impossibility() else { continue }
            out.append(
                context.finding(
                    Self.description, "regular expression `/\(use.pattern)/` can never match", file: use.rule.file, span: use.span(of: why.range),
                    label: why.reason, help: "fix the pattern; the condition is always false as written"))
        }
        return out
    }
}
