import Foundation
import VigieCore
import VigieRegex
import VigieLanguage
import VigieFormat
import VigieEngine

/// The result of importing an AutoModerator configuration: a Vigie rule file and the import
/// report.
public struct AutoModeratorImport: Sendable {
    /// The Vigie rule file, in the canonical layout of `vigie fmt`.
    public var source: String
    /// The import report: YAML errors, and everything that is not carried over, each with its
    /// line in the configuration. Ids: `import/yaml` (error), `import/duplicate-key`,
    /// `import/not-carried-over`, `import/rule-not-carried-over`, `import/shadow` (warnings),
    /// `import/not-a-rule`, `import/mapped` (a value read from `meta.`), `import/approximated` (a
    /// Reddit-only action written as a tag, a message kept as a comment), `import/no-test` (no
    /// generated test for a rule), `import/regex`, `import/yaml-list` (info).
    public var diagnostics: [Diagnostic]
    /// The rules written, in order.
    public var rules: [ImportedRule]
    /// How many YAML sections the configuration has (as AutoModerator counts them).
    public var sectionCount: Int
    /// How many AutoModerator rules were read (sections that are mappings).
    public var ruleCount: Int

    /// The report entries for what was dropped: sections that are not valid YAML, keys written
    /// twice, checks and actions not carried over, rules not written. `--strict` fails on them.
    public var dropped: [Diagnostic] {
        diagnostics.filter { ["import/yaml", "import/duplicate-key", "import/not-carried-over", "import/rule-not-carried-over"].contains($0.id) }
    }

    /// Whether the report has an error: a section that is not valid YAML, or imported rules that
    /// do not compile (`vigie import` exits with code 2).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// One line saying what was imported.
    public var summary: String {
        let shadow = rules.filter(\.shadow).count
        let skipped = ruleCount - rules.count
        var s = "imported \(rules.count) of \(ruleCount) rule\(ruleCount == 1 ? "" : "s")"
        if shadow > 0 { s += " (\(shadow) in shadow mode)" }
        if skipped > 0 { s += "; \(skipped) not carried over" }
        let yaml = diagnostics.filter { $0.id == "import/yaml" }.count
        if yaml > 0 { s += "; \(yaml) section\(yaml == 1 ? " is" : "s are") not valid YAML" }
        let dropped = self.dropped.count
        if dropped > 0 { s += "; \(dropped) item\(dropped == 1 ? "" : "s") dropped (each is a comment in the output)" }
        let tested = rules.filter(\.tested).count
        s += "; \(tested) generated test\(tested == 1 ? "" : "s")"
        return s
    }
}

/// A rule written by the importer, and the AutoModerator rule it comes from.
public struct ImportedRule: Sendable, Equatable {
    /// The Vigie rule's name.
    public var name: String
    /// The AutoModerator section it comes from (1-based, as AutoModerator counts).
    public var section: Int
    /// The line of the section's first key.
    public var line: Int
    /// Whether it was written as a `shadow` rule (a condition could not be carried over).
    public var shadow: Bool
    /// The reply template written for it, if any.
    public var template: String?
    /// A comment built from the rule's own terms, which its generated test gives (paths → values).
    package var sample: [String: SampleValue] = [:]
    /// The tags the rule sets (Reddit-only actions).
    package var tags: [String] = []
    /// Whether a generated test was written for it (and passes).
    public var tested = false
}

/// A value of a sample comment.
package enum SampleValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
}

/// Translates Reddit AutoModerator configurations into Vigie rules (`vigie import automoderator`).
///
/// Each AutoModerator rule becomes one Vigie rule with the same meaning on the comments and text
/// posts that Vigie's input can describe; `Grammar/MIGRATING-FROM-AUTOMODERATOR.md` lists what maps
/// to what. Three principles keep the import safe:
///
/// * a check that cannot be carried over would make the rule hold more often than on Reddit, so
///   the rule is written in `shadow` mode (reported, never applied) and the report says why;
/// * a rule left with no check, or with no action Vigie can take, is not written: its YAML is
///   kept as a comment in the output;
/// * the output is checked: it compiles, and is formatted like `vigie fmt` would.
public enum AutoModeratorImporter {
    /// A line of the configuration as comment lines of the output: `#   ` before each piece, cut
    /// at every line break a rule file knows (`\r\n` is one `Character` that `split` on `"\n"`
    /// does not cut, and `\r` alone ends a line too), so no piece can leave the comment.
    static func commentedOut(_ line: some StringProtocol) -> [String] {
        line.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { "#   " + $0 }
    }

    /// Imports the configuration text `yaml`; `path` names it in the report and the output.
    ///
    /// Throws, before building anything, when the configuration is past one of `limits` (nested
    /// too deep, or too large once its aliases are expanded): such a file is refused as a whole.
    /// Other problems (a section that is not valid YAML, a key not carried over) are in the
    /// result's report.
    public static func translate(
        yaml: String, path: String, limits: AutoModeratorLimits = .default
    ) throws(AutoModeratorLimitError) -> AutoModeratorImport {
        try AutoModeratorConfig.checkLimits(yaml, path: path, limits: limits)
        let file = SourceFile(path: path, text: yaml)
        let (rules, problems, sectionCount) = AutoModeratorConfig.parse(yaml)
        var diagnostics = problems.map { p -> Diagnostic in
            let id: String
            let severity: Severity
            switch p.kind {
            case .yaml: (id, severity) = ("import/yaml", .error)
            case .duplicateKey: (id, severity) = ("import/duplicate-key", .warning)
            case .notAMapping: (id, severity) = ("import/not-a-rule", .info)
            }
            return Diagnostic(id, severity, p.message, file: file, span: span(file, p.line, p.column), notes: p.notes)
        }
        var names = NameTable()
        var body: [String] = []
        var imported: [ImportedRule] = []
        var usesTitle = false
        let configName = (path as NSString).lastPathComponent
        // Sections that are not valid YAML are kept, as comments, where they were.
        var blocks: [(section: Int, text: String)] = []
        for section in AutoModeratorConfig.sections(yaml) {
            guard let p = problems.first(where: { $0.kind == .yaml && $0.line >= section.firstLine && $0.line <= section.lastLine }) else { continue }
            var lines = ["# Not imported, \(configName):\(section.firstLine) (section \(section.number)): \(p.message)."]
            for l in section.lines { lines += AutoModeratorImporter.commentedOut(l) }
            while lines.count > 1, lines[1].trimmingCharacters(in: .whitespaces) == "#" { lines.remove(at: 1) }
            while let last = lines.last, last.trimmingCharacters(in: .whitespaces) == "#" { lines.removeLast() }
            blocks.append((section.number, lines.joined(separator: "\n") + "\n"))
        }
        for rule in rules {
            var t = RuleTranslator(rule: rule, file: file, configName: configName)
            t.readingLosses = problems.filter { $0.kind == .duplicateKey && $0.line >= rule.firstLine && $0.line <= rule.lastLine }.map(\.message)
            t.run()
            blocks.append((rule.section, t.render(names: &names, imported: &imported)))
            diagnostics += t.diagnostics
            usesTitle = usesTitle || t.usesTitle
        }
        body = blocks.sorted { $0.section < $1.section }.map(\.text)
        var header = [
            "# Imported from \((path as NSString).lastPathComponent) by `vigie import automoderator`.",
            "# What maps to what, and what differs: Grammar/MIGRATING-FROM-AUTOMODERATOR.md.",
            "# Input: `text` is the comment (or the post's body); a post also has its `title`.",
            "# Authors: author.name, author.age (seconds), author.karma (comment karma),",
            "# author.role (\"moderator\" for moderators); top-level comments have no parent_id.",
        ]
        if !usesTitle { header.removeLast(3) }
        let text = (header + ["", "lang en", ""] + body).joined(separator: "\n") + "\n"
        var source = text
        do {
            source = try RuleFormatter.format(text, path: path)
            if !source.hasSuffix("\n") { source += "\n" }
        } catch {
            diagnostics.append(Diagnostic("import/internal", .error, "the imported rules could not be formatted: \(error)", file: file))
        }
        var check = RuleSetLoader.build(sources: [SourceFile(path: "<imported from \(path)>", text: source)], root: "/")
        if !check.hasErrors, let program = Compiler.compile(check) {
            let (blocks, missing) = GeneratedTests.write(&imported, program: program)
            var tail = ["", "# Tests generated from each rule's own terms: `vigie test` runs them."]
            for (r, why) in missing {
                tail.append("# No generated test for \(r.name): \(why).")
                diagnostics.append(
                    Diagnostic(
                        "import/no-test", .info, "no test is written for rule `\(r.name)`: \(why)", file: file,
                        span: span(file, r.line, 1)))
            }
            if !blocks.isEmpty || !missing.isEmpty {
                let withTests = source + (tail + blocks.flatMap { ["", $0] }).joined(separator: "\n") + "\n"
                do {
                    source = try RuleFormatter.format(withTests, path: path)
                    if !source.hasSuffix("\n") { source += "\n" }
                } catch {
                    diagnostics.append(Diagnostic("import/internal", .error, "the generated tests could not be formatted: \(error)", file: file))
                }
                check = RuleSetLoader.build(sources: [SourceFile(path: "<imported from \(path)>", text: source)], root: "/")
            }
        }
        diagnostics += check.diagnostics.filter { $0.severity == .error }
        diagnostics.sort { a, b in (a.span?.start ?? 0, a.id) < (b.span?.start ?? 0, b.id) }
        return AutoModeratorImport(source: source, diagnostics: diagnostics, rules: imported, sectionCount: sectionCount, ruleCount: rules.count)
    }

    /// The import report for people: one entry per diagnostic (`file:line:col: severity[id]:
    /// message`, then its notes), and the summary line. Lines are 1-based; columns count characters.
    public static func report(_ result: AutoModeratorImport, color: Bool = false) -> String {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        var out = ""
        for d in result.diagnostics {
            let code: String
            switch d.severity {
            case .error: code = "1;31"
            case .warning: code = "1;33"
            case .info: code = "1;36"
            }
            out += "\(d.locationText): \(paint("\(d.severity.rawValue)[\(d.id)]", code)): \(d.message)\n"
            for n in d.notes { out += "   = note: \(n)\n" }
            if let h = d.help { out += "   = help: \(h)\n" }
        }
        out += result.summary + "\n"
        return out
    }

    /// A span covering the rest of line `line` from `column` (1-based, in characters).
    package static func span(_ file: SourceFile, _ line: Int, _ column: Int) -> Span {
        guard line >= 1, line <= file.lineStarts.count else { return Span(file.bytes.count, file.bytes.count) }
        let start = file.lineStarts[line - 1]
        let end = line < file.lineStarts.count ? file.lineStarts[line] - 1 : file.bytes.count
        var i = start
        var c = 1
        while i < end, c < column {
            i += 1
            while i < end, file.bytes[i] & 0xC0 == 0x80 { i += 1 }
            c += 1
        }
        return Span(i, max(i, end))
    }
}

// MARK: - Conditions

/// A Vigie condition being built, rendered with the parentheses it needs.
package indirect enum VCond {
    case atom(String)
    case not(VCond)
    case and([VCond])
    case or([VCond])

    private var precedence: Int {
        switch self {
        case .or(let c) where c.count > 1: return 1
        case .and(let c) where c.count > 1: return 2
        case .or(let c), .and(let c): return c.first?.precedence ?? 4
        case .not: return 3
        case .atom: return 4
        }
    }

    /// The condition as Vigie source. `and` and `or` are never mixed without parentheses.
    package var text: String {
        switch self {
        case .atom(let s): return s
        case .and(let c) where c.count == 1, .or(let c) where c.count == 1: return c[0].text
        case .not(let c): return "not " + (c.precedence < 3 ? "(\(c.text))" : c.text)
        case .and(let c): return c.map { $0.precedence < 2 ? "(\($0.text))" : $0.text }.joined(separator: " and ")
        case .or(let c): return c.map { $0.precedence < 3 ? "(\($0.text))" : $0.text }.joined(separator: " or ")
        }
    }
}

/// A Vigie string literal.
package func vigieString(_ s: String, template: Bool = false) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "{" where template: out += "\\{"
        case "}" where template: out += "\\}"
        default:
            if c.value < 0x20 || c.value == 0x7F { continue }
            out.unicodeScalars.append(c)
        }
    }
    return out + "\""
}

/// Unique, valid Vigie names derived from free text.
package struct NameTable {
    private var used: Set<String> = []

    /// A name made of the words of `text` (`Phone Number Removal` → `phone_number_removal`), or
    /// of `fallback` when `text` has none (each character a name cannot hold becomes `_`), unique
    /// in this table.
    package mutating func make(from text: String?, fallback: String) -> String {
        var words: [String] = []
        for w in (text ?? "").folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
            .split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) })
        {
            words.append(String(w))
            if words.joined(separator: "_").count >= 32 { break }
        }
        var base = words.joined(separator: "_")
        if base.isEmpty {
            // The fallback may hold the rule's own text (an unknown `action:`): keep what a name can.
            base = String(fallback.map { c in c.isASCII && (c.isLetter || c.isNumber || c == "_") ? c : "_" })
        }
        if let f = base.first, f.isNumber { base = "rule_" + base }
        var name = base
        var k = 2
        while used.contains(name) {
            name = "\(base)_\(k)"
            k += 1
        }
        used.insert(name)
        return name
    }
}
