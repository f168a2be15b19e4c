import Foundation
import VigieCore
import VigieLanguage
import VigieEngine

/// One test to run against a rule set: a `test` block, a rule's example, or a line of a
/// `*.tests.jsonl` file.
public struct RuleTestCase {
    /// Where the test comes from.
    public enum Kind: Equatable {
        /// A `test "name" { ... }` block.
        case block
        /// `examples { match "..." }` (`shouldMatch` true) or `no match "..."` on a rule.
        case example(rule: String, shouldMatch: Bool)
        /// A line of a JSON-lines test file.
        case jsonl
    }

    /// The test's name.
    public var name: String
    /// What kind of test.
    public var kind: Kind
    /// The file it is written in.
    public var path: String
    /// Its 1-based line.
    public var line: Int
    /// A known gap: reported, never failed.
    public var todo: Bool
    /// The comment, as a JSON object line.
    public var comment: [UInt8]
    /// Comments evaluated before it, in order, with fresh state (for windows and cooldowns).
    public var history: [[UInt8]] = []
    /// Expected actions (`not` ones included).
    public var expectations: [ActionSyntax]
    /// `expect nothing`.
    public var expectNothing: Bool
}

/// Finds the tests of a rule set.
public enum RuleTestDiscovery {
    /// Every test of the rule set: `test` blocks, rule examples, and `*.tests.jsonl` files found
    /// under the rule set's folder. Problems in JSON-lines files are returned as diagnostics.
    public static func discover(_ rs: RuleSet) -> ([RuleTestCase], [Diagnostic]) {
        var cases: [RuleTestCase] = []
        var diags: [Diagnostic] = []
        for t in rs.tests {
            let (line, _) = t.file.location(of: t.decl.span.start)
            cases.append(RuleTestCase(name: t.decl.name.value, kind: .block, path: t.file.path, line: line, todo: t.decl.todo,
                                      comment: json(t.decl.given), history: t.decl.history.map(json), expectations: t.decl.expectations,
                                      expectNothing: t.decl.expectNothing))
        }
        for r in rs.rules {
            for (examples, should) in [(r.decl.matchExamples, true), (r.decl.noMatchExamples, false)] {
                for e in examples {
                    let (line, _) = r.file.location(of: e.span.start)
                    var w = JSONWriter()
                    w.beginObject()
                    w.key("text"); w.string(e.value)
                    w.endObject()
                    cases.append(RuleTestCase(name: "\(r.decl.name.text): \(should ? "match" : "no match") \"\(e.value)\"", kind: .example(rule: r.decl.name.text, shouldMatch: should),
                                              path: r.file.path, line: line, todo: false, comment: w.bytes, history: [], expectations: [], expectNothing: false))
                }
            }
        }
        var isDir: ObjCBool = false
        if rs.isFolder, FileManager.default.fileExists(atPath: rs.root, isDirectory: &isDir), isDir.boolValue,
            let e = FileManager.default.enumerator(atPath: rs.root)
        {
            var files: [String] = []
            for case let rel as String in e where rel.hasSuffix(".tests.jsonl") { files.append((rs.root as NSString).appendingPathComponent(rel)) }
            for f in files.sorted() { jsonl(f, into: &cases, &diags) }
        }
        return (cases, diags)
    }

    package static func jsonl(_ path: String, into cases: inout [RuleTestCase], _ diags: inout [Diagnostic]) {
        guard case .success(let bytes) = RuleSetLoader.readFile(path) else {
            diags.append(Diagnostic("E044", .error, "cannot read test file `\(path)`"))
            return
        }
        let file = SourceFile(path: path, bytes: bytes)
        var doc = JSONDocument()
        for (i, start) in file.lineStarts.enumerated() {
            var end = i + 1 < file.lineStarts.count ? file.lineStarts[i + 1] - 1 : bytes.count
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            let line = bytes[start..<end]
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            func bad(_ m: String) {
                diags.append(Diagnostic("E047", .error, m, file: file, span: Span(start, end), help: "each line is {\"name\": \"...\", \"comment\": {\"text\": \"...\"}, \"expect\": \"hide, flag moderation\"}"))
            }
            do {
                try doc.parse(line)
            } catch {
                bad("test line is not a JSON object: \(error.description)")
                continue
            }
            guard let c = doc.member(doc.root, Array("comment".utf8)), doc.kind(c) == .object else {
                bad("test line has no `comment` object")
                continue
            }
            guard let ex = doc.member(doc.root, Array("expect".utf8)), doc.kind(ex) == .string else {
                bad("test line has no `expect` string")
                continue
            }
            let exFile = SourceFile(path: "\(path):\(i + 1) expect", bytes: Array(doc.stringBytes(ex)))
            let parsed = Parser.parseExpectations(exFile)
            if !parsed.diagnostics.isEmpty {
                diags += parsed.diagnostics
                continue
            }
            let name = doc.member(doc.root, Array("name".utf8)).flatMap { doc.kind($0) == .string ? doc.string($0) : nil } ?? "\((path as NSString).lastPathComponent):\(i + 1)"
            let todo = doc.member(doc.root, Array("todo".utf8)).map { doc.kind($0) == .bool && doc.bool($0) } ?? false
            cases.append(RuleTestCase(name: name, kind: .jsonl, path: path, line: i + 1, todo: todo, comment: Array(doc.raw(c)),
                                      history: [], expectations: parsed.actions, expectNothing: parsed.nothing))
        }
    }

    /// A `given { ... }` object as a JSON line.
    package static func json(_ v: GivenValue) -> [UInt8] {
        var w = JSONWriter()
        func write(_ v: GivenValue) {
            switch v {
            case .string(let s): w.string(s)
            case .number(let n): w.number(n)
            case .bool(let b): w.bool(b)
            case .null: w.null()
            case .array(let items):
                w.beginArray()
                items.forEach(write)
                w.endArray()
            case .object(let fields):
                w.beginObject()
                for (k, x) in fields {
                    w.key(k)
                    write(x)
                }
                w.endObject()
            }
        }
        write(v)
        return w.bytes
    }
}
