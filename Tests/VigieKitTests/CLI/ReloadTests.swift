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

/// Rules that change while a stream runs: versions, the swap between batches, the state that
/// moves over, rules that do not compile.
@Suite struct ReloadTests {
    static let before = """
        rule flood { when count(true, window 1h by author) >= 3 then flag flood }
        rule mot { when text has "colis" then hide }
        """
    static let after = """
        rule flood { when count(true, window 1h by author) >= 3 then flag flood }
        rule mot { when text has "colis" then flag colis }
        rule merci { when text has "merci" then tag merci }
        """

    /// Comments from 30 authors, 200 s apart: an author's count in the last hour goes up and down.
    static func stream(_ n: Int) -> [String] {
        var rng = SplitMix64(state: 11)
        let texts = ["mon colis", "merci", "bonjour", "colis merci", "rien"]
        return (0..<n).map { i in
            comment(texts[rng.below(texts.count)], ["id": "c\(i)", "author": ["id": "u\(rng.below(30))"], "timestamp": 1_767_225_600 + i * 200])
        }
    }

    /// Runs `lines` through a runner; `configure` may set hooks. Returns the output lines.
    static func run(_ program: Program, _ lines: [String], jobs: Int, configure: (StreamRunner) -> Void = { _ in }) throws -> [String] {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.jsonl").path
        let output = dir.appendingPathComponent("out.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        var o = RunOptions()
        o.jobs = jobs
        o.batchLines = 16
        let runner = StreamRunner(program: program, options: o)
        configure(runner)
        let fin = open(input, O_RDONLY)
        let fout = open(output, O_WRONLY)
        let end = runner.run(input: fin, output: fout)
        close(fin)
        close(fout)
        #expect(end == .endOfInput)
        return try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func versionNamesTheBytesOfRuleAndListFilesWhereverTheFolderIs() throws {
        let a = try temporaryFolder()
        let b = try temporaryFolder()
        defer {
            try? FileManager.default.removeItem(at: a)
            try? FileManager.default.removeItem(at: b)
        }
        for dir in [a, b] {
            try #"list l = file "l.txt""#.appending("\nrule r { when text has any l then hide }\n").write(
                to: dir.appendingPathComponent("r.vigie"), atomically: true, encoding: .utf8)
            try "colis\nretard\n".write(to: dir.appendingPathComponent("l.txt"), atomically: true, encoding: .utf8)
        }
        let va = RuleSetLoader.load(path: a.path).version
        #expect(va.count == 12 && va.allSatisfy(\.isHexDigit))
        #expect(RuleSetLoader.load(path: b.path).version == va)
        try "colis\nretards\n".write(to: b.appendingPathComponent("l.txt"), atomically: true, encoding: .utf8)
        #expect(RuleSetLoader.load(path: b.path).version != va, "a changed list file must change the version")
        try "colis\nretard\n".write(to: b.appendingPathComponent("l.txt"), atomically: true, encoding: .utf8)
        #expect(RuleSetLoader.load(path: b.path).version == va)
    }

    @Test func everyOutputLineNamesTheRulesVersion() throws {
        let program = try compileRules(Self.before)
        let out = try Self.run(program, Self.stream(40) + ["not json", ""], jobs: 2)
        #expect(out.count == 42)
        for line in out { #expect(parseObject(line)?["rules_version"] as? String == program.ruleSet.version, "\(line)") }
    }

    /// New rules take over between two batches; the lines before are decided as by the old rules
    /// alone, the lines after as by the new rules alone (the window is written the same way in
    /// both, so its counts move over); none is lost or reordered.
    @Test(arguments: [1, 4])
    func newRulesTakeOverBetweenBatchesWithTheirState(jobs: Int) throws {
        let a = try compileRules(Self.before)
        let b = try compileRules(Self.after)
        let lines = Self.stream(2000)
        let onlyA = try Self.run(a, lines, jobs: 1)
        let onlyB = try Self.run(b, lines, jobs: 1)
        var swaps: [(String, String, Int)] = []
        let mixed = try Self.run(a, lines, jobs: jobs) { runner in
            var offered = false
            runner.afterBatch = { [unowned runner] in
                if !offered, runner.stats.lines >= 700 {
                    runner.control.offer(b)
                    offered = true
                }
            }
            runner.onSwap = { swaps.append(($0, $1, $2)) }
        }
        try #require(mixed.count == lines.count)
        let versions = mixed.map { parseObject($0)?["rules_version"] as? String }
        let k = try #require(versions.firstIndex(of: b.ruleSet.version), "the new rules never took over")
        #expect(versions[..<k].allSatisfy { $0 == a.ruleSet.version })
        #expect(versions[k...].allSatisfy { $0 == b.ruleSet.version })
        #expect(k >= 704 && k % 16 == 0, "the swap must fall between batches of 16, after line 700 (line \(k + 1))")
        if jobs == 1 { #expect(k == 704) }
        #expect(Array(mixed[..<k]) == Array(onlyA[..<k]))
        #expect(Array(mixed[k...]) == Array(onlyB[k...]))
        #expect(swaps.count == 1)
        #expect(swaps.first?.0 == a.ruleSet.version && swaps.first?.1 == b.ruleSet.version && swaps.first?.2 == k + 1)
        // The flood rule fired on both sides of the swap: the test means something.
        #expect(mixed[..<k].contains { $0.contains(#""queue":"flood""#) })
        #expect(mixed[k...].contains { $0.contains(#""queue":"flood""#) })
    }

    @Test func carryOverKeepsWindowsWrittenTheSameWayAndDropsTheOthers() throws {
        let a = try compileRules(
            """
            rule flood { when count(true, window 1h by author) >= 3 then flag flood }
            rule repeat { when repeats(window 1h by author) >= 2 then hide }
            """)
        let b = try compileRules(
            """
            rule flood2 { when count(true,   window 1h by author) >= 3 then flag flood }
            rule other { when count(true, window 2h by author) >= 1 then tag seen }
            """)
        let ev = Evaluator(program: a)
        for i in 0..<3 { _ = ev.evaluate(line: Array(comment("x", ["author": ["id": "u1"], "timestamp": 1000 + i]).utf8)) }
        let next = Evaluator(program: b)
        next.state.lateness = 7
        next.state.carryOver(from: ev.state)
        #expect(next.state.watermark == 1002)
        #expect(next.state.lateness == ev.state.lateness)
        // The 1h window is written the same way (spaces aside): its 3 events move over.
        let kept = try #require(
            b.windowNodes.indices.first { next.state.windowName($0).hasPrefix("count(true, window 1h by author)") },
            "\(b.windowNodes.indices.map { next.state.windowName($0) })")
        #expect(next.state.windows[kept]["u1"]?.times.count == 3)
        #expect(next.state.windows[1 - kept].isEmpty)
        let d = try #require(
            {
                if case .decision(let d) = next.evaluate(line: Array(comment("y", ["author": ["id": "u1"], "timestamp": 1003]).utf8)) {
                    return d
                } else {
                    return nil
                }
            }())
        #expect(d.actions.contains { $0.kind == .flag }, "the 4th comment of u1 within the hour is a flood")
    }

    @Test func rulesThatDoNotCompileAreReportedAndNeverOffered() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.vigie")
        try #"rule r { when text has "a" then hide }"#.write(to: file, atomically: true, encoding: .utf8)
        let rs = RuleSetLoader.load(path: dir.path)
        let program = try #require(Compiler.compile(rs))
        let control = RunControl()
        let log = DataBox()
        let reloader = RulesReloader(path: dir.path, program: program, control: control) { log.data += Data($0.utf8) }
        reloader.reload(reason: "test")
        #expect(control.takeOffer() == nil, "unchanged rules are not offered")
        #expect(String(decoding: log.data, as: UTF8.self).contains("unchanged"))
        try #"rule r { when text has "a" then hide "#.write(to: file, atomically: true, encoding: .utf8)
        reloader.reload(reason: "test")
        #expect(control.takeOffer() == nil)
        #expect(reloader.version == rs.version)
        #expect(String(decoding: log.data, as: UTF8.self).contains("do not compile; version \(rs.version) stays in force"))
        try #"rule r { when text has "b" then hide }"#.write(to: file, atomically: true, encoding: .utf8)
        reloader.reload(reason: "test")
        let offered = try #require(control.takeOffer())
        #expect(offered.ruleSet.version == reloader.version && reloader.version != rs.version)
    }

    @Test func watchingSeesNewChangedAndRemovedFilesIncludingLists() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("lists"), withIntermediateDirectories: true)
        try "colis\n".write(to: dir.appendingPathComponent("lists/l.txt"), atomically: true, encoding: .utf8)
        try #"list l = file "lists/l.txt""#.appending("\nrule r { when text has any l then hide }\n").write(
            to: dir.appendingPathComponent("r.vigie"), atomically: true, encoding: .utf8)
        let program = try #require(Compiler.compile(RuleSetLoader.load(path: dir.path)))
        let control = RunControl()
        let reloader = RulesReloader(path: dir.path, program: program, control: control) { _ in }
        reloader.reloadIfChanged()
        #expect(control.takeOffer() == nil, "nothing changed")
        try "colis\nretard\n".write(to: dir.appendingPathComponent("lists/l.txt"), atomically: true, encoding: .utf8)
        reloader.reloadIfChanged()
        #expect(try #require(control.takeOffer()).ruleSet.lists["l"]?.terms == ["colis", "retard"])
        try #"rule s { when text has "x" then flag q }"#.write(to: dir.appendingPathComponent("s.vigie"), atomically: true, encoding: .utf8)
        reloader.reloadIfChanged()
        #expect(try #require(control.takeOffer()).rules.map(\.name).sorted() == ["r", "s"])
        try FileManager.default.removeItem(at: dir.appendingPathComponent("s.vigie"))
        reloader.reloadIfChanged()
        #expect(try #require(control.takeOffer()).rules.map(\.name) == ["r"])
    }

    @Test func aStopAskedForBeforeAnyInputEndsAtOnce() throws {
        let program = try compileRules(Self.before)
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        let runner = StreamRunner(program: program, options: RunOptions())
        let out = open("/dev/null", O_WRONLY)
        defer { close(out) }
        // Nothing is ever written to the pipe: only the stop can end the run.
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { [control = runner.control] in control.requestStop(signal: 15) }
        #expect(runner.run(input: fds[0], output: out) == .stopped(signal: 15, partialBytes: 0))
    }
}
