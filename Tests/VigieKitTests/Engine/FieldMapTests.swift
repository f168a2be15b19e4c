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

/// Comments exported from Facebook, YouTube, Reddit and Discourse, read as they are through a
/// field map (`--map`), and maps of one's own. The fixtures in `Fixtures/platforms` are
/// hand-written in each platform's documented shape: three comments each, the first two by one
/// author ten minutes apart (the first says thanks), the third by another author two hours later.
struct FieldMapTests {
    static let folder = Paths.fixtures.appendingPathComponent("platforms")
    static let rules = folder.appendingPathComponent("rules").path

    /// Platform, the first author's name as the reply greets them, the link the reply gives.
    static let platforms: [(name: String, author: String, link: String)] = [
        ("facebook", "Julie Martin", "https://www.facebook.com/shop/posts/1234567890?comment_id=111"),
        ("youtube", "Max Dupont", "no link"),
        ("reddit", "LampFan42", "/r/lampes/comments/1b2c3d/refund/k1a2b3/"),
        ("discourse", "ana", "no link"),
    ]

    static func lines(_ file: String) throws -> [String] {
        try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func program() throws -> Program {
        let (_, program) = RuleCompilation.load(rules, printWarnings: false)
        return try #require(program)
    }

    static func map(_ name: String) throws -> FieldMap {
        try #require(FieldMap.platforms.first { $0.name == name }).map
    }

    /// With its platform's map, each export gets the reply greeting its author by name with the
    /// comment's link, the window keyed by author (its id, its time) flags the second comment,
    /// and the third, later and by someone else, gets nothing.
    @Test(arguments: platforms.indices)
    func aPlatformExportIsReadAsItIs(_ k: Int) throws {
        let (name, author, link) = Self.platforms[k]
        let ev = Evaluator(program: try Self.program(), fields: try Self.map(name))
        let decisions = try Self.lines("\(name).jsonl").map { line -> Decision in
            guard case .decision(let d) = ev.evaluate(line: Array(line.utf8)) else {
                Issue.record("\(name): no decision for \(line)")
                throw CancellationError()
            }
            return d
        }
        #expect(decisions[0].actions.first { $0.kind == .reply }?.text == "Hi \(author), thanks for writing! (\(link))")
        #expect(decisions.map { $0.has(.flag) } == [false, true, false])
        #expect(decisions[2].actions.isEmpty)
        #expect(ev.state.untimed == 0, "every comment has its time")
        // Without the map the same lines have no `text`.
        let plain = Evaluator(program: try Self.program())
        for line in try Self.lines("\(name).jsonl") {
            guard case .error(let code, _) = plain.evaluate(line: Array(line.utf8)) else {
                Issue.record("\(name) read without a map")
                continue
            }
            #expect(code == "no_text")
        }
    }

    /// A mapped export decides exactly like the same comments rewritten to Vigie's own shape:
    /// the map only changes where fields are read.
    @Test(arguments: platforms.indices)
    func aMappedExportDecidesLikeItsRewrite(_ k: Int) throws {
        let name = Self.platforms[k].name
        let map = try Self.map(name)
        func first(_ object: Any, _ field: String) -> Any? {
            for path in map.fields[field] ?? [field] {
                var v: Any? = object
                for part in path.split(separator: ".") { v = (v as? [String: Any])?[String(part)] }
                if let v { return v }
            }
            return nil
        }
        var rewritten: [String] = []
        for line in try Self.lines("\(name).jsonl") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            var out: [String: Any] = ["id": o["id"]!, "text": first(o, "text")!, "timestamp": first(o, "timestamp")!]
            out["author"] = ["name": first(o, "author.name")!, "id": first(o, "author.id")!]
            if let url = first(o, "url") { out["url"] = url }
            rewritten.append(String(decoding: try JSONSerialization.data(withJSONObject: out), as: UTF8.self))
        }
        var mapped = RunOptions()
        mapped.fields = map
        let a = StreamRunner(program: try Self.program(), options: mapped)
        let b = StreamRunner(program: try Self.program(), options: RunOptions())
        for (n, (line, rewrite)) in zip(try Self.lines("\(name).jsonl"), rewritten).enumerated() {
            let x = String(decoding: a.process(line: Array(line.utf8)[...], number: n + 1), as: UTF8.self)
            let y = String(decoding: b.process(line: Array(rewrite.utf8)[...], number: n + 1), as: UTF8.self)
            #expect(x == y, "\(name) line \(n + 1)")
        }
    }

    /// A map of one's own: every field from a file, a list of paths tried in order (`body.plain`,
    /// else `body.html`), the id from another field.
    @Test func aMapFileNamesEveryField() throws {
        let map = try FieldMap.load(Self.folder.appendingPathComponent("custom-map.json").path)
        #expect(map.fields["text"] == ["body.plain", "body.html"])
        let ev = Evaluator(program: try Self.program(), fields: map)
        var out: [String] = []
        var p = Partial()
        for line in try Self.lines("custom.jsonl") {
            ev.partial(line: Array(line.utf8), trace: nil, into: &p)
            #expect(p.error == nil)
            out.append(String(decoding: p.id ?? [], as: UTF8.self))
            let d = ev.state.finish(p)
            if out.count == 1 { #expect(d.actions.first?.text == "Hi Zoé, thanks for writing! (https://forum.example/x1)") }
            if out.count == 2 { #expect(d.has(.flag)) }
        }
        #expect(out == [#""x1""#, #""x2""#, #""x3""#])
    }

    /// `--text-field` and `--time-field` win over the map; a map without `text` keeps `text`.
    @Test func optionsOverTheMap() throws {
        var map = try Self.map("reddit")
        map.set("text", to: "name")
        map.set("timestamp", to: "score")
        let ev = Evaluator(program: try Self.program(), fields: map)
        #expect(ev.textFieldName == "name")
        #expect(ev.timeFieldName == "score")
        let other = Evaluator(program: try Self.program(), textField: "body.x", fields: try Self.map("reddit"))
        #expect(other.textFieldName == "body.x")
        let onlyAuthor = Evaluator(program: try Self.program(), fields: FieldMap(["author.name": ["user"]]))
        guard case .decision(let d) = onlyAuthor.evaluate(line: Array(#"{"text":"thanks","user":"Kim"}"#.utf8)) else {
            Issue.record("no decision")
            return
        }
        #expect(d.actions.first?.text == "Hi Kim, thanks for writing! (no link)")
    }

    /// What is wrong with a map file, said with its place, and what a map looks like.
    static let badMaps: [(text: String, says: String)] = [
        (#"{"text": 3}"#, "gives `text` a number: give a path as a string"),
        ("[1]", "is not a JSON object"),
        (#"{"text": "a..b"}"#, "gives `text` the path `a..b`: a path is names separated by dots"),
        ("{\n  \"text\": \"message\",\n  \"author.name\" \"from.name\"\n}", "is not valid JSON at line 3, column 17: expected `:` after a key"),
        ("{}", "is empty"),
        (#"{"text": []}"#, "gives `text` an empty list"),
        (#"{"text": ["body", 2]}"#, "gives `text` a number in its list"),
        (#"{"text": "a", "text": "b"}"#, "names `text` twice"),
        (#"{"": "a"}"#, "has the field name ``"),
    ]

    @Test(arguments: badMaps.indices)
    func aBadMapFileIsRefusedWithWhatIsWrong(_ k: Int) throws {
        let (text, says) = Self.badMaps[k]
        #expect {
            try FieldMap.parse(Array(text.utf8), file: "map.json")
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("the field map `map.json` \(says)") && message.contains(#"a field map is a JSON object such as {"text": "message""#)
        }
    }

    @Test func anUnknownPlatformSuggestsTheClosest() {
        #expect {
            try FieldMap.load("youtub")
        } throws: { error in
            "\(error)".contains("--map `youtub` is neither a platform nor a file (did you mean `youtube`?): give one of facebook, youtube, reddit, discourse")
        }
        #expect((try? FieldMap.load("Reddit")) == (try? FieldMap.load("reddit")))
    }

    // MARK: - Through the binary

    @Test(arguments: platforms.indices)
    func runReadsAPlatformExport(_ k: Int) throws {
        let (name, author, _) = Self.platforms[k]
        let input = Self.folder.appendingPathComponent("\(name).jsonl").path
        let r = try CLI.run(["run", "--rules", Self.rules, "--map", name, "--input", input, "--jobs", "2"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.err.isEmpty, "\(r.err)")
        let lines = r.out.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first?.contains(#""text":"Hi \#(author), thanks for writing!"#) == true)
        #expect(lines.dropFirst().first?.contains(#""type":"flag""#) == true)
    }

    /// `eval`, `diff`, `explain` and `report` take the same `--map`.
    @Test func everyCommandThatReadsCommentsTakesTheMap() throws {
        let input = Self.folder.appendingPathComponent("reddit.jsonl").path
        let eval = try CLI.run(["eval", "--rules", Self.rules, "--map", "reddit", "--corpus", input, "--label", #"author == "LampFan42""#, "--format", "json"])
        #expect(eval.status == 0, "\(eval.err)")
        #expect(eval.out.contains(#""errors":0"#), "\(eval.out)")
        let diff = try CLI.run(["diff", "--rules", Self.rules, "--rules", Self.rules, "--map", "reddit", "--corpus", input, "--format", "json"])
        #expect(diff.status == 0, "\(diff.err)")
        #expect(diff.out.contains(#""lines":3"#), "\(diff.out)")
        let explain = try CLI.run(["explain", "--rules", Self.rules, "--map", "youtube", "thanks a lot"])
        #expect(explain.status == 0, "\(explain.err)")
        #expect(explain.out.contains("reply hello"), "\(explain.out)")
        let decisions = try CLI.run(["run", "--rules", Self.rules, "--map", "reddit", "--input", input])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-map-\(UUID().uuidString).jsonl").path
        try decisions.stdout.write(to: URL(fileURLWithPath: file))
        defer { unlink(file) }
        let report = try CLI.run(["report", file, "--comments", input, "--map", "reddit", "--format", "json"])
        #expect(report.status == 0, "\(report.err)")
        #expect(report.out.contains("Thanks, the refund arrived"), "the examples are read from `body`")
        #expect(report.out.contains("2026-03-05"), "the time is read from `created_utc`")
    }

    @Test(arguments: ["run", "eval", "diff", "explain", "report"])
    func aBadMapEndsEveryCommandWithExitCode2(_ command: String) throws {
        let map = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-bad-map-\(UUID().uuidString).json").path
        try #"{"text": 3}"#.write(toFile: map, atomically: true, encoding: .utf8)
        defer { unlink(map) }
        let input = Self.folder.appendingPathComponent("reddit.jsonl").path
        let args: [String]
        switch command {
        case "run": args = ["run", "--rules", Self.rules, "--input", input]
        case "eval": args = ["eval", "--rules", Self.rules, "--corpus", input, "--label", "true"]
        case "diff": args = ["diff", "--rules", Self.rules, "--rules", Self.rules, "--corpus", input]
        case "explain": args = ["explain", "--rules", Self.rules, "hello"]
        default: args = ["report", input, "--format", "text"]
        }
        let r = try CLI.run(args + ["--map", map])
        #expect(r.status == 2)
        #expect(r.out.isEmpty)
        #expect(r.err.contains("vigie: the field map `\(map)` gives `text` a number"), "\(r.err)")
    }
}
