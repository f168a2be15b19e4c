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

/// One example of the language written down somewhere in the repository.
struct LanguageExample: Sendable, CustomTestStringConvertible {
    /// Path relative to the package root (with `#N` for the N-th block of a Markdown file).
    var name: String
    var path: String
    var text: String
    var testDescription: String { name }

    static let grammar = Paths.packageRoot.appendingPathComponent("Grammar")
    static let rules = Paths.packageRoot.appendingPathComponent("Rules")
    static let examples = Paths.packageRoot.appendingPathComponent("examples")

    static func relative(_ u: URL) -> String {
        let root = Paths.packageRoot.standardizedFileURL.path
        let p = u.standardizedFileURL.path
        return p.hasPrefix(root + "/") ? String(p.dropFirst(root.count + 1)) : p
    }

    /// Every `.vigie` file under `Grammar/`, `Rules/` and `examples/`, and every ```` ```vigie ```` block of the
    /// Markdown files under `Grammar/` (fragments that are not whole files belong in blocks with
    /// another tag, such as ```` ```text ````).
    static func all() -> [LanguageExample] {
        var out: [LanguageExample] = []
        for u in Paths.files(under: grammar, suffix: ".vigie") + Paths.files(under: rules, suffix: ".vigie")
            + Paths.files(under: examples, suffix: ".vigie") {
            out.append(LanguageExample(name: relative(u), path: u.path, text: (try? String(contentsOf: u, encoding: .utf8)) ?? "\u{0}unreadable"))
        }
        for u in Paths.files(under: grammar, suffix: ".md") {
            let text = (try? String(contentsOf: u, encoding: .utf8)) ?? ""
            for (k, block) in fencedBlocks(text, tag: "vigie").enumerated() {
                out.append(LanguageExample(name: "\(relative(u))#\(k + 1)", path: u.path, text: block))
            }
        }
        return out
    }

    /// The contents of the fenced code blocks whose info string starts with the word `tag`.
    static func fencedBlocks(_ markdown: String, tag: String) -> [String] {
        var blocks: [String] = []
        var inBlock = false
        var keep = false
        var fence = ""
        var current: [Substring] = []
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if !inBlock {
                let backticks = t.prefix { $0 == "`" }
                let marker = String(backticks.count >= 3 ? backticks : t.prefix { $0 == "~" })
                guard marker.count >= 3 else { continue }
                inBlock = true
                fence = marker
                let info = t.dropFirst(marker.count).trimmingCharacters(in: .whitespaces)
                keep = info.split(separator: " ").first.map(String.init) == tag
                current = []
            } else if t.hasPrefix(fence), t.allSatisfy({ $0 == fence.first }) {
                inBlock = false
                if keep { blocks.append(current.joined(separator: "\n")) }
            } else if keep {
                current.append(line)
            }
        }
        return blocks
    }
}

@Test(arguments: LanguageExample.all())
func everyExampleParsesWithoutErrors(_ e: LanguageExample) {
    let (_, ds) = Parser.parse(SourceFile(path: e.name, text: e.text))
    #expect(ds.filter { $0.severity == .error }.isEmpty, "\(e.name) no longer parses:\n\(rendered(ds))")
}

/// Every `.vigie` file under `Grammar/`, loaded alone (its lists relative to it), also checks
/// cleanly: the reference's examples use only names, functions and features the checker knows.
@Test(arguments: Paths.files(under: LanguageExample.grammar, suffix: ".vigie").map(LanguageExample.relative))
func grammarExampleFileChecksCleanly(_ path: String) {
    let rs = RuleSetLoader.load(path: Paths.packageRoot.appendingPathComponent(path).path)
    let errors = rs.diagnostics.filter { $0.severity == .error }
    #expect(errors.isEmpty, "\(path):\n\(rendered(errors))")
    #expect(Compiler.compile(rs) != nil)
}

@Test func rulesFolderHasRuleFiles() {
    let files = Paths.files(under: LanguageExample.rules, suffix: ".vigie")
    #expect(!files.isEmpty, "no .vigie file under \(LanguageExample.rules.path)")
}

@Test func grammarFolderExamplesAreFound() throws {
    // When Grammar/ holds examples, the drift test must see them: count what is on disk by hand.
    let fm = FileManager.default
    let onDisk = (fm.enumerator(atPath: LanguageExample.grammar.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".vigie") }
    let found = LanguageExample.all().filter { $0.path.hasPrefix(LanguageExample.grammar.path) && $0.path.hasSuffix(".vigie") }
    #expect(found.count == onDisk.count)
}

@Test func fencedBlockExtraction() {
    let md = """
        # Title
        ```vigie
        rule a { when text has "x" then hide }
        ```
        ```text
        ```vigie
        not a block
        ```
        ~~~vigie
        lang fr
        ~~~
        """
    #expect(LanguageExample.fencedBlocks(md, tag: "vigie") == [#"rule a { when text has "x" then hide }"#, "lang fr"])
}

/// Every rule pack under `Rules/` (each sub-folder, as `vigie run --rules Rules/PACK` sees it, and
/// each `.vigie` file directly in `Rules/`) loads and checks without errors: lists, names, regexes...
@Test(arguments: ruleSetFolders())
func ruleSetUnderRulesChecksCleanly(_ folder: String) {
    let rs = RuleSetLoader.load(path: Paths.packageRoot.appendingPathComponent(folder).path)
    let errors = rs.diagnostics.filter { $0.severity == .error }
    #expect(errors.isEmpty, "\(folder):\n\(rendered(errors))")
    #expect(Compiler.compile(rs) != nil)
}

func ruleSetFolders() -> [String] {
    let fm = FileManager.default
    guard let entries = try? fm.contentsOfDirectory(atPath: LanguageExample.rules.path) else { return [] }
    var out: [String] = []
    for e in entries.sorted() {
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: LanguageExample.rules.appendingPathComponent(e).path, isDirectory: &isDir), isDir.boolValue,
            !Paths.files(under: LanguageExample.rules.appendingPathComponent(e), suffix: ".vigie").isEmpty
        {
            out.append("Rules/" + e)
        } else if e.hasSuffix(".vigie") {
            out.append("Rules/" + e)
        }
    }
    return out
}
