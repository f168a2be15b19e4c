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

/// Windows, repeats, once per, cooldowns: event time, lateness, missing timestamps, restarts
/// with saved state, and the same output whatever the number of workers.
struct StateTests {
    static let rules = """
        lang en
        template sorry { en: "Sorry" }
        rule complaint { when text has "late" then reply sorry cooldown 1h per author, tag care }
        rule buzz { when count(rule complaint, window 10m) >= 3 then escalate crisis severity critical once per 1h }
        rule flood { when count(true, window 1m by author) >= 3 then flag flood }
        rule same { when repeats(window 10m by author) >= 2 then hide "repeated" }
        """

    func program() throws -> Program {
        try #require(Compiler.compile(RuleSetLoader.build(sources: [SourceFile(path: "s.vigie", text: Self.rules)], root: ".")))
    }

    func line(_ text: String, author: String, at t: String?) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("text"); w.string(text)
        w.key("author"); w.beginObject(); w.key("id"); w.string(author); w.endObject()
        if let t { w.key("timestamp"); w.string(t) }
        w.endObject()
        return w.string
    }

    func decide(_ ev: Evaluator, _ l: String) throws -> Decision {
        guard case .decision(let d) = ev.evaluate(line: Array(l.utf8)) else { throw CancellationError() }
        return d
    }

    @Test func aSpikeEscalatesExactlyOncePerWindow() throws {
        let ev = Evaluator(program: try program())
        var escalations = 0
        for i in 0..<12 {
            let d = try decide(ev, line("order late", author: "a\(i)", at: "2026-01-01T10:0\(i / 2):\(i % 2 == 0 ? "00" : "30")Z"))
            if d.has(.escalate) {
                escalations += 1
                #expect(i == 2)
                #expect(d.actions.first { $0.kind == .escalate }?.count == 3)
                #expect(d.actions.first { $0.kind == .escalate }?.window == "10m")
            }
        }
        #expect(escalations == 1)
        // An hour later, a new wave escalates again.
        var later = 0
        for i in 0..<3 where try decide(ev, line("late", author: "b\(i)", at: "2026-01-01T11:3\(i):00Z")).has(.escalate) { later += 1 }
        #expect(later == 1)
    }

    /// A key's events are capped and the dropped prefix is cut off, so a busy key (every comment
    /// without timestamp lands on one time) keeps bounded storage; this once copied the whole
    /// list on every comment.
    @Test func eventsOfOneKeyStayBoundedAndCountRight() {
        var e = StateStage.Events()
        for i in 0..<10_000 { e.insert(Double(i / 10), UInt64(i % 3), cap: 500) }
        #expect(e.times.count - e.head == 500)
        #expect(e.times.count <= 2 * 500 + 64)
        #expect(e.times[e.head...].elementsEqual(e.times[e.head...].sorted()))
        #expect(e.times.last == 999)
        // Out of order within the kept events: inserted at its place.
        e.insert(990.5, 7, cap: 500)
        let kept = Array(e.times[e.head...])
        #expect(kept == kept.sorted())
        #expect(kept.contains(990.5))
        #expect(e.hashes[e.head + kept.firstIndex(of: 990.5)!] == 7)
    }

    @Test func floodIsPerAuthor() throws {
        let ev = Evaluator(program: try program())
        let a = try (0..<3).map { try decide(ev, line("hi \($0)", author: "x", at: "2026-01-01T10:00:0\($0)Z")) }
        #expect(a.map { $0.has(.flag) } == [false, false, true])
        #expect(try !decide(ev, line("hi", author: "y", at: "2026-01-01T10:00:05Z")).has(.flag))
    }

    @Test func repeatedTextIsHidden() throws {
        let ev = Evaluator(program: try program())
        #expect(try !decide(ev, line("Buy NOW", author: "s", at: "2026-01-01T10:00:00Z")).has(.hide))
        #expect(try decide(ev, line("buy now!!", author: "s", at: "2026-01-01T10:05:00Z")).has(.hide))
        #expect(try !decide(ev, line("buy now", author: "other", at: "2026-01-01T10:06:00Z")).has(.hide))
    }

    @Test func cooldownSuppressesTheSecondReplyAndSaysSo() throws {
        let ev = Evaluator(program: try program())
        #expect(try decide(ev, line("late", author: "c", at: "2026-01-01T10:00:00Z")).has(.reply))
        let second = try decide(ev, line("still late", author: "c", at: "2026-01-01T10:30:00Z"))
        #expect(!second.has(.reply))
        #expect(second.dropped.contains { $0.action.kind == .reply && $0.why.hasPrefix("cooldown 1h") })
        #expect(try decide(ev, line("late again", author: "c", at: "2026-01-01T11:30:00Z")).has(.reply))
    }

    @Test func outOfOrderEventsWithinTheLatenessCountAtTheirOwnTime() throws {
        let ev = Evaluator(program: try program())
        _ = try decide(ev, line("a", author: "o", at: "2026-01-01T10:00:30Z"))
        _ = try decide(ev, line("b", author: "o", at: "2026-01-01T10:00:50Z"))
        // Earlier than the last one, still within the window of both: the third in a minute.
        #expect(try decide(ev, line("c", author: "o", at: "2026-01-01T10:00:10Z")).has(.flag))
        // Far too late: counted at latest − lateness, and the output says so.
        let late = try decide(ev, line("d", author: "p", at: "2026-01-01T08:00:00Z"))
        #expect(late.warnings.contains { $0.contains("behind the latest") })
    }

    /// Comments without a time once all took the latest time seen, so a stream without times
    /// filled its windows as if every comment came at once (a false crisis alert on 8,022 real
    /// comments): now the windows leave them out.
    @Test func aCommentWithoutTimeIsLeftOutOfWindows() throws {
        let ev = Evaluator(program: try program())
        _ = try decide(ev, line("a", author: "m", at: "2026-01-01T10:00:00Z"))
        _ = try decide(ev, line("b", author: "m", at: nil))
        #expect(try !decide(ev, line("c", author: "m", at: nil)).has(.flag))
        #expect(ev.state.untimed == 2)
        // Thirty complaints without a time: no wave, no flood, no repeat — and the trace says why.
        let fresh = Evaluator(program: try program())
        for i in 0..<30 {
            let d = try decide(fresh, line("order late", author: "same", at: nil))
            #expect(!d.has(.escalate) && !d.has(.flag) && !d.has(.hide), "comment \(i)")
        }
        #expect(fresh.state.untimed == 30)
        let trace = Trace()
        _ = fresh.evaluate(line: Array(line("late", author: "same", at: nil).utf8), trace: trace)
        #expect(trace.nodes.values.contains { $0.note == "the comment has no time: windows leave it out" })
        // A comment with a time after them counts only the comments with a time.
        #expect(try !decide(fresh, line("late", author: "same", at: "2026-01-01T10:00:00Z")).has(.escalate))
    }

    /// `--time-field` (a field map's `timestamp`) names the field that holds the time; the
    /// default fields are then not read.
    @Test func theTimeFieldNamesWhereTheTimeIs() throws {
        func stamped(_ t: String, key: String) -> String { #"{"text":"hi","author":{"id":"x"},"\#(key)":"\#(t)"}"# }
        let named = Evaluator(program: try program(), fields: FieldMap(["timestamp": ["created_time"]]))
        let spaced = try ["10:00:00", "10:05:00", "10:10:00"].map { try decide(named, stamped("2026-01-01T\($0)+0000", key: "created_time")) }
        #expect(spaced.map { $0.has(.flag) } == [false, false, false])
        #expect(named.state.untimed == 0)
        let close = try ["11:00:00", "11:00:10", "11:00:20"].map { try decide(named, stamped("2026-01-01T\($0)+0000", key: "created_time")) }
        #expect(close.map { $0.has(.flag) } == [false, false, true])
        // `timestamp` is not read when another field is named.
        _ = try decide(named, stamped("2026-01-01T12:00:00Z", key: "timestamp"))
        #expect(named.state.untimed == 1)
        // Without it, `created_time` is no time.
        let plain = Evaluator(program: try program())
        for t in ["11:00:00", "11:00:10", "11:00:20"] { #expect(try !decide(plain, stamped("2026-01-01T\(t)+0000", key: "created_time")).has(.flag)) }
        #expect(plain.state.untimed == 3)
    }

    /// Lines of `n` comments without a time by one author, one per line.
    func untimedFile(_ n: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-untimed-\(UUID().uuidString)").path
        try ((0..<n).map { #"{"id":\#($0),"text":"late","author":{"id":"u"}}"# }.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `path` with an arrival clock (nil: none), reading `block` bytes at a time; returns
    /// the output lines and the runner.
    func runWithClock(_ path: String, jobs: Int, block: Int, clock: (@Sendable () -> Double)?) throws -> ([String], StreamRunner) {
        let output = path + ".out"
        #expect(FileManager.default.createFile(atPath: output, contents: nil))
        defer { unlink(output) }
        var o = RunOptions()
        o.jobs = jobs
        o.readBlockBytes = block
        o.arrivalClock = clock
        let runner = StreamRunner(program: try program(), options: o)
        let fin = open(path, O_RDONLY)
        let fout = open(output, O_WRONLY)
        runner.run(input: fin, output: fout)
        close(fin)
        close(fout)
        return (try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map(String.init), runner)
    }

    /// Live input: a comment without a time takes the time its line was read (one clock reading
    /// per read of the input). The clock is injected: comments read together count together,
    /// comments read a minute apart do not; without a clock, windows leave them out.
    @Test func liveInputGivesArrivalTimeFromTheClock() throws {
        let path = try untimedFile(3)
        defer { unlink(path) }
        // One read for the whole input, at one time: three comments in the same minute.
        let (together, r1) = try runWithClock(path, jobs: 1, block: 1 << 16, clock: { 1_767_225_600 })
        #expect(together.map { $0.contains(#""flag""#) } == [false, false, true])
        #expect(r1.stats.untimed == 0)
        // A line per read, each read 100 s after the last.
        final class Ticks: @unchecked Sendable {
            let lock = NSLock()
            var t = 1_767_225_600.0
            func next() -> Double {
                lock.lock()
                defer { lock.unlock() }
                t += 100
                return t
            }
        }
        for jobs in [1, 4] {
            let ticks = Ticks()
            let (apart, r2) = try runWithClock(path, jobs: jobs, block: 40, clock: { ticks.next() })
            #expect(apart.count == 3)
            #expect(!apart.contains { $0.contains(#""flag""#) }, "jobs \(jobs)")
            #expect(r2.stats.untimed == 0)
            #expect(ticks.t >= 1_767_225_600 + 300, "one clock reading per read")
        }
        // No clock (a file): no time, left out of the windows, counted.
        let (file, r3) = try runWithClock(path, jobs: 1, block: 1 << 16, clock: nil)
        #expect(!file.contains { $0.contains(#""flag""#) })
        #expect(r3.stats.untimed == 3)
        #expect(r3.stats.render(seconds: 0).contains("3 comments had no time: windows ignored them"))
    }

    /// The first comment without a time is reported once, with its line; the same decisions
    /// come out whatever the number of workers.
    @Test func theFirstCommentWithoutTimeIsReportedOnce() throws {
        let lines = [line("late", author: "w", at: "2026-01-01T10:00:00Z")] + (0..<40).map { line("late \($0)", author: "w", at: nil) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-untimed-\(UUID().uuidString)").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        var outputs: [[String]] = []
        for jobs in [1, 3] {
            let output = path + ".out"
            #expect(FileManager.default.createFile(atPath: output, contents: nil))
            defer { unlink(output) }
            var o = RunOptions()
            o.jobs = jobs
            o.batchLines = 8
            let runner = StreamRunner(program: try program(), options: o)
            final class Reports: @unchecked Sendable { var lines: [Int] = [] }
            let reports = Reports()
            runner.onFirstUntimed = { reports.lines.append($0) }
            let fin = open(path, O_RDONLY)
            let fout = open(output, O_WRONLY)
            runner.run(input: fin, output: fout)
            close(fin)
            close(fout)
            #expect(reports.lines == [2])
            #expect(runner.stats.untimed == 40)
            outputs.append(try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map(String.init))
        }
        #expect(outputs[0] == outputs[1])
        #expect(!outputs[0].contains { $0.contains(#""flag""#) || $0.contains(#""hide""#) })
    }

    func stream() -> [String] {
        var rng = SplitMix64(state: 3)
        let texts = ["late", "hello", "spam spam", "late again", "nice"]
        return (0..<600).map { i in
            let t = 1_767_225_600 + i * 7 - rng.below(30)
            var w = JSONWriter()
            w.beginObject()
            w.key("id"); w.int(i)
            w.key("text"); w.string(texts[rng.below(texts.count)])
            w.key("author"); w.beginObject(); w.key("id"); w.string("u\(rng.below(20))"); w.endObject()
            if i % 17 != 0 { w.key("timestamp"); w.int(t) }
            w.endObject()
            return w.string
        }
    }

    func runStream(_ lines: [String], jobs: Int, state: String? = nil, rules: String? = nil) throws -> [String] {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-state-in-\(UUID().uuidString)").path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-state-out-\(UUID().uuidString)").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        #expect(FileManager.default.createFile(atPath: output, contents: nil))
        defer {
            unlink(input)
            unlink(output)
        }
        var o = RunOptions()
        o.jobs = jobs
        o.batchLines = 16
        let compiled = try rules.map { try #require(Compiler.compile(RuleSetLoader.build(sources: [SourceFile(path: "s.vigie", text: $0)], root: "."))) }
        let runner = StreamRunner(program: try compiled ?? program(), options: o)
        if let state { try runner.state.load(from: state) }
        let fin = open(input, O_RDONLY)
        let fout = open(output, O_WRONLY)
        runner.run(input: fin, output: fout)
        close(fin)
        close(fout)
        if let state { try runner.state.save(to: state) }
        // Line numbers restart with each run; compare the rest.
        return try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map {
            String($0).replacingOccurrences(of: #"^\{"line":\d+,"#, with: "{", options: .regularExpression)
        }
    }

    @Test func sameOutputWithOneAndFourWorkers() throws {
        let lines = stream()
        let one = try runStream(lines, jobs: 1)
        #expect(one.count == lines.count)
        #expect(try runStream(lines, jobs: 4) == one)
    }

    /// Rules without state are decided by the workers; only the writer knows whether a comment
    /// is later than the lateness allows, and such comments get the same warning whatever the
    /// number of workers (the writer evaluates them again: a worker keeps only the time of a
    /// line it wrote) — those a rule matched and those nothing matched.
    @Test func statelessRulesGetTheSameLateWarningsWithFourWorkers() throws {
        let rules = #"rule complaint { when text has "late" then flag care }"#
        var lines = stream()
        // Comments far behind the others, spread over several batches.
        for i in stride(from: 50, to: 600, by: 97) {
            lines[i] = #"{"id":"old\#(i)","text":"late","timestamp":1767000000}"#
            lines[i + 1] = #"{"id":"quiet\#(i)","text":"rien","timestamp":1767000001}"#
        }
        let one = try runStream(lines, jobs: 1, rules: rules)
        #expect(one.filter { $0.contains("behind the latest one") }.count == 12)
        #expect(one.filter { $0.contains(#""id":"quiet"#) && $0.contains("behind the latest one") && $0.contains(#""actions":[]"#) }.count == 6)
        #expect(try runStream(lines, jobs: 4, rules: rules) == one)
        #expect(try runStream(lines, jobs: 2, rules: rules) == one)
    }

    @Test func aRestartWithSavedStateDecidesLikeAnUninterruptedRun() throws {
        let lines = stream()
        let whole = try runStream(lines, jobs: 2)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-state-\(UUID().uuidString).json").path
        defer { unlink(path) }
        let first = try runStream(Array(lines[..<250]), jobs: 2, state: path)
        let second = try runStream(Array(lines[250...]), jobs: 1, state: path)
        #expect(first + second == whole)
    }

    @Test func aCorruptStateFileIsAnErrorAndIsNotOverwritten() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-state-\(UUID().uuidString).json").path
        defer { unlink(path) }
        try "not json".write(toFile: path, atomically: true, encoding: .utf8)
        let stage = StateStage(program: try program())
        #expect(throws: StateStage.StateFileError.self) { try stage.load(from: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "not json")
    }
}
