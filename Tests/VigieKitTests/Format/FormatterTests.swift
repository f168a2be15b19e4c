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

/// `vigie fmt`: golden files, idempotence, meaning and comments kept, the lexer's comment
/// tokens, unknown syntax, the unified diff and the command line.
@Suite struct FormatterTests {
    /// `Tests/VigieKitTests/Fixtures/fmt`: `NAME.input.vigie` formats to `NAME.expected.vigie`.
    static let goldenFolder = Paths.fixtures.appendingPathComponent("fmt")

    /// The golden cases, by name.
    static let goldenNames: [String] = Paths.files(under: goldenFolder, suffix: ".input.vigie").map {
        String($0.lastPathComponent.dropLast(".input.vigie".count))
    }

    /// Every rule file the formatter must handle: `Rules/`, `examples/`, `Grammar/examples/` and the golden
    /// inputs and outputs. Paths relative to the package root.
    static let corpus: [String] = {
        let root = Paths.packageRoot
        let urls =
            Paths.files(under: root.appendingPathComponent("Rules"), suffix: ".vigie")
            + Paths.files(under: root.appendingPathComponent("examples"), suffix: ".vigie")
            + Paths.files(under: root.appendingPathComponent("Grammar/examples"), suffix: ".vigie")
            + Paths.files(under: goldenFolder, suffix: ".vigie")
        return urls.map { String($0.path.dropFirst(root.path.count + 1)) }
    }()

    static func read(_ relativePath: String) throws -> String {
        try String(contentsOf: Paths.packageRoot.appendingPathComponent(relativePath), encoding: .utf8)
    }

    static func format(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        do {
            return try RuleFormatter.format(text, path: "test.vigie")
        } catch {
            Issue.record("format failed: \(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// A diff for failure messages.
    static func explain(_ expected: String, _ actual: String) -> String {
        UnifiedDiff.make(from: expected, to: actual, oldName: "expected", newName: "actual")
    }

    // MARK: - Golden files

    @Test(arguments: goldenNames)
    func golden(_ name: String) throws {
        let input = try Self.read("Tests/VigieKitTests/Fixtures/fmt/\(name).input.vigie")
        let expected = try Self.read("Tests/VigieKitTests/Fixtures/fmt/\(name).expected.vigie")
        let actual = try Self.format(input)
        #expect(actual == expected, "\(name):\n\(Self.explain(expected, actual))")
        #expect(try Self.format(expected) == expected, "\(name).expected.vigie is not formatted")
    }

    /// The examples of `Grammar/FORMAT.md` (its `vigie` blocks) and of ``RuleFormatter``'s
    /// documentation are formatted.
    @Test func documentedExamplesAreFormatted() throws {
        let guide = try Self.read("Grammar/FORMAT.md")
        let blocks = guide.components(separatedBy: "```vigie\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(!blocks.isEmpty)
        for example in blocks {
            let formattedExample = try Self.format(example)
            #expect(formattedExample == example, "\(Self.explain(example, formattedExample))")
        }

        let source = try Self.read("Sources/VigieFormat/Formatter.swift")
        let doc = source.components(separatedBy: "/// ```\n")[1]
        let code =
            doc.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
                $0.hasPrefix("/// ") ? String($0.dropFirst(4)) : String($0.dropFirst(3))
            }.joined(separator: "\n") + "\n"
        let formattedCode = try Self.format(code)
        #expect(formattedCode == code, "\(Self.explain(code, formattedCode))")
    }

    @Test func goldenCasesExist() {
        #expect(Self.goldenNames.count >= 4)
        #expect(Self.corpus.contains { $0.hasPrefix("Rules/") })
    }

    // MARK: - Properties over every rule file

    @Test(arguments: corpus)
    func idempotent(_ path: String) throws {
        let once = try Self.format(try Self.read(path))
        let twice = try Self.format(once)
        #expect(twice == once, "\(path) changes when formatted twice:\n\(Self.explain(once, twice))")
    }

    @Test(arguments: corpus)
    func meaningKept(_ path: String) throws {
        let original = try Self.read(path)
        let formatted = try Self.format(original)
        let (before, _) = Parser.parse(SourceFile(path: path, text: original))
        let (after, errors) = Parser.parse(SourceFile(path: path, text: formatted))
        #expect(errors.isEmpty, "\(rendered(errors))")
        #expect(SyntaxFingerprint.of(after) == SyntaxFingerprint.of(before), "\(path): the syntax tree changed")
    }

    @Test(arguments: corpus)
    func commentsKept(_ path: String) throws {
        let original = try Self.read(path)
        let formatted = try Self.format(original)
        let before = SourceTokens(file: SourceFile(path: path, text: original)).comments.map(\.text)
        let after = SourceTokens(file: SourceFile(path: path, text: formatted)).comments.map(\.text)
        #expect(after.count == before.count)
        #expect(after == before)
    }

    /// The safety net, used if the canonical layout ever changed a file's meaning, keeps meaning
    /// and comments too, and is idempotent.
    @Test(arguments: corpus)
    func fallbackLayoutIsSafe(_ path: String) throws {
        let file = SourceFile(path: path, text: try Self.read(path))
        let (tree, _) = Parser.parse(file)
        let once = RuleFormatter.layout(SourceTokens(file: file), tree: tree, fallbackOnly: true)
        let onceFile = SourceFile(path: path, text: once)
        let (after, errors) = Parser.parse(onceFile)
        #expect(errors.isEmpty, "\(rendered(errors))")
        #expect(SyntaxFingerprint.of(after) == SyntaxFingerprint.of(tree))
        #expect(SourceTokens(file: onceFile).comments.map(\.text) == SourceTokens(file: file).comments.map(\.text))
        #expect(RuleFormatter.layout(SourceTokens(file: onceFile), tree: after, fallbackOnly: true) == once)
    }

    /// Every file re-spaced at random (any white space between tokens) and with comments added
    /// between random tokens still formats to a file with the same meaning and the same
    /// comments, and formatting it again changes nothing.
    @Test(arguments: corpus)
    func anyLayoutFormatsSafely(_ path: String) throws {
        let original = SourceFile(path: path, text: try Self.read(path))
        let (tree, _) = Parser.parse(original)
        for seed in 1...6 {
            let variant = Self.respaced(original, seed: UInt64(seed), comments: seed > 3)
            let comments = SourceTokens(file: SourceFile(path: path, text: variant)).comments.map(\.text)
            let formatted = try Self.format(variant)
            let file = SourceFile(path: path, text: variant)
            let structured = RuleFormatter.layout(SourceTokens(file: file), tree: Parser.parse(file).0)
            #expect(formatted == structured, "seed \(seed): the canonical layout was unsafe; the fallback was used")
            let (after, errors) = Parser.parse(SourceFile(path: path, text: formatted))
            #expect(errors.isEmpty, "seed \(seed):\n\(rendered(errors))")
            #expect(SyntaxFingerprint.of(after) == SyntaxFingerprint.of(tree), "seed \(seed): the syntax tree changed")
            #expect(SourceTokens(file: SourceFile(path: path, text: formatted)).comments.map(\.text) == comments)
            let again = try Self.format(formatted)
            #expect(again == formatted, "seed \(seed): not idempotent:\n\(Self.explain(formatted, again))")
        }
    }

    /// The file's tokens joined by random white space (a line break after each comment), with
    /// more comments between random tokens when `comments` is set.
    static func respaced(_ file: SourceFile, seed: UInt64, comments: Bool) -> String {
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        func random(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var lexer = Lexer(file: file, keepComments: true)
        let separators = [" ", " ", " ", "\n", "\n  ", "\t", "   ", "\n\n", "\n\n\n"]
        var out = ""
        for (k, t) in lexer.tokenize().enumerated() where t.kind != .eof {
            out += file.text(t.span)
            if t.kind == .comment {
                out += "\n"
            } else if comments, random(5) == 0 {
                out += random(2) == 0 ? "  # added \(k)\n" : "\n# added \(k)\n"
            } else {
                out += separators[random(separators.count)]
            }
        }
        return out
    }

    // MARK: - Layout details

    @Test(arguments: [
        ("", ""),
        ("   \n\n  \t\n", ""),
        ("# only a comment", "# only a comment\n"),
        ("\u{FEFF}lang fr", "lang fr\n"),
        ("lang fr\r\nlist a = [\"x\"]   # note  \r\n", "lang fr\nlist a = [\"x\"]  # note\n"),
        ("rule a { when x == 1 then tag t }", "rule a {\n  when x == 1\n  then tag t\n}\n"),
        ("rule a{when x==1\n\n\nthen tag t}", "rule a {\n  when x == 1\n\n  then tag t\n}\n"),
        ("list a = [\"x\",]", "list a = [\"x\"]\n"),
        (
            "test \"t\" { given { text: \"x\" author: {} } expect nothing }",
            "test \"t\" {\n  given { text: \"x\", author: {} }\n  expect nothing\n}\n"
        ),
        ("rule a { when text matches  /a b\\/c[/]/ix then tag t }", "rule a {\n  when text matches /a b\\/c[/]/ix\n  then tag t\n}\n"),
        (
            "rule a { when x >= 10_000 and y < 1.50 and z < 90m and c > 70% then tag t }",
            "rule a {\n  when x >= 10_000 and y < 1.50 and z < 90m and c > 70%\n  then tag t\n}\n"
        ),
        ("template t { fr: \"a \\\"b\\\" \\{c\\} \\\\ \\n\", en: \"x\" }", "template t {\n  fr: \"a \\\"b\\\" \\{c\\} \\\\ \\n\"\n  en: \"x\"\n}\n"),
    ])
    func layout(_ input: String, _ expected: String) throws {
        let actual = try Self.format(input)
        #expect(actual == expected, "\(Self.explain(expected, actual))")
    }

    @Test func rulesAreSeparatedByOneBlankLineAndListsStayStacked() throws {
        let input =
            "lang fr\nlist a = [\"x\"]\nlist bb = [\"y\"]\n\n\n\nlist c = [\"z\"]\nrule r { when rule r2 then tag t }\nrule r2 { when true then tag u }\n"
        let expected = """
            lang fr
            list a  = ["x"]
            list bb = ["y"]

            list c = ["z"]

            rule r {
              when rule r2
              then tag t
            }

            rule r2 {
              when true
              then tag u
            }

            """
        #expect(try Self.format(input) == expected)
    }

    @Test func linesFitInTheWidthWhenTheyCan() throws {
        for path in Self.corpus {
            let formatted = try Self.format(try Self.read(path))
            for line in formatted.split(separator: "\n") where line.count > RuleFormatter.lineWidth {
                // Only a line holding one long string or regex may be wider.
                let file = SourceFile(path: path, text: String(line))
                var lexer = Lexer(file: file, keepComments: true)
                let longest = lexer.tokenize().map { $0.span.end - $0.span.start }.max() ?? 0
                #expect(line.utf8.count - longest < RuleFormatter.lineWidth, "\(path): `\(line)` could be broken")
            }
        }
    }

    // MARK: - Errors

    @Test func brokenFilesAreNotFormatted() throws {
        #expect {
            try RuleFormatter.format("rule a { when text has then hide }\nlist b = [\"x\"", path: "broken.vigie")
        } throws: { error in
            guard case FormatError.syntax(let ds) = error else { return false }
            return !ds.isEmpty && ds.allSatisfy { $0.severity == .error && $0.id.hasPrefix("E0") }
        }
        #expect(throws: FormatError.self) { try RuleFormatter.format("rule a { when x ! 1 then hide }") }
        #expect(throws: FormatError.self) { try RuleFormatter.format("list a = [\"open") }
    }

    // MARK: - Syntax fingerprints

    @Test(arguments: [
        ("rule a { when x == 1 and y == 2 then tag t }", "rule a { when x == 1 or y == 2 then tag t }"),
        ("rule a { when x == 1 then tag t }", "rule a { when x == 2 then tag t }"),
        ("rule a { when text has \"é\" then tag t }", "rule a { when text has \"e\" then tag t }"),
        ("rule a { when text matches /a/i then tag t }", "rule a { when text matches /a/ then tag t }"),
        ("rule a { when (a == 1 or b == 1) and c == 1 then tag t }", "rule a { when a == 1 or b == 1 and c == 1 then tag t }"),
        ("list a = [\"x\", \"y\"]", "list a = [\"y\", \"x\"]"),
        ("test \"t\" { given { text: \"x\" } expect hide }", "test \"t\" { given { text: \"x\" } expect not hide }"),
    ])
    func fingerprintsSeeMeaning(_ a: String, _ b: String) {
        let fa = SyntaxFingerprint.of(Parser.parse(SourceFile(path: "a", text: a)).0)
        let fb = SyntaxFingerprint.of(Parser.parse(SourceFile(path: "b", text: b)).0)
        #expect(fa != fb)
    }

    @Test func fingerprintsIgnorePositions() {
        let a = "rule a { when text matches /x/ and n == 10_000 then hide \"r\" }"
        let b = "# c\n\n\nrule   a\n{\n  when text matches /x/\n   and n == 10000\n  then hide \"r\"\n}\n"
        let fa = SyntaxFingerprint.of(Parser.parse(SourceFile(path: "a", text: a)).0)
        let fb = SyntaxFingerprint.of(Parser.parse(SourceFile(path: "b", text: b)).0)
        #expect(fa == fb)
    }

    // MARK: - Lexer comments

    @Test(arguments: corpus)
    func keepingCommentsChangesNoOtherToken(_ path: String) throws {
        let file = SourceFile(path: path, text: try Self.read(path))
        var plain = Lexer(file: file)
        var keeping = Lexer(file: file, keepComments: true)
        let a = plain.tokenize()
        let b = keeping.tokenize().filter { $0.kind != .comment }
        #expect(a.map(\.kind) == b.map(\.kind))
        #expect(a.map(\.span) == b.map(\.span))
        #expect(a.map(\.startsLine) == b.map(\.startsLine))
        #expect(plain.diagnostics.count == keeping.diagnostics.count)
    }

    @Test func commentTokens() {
        let text = "# head\nrule a { # after brace\n  when text matches # before regex\n /x/ then tag t }  # tail \t\r\n#end"
        var lexer = Lexer(file: SourceFile(path: "c", text: text), keepComments: true)
        let comments = lexer.tokenize().filter { $0.kind == .comment }
        #expect(comments.map(\.text) == ["# head", "# after brace", "# before regex", "# tail", "#end"])
        #expect(comments.map(\.startsLine) == [true, false, false, false, true])
        #expect(lexer.diagnostics.isEmpty)
        var plain = Lexer(file: SourceFile(path: "c", text: text))
        #expect(!plain.tokenize().contains { $0.kind == .comment })
    }

    // MARK: - Unknown syntax

    /// Syntax the parser does not know yet is printed token for token, comments kept.
    @Test(arguments: [
        "rule a { when count(rule b, window 15m by author, weird thing) >= 30 and frob(x) between 1 : 3 then escalate c severity high once per 1h, glorp x y z }",
        "rule a priority 3 unknown_option { when x == 1 unless y == 2 then tag t }",
        "policy p { limit: 3 window 1h # comment\n  actions [a, b] }\nlist a = [\"x\"]",
        "test \"t\" { given { text: \"x\" } expect hide within 3 comments expect reply t cooldown 24h }",
        "rule a { when x == 1 then tag t examples { match \"a\" lang fr no match \"b\" } }",
    ])
    func unknownSyntaxKeepsEveryToken(_ text: String) {
        let file = SourceFile(path: "u", text: text)
        let output = Self.layout(file)
        let formatted = SourceFile(path: "u", text: output)
        func tokens(_ f: SourceFile) -> [String] {
            var lexer = Lexer(file: f, keepComments: true)
            return lexer.tokenize().map { f.text($0.span) }
        }
        #expect(tokens(formatted) == tokens(file), "\(output)")
        #expect(Self.layout(formatted) == output, "not idempotent:\n\(output)")
    }

    /// The layout of a file the parser may reject (no syntax tree hints, no safety check).
    static func layout(_ file: SourceFile) -> String {
        RuleFormatter.layout(SourceTokens(file: file), tree: nil)
    }

    // MARK: - Unified diff

    @Test func unifiedDiff() {
        let old = (1...12).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var lines = (1...12).map { "line \($0)" }
        lines[1] = "LINE 2"
        lines.insert("new", at: 10)
        let new = lines.joined(separator: "\n")
        let expected = """
            --- f.vigie
            +++ f.vigie
            @@ -1,5 +1,5 @@
             line 1
            -line 2
            +LINE 2
             line 3
             line 4
             line 5
            @@ -8,5 +8,6 @@
             line 8
             line 9
             line 10
            +new
             line 11
            -line 12
            +line 12
            \\ No newline at end of file

            """
        #expect(UnifiedDiff.make(from: old, to: new, oldName: "f.vigie", newName: "f.vigie") == expected)
        #expect(UnifiedDiff.make(from: old, to: old, oldName: "f", newName: "f") == "")
        #expect(UnifiedDiff.make(from: "", to: "a\n", oldName: "f", newName: "f") == "--- f\n+++ f\n@@ -0,0 +1 @@\n+a\n")
    }

    // MARK: - Command line

    /// A temporary folder with the given files.
    static func folder(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-fmt-\(UUID().uuidString)")
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    static let unformatted = "rule a { when x == 1 then tag t }\n"
    static let formatted = "rule a {\n  when x == 1\n  then tag t\n}\n"

    @Test func checkPrintsADiffAndExits1() throws {
        let dir = try Self.folder(["sub/a.vigie": Self.unformatted, "b.vigie": Self.formatted, "notes.txt": "not rules"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("sub/a.vigie").path
        let r = try CLI.run(["fmt", "--check", dir.path])
        #expect(r.status == 1)
        let expected = """
            --- \(path)\t(original)
            +++ \(path)\t(formatted)
            @@ -1 +1,4 @@
            -rule a { when x == 1 then tag t }
            +rule a {
            +  when x == 1
            +  then tag t
            +}

            """
        #expect(r.out == expected)
        #expect(r.err.contains("1 file is not formatted"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.unformatted)
    }

    @Test func checkIsQuietOnFormattedFiles() throws {
        let dir = try Self.folder(["a.vigie": Self.formatted])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["fmt", "--check", dir.appendingPathComponent("a.vigie").path])
        #expect(r.status == 0)
        #expect(r.out.isEmpty)
        #expect(r.err.isEmpty)
    }

    @Test func fmtRewritesOnlyChangedFiles() throws {
        let dir = try Self.folder(["a.vigie": Self.unformatted, "b.vigie": Self.formatted])
        defer { try? FileManager.default.removeItem(at: dir) }
        let b = dir.appendingPathComponent("b.vigie")
        let past = Date(timeIntervalSince1970: 1_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: b.path)
        let r = try CLI.run(["fmt", dir.path])
        #expect(r.status == 0)
        #expect(r.out.isEmpty)
        #expect(try String(contentsOf: dir.appendingPathComponent("a.vigie"), encoding: .utf8) == Self.formatted)
        let modified = try FileManager.default.attributesOfItem(atPath: b.path)[.modificationDate] as? Date
        #expect(modified == past)
        #expect(try CLI.run(["fmt", "--check", dir.path]).status == 0)
    }

    @Test func brokenFilesAreLeftAloneAndExit2() throws {
        let broken = "rule a { when text has then hide }\n"
        let dir = try Self.folder(["broken.vigie": broken, "ok.vigie": Self.unformatted])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["fmt", dir.path])
        #expect(r.status == 2)
        #expect(r.err.contains("broken.vigie:1:"))
        #expect(r.err.contains("error[E0"))
        #expect(try String(contentsOf: dir.appendingPathComponent("broken.vigie"), encoding: .utf8) == broken)
        #expect(try String(contentsOf: dir.appendingPathComponent("ok.vigie"), encoding: .utf8) == Self.formatted)
        #expect(try CLI.run(["fmt", "--check", dir.path]).status == 2)
    }

    @Test func missingPathIsAUsageError() throws {
        let r = try CLI.run(["fmt", "--check", "/nonexistent/rules-\(UUID().uuidString)"])
        #expect(r.status == 2)
        #expect(r.err.contains("E044"))
    }
}
