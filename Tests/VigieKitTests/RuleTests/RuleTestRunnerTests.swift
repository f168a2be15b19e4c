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

/// `vigie test` itself: pass, fail, todo, coverage, JSON-lines tests, examples.
struct RuleTestRunnerTests {
    static let rules = """
        lang fr
        template merci { fr: "Merci {author.name|à vous} !" }
        rule insulte {
          when text has any ["naze", "idiot"]
          then hide "insulte", flag moderation
          examples {
            match "t'es qu'un idiot"
            no match "idiotie"
          }
        }
        rule compliment { when text has "bravo" then reply merci, tag positif }
        rule jamais { when text has "xyzzy" then escalate crise severity high }

        test "un compliment reçoit un merci" {
          given { text: "Bravo pour la livraison", author: { name: "Julie" } }
          expect reply merci, tag positif
        }
        test "une insulte est cachée" {
          given { text: "Quel naze" }
          expect hide "insulte" by insulte, flag moderation, not reply
        }
        test "attendu mais faux" {
          given { text: "Bravo" }
          expect hide
        }
        test "lacune connue" todo {
          given { text: "n@ze" }
          expect nothing
        }
        """

    func report(_ source: String, extra: [RuleTestCase] = []) throws -> RuleTestReport {
        let rs = RuleSetLoader.build(sources: [SourceFile(path: "t.vigie", text: source)], root: ".")
        let program = try #require(Compiler.compile(rs))
        let (cases, diags) = RuleTestDiscovery.discover(rs)
        #expect(diags.isEmpty)
        return RuleTestRunner.run(program, cases + extra)
    }

    @Test func passFailTodoAndCoverage() throws {
        let r = try report(Self.rules)
        #expect(r.passed == 4)  // two tests + two examples
        #expect(r.failed == 1)
        #expect(r.todo == 1)
        let failure = try #require(r.results.first { $0.status == .failed })
        #expect(failure.test.name == "attendu mais faux")
        #expect(failure.problems.contains("- hide"))
        #expect(failure.problems.contains { $0.hasPrefix("+ reply merci") })
        #expect(!failure.trace.isEmpty)
        #expect(r.unexercised == ["jamais"])
        #expect(r.neverAsserted == ["escalate crise"])
        let text = TestReportRenderer.text(r)
        #expect(text.hasSuffix("4 passed, 1 failed, 1 todo\n"))
        #expect(text.contains("FAIL t.vigie:"))
    }

    @Test func filterRunsSomeTests() throws {
        let rs = RuleSetLoader.build(sources: [SourceFile(path: "t.vigie", text: Self.rules)], root: ".")
        let program = try #require(Compiler.compile(rs))
        let r = RuleTestRunner.run(program, RuleTestDiscovery.discover(rs).0, filter: "compliment")
        #expect(r.results.count == 1)
        #expect(r.passed == 1)
    }

    @Test func examplesThatDoNotHoldFail() throws {
        let r = try report("""
            rule r {
              when text has "idiot"
              then hide
              examples {
                match "idiotie"
                no match "quel idiot"
              }
            }
            """)
        #expect(r.failed == 2)
    }

    @Test func jsonLinesTestFilesNextToTheRules() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-jsonl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.rules.write(to: dir.appendingPathComponent("r.vigie"), atomically: true, encoding: .utf8)
        try """
            {"name": "jsonl ok", "comment": {"text": "quel idiot"}, "expect": "hide, flag moderation"}
            {"name": "jsonl fail", "comment": {"text": "bravo"}, "expect": "nothing"}
            {"name": "jsonl todo", "comment": {"text": "bravo"}, "expect": "nothing", "todo": true}
            """.write(to: dir.appendingPathComponent("more.tests.jsonl"), atomically: true, encoding: .utf8)
        let rs = RuleSetLoader.load(path: dir.path)
        let program = try #require(Compiler.compile(rs))
        let (cases, diags) = RuleTestDiscovery.discover(rs)
        #expect(diags.isEmpty)
        let r = RuleTestRunner.run(program, cases.filter { $0.kind == .jsonl })
        #expect(r.results.map(\.status) == [.passed, .failed, .todo])
    }

    @Test func badJSONLinesTestIsADiagnostic() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-jsonl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "rule r { when text has \"x\" then hide }\n".write(to: dir.appendingPathComponent("r.vigie"), atomically: true, encoding: .utf8)
        try "{\"comment\": {\"text\": \"x\"}, \"expect\": \"hid\"}\n".write(to: dir.appendingPathComponent("a.tests.jsonl"), atomically: true, encoding: .utf8)
        let (_, diags) = RuleTestDiscovery.discover(RuleSetLoader.load(path: dir.path))
        #expect(diags.map(\.id) == ["E016"])
    }
}

/// `vigie test` end to end: exit codes, the closing line, coverage threshold, JSON output.
struct VigieTestCommandTests {
    func folder(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-testcmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    static let passing = """
        rule r { when text has "x" then hide }
        rule s { when text has "y" then flag q }
        test "x is hidden" {
          given { text: "x" }
          expect hide
        }
        """

    @Test func exitCodesAndClosingLine() throws {
        let ok = try folder(["a.vigie": Self.passing])
        let failing = try folder(["a.vigie": Self.passing + "\ntest \"wrong\" {\n  given { text: \"y\" }\n  expect hide\n}\n"])
        let broken = try folder(["a.vigie": "rule r { when text has then hide }"])
        defer { for d in [ok, failing, broken] { try? FileManager.default.removeItem(at: d) } }

        let r0 = try CLI.run(["test", ok.path])
        #expect(r0.status == 0)
        #expect(r0.out.hasSuffix("1 passed, 0 failed\n"))
        #expect(r0.out.contains("rules no test exercises: s"))

        let r1 = try CLI.run(["test", failing.path])
        #expect(r1.status == 1)
        #expect(r1.out.contains("FAIL \(failing.path)/a.vigie:"))
        #expect(r1.out.contains("- hide"))
        #expect(r1.out.hasSuffix("1 passed, 1 failed\n"))

        #expect(try CLI.run(["test", broken.path]).status == 2)
        #expect(try CLI.run(["test", ok.path, "--coverage-min", "100"]).status == 1)
        #expect(try CLI.run(["test", ok.path, "--coverage-min", "50"]).status == 0)

        let json = try CLI.run(["test", failing.path, "--format", "json"])
        let doc = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        #expect(doc?["failed"] as? Int == 1)
        #expect((doc?["coverage"] as? [String: Any])?["unexercised"] as? [String] == [])
    }
}
