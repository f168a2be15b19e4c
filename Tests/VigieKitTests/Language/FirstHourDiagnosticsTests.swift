import Foundation
import Testing

@testable import VigieCore
@testable import VigieLanguage
@testable import VigieLint
@testable import VigieRuleTests

/// Issue 21 (items 2, 4, 5): mistakes that used to pass `check`, keywords with "did you mean",
/// diagnostics in reading order, list files that cannot be read, and an error catalog whose
/// examples are tests.
struct FirstHourDiagnosticsTests {
    // MARK: - Types from the input schema

    /// A condition and whether `check` must refuse it with E038.
    @Test(arguments: [
        ("author.age < \"x\"", true),
        ("\"x\" > author.age", true),
        ("author.followers >= \"mille\"", true),
        ("author.karma == true", true),
        ("author.posts < \"10\"", true),
        ("author.verified == \"true\"", true),
        ("author.verified > 0", true),
        ("author.verified < true", true),
        ("author.name == 3", true),
        ("author.role > 2", true),
        ("text == 7d", true),
        ("author.age < 7d", false),
        ("author.age > 3600", false),
        ("author.followers >= 1000", false),
        ("author.verified == true", false),
        ("author.verified != null", false),
        ("author.name == \"Léa\"", false),
        ("author.role != \"staff\"", false),
        ("author.created_at > 30d", false),
        ("timestamp > 1700000000", false),
        ("author.id == 42", false),
        ("author.id == \"u42\"", false),
        ("thread == 7", false),
        ("meta.score > \"a\"", false),
        ("author.name == author.role", false),
        ("author.age < author.name", true),
    ])
    func comparisonsFollowTheInputSchema(_ condition: String, _ refused: Bool) {
        let rs = buildRuleSet("rule r { when \(condition) then flag review }")
        #expect(ids(rs.diagnostics) == (refused ? ["E038"] : []), "\(condition):\n\(rendered(rs.diagnostics))")
        if refused {
            let d = rs.diagnostics[0]
            #expect(d.notes.first?.contains("Grammar/input.schema.json") == true)
            #expect(d.help?.hasPrefix("compare `") == true, "\(d.help ?? "")")
        }
    }

    // MARK: - Template variants and placeholders

    /// Languages declared, the template's variants, and the W005 expected (one per language).
    @Test(arguments: [
        ("lang fr, en", "de: \"Danke\" fr: \"Merci\" en: \"Thanks\"", ["de"]),
        ("lang fr, en", "fr: \"Merci\" en: \"Thanks\"", []),
        ("lang fr\nlang en", "fr: \"Merci\" en: \"Thanks\" it: \"Grazie\" es: \"Gracias\"", ["it", "es"]),
        ("", "fr: \"Merci\" de: \"Danke\"", []),
    ])
    func variantInAnUndeclaredLanguageIsW005(_ langs: String, _ variants: String, _ expected: [String]) {
        let rs = buildRuleSet("\(langs)\ntemplate t { \(variants) }\nrule r { when text has \"merci\" then reply t }")
        let w = rs.diagnostics.filter { $0.id == "W005" }
        #expect(w.map { $0.file!.text($0.span!) } == expected, "\(rendered(rs.diagnostics))")
        #expect(!rs.hasErrors)
    }

    @Test func firstVariantInAnUndeclaredLanguageSaysWhoGetsIt() throws {
        let rs = buildRuleSet("lang fr, en\ntemplate t { de: \"Danke\" fr: \"Merci\" }\nrule r { when text has \"merci\" then reply t }")
        let d = try #require(rs.diagnostics.first { $0.id == "W005" })
        #expect(d.notes.contains("it is the template's first variant: comments in en, which has no variant, get it"), "\(d.notes)")
    }

    /// A placeholder and the W006 help expected (nil: no warning).
    @Test(arguments: [
        ("{author.nam}", "did you mean `author.name`?" as String?),
        ("{author.nmae|à vous}", "did you mean `author.name`?"),
        ("{ticket}", "custom fields belong under `meta.`, as in `{meta.ticket}`"),
        ("{author.name}", nil),
        ("{meta.ticket|?}", nil),
        ("{lang} {match}", nil),
        ("\\{author.nam\\}", nil),
    ])
    func unknownPlaceholderIsW006InCheck(_ placeholder: String, _ help: String?) {
        let rs = buildRuleSet("template t { fr: \"Merci \(placeholder)\" }\nrule r { when text has \"merci\" then reply t }")
        let w = rs.diagnostics.filter { $0.id == "W006" }
        #expect(w.map(\.help) == (help.map { [$0] } ?? []), "\(rendered(rs.diagnostics))")
        #expect(!rs.hasErrors)
    }

    @Test func lintReportsAnUnknownPlaceholderOnceUnderItsLintID() {
        let rs = buildRuleSet("template t { fr: \"Merci {author.nam}\" }\nrule r { when text has \"merci\" then reply t }")
        let findings = Linter.lint(rs)
        #expect(findings.filter { $0.id == "template/unknown-placeholder" }.count == 1, "\(rendered(findings))")
        #expect(!findings.contains { $0.id == "W006" }, "\(rendered(findings))")
        // The W006 alias configures the lint rule.
        #expect(LintRegistry.configurableID("W006") == "template/unknown-placeholder")
    }

    // MARK: - Keywords and braces

    /// A rule file, the error id, the column it points at (line 1) and the help it gives.
    @Test(arguments: [
        ("rule r { when text has ani [\"a\"] then hide }", "E010", 24, "did you mean `any`?"),
        ("rule r { when text has al \"a\" then hide }", "E010", 24, "did you mean `all`?"),
        ("rule r { when text has alll mots then hide }", "E010", 24, "did you mean `all`?"),
        ("rule r { when text has \"a\" near ani [\"b\"] within 3 words then hide }", "E010", 33, "did you mean `any`?"),
        ("rule r { when text has \"colis\" nearby \"retard\" within 6 words then hide }", "E010", 32, "did you mean `near`?"),
        ("rule r { when text has \"colis\" thn hide }", "E010", 32, "did you mean `then`?"),
        ("rule r { when author.age < 7 days then hide }", "E002", 28, "did you mean `7d`?"),
        ("rule r { when author.age < 2 heures then hide }", "E002", 28, "did you mean `2h`?"),
        ("rule r { when author.age < 3 d then hide }", "E002", 28, "did you mean `3d`?"),
        ("rule r { when author.age < 7days then hide }", "E002", 29, "did you mean `7d`?"),
        ("rule r { when author.age < 7D then hide }", "E002", 29, "did you mean `7d`?"),
        ("rule r { when count(true, window 15 minutes) >= 3 then hide }", "E010", 34, "did you mean `15m`?"),
    ])
    func keywordTyposSuggestTheKeyword(_ source: String, _ id: String, _ column: Int, _ help: String) throws {
        let rs = buildRuleSet(source)
        let d = try #require(rs.diagnostics.first { $0.severity == .error }, "no error for \(source)")
        #expect(ids(rs.diagnostics) == [id], "\(rendered(rs.diagnostics))")
        #expect(position(d) == "1:\(column)", "\(rendered(rs.diagnostics))")
        #expect(d.help?.hasPrefix(help) == true, "\(rendered(rs.diagnostics))")
    }

    /// Lists named like a misspelt quantifier, and what follows terms, are not mistaken for typos.
    @Test(arguments: [
        "list ani = [\"a\"]\nrule r { when text has ani then hide }",
        "list ani = [\"a\"]\nrule r { when text has ani near \"b\" within 2 words then hide }",
        "list ani = [\"a\"]\nrule r { when text has ani or text has any ani then hide }",
        "rule r { when text has \"a\" then hide }\nrule s { when rule r and text has \"b\" then tag s }",
    ])
    func wordsThatAreNotTyposStayAccepted(_ source: String) {
        let rs = buildRuleSet(source)
        #expect(rs.diagnostics.isEmpty, "\(rendered(rs.diagnostics))")
    }

    /// A declaration left open, and where its `{` is.
    @Test(arguments: [
        ("rule r { when text has \"a\" then hide\nrule s { when text has \"b\" then hide }", "2:1", "1:8"),
        ("template t { fr: \"Merci\"\nrule s { when text has \"b\" then reply t }", "2:1", "1:12"),
        ("rule s { when text has \"b\" then hide }\ntest \"x\" { given { text: \"b\" } expect hide", "2:43", "2:10"),
    ])
    func unclosedBracePointsAtTheOpeningBrace(_ source: String, _ at: String, _ brace: String) throws {
        let rs = buildRuleSet(source)
        let d = try #require(rs.diagnostics.first { $0.id == "E010" }, "\(rendered(rs.diagnostics))")
        #expect(position(d) == at, "\(rendered(rs.diagnostics))")
        let label = try #require(d.labels.first, "\(rendered(rs.diagnostics))")
        #expect(label.message == "this `{` is never closed")
        let (l, c) = label.file.location(of: label.span.start)
        #expect("\(l):\(c)" == brace)
    }

    @Test func somethingElseBeforeTheClosingBraceIsNotCalledUnclosed() throws {
        let rs = buildRuleSet("rule r { when text has \"a\" then hide spam }")
        let d = try #require(rs.diagnostics.first { $0.id == "E010" }, "\(rendered(rs.diagnostics))")
        #expect(d.labels.isEmpty, "\(rendered(rs.diagnostics))")
    }

    // MARK: - Order

    @Test func diagnosticsAreSortedByFileAndLine() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Parse errors used to come before checker errors, and file b's parse errors before file a's checker errors.
        try "rule a1 { when text has any insultes then hide }\nrule a2 { when text hass \"x\" then hide }\n".write(to: dir.appendingPathComponent("a.vigie"), atomically: true, encoding: .utf8)
        try "rule b1 { when rule inconnue then hide }\nrule b2 { when text has \"y\" then hid }\n".write(to: dir.appendingPathComponent("b.vigie"), atomically: true, encoding: .utf8)
        let rs = RuleSetLoader.load(path: dir.path)
        let order = rs.diagnostics.map { "\(($0.file?.path as NSString?)?.lastPathComponent ?? ""):\(position($0) ?? ""):\($0.id)" }
        #expect(order == ["a.vigie:1:29:E031", "a.vigie:2:21:E019", "b.vigie:1:21:E030", "b.vigie:2:34:E016"], "\(order)")
    }

    // MARK: - Files

    /// What a list file path is, and what the E035 says about it.
    @Test(arguments: [
        ("lists/insulte.txt", "no such file (ENOENT)", "did you mean `lists/insultes.txt`?"),
        ("lists/autres.txt", "no such file (ENOENT)", "check the file name"),
        ("nulle-part/mots.txt", "no such file (ENOENT)", "check the file name"),
        ("lists", "it is a folder, not a file (EISDIR)", "name a text file"),
        ("../dehors.txt", "outside the rules folder", "keep list files inside the rules folder"),
    ])
    func unreadableListFileSaysWhereAndWhy(_ written: String, _ reason: String, _ help: String) throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules.appendingPathComponent("lists"), withIntermediateDirectories: true)
        try "connard\n".write(to: rules.appendingPathComponent("lists/insultes.txt"), atomically: true, encoding: .utf8)
        try "x\n".write(to: dir.appendingPathComponent("dehors.txt"), atomically: true, encoding: .utf8)
        try "list l = file \"\(written)\"\nrule r { when text has any l then hide }\n".write(to: rules.appendingPathComponent("r.vigie"), atomically: true, encoding: .utf8)
        let rs = RuleSetLoader.load(path: rules.path)
        let d = try #require(rs.diagnostics.first, "no diagnostic")
        #expect(ids(rs.diagnostics) == ["E035"], "\(rendered(rs.diagnostics))")
        #expect(d.message.contains(reason), "\(d.message)")
        #expect(d.help?.contains(help) == true, "\(d.help ?? "")")
        // The path it was read as is said in full.
        let real = URL(fileURLWithPath: rules.appendingPathComponent(written).path).standardizedFileURL.resolvingSymlinksInPath().path
        #expect(d.notes.contains { $0.contains("`\(real)`") }, "\(d.notes)")
    }

    @Test(arguments: ["README.md", "rules.txt", "r.vigie.bak"])
    func aFileThatIsNotARuleFileIsOneE043(_ name: String) throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        try "# Vigie\n\nSome *markdown* with {braces} and \"quotes\".\n".write(toFile: path, atomically: true, encoding: .utf8)
        let rs = RuleSetLoader.load(path: path)
        #expect(ids(rs.diagnostics) == ["E043"], "\(rendered(rs.diagnostics))")
        #expect(rs.diagnostics.first?.message == "`\(path)` is not a rule file: rule files end in `.vigie`")
    }

    // MARK: - The error catalog

    /// The diagnostics an entry's example gives, loaded the way `vigie` would.
    static func diagnostics(of id: String, _ e: ErrorCatalog.Entry) throws -> [Diagnostic] {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        switch e.kind {
        case .ruleFile:
            return buildRuleSet(e.example).diagnostics
        case .testsFile:
            try "rule sav { when text has \"colis\" then flag sav }\n".write(to: dir.appendingPathComponent("r.vigie"), atomically: true, encoding: .utf8)
            try (e.example + "\n").write(to: dir.appendingPathComponent("r.tests.jsonl"), atomically: true, encoding: .utf8)
            let rs = RuleSetLoader.load(path: dir.path)
            return rs.diagnostics + RuleTestDiscovery.discover(rs).1
        case .command:
            // `vigie check PATH`, in a folder that holds a README.md.
            try "# Rules\n".write(to: dir.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
            let words = e.example.split(separator: " ")
            try #require(words.count == 3 && words[0] == "vigie" && words[1] == "check", "\(id): `\(e.example)` is not `vigie check PATH`")
            return RuleSetLoader.load(path: dir.appendingPathComponent(String(words[2])).path).diagnostics
        }
    }

    @Test(arguments: ErrorCatalog.entries.keys.sorted())
    func everyCatalogExampleGivesItsID(_ id: String) throws {
        let e = try #require(ErrorCatalog.entries[id])
        #expect(!e.fix.isEmpty && !e.example.isEmpty)
        let ds = try Self.diagnostics(of: id, e)
        #expect(ds.contains { $0.id == id }, "\(id): its example\n\(e.example)\ngives\n\(rendered(ds))")
        let text = try #require(ErrorCatalog.explain(id))
        #expect(text.hasPrefix("\(id): \(e.title)\n\n\(e.explanation)\n\nExample"), "\(text)")
        #expect(text.contains("\n    " + e.example.split(separator: "\n")[0]) && text.hasSuffix("Fix: \(e.fix)\n"), "\(text)")
    }
}
