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

/// A negative rule file (or folder of rule files) under `Fixtures/errors/`, with what it expects
/// written in its leading comment lines:
///
///     # expect: E031 E030          error ids, as a multiset (required, first line; may be empty)
///     # warn: W001                  warning ids that must be among the warnings
///     # at: E031 10:34              a diagnostic with this id at line:column of this file
///     # help: did you mean          text that some diagnostic's help must contain
///     # known-issue: why            a known engine bug: the checks run under withKnownIssue
struct ErrorFixture: Sendable, CustomTestStringConvertible {
    struct At: Sendable {
        var file: String
        var id: String
        var position: String
    }

    var path: String
    var name: String
    var expect: [String]?
    var warn: [String] = []
    var at: [At] = []
    var help: [String] = []
    var knownIssue: String?

    var testDescription: String { name }

    static let folder = Paths.fixtures.appendingPathComponent("errors")

    static func all() -> [ErrorFixture] {
        let fm = FileManager.default
        let entries = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
        var out: [ErrorFixture] = []
        for e in entries.sorted() {
            let url = folder.appendingPathComponent(e)
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
                var f = ErrorFixture(path: url.path, name: e + "/")
                for file in Paths.files(under: url, suffix: ".vigie") { f.read(file) }
                out.append(f)
            } else if e.hasSuffix(".vigie") {
                var f = ErrorFixture(path: url.path, name: e)
                f.read(url)
                out.append(f)
            }
        }
        return out
    }

    mutating func read(_ url: URL) {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("#") else { break }
            let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
            func words(after key: String) -> [String] { body.dropFirst(key.count).split(separator: " ").map(String.init) }
            if body.hasPrefix("expect:") {
                expect = (expect ?? []) + words(after: "expect:")
            } else if body.hasPrefix("warn:") {
                warn += words(after: "warn:")
            } else if body.hasPrefix("at:") {
                let w = words(after: "at:")
                if w.count == 2 { at.append(At(file: url.lastPathComponent, id: w[0], position: w[1])) }
            } else if body.hasPrefix("help:") {
                help.append(body.dropFirst("help:".count).trimmingCharacters(in: .whitespaces))
            } else if body.hasPrefix("known-issue:") {
                knownIssue = body.dropFirst("known-issue:".count).trimmingCharacters(in: .whitespaces)
            }
        }
    }
}

@Test(arguments: ErrorFixture.all())
func errorFixtureGivesItsExpectedDiagnostics(_ f: ErrorFixture) throws {
    let expected = try #require(f.expect, "\(f.name) has no `# expect:` line")
    let rs = RuleSetLoader.load(path: f.path)
    let errors = rs.diagnostics.filter { $0.severity == .error }
    let warnings = rs.diagnostics.filter { $0.severity == .warning }
    let check = {
        #expect(errors.map(\.id).sorted() == expected.sorted(), "\(f.name):\n\(rendered(rs.diagnostics))")
        for w in f.warn {
            #expect(warnings.contains { $0.id == w }, "\(f.name): no warning \(w) in:\n\(rendered(rs.diagnostics))")
        }
        for a in f.at {
            let found = rs.diagnostics.contains { d in
                d.id == a.id && position(d) == a.position && (d.file?.path.hasSuffix("/" + a.file) ?? false)
            }
            #expect(found, "\(f.name): no \(a.id) at \(a.file):\(a.position) in:\n\(rendered(rs.diagnostics))")
        }
        for h in f.help {
            #expect(rs.diagnostics.contains { $0.help?.contains(h) == true }, "\(f.name): no help containing `\(h)` in:\n\(rendered(rs.diagnostics))")
        }
        // Every error inside a file is rendered with its location, its source line and carets.
        for d in errors where d.file != nil {
            let text = DiagnosticRenderer.text(d)
            let pos = try #require(position(d))
            #expect(text.hasPrefix("\(d.file!.path):\(pos): error[\(d.id)]: "), "\(text)")
            let lineNo = Int(pos.split(separator: ":")[0])!
            #expect(text.contains("\(lineNo) | \(d.file!.lineText(lineNo))"), "\(text)")
            #expect(text.contains("^"), "\(text)")
        }
        // A rule set with errors never compiles; one without does.
        #expect((Compiler.compile(rs) == nil) == !expected.isEmpty)
    }
    if let k = f.knownIssue {
        withKnownIssue(Comment(rawValue: k)) { try check() }
    } else {
        try check()
    }
}

@Test func errorFixturesCoverEverySemanticError() {
    let all = ErrorFixture.all()
    #expect(all.count >= 10, "fixtures missing from \(ErrorFixture.folder.path)")
    let covered = Set(all.flatMap { $0.expect ?? [] })
    for id in ["E030", "E031", "E032", "E033", "E034", "E035", "E036", "E037", "E038", "E039", "E040", "E041"] {
        #expect(covered.contains(id), "no fixture in Fixtures/errors expects \(id)")
    }
}

@Test func unknownNamesSuggestTheClosestName() throws {
    let rs = buildRuleSet(
        """
        list insultes = ["a"]
        rule insulte { when text has any insultez then hide }
        rule r { when rule insulet then hide }
        rule s { when rule zzzzzzzz then hide }
        """)
    let d = rs.diagnostics.filter { $0.severity == .error }
    #expect(d.map(\.id) == ["E031", "E030", "E030"], "\(rendered(d))")
    #expect(d[0].help == "did you mean `insultes`?")
    #expect(d[1].help == "did you mean `insulte`?")
    // Nothing close: no made-up suggestion, but the names that exist.
    #expect(d[2].help?.contains("did you mean") == false)
    #expect(d[2].help?.contains("insulte") == true)
}

@Test func duplicateNamePointsAtBothDeclarations() throws {
    let rs = RuleSetLoader.load(path: ErrorFixture.folder.appendingPathComponent("duplicate-across-files").path)
    let d = try #require(rs.diagnostics.first { $0.id == "E033" }, "\(rendered(rs.diagnostics))")
    #expect(d.file?.path.hasSuffix("/b.vigie") == true)
    let first = try #require(d.labels.first)
    #expect(first.file.path.hasSuffix("/a.vigie"))
    let (l, c) = first.file.location(of: first.span.start)
    #expect("\(l):\(c)" == "2:6")
    #expect(DiagnosticRenderer.text(d).contains("a.vigie:2:6"))
}

@Test func cycleDiagnosticNamesTheCycle() throws {
    let rs = buildRuleSet(
        """
        rule a { when rule b then tag a }
        rule b { when rule c then tag b }
        rule c { when rule a then tag c }
        """)
    let cycles = rs.diagnostics.filter { $0.id == "E034" }
    #expect(cycles.count == 1, "one cycle, one diagnostic:\n\(rendered(rs.diagnostics))")
    let note = try #require(cycles.first?.notes.first)
    #expect(note == "cycle: a → b → c → a")
}

// MARK: - Loading from disk

/// A fresh temporary folder.
func temporaryFolder() throws -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}

@Test func missingPathIsE044() {
    let rs = RuleSetLoader.load(path: "/nonexistent/vigie/rules")
    #expect(ids(rs.diagnostics) == ["E044"])
}

@Test func folderWithoutRuleFilesIsE043() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    try "not rules".write(to: dir.appendingPathComponent("readme.txt"), atomically: true, encoding: .utf8)
    let rs = RuleSetLoader.load(path: dir.path)
    #expect(ids(rs.diagnostics) == ["E043"])
}

@Test func symbolicLinkOutOfTheRulesFolderIsE035() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rules = dir.appendingPathComponent("rules")
    try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
    try "secret\n".write(to: dir.appendingPathComponent("outside.txt"), atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(at: rules.appendingPathComponent("link.txt"), withDestinationURL: dir.appendingPathComponent("outside.txt"))
    try "list l = file \"link.txt\"\nrule r { when text has any l then hide }\n".write(to: rules.appendingPathComponent("r.vigie"), atomically: true, encoding: .utf8)
    let rs = RuleSetLoader.load(path: rules.path)
    #expect(ids(rs.diagnostics) == ["E035"], "\(rendered(rs.diagnostics))")
}

@Test func listFilesAreReadRelativeToTheirRuleFileWithCommentsAndCRLF() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sub = dir.appendingPathComponent("fr/lists")
    try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
    try "# insultes\r\nconnard\r\n  abruti  # commentaire\r\n\r\n\tpas reçu\r\n# fin".write(to: sub.appendingPathComponent("l.txt"), atomically: true, encoding: .utf8)
    try "list l = file \"lists/l.txt\"\nrule r { when text has any l then hide }\n".write(to: dir.appendingPathComponent("fr/r.vigie"), atomically: true, encoding: .utf8)
    let rs = RuleSetLoader.load(path: dir.path)
    #expect(rs.diagnostics.isEmpty, "\(rendered(rs.diagnostics))")
    #expect(rs.lists["l"]?.terms == ["connard", "abruti", "pas reçu"])
    let program = try #require(Compiler.compile(rs))
    #expect(try decide(program, comment("Quel ABRUTI")).has(.hide))
    #expect(try !decide(program, comment("bonjour")).has(.hide))
}

@Test func ruleFilesWithCRLFAndByteOrderMarkLoad() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = "\u{FEFF}lang fr\r\nrule r {\r\n  when text has \"colis\"\r\n  then tag sav\r\n}\r\n"
    try text.write(to: dir.appendingPathComponent("r.vigie"), atomically: true, encoding: .utf8)
    let rs = RuleSetLoader.load(path: dir.path)
    #expect(rs.diagnostics.isEmpty, "\(rendered(rs.diagnostics))")
    let program = try #require(Compiler.compile(rs))
    #expect(try decide(program, comment("mon colis")).tags == ["sav"])
}
