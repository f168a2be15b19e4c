import Foundation
import Testing

@testable import VigieCore
@testable import VigieText
@testable import VigieRegex
@testable import VigieLanguage
@testable import VigieEngine
@testable import VigieRuleTests
@testable import VigieLint
@testable import VigieFormat
@testable import VigieImport
@testable import VigieReport
@testable import VigieBench

/// One example of one lint rule, run as a test.
struct LintExampleCase: Sendable, CustomTestStringConvertible {
    var ruleID: String
    var index: Int
    var triggering: Bool
    var example: LintExample

    var testDescription: String { "\(ruleID) \(triggering ? "reports" : "accepts") example \(index + 1)" }

    static let all: [LintExampleCase] = LintRegistry.descriptions.flatMap { d in
        d.triggeringExamples.enumerated().map { LintExampleCase(ruleID: d.id, index: $0.offset, triggering: true, example: $0.element) }
            + d.nonTriggeringExamples.enumerated().map { LintExampleCase(ruleID: d.id, index: $0.offset, triggering: false, example: $0.element) }
    }
}

/// Lints rule-file text given in memory.
func lintText(_ text: String, requireTests: Bool = false, configuration: LintConfiguration = LintConfiguration()) -> (RuleSet, [Diagnostic]) {
    let rs = RuleSetLoader.build(sources: [SourceFile(path: "/virtual/rules.vigie", text: text)], root: "/virtual")
    return (rs, Linter.lint(rs, options: LintOptions(configuration: configuration, requireTests: requireTests)))
}

/// Where lint fixtures are, and golden-file comparison.
enum LintFixtures {
    static let folder = Paths.fixtures.appendingPathComponent("lint")

    /// Whether golden files are rewritten instead of compared (`VIGIE_UPDATE_GOLDEN=1`).
    static let updating = ProcessInfo.processInfo.environment["VIGIE_UPDATE_GOLDEN"] == "1"

    /// Compares `actual` with the golden file at `url`, or writes it when updating or missing.
    static func compare(_ actual: String, golden url: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if updating || !FileManager.default.fileExists(atPath: url.path) {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if expected != actual {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let line = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
            Issue.record(
                """
                \(url.lastPathComponent) differs from the output at line \(line + 1) (run with VIGIE_UPDATE_GOLDEN=1 to accept the new output):
                expected: \(line < e.count ? String(e[line]) : "<end>")
                actual:   \(line < a.count ? String(a[line]) : "<end>")
                """, sourceLocation: sourceLocation)
        }
    }

    /// The findings of a fixture rule set, paths relative to the fixture folder.
    static func lint(_ name: String) -> [Diagnostic] {
        let rs = RuleSetLoader.load(path: folder.appendingPathComponent(name).path)
        let config = (try? LintConfiguration.find(root: rs.root)) ?? LintConfiguration()
        return Reporters.relativize(Linter.lint(rs, options: LintOptions(configuration: config)), to: folder.path)
    }

    static let context = ReportContext(toolVersion: "0.0.0-test")
}

@Suite("Lint")
struct LintTests {
    // MARK: - Rules and their examples

    @Test("every lint rule reports its triggering examples, where marked, and accepts the others", arguments: LintExampleCase.all)
    func ruleExample(_ c: LintExampleCase) throws {
        let (text, markers) = c.example.stripped
        let (rs, all) = lintText(text, requireTests: c.example.requireTests)
        let errors = rs.diagnostics.filter { $0.severity == .error }
        #expect(errors.isEmpty, "the example does not compile:\n\(rendered(errors))")
        let findings = all.filter { $0.id == c.ruleID }
        if c.triggering {
            #expect(!markers.isEmpty, "a triggering example marks where each finding points with ↓")
            #expect(!findings.isEmpty, "expected \(c.ruleID) on:\n\(text)\ngot:\n\(rendered(all))")
            #expect(findings.compactMap { $0.span?.start }.sorted() == markers.sorted(), "findings at other places than the ↓ marks:\n\(rendered(findings))")
            let expectedSeverity: Severity = c.example.requireTests ? .warning : LintRegistry.description(for: c.ruleID)!.severity
            #expect(findings.allSatisfy { $0.severity == expectedSeverity })
        } else {
            #expect(findings.isEmpty, "expected no \(c.ruleID) on:\n\(text)\ngot:\n\(rendered(findings))")
        }
    }

    @Test("lint rules have unique ids, one-line summaries, explanations and examples of both kinds", arguments: LintRegistry.descriptions.map(\.id))
    func ruleMetadata(_ id: String) throws {
        let d = try #require(LintRegistry.description(for: id))
        #expect(LintRegistry.descriptions.filter { $0.id == id }.count == 1)
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        #expect(
            parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { c in ("a"..."z").contains(c) || c == "-" } },
            "ids are category/name in lower case")
        #expect(!d.summary.isEmpty && !d.summary.contains("\n"))
        #expect(d.explanation.count > 200)
        #expect(!d.triggeringExamples.isEmpty && !d.nonTriggeringExamples.isEmpty)
    }

    @Test("the rules the issue asks for are all registered")
    func requiredRules() {
        let ids = Set(LintRegistry.descriptions.map(\.id))
        for id in [
            "regex/catastrophic-backtracking", "regex/empty-match", "regex/no-literal", "term/never-matches", "term/short-substring",
            "list/duplicate-term", "list/unused", "template/unused", "template/unknown-placeholder", "template/missing-language", "rule/hide-and-reply",
            "rule/shadowed-by-allow", "rule/untested", "lint/unused-suppression",
        ] {
            #expect(ids.contains(id), "\(id) is missing")
        }
    }

    @Test("the bundled packs and the example shop have no lint warning or error", arguments: ["Rules", "examples/shop"])
    func bundledRules(folder: String) {
        let rs = RuleSetLoader.load(path: Paths.packageRoot.appendingPathComponent(folder).path)
        let findings = Linter.lint(rs)
        let serious = findings.filter { $0.severity != .info }
        #expect(serious.isEmpty, "\(rendered(serious))")
    }

    // MARK: - Compile errors

    @Test(
        "compile errors are reported unchanged, next to lint findings",
        arguments: [
            ("rule r { when rule insultes then hide }\nrule insulte { when text has \"x\" then hide }", "E030"),
            ("rule r { when text has any insultes then hide }", "E031"),
            ("rule r { when text has \"x\" then reply excuses }", "E032"),
            ("rule r { when text matches /a(b/ then hide }", "E036"),
            ("rule a { when rule b then hide }\nrule b { when rule a then hide }", "E034"),
        ])
    func compileErrors(_ text: String, _ id: String) {
        let (rs, findings) = lintText(text)
        let compile = rs.diagnostics.filter { $0.severity == .error }
        #expect(compile.contains { $0.id == id })
        for d in compile {
            #expect(findings.contains { $0.id == d.id && $0.message == d.message && $0.span == d.span && $0.help == d.help && $0.severity == .error })
        }
    }

    @Test("checker warnings W002 and W003 are reported once, under their lint ids")
    func replacedWarnings() {
        let (rs, findings) = lintText(
            """
            lang fr, en
            template t { fr: "Désolés." }
            rule r { when text has "nul" then hide, reply t }
            """)
        #expect(rs.diagnostics.contains { $0.id == "W002" } && rs.diagnostics.contains { $0.id == "W003" })
        #expect(!findings.contains { $0.id == "W002" || $0.id == "W003" })
        #expect(findings.filter { $0.id == "template/missing-language" }.count == 1)
        #expect(findings.filter { $0.id == "rule/hide-and-reply" }.count == 1)
    }

    // MARK: - Regex analysis

    @Test(
        "backtracking risks found by the regex analysis",
        arguments: [
            ("(a+)+", true), ("(a*)*", true), ("(\\w+\\s?)+$", true), ("(\\d+,?)+x", true), ("(.*,)+x", true),
            ("(a|aa)+b", true), ("(\\w|\\d)+;", true), ("(.|\\s)*x", true), ("\\w+\\w+x", true),
            ("(\\s+\\w+)+", false), ("(a+b)+", false), ("([a-z]+\\.)+com", false), ("(?:ab|a)*c", false), ("(?>a+)+b", false),
            ("a++b", false), ("\\bporter\\s+plainte\\b", false), ("[a-z]+@[a-z]+\\.com", false), ("\\w+\\w+", false),
        ])
    func backtracking(_ pattern: String, _ risky: Bool) throws {
        let tree = try #require(RegexTree.parse(pattern, flags: ""))
        #expect((tree.backtrackingRisk(Array(pattern.utf8)) != nil) == risky)
    }

    @Test(
        "patterns the analysis reports as exponential do hit PCRE2's match limit",
        arguments: [
            ("^(a+)+$", String(repeating: "a", count: 40) + "!"),
            ("^(\\w+\\s?)+$", String(repeating: "abc ", count: 15) + "!"),
            ("^(a|aa)+$", String(repeating: "a", count: 60) + "!"),
        ])
    func exponentialForReal(_ pattern: String, _ text: String) throws {
        let tree = try #require(RegexTree.parse(pattern, flags: ""))
        #expect(tree.backtrackingRisk(Array(pattern.utf8))?.isExponential == true)
        let re = try Regex(pattern)
        let bytes = Array(text.utf8)
        let r = bytes.withUnsafeBufferPointer { re.firstMatch(in: $0, scratch: RegexScratch(matchLimit: 100_000)) }
        #expect(r == .limitExceeded(.steps))
    }

    @Test(
        "patterns that can never match",
        arguments: [
            ("a\\bb", true), ("x^y", true), ("fin$ de", true), ("[^\\s\\S]", true), ("(?!)", true), ("a\\B ", true), ("ab\\z.", true),
            ("a\\b", false), ("^a", false), ("(?m)a$\\n^b", false), ("a$\\n", false), ("(x^y)?z", false), ("a\\b b", false), ("\\bchat\\b", false),
        ])
    func impossible(_ pattern: String, _ never: Bool) throws {
        let tree = try #require(RegexTree.parse(pattern, flags: ""))
        #expect((tree.impossibility() != nil) == never)
    }

    @Test(
        "the regex parser accepts PCRE2 syntax",
        arguments: [
            "\\bporter\\s+plainte\\b", "(?<name>a)\\k<name>", "(?P<x>a)(?P=x)", "(?i:abc)(?-i)d", "[[:alpha:]\\d_-]+", "\\p{L}+\\P{Lu}",
            "\\x{1F600}|\\x41", "\\Qa.b\\E+", "(?#comment)a", "(?=a)(?!b)(?<=c)(?<!d)", "(?>a|b)", "a{2,}b{,3}c{4}", "(*UTF)a", "(?R)?", "(?(1)a|b)",
            "[]a]", "[^]a]", "[a\\]]", "\\/", "é+ñ?", "a*?b+?c??", "\\1", "\\g{-1}", "\\cA", "\\o{101}", "\\012",
        ])
    func parserCoverage(_ pattern: String) {
        #expect(RegexTree.parse(pattern, flags: "") != nil, "/\(pattern)/ is not parsed")
    }

    @Test("the regex analysis survives any pattern PCRE2 accepts")
    func regexFuzz() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        let pieces = [
            "a", "b", "é", "\\w", "\\d", "\\s", "\\b", "\\B", ".", "^", "$", "(", ")", "(?:", "(?=", "(?!", "(?>", "(?i)", "|", "*", "+", "?",
            "{2}", "{1,3}", "{2,}", "*?", "++", "[a-z]", "[^\\s]", "[[:alpha:]]", "\\p{L}", "\\1", "\\Q.\\E", "\\x41", "-", "]", "{", "\\",
        ]
        var analysed = 0
        var compiled = 0
        var unparsed: [String] = []
        for _ in 0..<3000 {
            let pattern = (0..<(1 + next() % 10)).map { _ in pieces[next() % pieces.count] }.joined()
            for flags in ["", "x", "m"] {
                guard (try? Regex(pattern, flags: flags)) != nil else { continue }
                compiled += 1
                guard let tree = RegexTree.parse(pattern, flags: flags) else {
                    unparsed.append("/\(pattern)/\(flags)")
                    continue
                }
                analysed += 1
                _ = tree.backtrackingRisk(Array(pattern.utf8))
                _ = tree.impossibility()
                _ = tree.nullable(lookaroundIsEmpty: false)
                _ = tree.first
                _ = tree.last
            }
        }
        #expect(analysed > 1000)
        #expect(unparsed.count * 100 <= compiled, "patterns PCRE2 accepts but the analysis does not parse: \(unparsed.prefix(20))")
    }

    @Test(
        "what the analysis says can never match, PCRE2 never matches",
        arguments: [
            ("a\\bb", ["ab", "a b", "aab"]), ("x^y", ["xy", "x\ny"]), ("fin$ de", ["fin de", "fin\n de"]), ("a\\B ", ["a ", "a  "]),
        ])
    func impossibleForReal(_ pattern: String, _ texts: [String]) throws {
        let re = try Regex(pattern)
        for t in texts {
            let bytes = Array(t.utf8)
            #expect(bytes.withUnsafeBufferPointer { re.firstMatch(in: $0, scratch: RegexScratch()) } == .noMatch, "/\(pattern)/ on \(t)")
        }
    }

    @Test("the x flag ignores spaces and comments")
    func extendedFlag() throws {
        let tree = try #require(RegexTree.parse("( a + ) +  # nested", flags: "x"))
        #expect(tree.backtrackingRisk(Array("( a + ) +  # nested".utf8)) != nil)
    }

    // MARK: - Suppression

    @Test("a suppression on the line above silences one finding, and is not reported")
    func suppressionSilences() {
        let (_, findings) = lintText(
            """
            # vigie:ignore list/unused -- kept for the next campaign
            list retard = ["pas reçu"]
            rule r { when text has "colis" then tag sav }
            """)
        #expect(!findings.contains { $0.id == "list/unused" || $0.id == "lint/unused-suppression" }, "\(rendered(findings))")
    }

    static let placements: [(String, [String])] = [
        ("# vigie:ignore list/unused -- a\n# another comment\nlist retard = [\"pas reçu\"]\nrule r { when text has \"colis\" then tag sav }", []),
        (
            "# vigie:ignore list/unused, template/unused -- both\nlist retard = [\"pas reçu\"] template t { fr: \"x\" }\nrule r { when text has \"colis\" then tag sav }",
            []
        ),
        (
            "# vigie:ignore template/unused -- wrong id\nlist retard = [\"pas reçu\"]\nrule r { when text has \"colis\" then tag sav }",
            ["list/unused", "lint/unused-suppression"]
        ),
        (
            "# vigie:ignore list/unused -- too far\n\nlist retard = [\"pas reçu\"]\nrule r { when text has \"colis\" then tag sav }",
            ["list/unused", "lint/unused-suppression"]
        ),
        ("# vigie:ignore list/unused -- one list\nlist a = [\"x\"]\nlist b = [\"y\"]\nrule r { when text has \"colis\" then tag sav }", ["list/unused"]),
        ("# vigie:ignore\nlist a = [\"x\"]\nrule r { when text has any a then tag sav }", ["lint/unused-suppression"]),
        ("# vigie:ignore E031 -- cannot\nrule r { when text has any a then tag sav }", ["E031", "lint/unused-suppression"]),
        ("# vigie:ignore W001 -- custom field\nrule r { when author.nmae == \"x\" then tag sav }", []),
    ]

    @Test("a suppression applies to the next line that is not a comment, and silences only its id", arguments: placements)
    func suppressionPlacement(_ text: String, _ expected: [String]) {
        let (_, findings) = lintText(text)
        let ids = findings.filter { $0.severity != .info }.map(\.id)
        #expect(ids.sorted() == expected.sorted(), "\(rendered(findings))")
    }

    @Test("an unknown id in a suppression is reported with a suggestion")
    func suppressionUnknownID() throws {
        let (_, findings) = lintText("# vigie:ignore list/unsued -- typo\nlist a = [\"x\"]\nrule r { when text has \"y\" then tag t }")
        let f = try #require(findings.first { $0.id == "lint/unused-suppression" })
        #expect(f.help == "did you mean `list/unused`?")
        #expect(position(f) == "1:16")
    }

    @Test("suppressions of a rule turned off are not reported as unused")
    func suppressionOfDisabledRule() {
        let config = LintConfiguration(levels: ["list/unused": .off])
        let (_, findings) = lintText("# vigie:ignore list/unused -- x\nlist a = [\"x\"]\nrule r { when text has any a then tag t }", configuration: config)
        #expect(!findings.contains { $0.id == "lint/unused-suppression" })
    }

    @Test("suppression comments in list files work, and the scanner finds them")
    func suppressionScan() {
        let file = SourceFile(
            path: "x.txt", text: "colis\n  # vigie:ignore list/duplicate-term, term/short-substring -- ok\r\n# plain comment\nColis\n# vigie:ignore-file x\n")
        let s = Suppression.scan(file)
        #expect(s.count == 1)
        #expect(s.first?.entries.map(\.id) == ["list/duplicate-term", "term/short-substring"])
        #expect(s.first?.reason == "ok")
        #expect(s.first?.targetLine == 4)
        let findings = LintFixtures.lint("pack")
        #expect(!findings.contains { $0.file?.path.hasSuffix("mots.txt") == true && $0.id == "list/duplicate-term" && position($0) == "5:1" })
    }

    // MARK: - Configuration

    static let configurations: [(String, String, Severity?)] = [
        (#"{"rules": {"list/unused": "error"}}"#, "list/unused", .error),
        (#"{"rules": {"list/unused": "off"}}"#, "list/unused", nil),
        (#"{"rules": {"rule/untested": "warning"}}"#, "rule/untested", .warning),
        (#"{"rules": {"W003": "info"}}"#, "rule/hide-and-reply", .info),
        (#"{"rules": {"W001": "off"}}"#, "W001", nil),
        (#"{}"#, "list/unused", .warning),
    ]

    @Test("the configuration sets severities, turns rules off and accepts checker ids", arguments: configurations)
    func configuration(_ json: String, _ id: String, _ severity: Severity?) throws {
        let config = try LintConfiguration.parse(Data(json.utf8))
        let (_, findings) = lintText(
            """
            list a = ["x"]
            template t { fr: "y" }
            rule r { when text has "nul" and author.nmae == "z" then hide, reply t }
            """, configuration: config)
        let matching = findings.filter { $0.id == id }
        if let severity {
            #expect(!matching.isEmpty && matching.allSatisfy { $0.severity == severity }, "\(rendered(findings))")
        } else {
            #expect(matching.isEmpty, "\(rendered(matching))")
        }
    }

    @Test(
        "configuration errors say what to fix",
        arguments: [
            (#"{"rules": {"list/unsued": "off"}}"#, "did you mean `list/unused`?"),
            (#"{"rules": {"list/unused": "loud"}}"#, "must be \"off\", \"info\", \"warning\" or \"error\""),
            (#"{"rules": {"E031": "off"}}"#, "is a compile error and cannot be configured"),
            (#"{"rule": {}}"#, "unknown key `rule`"),
            (#"["list/unused"]"#, "must hold a JSON object"),
            (#"{"rules": ["list/unused"]}"#, "must be an object"),
            (#"{"rules": "#, "is not valid JSON"),
        ])
    func configurationErrors(_ json: String, _ message: String) {
        #expect {
            try LintConfiguration.parse(Data(json.utf8))
        } throws: { error in
            (error as? LintConfiguration.Error)?.message.contains(message) == true
        }
    }

    @Test("the configuration file at the rules root is found and applied")
    func configurationFile() throws {
        let root = LintFixtures.folder.appendingPathComponent("pack").path
        let config = try LintConfiguration.find(root: root)
        #expect(config.levels["template/unused"] == .off)
        #expect(config.levels["rule/untested"] == .warning)
        let findings = LintFixtures.lint("pack")
        #expect(!findings.contains { $0.id == "template/unused" })
        #expect(findings.contains { $0.id == "rule/untested" && $0.severity == .warning })
        #expect(findings.contains { $0.id == "list/duplicate-term" && $0.severity == .warning })
    }

    @Test("--require-tests makes rule/untested a warning even when configured off")
    func requireTests() {
        let config = LintConfiguration(levels: ["rule/untested": .off])
        let (_, off) = lintText("rule r { when text has \"x\" then hide }", configuration: config)
        #expect(!off.contains { $0.id == "rule/untested" })
        let (_, required) = lintText("rule r { when text has \"x\" then hide }", requireTests: true, configuration: config)
        #expect(required.contains { $0.id == "rule/untested" && $0.severity == .warning })
    }

    // MARK: - Reporters

    @Test(
        "reporters match their golden files",
        arguments: [("pack", "text"), ("pack", "json"), ("pack", "sarif"), ("pack", "github"), ("broken", "text"), ("broken", "sarif")])
    func golden(_ fixture: String, _ format: String) throws {
        let reporter = try #require(Reporters.reporter(named: format))
        let output = reporter.report(LintFixtures.lint(fixture), context: LintFixtures.context)
        let ext = format == "text" ? "txt" : format
        try LintFixtures.compare(output, golden: LintFixtures.folder.appendingPathComponent("\(fixture).\(ext)"))
    }

    @Test("the golden pack exercises most rules")
    func goldenCoverage() {
        let ids = Set(LintFixtures.lint("pack").map(\.id))
        #expect(ids.count >= 10, "\(ids.sorted())")
    }

    @Test("SARIF output has the SARIF 2.1.0 structure", arguments: ["pack", "broken"])
    func sarifStructure(_ fixture: String) throws {
        let findings = LintFixtures.lint(fixture)
        let text = SARIFReporter.report(findings, context: LintFixtures.context)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect((log["$schema"] as? String)?.hasPrefix("https://") == true)
        #expect(log["version"] as? String == "2.1.0")
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let run = runs[0]
        #expect(run["columnKind"] as? String == "unicodeCodePoints")
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "vigie")
        let uri = try #require(driver["informationUri"] as? String)
        #expect(URL(string: uri)?.scheme == "https")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let levels: Set<String> = ["none", "note", "warning", "error"]
        var ruleIDs: [String] = []
        for r in rules {
            let id = try #require(r["id"] as? String)
            ruleIDs.append(id)
            #expect((r["shortDescription"] as? [String: Any])?["text"] is String, "\(id)")
            #expect((r["fullDescription"] as? [String: Any])?["text"] is String, "\(id)")
            #expect(levels.contains((r["defaultConfiguration"] as? [String: Any])?["level"] as? String ?? ""), "\(id)")
            #expect((r["help"] as? [String: Any])?["text"] is String, "\(id)")
        }
        #expect(Set(ruleIDs).count == ruleIDs.count, "rule ids are unique")
        #expect(Set(LintRegistry.descriptions.map(\.id)).isSubset(of: Set(ruleIDs)))
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == findings.count)
        for (res, f) in zip(results, findings) {
            let id = try #require(res["ruleId"] as? String)
            #expect(id == f.id)
            let index = try #require(res["ruleIndex"] as? Int)
            #expect(ruleIDs.indices.contains(index) && ruleIDs[index] == id)
            #expect(levels.contains(res["level"] as? String ?? ""))
            #expect(((res["message"] as? [String: Any])?["text"] as? String)?.hasPrefix(f.message) == true)
            for key in ["locations", "relatedLocations"] {
                for loc in res[key] as? [[String: Any]] ?? [] {
                    let physical = try #require(loc["physicalLocation"] as? [String: Any])
                    let artifact = try #require((physical["artifactLocation"] as? [String: Any])?["uri"] as? String)
                    #expect(!artifact.isEmpty && !artifact.hasPrefix("/"))
                    let region = try #require(physical["region"] as? [String: Any])
                    let (sl, sc, el, ec) = try (
                        #require(region["startLine"] as? Int), #require(region["startColumn"] as? Int),
                        #require(region["endLine"] as? Int), #require(region["endColumn"] as? Int)
                    )
                    #expect(sl >= 1 && sc >= 1 && el >= sl && ec >= 1 && (el > sl || ec >= sc))
                }
            }
            #expect(f.file == nil || (res["locations"] as? [Any])?.count == 1)
        }
    }

    @Test("JSON output follows Grammar/diagnostics.schema.json", arguments: ["pack", "broken"])
    func jsonSchema(_ fixture: String) throws {
        let schema = try SchemaCheck.diagnosticsSchema()
        let output = JSONReporter.report(LintFixtures.lint(fixture), context: LintFixtures.context)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        try SchemaCheck.validate(doc, against: schema, root: schema, path: "$")
    }

    @Test(
        "the diagnostics schema rejects documents that break it",
        arguments: [
            #"{"version":1,"diagnostics":[]}"#,
            #"{"version":1,"tool":{"name":"vigie","version":"1"},"columnUnit":"unicodeScalar","summary":{"error":0,"warning":0,"info":0},"findings":[{"id":"E1","source":"compiler","severity":"error","message":"m"}]}"#,
            #"{"version":1,"tool":{"name":"vigie","version":"1"},"columnUnit":"unicodeScalar","summary":{"error":1,"warning":0,"info":0},"findings":[{"id":"E031","source":"compiler","severity":"error","message":"m","line":2}]}"#,
            #"{"version":1,"tool":{"name":"vigie","version":"1"},"columnUnit":"unicodeScalar","summary":{"error":1,"warning":0,"info":0},"findings":[{"id":"E031","source":"compiler","severity":"error","message":"m","notes":[]}]}"#,
        ])
    func jsonSchemaRejects(_ text: String) throws {
        let schema = try SchemaCheck.diagnosticsSchema()
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(throws: SchemaCheck.Failure.self) { try SchemaCheck.validate(doc, against: schema, root: schema, path: "$") }
    }

    @Test("GitHub annotations escape what workflow commands need")
    func githubEscaping() {
        let file = SourceFile(path: "a,b:c.vigie", text: "rule r\n")
        let d = Diagnostic("list/unused", .info, "50% done\nnext", file: file, span: Span(5, 6), help: "x")
        let out = GitHubReporter.report([d], context: LintFixtures.context)
        #expect(out == "::notice file=a%2Cb%3Ac.vigie,line=1,col=6,endLine=1,endColumn=7,title=list/unused::50%25 done%0Anext%0Ahelp: x\n")
    }

    @Test("columns count Unicode scalars in every format")
    func columnsAreScalars() {
        let file = SourceFile(path: "é.vigie", text: "list é = [\"ça\"]\n")
        let d = Diagnostic("list/unused", .warning, "m", file: file, span: Span(5, 7))  // `é`, two bytes
        #expect(JSONReporter.report([d], context: LintFixtures.context).contains("\"line\":1,\"column\":6,\"endLine\":1,\"endColumn\":7"))
        #expect(SARIFReporter.report([d], context: LintFixtures.context).contains("\"startColumn\":6,\"endLine\":1,\"endColumn\":7"))
        #expect(GitHubReporter.report([d], context: LintFixtures.context).contains("col=6,endLine=1,endColumn=7"))
    }

    // MARK: - Documentation and command line

    @Test("Grammar/LINT.md is generated from the registry")
    func lintDocumentation() throws {
        try LintFixtures.compare(LintDocumentation.markdown(), golden: Paths.packageRoot.appendingPathComponent("Grammar/LINT.md"))
    }

    static let invocations: [([String], Int32)] = [
        (["lint", "examples/shop"], 0),
        (["lint", "examples/shop", "--fail-level", "info"], 0),
        (["lint", "Tests/VigieKitTests/Fixtures/lint/pack", "--fail-level", "info"], 1),
        (["lint", "Tests/VigieKitTests/Fixtures/lint/broken"], 2),
        (["lint", "Tests/VigieKitTests/Fixtures/lint/pack", "--fail-level", "error"], 0),
        (["lint", "Tests/VigieKitTests/Fixtures/lint/pack", "--fail-level", "warning"], 1),
        (["lint", "no/such/folder"], 2),
        (["lint", "Rules", "--format", "xml"], 2),
        (["lint", "Rules", "--fail-level", "loud"], 2),
        (["lint", "--explain", "regex/no-literal"], 0),
        (["lint", "--explain", "E031"], 0),
        (["lint", "--explain", "regex/no-literl"], 2),
        (["lint", "--list"], 0),
        (["lint", "Rules", "--config", "no/such/config.json"], 2),
    ]

    @Test("vigie lint exit codes", arguments: invocations)
    func exitCodes(_ args: [String], _ status: Int32) throws {
        let r = try CLI.run(args.map { $0.hasPrefix("Rules") || $0.hasPrefix("Tests/") ? Paths.packageRoot.appendingPathComponent($0).path : $0 })
        #expect(r.status == status, "stdout:\n\(r.out)\nstderr:\n\(r.err)")
    }

    @Test("vigie lint --explain prints the rule's explanation and examples")
    func explainOutput() throws {
        let r = try CLI.run(["lint", "--explain", "term/short-substring"])
        #expect(r.out.hasPrefix("term/short-substring (warning by default)\n"))
        #expect(r.out.contains("Reported (↓ marks where the finding points):"))
        #expect(r.out.contains("Not reported:"))
    }

    @Test("vigie lint writes machine formats to standard output, parseable as they are", arguments: ["json", "sarif"])
    func machineOutput(_ format: String) throws {
        let r = try CLI.run(["lint", Paths.packageRoot.appendingPathComponent("Tests/VigieKitTests/Fixtures/lint/pack").path, "--format", format])
        #expect((try? JSONSerialization.jsonObject(with: r.stdout)) != nil, "\(r.out)")
        #expect(r.err.isEmpty)
    }
}

/// A small JSON Schema checker, enough for the keywords `Grammar/diagnostics.schema.json` uses:
/// type, required, properties, additionalProperties, items, minItems, enum, const, pattern,
/// minimum, dependentRequired, $ref, $defs.
enum SchemaCheck {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `Grammar/diagnostics.schema.json`, the one schema of `check` and `lint` JSON output.
    static func diagnosticsSchema() throws -> [String: Any] {
        let url = Paths.packageRoot.appendingPathComponent("Grammar/diagnostics.schema.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func validate(_ value: Any, against schema: [String: Any], root: [String: Any], path: String) throws {
        if let ref = schema["$ref"] as? String {
            let name = String(ref.split(separator: "/").last ?? "")
            guard let target = (root["$defs"] as? [String: Any])?[name] as? [String: Any] else { throw Failure(description: "\(path): unknown $ref \(ref)") }
            return try validate(value, against: target, root: root, path: path)
        }
        if let type = schema["type"] as? String {
            let ok: Bool
            switch type {
            case "object": ok = value is [String: Any]
            case "array": ok = value is [Any]
            case "string": ok = value is String
            case "integer": ok = value is Int
            case "boolean": ok = value is Bool
            default: ok = true
            }
            guard ok else { throw Failure(description: "\(path): expected \(type), found \(value)") }
        }
        if let values = schema["enum"] as? [String] {
            guard let s = value as? String, values.contains(s) else { throw Failure(description: "\(path): \(value) is not one of \(values)") }
        }
        if let c = schema["const"] {
            guard "\(c)" == "\(value)" else { throw Failure(description: "\(path): expected \(c), found \(value)") }
        }
        if let minimum = schema["minimum"] as? Int, let n = value as? Int, n < minimum {
            throw Failure(description: "\(path): \(n) is below \(minimum)")
        }
        if let pattern = schema["pattern"] as? String, let s = value as? String,
            s.range(of: pattern, options: .regularExpression) == nil
        {
            throw Failure(description: "\(path): \(s) does not match \(pattern)")
        }
        if let minItems = schema["minItems"] as? Int, let a = value as? [Any], a.count < minItems {
            throw Failure(description: "\(path): \(a.count) items, fewer than \(minItems)")
        }
        if let dependent = schema["dependentRequired"] as? [String: [String]], let object = value as? [String: Any] {
            for (key, needed) in dependent where object[key] != nil {
                for n in needed where object[n] == nil {
                    throw Failure(description: "\(path): `\(key)` without `\(n)`")
                }
            }
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                throw Failure(description: "\(path): missing required `\(key)`")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, v) in object {
                if let p = properties[key] as? [String: Any] {
                    try validate(v, against: p, root: root, path: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    throw Failure(description: "\(path): unexpected member `\(key)`")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, v) in array.enumerated() { try validate(v, against: items, root: root, path: "\(path)[\(i)]") }
        }
    }
}
