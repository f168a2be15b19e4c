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

/// Random streams mixing good comments and every kind of bad line, through the stream runner
/// with one and several workers, batches of every size, and input cut into reads anywhere: the
/// same output every time, one line per input line, in order, each decided as if it were alone.
///
/// The million-line version of this, through the built binary, is `scripts/reliability.sh`.
@Suite struct ReliabilityTests {
    /// What an input line must produce: a decision, an error record with this code, or either
    /// (for lines whose handling is defined but not pinned down here, such as invalid UTF-8).
    enum Expect: Equatable {
        case decision
        case error(String)
        case any
    }

    struct Line {
        var bytes: [UInt8]
        var id: String?
        var expect: Expect
    }

    /// The longest line the runs accept (a few generated lines are longer).
    static let maxLineBytes = 64 << 10

    static let words = [
        "colis", "retard", "commande", "merci", "connard", "idiot", "order", "late", "parcel", "bonjour", "hola", "pedido",
        "https://spam.example/x", "pas reçu", "@everyone", "n4z3", "c.o.l.i.s", "coooolis", "l'arnaque", "ça", "niño", "🙂", "\u{200B}", "\u{202E}",
    ]

    /// One line of the stream: about `badShare` of them bad in one of twenty ways.
    static func line(_ i: Int, _ rng: inout SplitMix64, badShare: Double) -> Line {
        let id = "g\(i)"
        func text() -> String { (0..<(1 + rng.below(12))).map { _ in rng.pick(words) }.joined(separator: " ") }
        func good(_ extra: String = "") -> Line {
            var w = JSONWriter()
            w.beginObject()
            w.key("id"); w.string(id)
            w.key("text"); w.string(text())
            if rng.chance(0.3) { w.key("lang"); w.string(rng.pick(["fr", "en", "es", "FR", ""])) }
            w.key("author"); w.beginObject(); w.key("id"); w.string("u\(rng.below(40))"); w.key("name");
            w.string(rng.pick(["Julie", "@here", "<b>Max</b>", ""])); w.endObject()
            if rng.chance(0.9) { w.key("timestamp"); w.int(1_767_225_600 + i * 3 - rng.below(400)) }
            w.endObject()
            var b = w.bytes
            if !extra.isEmpty { b.insert(contentsOf: Array(extra.utf8), at: b.count - 1) }
            return Line(bytes: b, id: id, expect: .decision)
        }
        guard rng.chance(badShare) else { return good() }
        let q = "\"\(id)\""
        switch rng.below(24) {
        case 0: return Line(bytes: Array("not json \(i)".utf8), id: nil, expect: .error("invalid_json"))
        case 1: return Line(bytes: Array(#"{"id":\#(q),"text":"colis",}"#.utf8), id: nil, expect: .error("invalid_json"))
        case 2: return Line(bytes: Array(#"[{"id":\#(q),"text":"colis"}]"#.utf8), id: nil, expect: .error("not_object"))
        case 3: return Line(bytes: Array(rng.pick(["[]", "42", "null", "true", #""colis""#]).utf8), id: nil, expect: .error("not_object"))
        case 4:
            // Invalid UTF-8 inside the text: decided (bytes replaced) or refused, never a crash.
            return Line(
                bytes: Array(#"{"id":\#(q),"text":"colis "#.utf8) + [0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0xE2, 0x82] + Array(#" retard"}"#.utf8), id: nil,
                expect: .any)
        case 5: return Line(bytes: [0xFF, 0xFE] + Array(#"{"id":\#(q),"text":"x"}"#.utf8), id: nil, expect: .error("invalid_json"))
        case 6: return Line(bytes: Array(#"{"id":\#(q),"text":"col"#.utf8) + [0] + Array(#"is"}"#.utf8), id: nil, expect: .any)
        case 7: return Line(bytes: Array(#"{"id":\#(q),"text":"colis\u0000retard"}"#.utf8), id: id, expect: .decision)
        case 8: return Line(bytes: [0xEF, 0xBB, 0xBF] + good().bytes, id: nil, expect: i == 0 ? .decision : .any)
        case 9:
            var l = good()
            l.bytes.append(0x0D)
            return l
        case 10: return Line(bytes: Array(rng.pick(["", " ", "\t \t", "\r"]).utf8), id: nil, expect: .error("empty_line"))
        case 11: return good(#","pad":"\#(String(repeating: "x", count: 20_000 + rng.below(20_000)))""#)
        case 12:
            var l = good(#","pad":"\#(String(repeating: "y", count: maxLineBytes + rng.below(50_000)))""#)
            l.id = nil
            l.expect = .error("line_too_long")
            return l
        case 13: return good(#","deep":\#(String(repeating: "[", count: 40))1\#(String(repeating: "]", count: 40))"#)
        case 14:
            return Line(
                bytes: Array(#"{"id":\#(q),"text":"x","deep":\#(String(repeating: "[", count: 100))1\#(String(repeating: "]", count: 100))}"#.utf8), id: nil,
                expect: .error("invalid_json"))
        case 15: return Line(bytes: Array(#"{"id":\#(q),"text":"merci","text":"connard","id":\#(q)}"#.utf8), id: id, expect: .decision)
        case 16: return Line(bytes: Array(#"{"id":\#(q),"text":null}"#.utf8), id: id, expect: .error("no_text"))
        case 17:
            return Line(
                bytes: Array(#"{"id":\#(q),"text":\#(rng.pick(["12", "-1e999", "[\"colis\"]", "{\"fr\":\"colis\"}", "true"]))}"#.utf8), id: id,
                expect: .error("no_text"))
        case 18: return Line(bytes: Array(#"{"id":\#(q),"body":"colis"}"#.utf8), id: id, expect: .error("no_text"))
        case 19: return good(#","n":123456789012345678901234567890e300,"m":-1e-400,"score":1e999"#)
        case 20: return Line(bytes: Array(#"{"id":\#(q),"text":"colis \ud800 \udfff retard"}"#.utf8), id: nil, expect: .any)
        case 21: return Line(bytes: Array(#"{"id":\#(q),"text":"colis"} {"id":"again"}"#.utf8), id: nil, expect: .error("invalid_json"))
        case 22: return good(#","timestamp":1e300"#)
        default: return Line(bytes: Array(#"{"id":\#(q),"text":"colis","unknown":{"a":[1,{"b":null}]},"\u00e9":"é"}"#.utf8), id: id, expect: .decision)
        }
    }

    static func stream(seed: UInt64, count: Int, badShare: Double) -> [Line] {
        var rng = SplitMix64(state: seed)
        return (0..<count).map { line($0, &rng, badShare: badShare) }
    }

    /// Runs the stream through a runner. `chunks`: feed it through a pipe in reads of random
    /// sizes (else from a file). `readBlock`: the runner's read size.
    static func run(_ program: Program, _ lines: [Line], jobs: Int, batchLines: Int, chunks: UInt64? = nil, readBlock: Int = RunOptions().readBlockBytes) throws -> [UInt8] {
        var input: [UInt8] = []
        for l in lines {
            input += l.bytes
            input.append(0x0A)
        }
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outPath = dir.appendingPathComponent("out").path
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        let out = open(outPath, O_WRONLY)
        var o = RunOptions()
        o.jobs = jobs
        o.batchLines = batchLines
        o.readBlockBytes = readBlock
        o.maxLineBytes = maxLineBytes
        let runner = StreamRunner(program: program, options: o)
        let end: RunEnd
        if let seed = chunks {
            var fds: [Int32] = [-1, -1]
            try #require(pipe(&fds) == 0)
            let (bytes, wfd) = (input, fds[1])
            let writer = Thread {
                var rng = SplitMix64(state: seed)
                var off = 0
                while off < bytes.count {
                    let n = min(bytes.count - off, 1 + rng.below(rng.chance(0.5) ? 64 : 200_000))
                    let w = bytes.withUnsafeBytes { write(wfd, $0.baseAddress! + off, n) }
                    if w <= 0 { break }
                    off += w
                }
                close(wfd)
            }
            writer.start()
            end = runner.run(input: fds[0], output: out)
            close(fds[0])
        } else {
            let inPath = dir.appendingPathComponent("in").path
            _ = FileManager.default.createFile(atPath: inPath, contents: Data(input))
            let fin = open(inPath, O_RDONLY)
            end = runner.run(input: fin, output: out)
            close(fin)
        }
        close(out)
        #expect(end == .endOfInput)
        #expect(runner.stats.lines == lines.count)
        return Array(try Data(contentsOf: URL(fileURLWithPath: outPath)))
    }

    /// Checks one output against the stream: count, line numbers, ids, error codes.
    static func check(_ out: [UInt8], _ lines: [Line], sourceLocation: SourceLocation = #_sourceLocation) throws -> [ArraySlice<UInt8>] {
        try #require(out.last == 0x0A, "the output does not end with a line break", sourceLocation: sourceLocation)
        let outLines = out.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
        try #require(outLines.count == lines.count, "\(outLines.count) output lines for \(lines.count) input lines", sourceLocation: sourceLocation)
        var wrong = 0
        for (i, (o, l)) in zip(outLines, lines).enumerated() {
            let object = try? JSONSerialization.jsonObject(with: Data(o)) as? [String: Any]
            var problem: String?
            if let object {
                let code = object["error_code"] as? String
                if object["line"] as? Int != i + 1 {
                    problem = "line number \(object["line"] ?? "none")"
                } else if let id = l.id, object["id"] as? String != id {
                    problem = "id \(object["id"] ?? "none"), expected \(id)"
                } else if l.expect == .decision, code != nil {
                    problem = "error \(code!), expected a decision"
                } else if case .error(let c) = l.expect, code != c {
                    problem = "error code \(code ?? "none"), expected \(c)"
                } else if object["rules_version"] == nil {
                    problem = "no rules_version"
                }
            } else {
                problem = "not a JSON object"
            }
            if let problem {
                wrong += 1
                if wrong <= 5 {
                    Issue.record(
                        "line \(i + 1): \(problem): \(String(decoding: o.prefix(160), as: UTF8.self)) for input \(String(decoding: l.bytes.prefix(120), as: UTF8.self).debugDescription)",
                        sourceLocation: sourceLocation)
                }
            }
        }
        #expect(wrong == 0, sourceLocation: sourceLocation)
        return outLines
    }

    static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6, 7, 8]

    /// Stateless rules: every line's output is the same as when the line is decided alone.
    @Test(arguments: seeds)
    func streamsDecideEachLineAsIfAlone(seed: UInt64) throws {
        let program = try #require(Compiler.compile(RuleSetLoader.load(path: Paths.fixtures.appendingPathComponent("cli/rules").path)))
        let lines = Self.stream(seed: seed, count: 1500, badShare: 0.3)
        var rng = SplitMix64(state: seed &* 31)
        let one = try Self.run(program, lines, jobs: 1, batchLines: 1 + rng.below(300))
        let outLines = try Self.check(one, lines)
        let four = try Self.run(program, lines, jobs: 4, batchLines: 1 + rng.below(300))
        #expect(four == one, "4 workers gave another output than 1")
        let piped = try Self.run(program, lines, jobs: 3, batchLines: 1 + rng.below(40), chunks: seed)
        #expect(piped == one, "the input cut into random reads gave another output")
        // Read blocks shorter than most lines: lines (and too-long lines) span many blocks.
        let block = 1 + rng.below(700)
        let small = try Self.run(program, lines, jobs: 1, batchLines: 1 + rng.below(300), readBlock: block)
        #expect(small == one, "reads of \(block) bytes gave another output")
        let smallPiped = try Self.run(program, lines, jobs: 2, batchLines: 1 + rng.below(300), chunks: seed &+ 1, readBlock: block)
        #expect(smallPiped == one, "reads of \(block) bytes from a pipe gave another output")
        let alone = StreamRunner(program: program, options: RunOptions())
        var differ = 0
        for (i, l) in lines.enumerated() where l.expect != .error("line_too_long") {
            let expected = alone.process(line: l.bytes[...], number: i + 1)
            if expected.dropLast() != Array(outLines[i]) {
                differ += 1
                if differ <= 3 {
                    Issue.record(
                        "line \(i + 1) decided alone: \(String(decoding: expected, as: UTF8.self)) in the stream: \(String(decoding: outLines[i], as: UTF8.self))"
                    )
                }
            }
        }
        #expect(differ == 0)
    }

    /// Stateful rules (the example pack: windows, repeats, once per, cooldowns): the same output
    /// whatever the number of workers, the batch size and the way the input is cut.
    @Test(arguments: seeds)
    func statefulStreamsGiveTheSameOutputWithOneAndFourWorkers(seed: UInt64) throws {
        let program = try #require(Compiler.compile(RuleSetLoader.load(path: Paths.packageRoot.appendingPathComponent("examples/shop").path)))
        #expect(program.isStateful)
        let lines = Self.stream(seed: seed + 100, count: 1500, badShare: 0.1)
        var rng = SplitMix64(state: seed &* 17)
        let one = try Self.run(program, lines, jobs: 1, batchLines: 1 + rng.below(300))
        _ = try Self.check(one, lines)
        let four = try Self.run(program, lines, jobs: 4, batchLines: 1 + rng.below(300))
        #expect(four == one, "4 workers gave another output than 1")
        let piped = try Self.run(program, lines, jobs: 2, batchLines: 1 + rng.below(40), chunks: seed)
        #expect(piped == one, "the input cut into random reads gave another output")
        let block = 1 + rng.below(700)
        let small = try Self.run(program, lines, jobs: 2, batchLines: 1 + rng.below(300), readBlock: block)
        #expect(small == one, "reads of \(block) bytes gave another output")
        // The state mattered: a window fired (the bad buzz escalation, then `once per` drops).
        #expect(String(decoding: one, as: UTF8.self).contains(#""team":"crise""#))
    }

    /// Six hostile regexes on one comment: the first three run to their match limit, the other
    /// three are skipped by the comment's regex budget, and the line says so once. The other
    /// rules still decide, and `--stats` counts the comment.
    @Test func theRegexBudgetBoundsACommentWithManyHostileRegexes() throws {
        let hostileRules = (0..<6).map { "rule lent\($0) { when text matches /(a|aa)+\(String(repeating: "a", count: $0))$/ then flag lent\($0) }" }
        let program = try compileRules((hostileRules + [#"rule colis { when text has "colis" then hide }"#]).joined(separator: "\n"))
        let ev = Evaluator(program: program)
        ev.budget = RegexBudget(maxCutoffs: 3, milliseconds: 0)
        let line = comment("colis " + String(repeating: "a", count: 60) + "b", ["id": "x"])
        guard case .decision(let d) = ev.evaluate(line: Array(line.utf8)) else {
            Issue.record("no decision")
            return
        }
        #expect(d.actions.map(\.kind) == [.hide])
        #expect(d.warnings.filter { $0.contains("match limit") }.count == 3, "\(d.warnings)")
        #expect(d.warnings.contains("regex budget spent (3 regexes were cut off by their limit): 3 more regexes were skipped and count as not matched"), "\(d.warnings)")
        // The next comment starts with a whole budget; a harmless one spends none of it.
        guard case .decision(let ok) = ev.evaluate(line: Array(comment("colis aaaa", ["id": "y"]).utf8)) else {
            Issue.record("no decision")
            return
        }
        #expect(ok.warnings.isEmpty)
        #expect(ok.actions.filter { $0.kind == .flag }.count == 4, "(a|aa)+a{k}$ matches four a's for k up to 3")
        var stats = RunStats()
        stats.count(d)
        stats.count(ok)
        #expect(stats.overBudget == 1)
        #expect(stats.regexLimits == 3)
        // The time budget: with no cut-off budget but 1 ms for all regexes, the later hostile
        // regexes do not start. Each runs for about a millisecond on a 50 KB comment, whose match
        // limit is 220,000 steps (on a short one, 20,000 steps cut it off in about 0.1 ms).
        ev.budget = RegexBudget(maxCutoffs: 100, milliseconds: 1)
        let long = comment("colis " + String(repeating: "a", count: 60) + "b" + String(repeating: " ", count: 50_000), ["id": "x"])
        guard case .decision(let timed) = ev.evaluate(line: Array(long.utf8)) else {
            Issue.record("no decision")
            return
        }
        #expect(timed.warnings.contains { $0.hasPrefix("regex budget spent (its regexes ran for more than 1 ms)") }, "\(timed.warnings)")
        #expect(timed.actions.map(\.kind) == [.hide])
    }

    /// A regex with catastrophic backtracking is cut off by PCRE2's match limit on each hostile
    /// comment: the rule counts as not matched, the line says so in `warnings`, `--stats` counts
    /// it, the other rules still decide, and the stream goes on at a bounded cost per comment.
    @Test func catastrophicRegexIsCutOffAndTheStreamGoesOn() throws {
        let program = try compileRules(
            """
            rule lent { when text matches /(a|aa)+$/ then flag lent }
            rule colis { when text has "colis" then hide }
            """)
        let hostile = "colis " + String(repeating: "a", count: 60) + "b"
        let lines = (0..<40).map { i in Line(bytes: Array(comment(i % 2 == 0 ? hostile : "colis aaaa", ["id": "g\(i)"]).utf8), id: "g\(i)", expect: .decision) }
        let started = Date()
        let out = try Self.check(try Self.run(program, lines, jobs: 1, batchLines: 8), lines)
        let perComment = Date().timeIntervalSince(started) / 20
        for (i, line) in out.enumerated() {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let actions = (o["actions"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String }
            let warnings = o["warnings"] as? [String] ?? []
            if i % 2 == 0 {
                #expect(actions == ["hide"], "\(line)")
                #expect(warnings.contains { $0.contains("match limit") }, "\(warnings)")
            } else {
                #expect(actions == ["hide", "flag"], "\(line)")
                #expect(warnings.isEmpty)
            }
        }
        // 2^60 paths without the limit; with it, well under a second each even in a debug build.
        #expect(perComment < 1, "\(perComment) s per hostile comment")
        let runner = StreamRunner(program: program, options: RunOptions())
        for (i, l) in lines.enumerated() { _ = runner.process(line: l.bytes[...], number: i + 1) }
        #expect(runner.stats.regexLimits == 20, "counted for --stats")
    }

    /// Every output line of a mixed stream follows `Grammar/output.schema.json` (its decision or
    /// its error shape, with `rules_version`).
    @Test func outputLinesFollowTheOutputSchema() throws {
        let program = try #require(Compiler.compile(RuleSetLoader.load(path: Paths.packageRoot.appendingPathComponent("examples/shop").path)))
        let lines = Self.stream(seed: 42, count: 600, badShare: 0.3)
        let out = try Self.check(try Self.run(program, lines, jobs: 2, batchLines: 50), lines)
        let schemaURL = Paths.packageRoot.appendingPathComponent("Grammar/output.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL)) as? [String: Any])
        let defs = try #require(schema["$defs"] as? [String: Any])
        let decision = try #require(defs["decision"] as? [String: Any])
        let error = try #require(defs["error"] as? [String: Any])
        var kinds = Set<String>()
        for line in out {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let isError = o["error_code"] != nil
            kinds.insert(isError ? "error" : "decision")
            for k in ["shadow", "dropped", "warnings"] where o[k] != nil { kinds.insert(k) }
            try SchemaCheck.validate(o, against: isError ? error : decision, root: schema, path: "line \(o["line"] ?? "?")")
            let v = try #require(o["rules_version"] as? String)
            #expect(v == program.ruleSet.version && v.count == 12 && v.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        }
        #expect(kinds.isSuperset(of: ["error", "decision", "dropped", "warnings"]), "\(kinds)")
    }

    /// A line without a final line break is answered; one over the limit without a line break too.
    @Test func unterminatedLastLinesAreAnswered() throws {
        let program = try compileRules(#"rule r { when text has "colis" then hide }"#)
        for (tail, code) in [(comment("colis", ["id": "last"]), nil), (String(repeating: "z", count: Self.maxLineBytes + 10), "line_too_long")] {
            let dir = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: dir) }
            let inPath = dir.appendingPathComponent("in").path
            let outPath = dir.appendingPathComponent("out").path
            _ = FileManager.default.createFile(atPath: inPath, contents: Data((comment("x", ["id": "a"]) + "\n" + tail).utf8))
            _ = FileManager.default.createFile(atPath: outPath, contents: nil)
            var o = RunOptions()
            o.maxLineBytes = Self.maxLineBytes
            let (fin, fout) = (open(inPath, O_RDONLY), open(outPath, O_WRONLY))
            #expect(StreamRunner(program: program, options: o).run(input: fin, output: fout) == .endOfInput)
            close(fin)
            close(fout)
            let out = try String(contentsOfFile: outPath, encoding: .utf8).split(separator: "\n").compactMap(parseObject)
            #expect(out.count == 2)
            #expect(out.last?["error_code"] as? String == code)
        }
    }
}
