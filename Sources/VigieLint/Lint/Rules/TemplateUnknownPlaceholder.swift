import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests
/// `template/unknown-placeholder`: a reply placeholder naming a field that is not a documented
/// input field.
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
        ]
    )

    public init() {}

    public func check(_ context: LintContext) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let known = Checker.knownFields.union(["lang", "match"])
        for f in context.ruleSet.files {
            for t in f.templates {
                for v in t.variants {
                    for text in v.texts {
                        guard case .success(let parsed) = TemplateText.parse(text.value) else { continue }  // E041
                        for case .placeholder(let path, let fallback) in parsed.parts {
                            let dotted = path.joined(separator: ".")
                            guard !known.contains(dotted), path.first != "meta" else { continue }
                            let source = Array(f.file.text(text.span).utf8)
                            let needle = Array("{\(dotted)".utf8)
                            var span = text.span
                            if let k = Self.offset(of: needle, in: source) {
                                span = Span(text.span.start + k + 1, text.span.start + k + needle.count)
                            }
                            let suggestion = closestName(to: dotted, among: Array(known))
                            out.append(
                                context.finding(
                                    Self.description, "placeholder `{\(dotted)}` names a field that is not a documented input field",
                                    file: f.file, span: span, label: "not an input field",
                                    notes: [
                                        fallback.map { "a comment without this field gets the fallback \"\($0)\"" }
                                            ?? "a comment without this field gets nothing in its place"
                                    ],
                                    help: suggestion.map { "did you mean `\($0)`?" } ?? "custom fields belong under `meta.`, as in `{meta.\(dotted)}`"))
                        }
                    }
                }
            }
        }
        return out
    }

    /// The first offset of `needle` in `haystack`.
    package static func offset(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
