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

/// One test per bug found and fixed, named after what went wrong.
struct RegressionTests {
    func ids(_ source: String) -> [String] {
        RuleSetLoader.build(sources: [SourceFile(path: "r.vigie", text: source)], root: ".").diagnostics.map(\.id)
    }

    func decide(_ rules: String, _ lines: [String], textField: String = "text") throws -> [Decision] {
        let program = try #require(Compiler.compile(RuleSetLoader.build(sources: [SourceFile(path: "r.vigie", text: rules)], root: ".")))
        let ev = Evaluator(program: program, textField: textField)
        return try lines.map { line in
            guard case .decision(let d) = ev.evaluate(line: Array(line.utf8)) else { throw CancellationError() }
            return d
        }
    }

    @Test func emptyTemplateVariantIsAnErrorNotACrash() {
        #expect(ids(#"template t { fr: [] } rule r { when text has "x" then reply t }"#).contains("E051"))
    }

    @Test func textOperatorOnALiteralIsAnError() {
        #expect(ids(#"rule r { when "abc" has "x" then hide }"#).contains("E052"))
    }

    @Test func nearInsideCountIsAnError() {
        #expect(ids(#"rule r { when count(text has "a" near "b" within 2 words) > 1 then hide }"#).contains("E017"))
    }

    @Test func fractionalPriorityIsAnError() {
        #expect(ids(#"rule r priority 2.5 { when text has "x" then hide }"#).contains("E045"))
    }

    @Test func windowOverARuleThatUsesAWindowIsAnError() {
        let src = """
            rule a { when count(true, window 1m) > 2 then flag q }
            rule b { when count(rule a, window 1h) > 2 then flag q }
            """
        #expect(ids(src).contains("E049"))
    }

    @Test func expectClausesOnSeveralLinesParse() throws {
        let src = """
            template t { fr: "ok" }
            rule r { when text has "colis" then reply t, tag sav }
            test "deux expect" {
              given { text: "colis" }
              expect reply
              expect tag sav
            }
            """
        let rs = RuleSetLoader.build(sources: [SourceFile(path: "r.vigie", text: src)], root: ".")
        #expect(!rs.hasErrors)
        let program = try #require(Compiler.compile(rs))
        let r = RuleTestRunner.run(program, RuleTestDiscovery.discover(rs).0)
        #expect(r.passed == 1)
    }

    @Test func trailingWordsAfterNothingAreAnError() {
        let parsed = Parser.parseExpectations(SourceFile(path: "x", text: "nothing hide"))
        #expect(parsed.diagnostics.map(\.id) == ["E010"])
    }

    @Test func textFieldOptionAppliesToComparisons() throws {
        let d = try decide(#"rule r { when text == "bonjour" then flag q }"#, [#"{"body": "Bonjour", "text": "autre"}"#], textField: "body")
        #expect(d[0].has(.flag))
    }

    @Test func exactRulesMatchOtherFields() throws {
        let d = try decide(#"rule r exact { when author.name has "cool" then flag q }"#, [#"{"text": "x", "author": {"name": "so cool"}}"#])
        #expect(d[0].has(.flag))
    }

    @Test func regexPrefilterFollowsTheRuleSetStages() throws {
        let d = try decide("normalize except repeats\nrule r { when text matches /cool/ then flag q }", [#"{"text": "so cool"}"#])
        #expect(d[0].has(.flag))
    }

    @Test func lateCommentInsideACooldownIsNotNegative() throws {
        let rules = """
            template t { fr: "ok" }
            rule r { when text has "colis" then reply t cooldown 1h per author }
            """
        let d = try decide(rules, [
            #"{"text": "colis", "author": {"id": "a"}, "timestamp": "2026-01-01T10:02:00Z"}"#,
            #"{"text": "colis", "author": {"id": "a"}, "timestamp": "2026-01-01T10:00:00Z"}"#,
        ])
        #expect(d[0].has(.reply))
        #expect(!d[1].has(.reply))
        #expect(d[1].dropped.first?.why.contains("-") == false)
    }

    @Test func jsonLinesTestsAreNotDiscoveredForASingleFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-single-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.vigie")
        try "rule r { when text has \"x\" then hide }\n".write(to: file, atomically: true, encoding: .utf8)
        try "{\"comment\": {\"text\": \"x\"}, \"expect\": \"nothing\"}\n".write(to: dir.appendingPathComponent("a.tests.jsonl"), atomically: true, encoding: .utf8)
        #expect(RuleTestDiscovery.discover(RuleSetLoader.load(path: file.path)).0.isEmpty)
        #expect(RuleTestDiscovery.discover(RuleSetLoader.load(path: dir.path)).0.count == 1)
    }
}

/// `{match}` renders what the author wrote where the rule matched, safely.
struct MatchPlaceholderTests {
    @Test(arguments: [
        (#"text has any ["arnaque", "escroquerie"]"#, "C'est une ARNAQUE totale", "ARNAQUE"),
        (#"text matches /\bcode\s+promo\b/i"#, "un Code  Promo svp", "Code  Promo"),
        (#"text has "nul" and author.name exists"#, "vraiment nuuuul", "nuuuul"),
    ])
    func matchPlaceholder(_ c: (String, String, String)) throws {
        let rules = """
            template t { fr: "Vous avez écrit « {match|?} »." }
            rule r { when \(c.0) then reply t }
            """
        let program = try #require(Compiler.compile(RuleSetLoader.build(sources: [SourceFile(path: "r.vigie", text: rules)], root: ".")))
        var w = JSONWriter()
        w.beginObject(); w.key("text"); w.string(c.1); w.key("lang"); w.string("fr")
        w.key("author"); w.beginObject(); w.key("name"); w.string("x"); w.endObject(); w.endObject()
        guard case .decision(let d) = Evaluator(program: program).evaluate(line: w.bytes) else {
            Issue.record("not evaluated")
            return
        }
        #expect(d.actions.first?.text == "Vous avez écrit « \(c.2) ».")
    }
}

/// A command line that does not parse is a usage error: exit 2, as documented (not 64).
@Test func unknownOptionExitsWithTwo() throws {
    let r = try CLI.run(["run", "--no-such-option"])
    #expect(r.status == 2)
    #expect(r.err.contains("Unknown option"))
}

/// `vigie bench --repeat N` runs each end-to-end measurement N times and reports the fastest,
/// saying how many runs it took; a count below one is a usage error.
@Test func benchRepeatsItsRunsAndSaysSo() throws {
    let r = try CLI.run(["bench", "--comments", "300", "--sizes", "100", "--sample", "50", "--repeat", "2", "--format", "json"])
    #expect(r.status == 0, "\(r.err)")
    let json = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
    let row = try #require((json["rows"] as? [[String: Any]])?.first)
    #expect(row["runs"] as? Int == 2)
    #expect(row["comments"] as? Int == 300)
    let text = try CLI.run(["bench", "--comments", "300", "--sizes", "100", "--sample", "50", "--repeat", "2"])
    #expect(text.out.contains("(fastest of 2 runs)"))
    let bad = try CLI.run(["bench", "--repeat", "0"])
    #expect(bad.status == 2)
    #expect(bad.err.contains("--repeat must be at least 1"))
}
