import Foundation
import Testing

@testable import VigieCore
@testable import VigieLint

/// Issue 21 (items 4 and 5) through the binary: a README given as rules, diagnostics in reading
/// order, `explain-error` with an example and a fix, and lint ids.
struct FirstHourDiagnosticsCLITests {
    static let readme = Paths.packageRoot.appendingPathComponent("README.md").path

    @Test(arguments: [["check", readme], ["run", "--rules", readme], ["test", readme]])
    func aREADMEGivenAsRulesIsOneError(_ args: [String]) throws {
        let r = try CLI.run(args, stdin: Data(#"{"text":"x"}"#.utf8 + [0x0A]))
        #expect(r.status == 2, "\(r.err)")
        #expect(r.err.contains("error[E043]: `\(Self.readme)` is not a rule file: rule files end in `.vigie`"), "\(r.err)")
        #expect(r.err.contains("1 error found"), "\(r.err)")
        #expect(r.out.isEmpty, "\(r.out)")
    }

    @Test func checkPrintsDiagnosticsInFileAndLineOrder() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "rule a1 { when text has any insultes then hide }\nrule a2 { when text hass \"x\" then hide }\n".write(to: dir.appendingPathComponent("a.vigie"), atomically: true, encoding: .utf8)
        try "rule b1 { when text has \"y\" then hid }\n".write(to: dir.appendingPathComponent("b.vigie"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["check", dir.path])
        let headers = r.err.split(separator: "\n").filter { $0.contains(": error[") }.map { String($0.dropFirst(dir.path.count + 1).prefix { $0 != " " }) }
        #expect(headers == ["a.vigie:1:29:", "a.vigie:2:21:", "b.vigie:1:34:"], "\(r.err)")
    }

    @Test func explainErrorGivesWhatWhyExampleAndFix() throws {
        let r = try CLI.run(["explain-error", "E038"])
        #expect(r.status == 0)
        #expect(r.out.hasPrefix("E038: type mismatch\n\n"), "\(r.out)")
        #expect(r.out.contains("\nExample (a rule file that gives E038):\n\n    rule r { when author.age < \"récent\" then flag review }\n\nFix: "), "\(r.out)")
        let lower = try CLI.run(["explain-error", "w006"])
        #expect(lower.status == 0 && lower.out.hasPrefix("W006: unknown placeholder field\n"), "\(lower.out)")
    }

    @Test(arguments: ["rule/untested", "template/unknown-placeholder", "regex/empty-match"])
    func explainErrorOfALintIDPrintsItsLintExplanation(_ id: String) throws {
        let r = try CLI.run(["explain-error", id])
        let lint = try CLI.run(["lint", "--explain", id])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == lint.out && !r.out.isEmpty, "\(r.out)")
        #expect(r.out.hasPrefix("\(id) ("), "\(r.out)")
    }

    @Test(arguments: [("E31", "did you mean `E031`?"), ("rule/untestd", "did you mean `rule/untested`?"), ("nope", "ids look like E031, W002 or rule/untested")])
    func explainErrorOfAnUnknownIDSuggests(_ id: String, _ expected: String) throws {
        let r = try CLI.run(["explain-error", id])
        #expect(r.status == 2)
        #expect(r.err.contains(expected), "\(r.err)")
    }
}
