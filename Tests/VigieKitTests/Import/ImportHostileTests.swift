import Foundation
import Testing

@testable import VigieCore
@testable import VigieLanguage
@testable import VigieImport

/// `vigie import automoderator` on hostile files (issue 26): deep nesting and alias bombs are
/// refused before anything is built from them, and a mapping with many keys is read in linear
/// time. The limits are in Grammar/RELIABILITY.md, "AutoModerator import limits".
@Suite struct ImportHostileTests {
    /// A value nested `depth` lists deep, as `body (includes): [[[x]]]`.
    static func nested(_ depth: Int) -> String {
        "# deep\nbody (includes): " + String(repeating: "[", count: depth) + "x" + String(repeating: "]", count: depth) + "\naction: remove\n"
    }

    /// The refusal of `translate`, if it refuses.
    static func refusal(_ yaml: String, _ limits: AutoModeratorLimits = .default) -> AutoModeratorLimitError? {
        do {
            _ = try AutoModeratorImporter.translate(yaml: yaml, path: "hostile.yaml", limits: limits)
            return nil
        } catch {
            return error
        }
    }

    // MARK: depth

    @Test func deepNestingIsRefusedBeforeTheYAMLReaderRecurses() throws {
        // 5,000 levels overflowed the stack (SIGSEGV) in Yams' recursive composer.
        let e = try #require(Self.refusal(Self.nested(5000)))
        #expect(e.kind == .depth)
        #expect(e.limit == 256)
        // The top-level mapping is level 1: the 256th `[` (column 18 + 255) is the 257th level.
        #expect((e.line, e.column, e.section) == (2, 18 + 255, 1))
        #expect(e.description.hasPrefix("hostile.yaml:2:273: error[import/too-deep]: section 1 nests lists and mappings more than 256 levels deep"))
        #expect(e.description.contains("= help: "))
    }

    @Test func depthLimitCountsEveryLevelAndIsExact() throws {
        let limits = AutoModeratorLimits(maxDepth: 4)
        // mapping (1), `author` mapping (2), `name` list (3), a list in it (4).
        let atLimit = "---\nauthor:\n  name: [[x]]\naction: remove\n"
        #expect(Self.refusal(atLimit, limits) == nil)
        let e = try #require(Self.refusal("---\nauthor:\n  name: [[[x]]]\naction: remove\n", limits))
        #expect((e.kind, e.line, e.column, e.section) == (.depth, 3, 11, 2))
        // Block nesting counts too: `- - - x` is three lists.
        #expect(Self.refusal("body:\n  - - - - x\n", limits)?.kind == .depth)
        // A section that is not valid YAML after its deep part is still refused.
        #expect(Self.refusal("body: " + String(repeating: "[", count: 10), limits)?.kind == .depth)
    }

    // MARK: expansion

    /// A "billion laughs": nine anchors, each a list of nine aliases to the previous one.
    static let laughs: String = {
        let names = Array("abcdefghi")
        var lines = [#"a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
        for i in 1..<names.count {
            lines.append("\(names[i]): &\(names[i]) [" + Array(repeating: "*\(names[i - 1])", count: 9).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n") + "\nbody: *i\naction: remove\n"
    }()

    /// Fuzz target `automoderator` (make test, fresh clone): a section that is not valid YAML is
    /// kept as comment lines, and a `\r\n` inside it (one `Character`, which splitting on `"\n"`
    /// does not cut) let the line after it out of the comment, so the output did not parse.
    @Test(arguments: ["\r\n", "\r", "\u{2028}"])
    func lineBreaksInAnInvalidSectionStayCommented(_ br: String) throws {
        let yaml = "body: [a\n--" + br + "title+body (starts-with): [urgent]\naction: report\n---\nbody: [welcome]\naction: remove\n"
        let result = try AutoModeratorImporter.translate(yaml: yaml, path: "crlf.yaml")
        let (_, errors) = Parser.parse(SourceFile(path: "crlf.vigie", text: result.source))
        #expect(!errors.contains { $0.severity == .error }, "\(DiagnosticRenderer.text(errors))\n\(result.source)")
        #expect(result.source.contains("#   title+body (starts-with): [urgent]"), "\(result.source)")
    }

    @Test func aliasBombIsRefusedBeforeItIsExpanded() throws {
        // Grew past 10 GB before this limit. Each list of line k expands to 1 + 9 × (list of
        // line k−1) nodes: line 7's list is the first to pass 1,000,000 with the lines before it.
        #expect(Self.laughs.utf8.count < 400)
        let e = try #require(Self.refusal(Self.laughs))
        #expect((e.kind, e.limit, e.line) == (.expansion, 1_000_000, 7))
        #expect(e.description.hasPrefix("hostile.yaml:7:"))
        #expect(e.description.contains("error[import/too-large]"))
    }

    @Test func expansionCountsEveryNodeWithAliasesExpanded() throws {
        // The top mapping: 1; a: 1 key + 4 (a list of 3 scalars); b: 1 key + 13 (a list of 3 × 4);
        // body: 1 key + 13 (b's list again); action: 2. Total: 1 + 5 + 14 + 14 + 2 = 36.
        let yaml = "a: &a [x, y, z]\nb: &b [*a, *a, *a]\nbody: *b\naction: remove\n"
        #expect(Self.refusal(yaml, AutoModeratorLimits(maxNodes: 36)) == nil)
        let e = try #require(Self.refusal(yaml, AutoModeratorLimits(maxNodes: 35)))
        #expect((e.kind, e.line, e.column) == (.expansion, 4, 9), "the 36th node is `remove`")
        // `*b` brings the count from 21 to 34.
        let alias = try #require(Self.refusal(yaml, AutoModeratorLimits(maxNodes: 33)))
        #expect((alias.line, alias.column) == (3, 7))
        // The count is for the whole file: two sections of 20 nodes each pass 39 together.
        let half = "body: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q]\n"
        #expect(Self.refusal(half, AutoModeratorLimits(maxNodes: 39)) == nil)
        #expect(Self.refusal(half + "---\n" + half, AutoModeratorLimits(maxNodes: 39))?.section == 2)
    }

    // MARK: many keys

    /// Duplicate keys among many, found and reported as before. The time is a benchmark's
    /// business, not a unit test's: with a linear search for each key's duplicate 100,000 keys
    /// took 44 s in release, 2.85 s now (Grammar/RELIABILITY.md).
    @Test func manyKeysInOneMappingWithDuplicates() throws {
        // 24,000 keys, the second half written again.
        let n = 12_000
        var yaml = "body: [spam]\naction: remove\n"
        for i in 0..<n { yaml += "k\(i): v\n" }
        for i in 0..<n { yaml += "K\(i): w\n" }
        let (rules, problems, _) = AutoModeratorConfig.parse(yaml)
        let rule = try #require(rules.first)
        #expect(rule.entries.count == n + 2)
        #expect(rule.hasDuplicateKeys)
        #expect(problems.count == n)
        // AutoModerator keeps the last value, in the order of the last occurrences.
        #expect(rule.entries.map(\.rawKey).prefix(3) == ["body", "action", "K0"])
        #expect(rule["k7"]?.value.value.text == "w")
        #expect(problems.first?.message == "`K0` is written twice in one rule (lines 3 and \(n + 3)): AutoModerator keeps the last one")
    }

    // MARK: found by fuzzing

    @Test func anUnknownActionDoesNotBreakTheRuleName() throws {
        // The rule is named after its action when nothing else names it: `threat?` made
        // `rule threat?_line_1`, which does not parse (found by Fuzz/automoderator.swift).
        let r = try AutoModeratorImporter.translate(yaml: "body: [welcome]\ncomment: hi\naction: threat?\n", path: "automod.yaml")
        #expect(r.rules.map(\.name) == ["threat__line_1"])
        #expect(!r.hasErrors, "\(AutoModeratorImporter.report(r))")
        let (_, errors) = Parser.parse(SourceFile(path: "imported.vigie", text: r.source))
        #expect(errors.isEmpty, "\(DiagnosticRenderer.text(errors))")
    }

    // MARK: command line

    @Test func commandRefusesAHostileFileWritesNothingAndExitsTwo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, yaml, id) in [("deep.yaml", Self.nested(5000), "import/too-deep"), ("laughs.yaml", Self.laughs, "import/too-large")] {
            let input = dir.appendingPathComponent(name)
            try Data(yaml.utf8).write(to: input)
            let output = dir.appendingPathComponent(name + ".vigie")
            let r = try CLI.run(["import", "automoderator", input.path, "-o", output.path])
            #expect(r.status == 2, "\(name): \(r.err)")
            #expect(r.err.hasPrefix("\(input.path):"), "\(r.err)")
            #expect(r.err.contains("error[\(id)]"))
            #expect(!FileManager.default.fileExists(atPath: output.path), "\(name): an output was written")
            let toStdout = try CLI.run(["import", "automoderator", input.path])
            #expect(toStdout.status == 2)
            #expect(toStdout.stdout.isEmpty)
        }
    }
}
