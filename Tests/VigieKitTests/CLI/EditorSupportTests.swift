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

/// The editor files of `Grammar/` (TextMate grammar, language configuration), the shell
/// completions and the pinned help texts.
@Suite struct EditorSupportTests {
    static let grammarFolder = Paths.packageRoot.appendingPathComponent("Grammar")

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: grammarFolder.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(name) is not a JSON object")
    }

    /// Every regex of the grammar (`match`, `begin`, `end`, `while`), with where it is.
    static func regexes(in value: Any, at path: String = "") -> [(path: String, pattern: String)] {
        var out: [(String, String)] = []
        if let o = value as? [String: Any] {
            for (k, v) in o.sorted(by: { $0.key < $1.key }) {
                if ["match", "begin", "end", "while"].contains(k), let p = v as? String {
                    out.append(("\(path)/\(k)", p))
                } else {
                    out += regexes(in: v, at: "\(path)/\(k)")
                }
            }
        } else if let a = value as? [Any] {
            for (i, v) in a.enumerated() { out += regexes(in: v, at: "\(path)/\(i)") }
        }
        return out
    }

    @Test func grammarIsValidAndItsRegexesCompile() throws {
        let g = try Self.json("vigie.tmLanguage.json")
        #expect(g["scopeName"] as? String == "source.vigie")
        #expect((g["fileTypes"] as? [String]) == ["vigie"])
        let repository = try #require(g["repository"] as? [String: Any])
        for case let include as [String: Any] in g["patterns"] as? [Any] ?? [] {
            let name = try #require(include["include"] as? String)
            #expect(repository[String(name.dropFirst())] != nil, "\(name) is not in the repository")
        }
        let all = Self.regexes(in: g)
        #expect(all.count >= 20)
        for (path, pattern) in all {
            #expect(throws: Never.self, "\(path): \(pattern)") { _ = try Regex(pattern) }
        }
    }

    /// The scopes the grammar gives to `text` (first match of each pattern, in the order the
    /// top-level patterns are tried), enough to check what a theme colours.
    static func scopes(of text: String) throws -> [String: String] {
        let g = try json("vigie.tmLanguage.json")
        let repository = g["repository"] as! [String: Any]
        var out: [String: String] = [:]
        func visit(_ rule: [String: Any]) {
            if let m = rule["match"] as? String, let re = try? NSRegularExpression(pattern: m) {
                for r in re.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    if let name = rule["name"] as? String {
                        out[String(text[Range(r.range, in: text)!]), default: name] = out[String(text[Range(r.range, in: text)!])] ?? name
                    }
                    for (k, c) in rule["captures"] as? [String: [String: Any]] ?? [:] {
                        let range = r.range(at: Int(k)!)
                        if range.location != NSNotFound, let name = c["name"] as? String {
                            let s = String(text[Range(range, in: text)!])
                            if out[s] == nil { out[s] = name }
                        }
                    }
                }
            }
            for case let p as [String: Any] in rule["patterns"] as? [Any] ?? [] { visit(p) }
        }
        for case let include as [String: Any] in g["patterns"] as? [Any] ?? [] {
            visit(repository[String((include["include"] as! String).dropFirst())] as! [String: Any])
        }
        return out
    }

    @Test func grammarColoursEachConstruct() throws {
        let sample = #"""
            rule spam_lien priority 10 { when text matches /https?:\/\/\S+/i and author.age < 7d then hide "spam", escalate moderation severity high, reply excuses }
            """#
        let s = try Self.scopes(of: sample)
        #expect(s["spam_lien"] == "entity.name.function.rule.vigie")
        #expect(s[#"/https?:\/\/\S+/"#] == "string.regexp.vigie")
        #expect(s["i"] == "keyword.other.regexp-flags.vigie")
        #expect(s["7d"] == "constant.numeric.duration.vigie")
        #expect(s["10"] == "constant.numeric.vigie")
        #expect(s["hide"] == "support.function.action.vigie")
        #expect(s["high"] == "constant.language.severity.vigie")
        #expect(s["excuses"] == "entity.name.type.template.vigie")
        #expect(s["when"] == "keyword.control.vigie")
        let t = try Self.scopes(of: #"  en: "Hi {author.name|there}!" # a comment"#)
        #expect(t["author.name"] == "variable.other.field.vigie")
        #expect(t["en"] == "entity.other.attribute-name.language.vigie")
        #expect(t["# a comment"] == "comment.line.number-sign.vigie")
    }

    /// Every word of the language (the list in `vigie.ebnf`) is coloured.
    @Test func grammarKnowsEveryKeywordOfTheLanguage() throws {
        let ebnf = try String(contentsOf: Self.grammarFolder.appendingPathComponent("vigie.ebnf"), encoding: .utf8)
        let start = try #require(ebnf.range(of: "The full list:"))
        let end = try #require(ebnf.range(of: "In this grammar", range: start.upperBound..<ebnf.endIndex))
        let words = ebnf[start.upperBound..<end.lowerBound].split(whereSeparator: { !$0.isLetter }).map(String.init)
        #expect(words.count > 40)
        let g = try Self.json("vigie.tmLanguage.json")
        let patterns = Self.regexes(in: g).compactMap { try? NSRegularExpression(pattern: $0.pattern) }
        for w in words {
            let sample = w == "matches" ? "matches /x/" : w
            let covered = patterns.contains { re in
                re.matches(in: sample, range: NSRange(sample.startIndex..., in: sample)).contains { m in
                    (0..<m.numberOfRanges).contains { i in
                        let r = m.range(at: i)
                        return r.location != NSNotFound && Range(r, in: sample).map { sample[$0] == w } == true
                    }
                }
            }
            #expect(covered, "the keyword `\(w)` is not coloured by vigie.tmLanguage.json")
        }
    }

    @Test func languageConfiguration() throws {
        let c = try Self.json("language-configuration.json")
        #expect((c["comments"] as? [String: Any])?["lineComment"] as? String == "#")
        let brackets = try #require(c["brackets"] as? [[String]])
        #expect(brackets.contains(["{", "}"]) && brackets.contains(["[", "]"]) && brackets.contains(["(", ")"]))
        let pairs = try #require(c["autoClosingPairs"] as? [[String: Any]])
        #expect(Set(pairs.compactMap { $0["open"] as? String }) == ["{", "[", "(", "\""])
        for (path, pattern) in Self.regexes(in: c) + [("wordPattern", c["wordPattern"] as? String ?? "")] {
            #expect(throws: Never.self, "\(path)") { _ = try Regex(pattern) }
        }
    }

    // MARK: completions and help

    /// Runs the built `vigie` with a fixed terminal width, so that help texts wrap the same way
    /// everywhere.
    static func vigie(_ args: [String]) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = try CLI.requireBinary()
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["COLUMNS"] = "100"
        env["LINES"] = "40"
        env["NO_COLOR"] = "1"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScript(_ shell: String) throws {
        let r = try Self.vigie(["--generate-completion-script", shell])
        #expect(r.status == 0)
        #expect(r.out.count > 500)
        for word in ["run", "check", "lint", "fmt", "import", "automoderator", "--rules"] {
            #expect(r.out.contains(word), "the \(shell) completion script does not mention `\(word)`")
        }
    }

    static let helpCases: [(args: [String], golden: String)] = [
        (["--help"], "vigie.txt"),
        (["run", "--help"], "run.txt"),
        (["import", "automoderator", "--help"], "import-automoderator.txt"),
        (["check", "--help"], "check.txt"),
        (["test", "--help"], "test.txt"),
        (["explain", "--help"], "explain.txt"),
        (["report", "--help"], "report.txt"),
    ]

    @Test(arguments: helpCases.indices)
    func helpMatchesGoldenFile(_ k: Int) throws {
        let (args, golden) = Self.helpCases[k]
        let r = try Self.vigie(args)
        #expect(r.status == 0)
        try LintFixtures.compare(r.out, golden: Paths.fixtures.appendingPathComponent("help").appendingPathComponent(golden))
    }
}
