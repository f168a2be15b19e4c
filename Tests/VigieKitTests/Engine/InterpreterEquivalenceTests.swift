import Foundation
import Testing

@testable import VigieCore
@testable import VigieEngine
@testable import VigieLanguage

/// One interpreter: `run`, `run --explain`, `explain`, `test` and `eval` decide through the same
/// walk of the condition graph, a trace only gathering more evidence on the way. Every bundled pack
/// runs over the test fixtures' comment streams (and over `../shared/data/comments` when it is
/// there) with and without a trace, and the decisions must be the same: actions, tags, rules,
/// shadowed and dropped actions, warnings, language.
@Suite struct InterpreterEquivalenceTests {
    /// The comment streams of the repository, then a sample of the real comments when present.
    static func lines() -> [String] {
        var streams = Paths.files(under: Paths.fixtures, suffix: ".jsonl").filter { !$0.lastPathComponent.contains("decisions") }
        streams.append(Paths.packageRoot.appendingPathComponent("examples/shop/comments.jsonl"))
        var out: [String] = []
        for u in streams {
            guard let s = try? String(contentsOf: u, encoding: .utf8) else { continue }
            out += s.split(separator: "\n").map(String.init)
        }
        let shared = Paths.packageRoot.appendingPathComponent("../shared/data/comments").standardizedFileURL
        for u in Paths.files(under: shared, suffix: ".jsonl") {
            guard let s = try? String(contentsOf: u, encoding: .utf8) else { continue }
            // Every 100th line: every kind of comment, in a few seconds.
            out += s.split(separator: "\n").enumerated().filter { $0.offset % 100 == 0 }.map { String($0.element) }
        }
        return out
    }

    /// Every bundled pack, all of `Rules/` at once, and the example shop.
    static let packs: [String] = {
        let root = Paths.packageRoot.appendingPathComponent("Rules")
        let dirs = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        var out = dirs.sorted().map { root.appendingPathComponent($0).path }.filter {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDir) && isDir.boolValue
        }
        out.append(root.path)
        out.append(Paths.packageRoot.appendingPathComponent("examples/shop").path)
        return out
    }()

    /// What a decision says, to compare.
    static func summary(_ r: LineResult) -> String {
        switch r {
        case .error(let code, let message): return "error \(code) \(message)"
        case .decision(let d):
            return "\(d.lang) \(d.langDetected) \(d.actions) \(d.tags) \(d.matchedRules) \(d.shadow) \(d.dropped) \(d.warnings)"
        }
    }

    @Test(arguments: packs) func traceDoesNotChangeDecisions(_ pack: String) throws {
        let rs = RuleSetLoader.load(path: pack)
        let program = try #require(Compiler.compile(rs), "\(pack) does not compile")
        let plain = Evaluator(program: program)
        let traced = Evaluator(program: program)
        // Without the wall-clock safety net: a traced comment runs slower, and under a sanitizer on
        // a loaded machine the 100 ms net fired for one side only (a warning, not a decision, differed).
        plain.budget.milliseconds = 0
        traced.budget.milliseconds = 0
        var differences: [String] = []
        var acted = 0
        for (k, line) in Self.lines().enumerated() {
            let a = Self.summary(plain.evaluate(line: Array(line.utf8)))
            let trace = Trace()
            let b = Self.summary(traced.evaluate(line: Array(line.utf8), trace: trace))
            if a != b, differences.count < 5 { differences.append("line \(k + 1): \(line.prefix(120))\n  without trace: \(a)\n  with trace:    \(b)") }
            if a.contains("kind:") { acted += 1 }
        }
        #expect(differences.isEmpty, "\(pack):\n\(differences.joined(separator: "\n"))")
        // The comparison means something only if the packs decided something on these comments.
        if pack == Self.packs.last { #expect(acted > 0, "the bundled packs acted on none of the comments") }
    }
}
