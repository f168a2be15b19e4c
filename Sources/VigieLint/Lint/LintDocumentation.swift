import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// The documentation of the lint rules, generated from ``LintRegistry``: `Grammar/LINT.md`,
/// `vigie lint --explain ID`, `vigie lint --list` and the help of SARIF rules.
public enum LintDocumentation {
    /// `vigie lint --explain ID`: the rule's summary, explanation and examples as plain text.
    public static func explanation(_ d: LintRuleDescription) -> String {
        var out = "\(d.id) (\(d.severity.rawValue) by default)\n\n\(d.summary)\n\n\(d.explanation)\n"
        if !d.replacesCheckerIDs.isEmpty {
            out += "\n`vigie check` reports it as \(d.replacesCheckerIDs.joined(separator: ", ")); lint reports it under \(d.id).\n"
        }
        func examples(_ title: String, _ xs: [LintExample]) {
            guard !xs.isEmpty else { return }
            out += "\n\(title)\n"
            for x in xs {
                out += "\n" + x.source.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n"
                if x.requireTests { out += "    (with --require-tests)\n" }
            }
        }
        examples("Reported (↓ marks where the finding points):", d.triggeringExamples)
        examples("Not reported:", d.nonTriggeringExamples)
        return out
    }

    /// `vigie lint --list`: one line per rule.
    public static func list() -> String {
        let width = LintRegistry.descriptions.map(\.id.count).max() ?? 0
        return LintRegistry.descriptions.map { d in
            d.id.padding(width) + "  " + d.severity.rawValue.padding(7) + "  " + d.summary
        }.joined(separator: "\n") + "\n"
    }

    /// One rule in Markdown, with headings starting at `headingLevel`. Examples are shown without
    /// their `↓` marks; with `output`, each reported example is followed by what `vigie lint`
    /// prints for it.
    public static func markdown(_ d: LintRuleDescription, headingLevel: Int, output: Bool = true) -> String {
        let h = String(repeating: "#", count: headingLevel)
        var out = "\(h) `\(d.id)`\n\n"
        out += "Default severity: **\(d.severity.rawValue)**"
        if !d.replacesCheckerIDs.isEmpty { out += " · also reported by `vigie check` as \(d.replacesCheckerIDs.map { "`\($0)`" }.joined(separator: ", "))" }
        if d.needsProgram { out += " · runs only when the rule set compiles" }
        out += "\n\n\(d.summary)\n\n"
        out += d.explanation + "\n\n"
        func examples(_ title: String, _ xs: [LintExample], reported: Bool) {
            guard !xs.isEmpty else { return }
            out += "\(h)# \(title)\n\n"
            for x in xs {
                if x.requireTests { out += "With `--require-tests`:\n\n" }
                out += "```vigie\n\(x.stripped.text)\n```\n\n"
                if reported, output {
                    let findings = lint(x).filter { $0.id == d.id }
                    out += "```text\n" + findings.map { DiagnosticRenderer.text($0) }.joined(separator: "\n") + "```\n\n"
                }
            }
        }
        examples("Reported", d.triggeringExamples, reported: true)
        examples("Not reported", d.nonTriggeringExamples, reported: false)
        return String(out.dropLast())
    }

    /// The findings of an example, linted alone as `example.vigie`.
    public static func lint(_ example: LintExample) -> [Diagnostic] {
        let rs = RuleSetLoader.build(sources: [SourceFile(path: "example.vigie", text: example.stripped.text)], root: "/dev/null/vigie-example")
        return Linter.lint(rs, options: LintOptions(requireTests: example.requireTests))
    }

    /// `Grammar/LINT.md`.
    public static func markdown() -> String {
        var out = """
            # Lint rules

            <!-- Generated from Sources/VigieLint/Lint by `VIGIE_UPDATE_GOLDEN=1 swift test --filter LintTests`; do not edit by hand. -->

            `vigie lint PATH...` reports every compile error of a rule set (unknown rules, lists, \
            templates and placeholders with "did you mean", duplicate names, cycles, regexes that do \
            not compile, with the compiler's `E0xx` ids, unchanged) and the findings of the lint rules \
            below, each with a stable id `category/name`. `vigie lint --explain ID` prints a rule's \
            explanation and examples; `vigie lint --list` lists them.

            **Formats.** `--format text` (default, for people), `json` (versioned, described by \
            `Grammar/diagnostics.schema.json`, the document `vigie check --format json` writes too), \
            `sarif` (SARIF 2.1.0, for code-scanning dashboards), `github` (GitHub Actions \
            annotations). Lines and columns are 1-based in every format; \
            columns count Unicode scalars (code points) and an end column points just past the last \
            character. The report goes to standard output.

            **Exit codes.** 0: no finding at or above `--fail-level` (default `error`; the text \
            format then prints `no findings`); 1: at least one finding at or above it; 2: rules that \
            do not compile (their errors are listed with the other findings, in every format), a \
            usage error, a path that does not exist or holds no rule file, a bad configuration file, \
            an unknown `--explain` id.

            **Suppression.** A comment `# vigie:ignore ID -- reason` silences the findings with that id \
            on the next line that is not a comment (stack several comments to silence several ids, \
            or name several ids in one comment). It works in rule files and in list files. A \
            suppression that silences nothing is reported as `lint/unused-suppression`. Compile \
            errors cannot be silenced; checker warnings can, by their id (`W001`).

            **Configuration.** `vigie-lint.json` (or `.vigie-lint.json`) at the rules root (the folder \
            given to `vigie lint`, or the folder of the file given) sets levels, or turns rules off:

            ```json
            {"rules": {"regex/no-literal": "off", "term/short-substring": "error", "W001": "info"}}
            ```

            Levels are `off`, `info`, `warning`, `error`. `--config FILE` reads another file. \
            `--require-tests` makes `rule/untested` at least a warning, whatever the configuration.

            Each rule below comes with rule files it reports, followed by what `vigie lint` prints for \
            them, and rule files it does not report. They are the rule's tests (`LintTests`).

            | id | default | what it finds |
            |---|---|---|

            """
        for d in LintRegistry.descriptions {
            out += "| [`\(d.id)`](#\(anchor(d.id))) | \(d.severity.rawValue) | \(d.summary.replacingPipes()) |\n"
        }
        out += "\n"
        for d in LintRegistry.descriptions { out += markdown(d, headingLevel: 2) + "\n\n" }
        return String(out.dropLast())
    }

    /// The GitHub-style anchor of a heading made of an id in backquotes.
    package static func anchor(_ id: String) -> String {
        String(id.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == " " || $0 == "_" })
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }

    fileprivate func replacingPipes() -> String { split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|") }
}
