import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `term/short-substring`: a short term matched with `contains` that fires inside ordinary words.
public struct TermShortSubstringRule: LintRule {
    public static let description = LintRuleDescription(
        id: "term/short-substring",
        severity: .warning,
        summary: "A short term matched with `contains` fires inside ordinary words.",
        explanation: """
            `contains` matches a term anywhere, even inside a longer word: `text contains \"cul\"` \
            hides comments about `culture`, a `calcul` or a `véhicule`, and `contains \"ass\"` fires \
            on every `class` and `password`. The shorter the term, the more ordinary words hold it. \
            This is the Scunthorpe problem, and it hides legitimate comments.

            The finding lists words of a small built-in list of everyday words, for each language of \
            the rule set, that the term would fire inside. Use `has`, which matches whole words and \
            phrases (list every form: `has any [\"con\", \"cons\", \"conne\"]`), or keep `contains` \
            and name the known good words in the list's `except [...]`.
            """,
        triggeringExamples: [
            LintExample(#"rule r { when text contains ↓"cul" then hide }"#),
            LintExample(
                """
                lang en
                list insults = [↓"ass", "idiot"]
                rule r { when text contains any insults then hide }
                """),
        ],
        nonTriggeringExamples: [
            LintExample(#"rule r { when text has "cul" then hide }"#),
            LintExample(#"rule r { when text contains "arnaque" then hide }"#),
            LintExample(
                """
                lang fr
                list grossier = ["cul"] except ["culture", "calcul", "recul", "particul", "ridicule", "vehicule", "circul", "spectaculaire", "cultiv", "occult", "bascul"]
                rule r { when text contains any grossier then hide }
                """),
        ]
    )

    public init() {}

    /// Terms longer than this (in normalized characters) are not checked.
    package static let maximumLength = 5
    /// How many example words a finding shows.
    package static let examplesShown = 4

    /// Up to `count` words, preferring words that do not share their first four letters, so the
    /// examples show different words rather than forms of one.
    package static func varied(_ words: [String], count: Int) -> [String] {
        var out: [String] = []
        for w in words where out.count < count && !out.contains(where: { $0.prefix(4) == w.prefix(4) }) { out.append(w) }
        for w in words where out.count < count && !out.contains(w) { out.append(w) }
        return out
    }

    public func check(_ context: LintContext) -> [Diagnostic] {
        let langs = context.ruleSet.langs
        var out: [Diagnostic] = []
        var seen = Set<String>()
        var dictionaries: [Bool: [(String, String)]] = [:]  // by `exact`: each word and its normalized form
        for use in context.termUses where use.op == .contains {
            let norm = context.normalizer(for: use.rule.decl)
            let exact = use.rule.decl.exact
            let dictionary = dictionaries[exact] ?? langs.flatMap { lang in CommonWords.curatedWords(lang).map { ($0, norm.normalize($0)) } }
            dictionaries[exact] = dictionary
            let excepts = use.terms.except.map { norm.normalize($0.value) }
            let source = use.terms.list ?? "\(use.rule.file.path):\(use.span.start)"
            for t in use.terms.terms {
                let n = norm.normalize(t.value)
                let key = "\(source):\(n)"  // one finding per term of a list, whatever its spellings
                guard !seen.contains(key) else { continue }
                guard !n.isEmpty, !n.contains(" "), n.unicodeScalars.count <= Self.maximumLength else { continue }
                var hits: [(word: String, normalized: String)] = []
                for (w, nw) in dictionary where nw != n && nw.contains(n) && !hits.contains(where: { $0.normalized == nw }) {
                    if excepts.contains(where: { nw.contains($0) && $0.contains(n) }) { continue }
                    hits.append((w, nw))
                }
                guard !hits.isEmpty else { continue }
                seen.insert(key)
                let shown = Self.varied(hits.map(\.word), count: Self.examplesShown).map { "\"\($0)\"" }.joined(separator: ", ")
                let more = hits.count > Self.examplesShown ? " and \(hits.count - Self.examplesShown) more" : ""
                out.append(
                    context.finding(
                        Self.description, "term \"\(t.value)\" with `contains` also fires inside ordinary words such as \(shown)\(more)",
                        file: t.file, span: t.span, label: "matched anywhere inside a word",
                        notes: (n != t.value.lowercased() ? ["compared as \"\(n)\" after normalization"] : [])
                            + ["checked against Vigie's everyday words in \(langs.joined(separator: ", "))"],
                        help: "use `has` to match whole words (list each form), or name the good words in the list's `except [...]`"))
            }
        }
        return out
    }
}
