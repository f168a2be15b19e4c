import Foundation
import Testing

@testable import VigieCore
@testable import VigieEngine
@testable import VigieImport
@testable import VigieLanguage
@testable import VigieLint
@testable import VigieRegex

/// The cost of a regular expression is bounded (issue 26, item 1; Grammar/RELIABILITY.md,
/// "Regex cost"): backreferences are refused, the match limit follows the subject's length, and
/// a call that runs past its time limit is cut off.
@Suite("Regex cost")
struct RegexCostTests {
    /// The hostile patterns of the issue, and other spellings of a backreference.
    static let backreferences = [
        #"(.*)\1$"#, #"(a+)\1+$"#, #"(.+)\1\1y"#, #"(?:(.)(?=.*\1))+xy"#,
        #"(?<w>a)\k<w>"#, #"(?P<w>a)(?P=w)"#, #"(a)\g{-1}"#, #"(a)\g1"#, #"(?i)(ab)x\1"#,
    ]

    @Test("a backreference is refused at check with E053, pointing at it", arguments: backreferences)
    func backreferenceIsRefused(_ pattern: String) throws {
        let text = "rule p { when text matches /\(pattern)/ then flag q }\n"
        let rs = RuleSetLoader.build(sources: [SourceFile(path: "/virtual/r.vigie", text: text)], root: "/virtual")
        let errors = rs.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.id) == ["E053"], "\(errors.map(\.message))")
        let e = try #require(errors.first)
        #expect(e.message.contains("backreference"))
        #expect(e.help?.contains("(?:aa)+") == true)
        // `vigie lint` shows it too (compile errors are always part of its findings).
        #expect(Linter.lint(rs).contains { $0.id == "E053" })
        // The caret is on the backreference when it is written with `\`, `\k` or `\g`.
        if let slash = pattern.firstRange(of: #/\\[1-9kg]/#) {
            let offset = pattern.utf8.distance(from: pattern.startIndex, to: slash.lowerBound)
            #expect(e.span?.start == "rule p { when text matches /".utf8.count + offset)
        }
    }

    @Test func refusalIsACompileErrorOfItsOwnKind() {
        #expect(throws: Regex.CompileError.self) { try Regex(#"(a)\1"#) }
        do {
            _ = try Regex(#"(a)\1"#)
        } catch {
            #expect(error.kind == .unboundedCost)
        }
        do {
            _ = try Regex("(a")
        } catch {
            #expect(error.kind == .syntax)
        }
        #expect(ErrorCatalog.explain("E053")?.contains("backreference") == true)
    }

    /// Patterns the guard must not change: leading options, an `x`-mode comment at the end, an
    /// open `\Q`, alternations at the top level, recursion.
    static let guarded: [(pattern: String, flags: String, subject: String, match: String?)] = [
        ("a|bc", "", "xbc", "bc"),
        ("(*LIMIT_MATCH=5000)(*NO_START_OPT)abc", "", "xxabc", "abc"),
        ("(*UCP)\\w+", "", "été!", "été"),
        ("ab # a comment", "x", "xab", "ab"),
        ("(?x) ab # a comment", "", "xab", "ab"),
        ("a\\Q.b", "", "a.b", "a.b"),
        ("a\\Q.b", "", "axb", nil),
        ("\\((?:[^()]|(?R))*\\)", "", "f((a)(b))", "((a)(b))"),
        ("^$", "", "", ""),
    ]

    @Test("the guard keeps what a pattern matches", arguments: guarded)
    func guardKeepsMatches(_ c: (pattern: String, flags: String, subject: String, match: String?)) throws {
        let re = try Regex(c.pattern, flags: c.flags)
        let bytes = Array(c.subject.utf8)
        let r = bytes.withUnsafeBufferPointer { re.firstMatch(in: $0, scratch: RegexScratch()) }
        if let m = c.match {
            guard case .match(let range) = r else {
                Issue.record("\(r)")
                return
            }
            #expect(String(decoding: bytes[range], as: UTF8.self) == m)
        } else {
            #expect(r == .noMatch)
        }
    }

    @Test func matchLimitFollowsTheSubjectLength() {
        #expect(Regex.matchLimit(forLength: 0) == 20_000)
        #expect(Regex.matchLimit(forLength: 41) == 20_164)
        #expect(Regex.matchLimit(forLength: 65_536) == 282_144)
        #expect(Regex.matchLimit(forLength: 16 << 20) == 1_000_000)
        #expect(Regex.timeLimit(forLength: 41) == 5_000_656)
        #expect(Regex.timeLimit(forLength: 65_536) == 6_048_576)
    }

    /// By counting, not timing: `(a+)+$` on 16 `a` and `!` needs between 20,000 and 420,000
    /// steps. A short comment gets the floor and is cut off; the same run at the start of a
    /// 100 KB comment gets 420,000 steps and finishes.
    @Test func shortSubjectIsCutOffAtTheFloorLongOneHasRoom() throws {
        let re = try Regex("(a+)+$")
        let scratch = RegexScratch(timeLimitNanoseconds: 60_000_000_000)
        let short = Array((String(repeating: "a", count: 16) + "!").utf8)
        let long = short + Array(repeating: UInt8(ascii: " "), count: 100_000)
        #expect(short.withUnsafeBufferPointer { re.firstMatch(in: $0, scratch: scratch) } == .limitExceeded(.steps))
        #expect(long.withUnsafeBufferPointer { re.firstMatch(in: $0, scratch: scratch) } == .noMatch)
        // The old fixed limit of 1,000,000 let the short one through too.
        let old = RegexScratch(matchLimit: 1_000_000, timeLimitNanoseconds: 60_000_000_000)
        #expect(Regex.matchLimit(forLength: short.count) < 1_000_000)
        #expect(old.matchLimit == 1_000_000)
    }

    /// PCRE2 counts its match limit from each start position: `(?:a|b){0,300}\d` takes a few
    /// hundred steps from each of 20,000 positions, never reaching the limit, and about 6
    /// million in all. The time limit cuts it off; without one it runs to the end.
    @Test func timeLimitCutsOffAPatternThatIsSlowOnlyInTotal() throws {
        let re = try Regex(#"(?:a|b){0,300}\d"#)
        let subject = Array(repeating: UInt8(ascii: "a"), count: 20_000)
        let patient = RegexScratch(timeLimitNanoseconds: 60_000_000_000)
        #expect(subject.withUnsafeBufferPointer { re.firstMatch(in: $0, scratch: patient) } == .noMatch)
        let bounded = RegexScratch(timeLimitNanoseconds: 100_000)
        #expect(subject.withUnsafeBufferPointer { re.firstMatch(in: $0, scratch: bounded) } == .limitExceeded(.time))
        // The limit is per call: the next call starts afresh.
        let small = Array("aaa1".utf8)
        #expect(small.withUnsafeBufferPointer { re.firstMatch(in: $0, scratch: bounded) } == .match(0..<4))
    }

    /// A cut-off comes out as a warning on the comment, and the rule counts as not matched.
    @Test func cutOffIsReportedAsAWarning() throws {
        let program = try compileRules(
            """
            rule lent { when text matches /(a+)+$/ then flag lent }
            rule colis { when text has "colis" then hide }
            """)
        let runner = StreamRunner(program: program, options: RunOptions())
        let line = Array(comment("colis " + String(repeating: "a", count: 40) + "!", ["id": "c1"]).utf8)
        let out = runner.process(line: line[...], number: 1)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
        #expect((o["warnings"] as? [String] ?? []).contains { $0.contains("/(a+)+$/ was cut off") }, "\(o)")
        #expect((o["actions"] as? [[String: Any]] ?? []).compactMap { $0["type"] as? String } == ["hide"])
        #expect(runner.stats.regexLimits == 1)
    }

    /// A regex cut off by its time limit says so (it used to say "match limit" whatever the
    /// cause): `(?:a|b){0,300}\d` never reaches the match limit from any start position, but
    /// over 100 KB it takes tens of millions of steps, far past the few milliseconds a call gets.
    @Test func timeCutOffSaysTimeLimit() throws {
        let program = try compileRules("rule lent { when text matches /(?:a|b){0,300}\\d/ then flag lent }")
        let runner = StreamRunner(program: program, options: RunOptions())
        let line = Array(comment(String(repeating: "ab", count: 50_000), ["id": "c1"]).utf8)
        let out = runner.process(line: line[...], number: 1)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
        let warnings = o["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("was cut off by its time limit") }, "\(o)")
        #expect(!warnings.contains { $0.contains("match limit") }, "\(o)")
    }

    /// An AutoModerator regex with a backreference is listed as not carried over, and the rules
    /// written compile.
    @Test func importLeavesOutABackreference() throws {
        let yaml = #"""
            body (regex): ['(\w)\1{4,}', 'spam+']
            action: remove
            """#
        let r = try AutoModeratorImporter.translate(yaml: yaml, path: "automod.yaml")
        #expect(r.diagnostics.contains { $0.id == "import/not-carried-over" && $0.message.contains("backreference") }, "\(AutoModeratorImporter.report(r))")
        let rs = RuleSetLoader.build(sources: [SourceFile(path: "/virtual/r.vigie", text: r.source)], root: "/virtual")
        #expect(!rs.hasErrors, "\(r.source)")
        #expect(r.source.contains("spam+"))
    }
}

/// SIGTERM during a stream that keeps every worker in slow regexes (each cut off by its time
/// limit, with the per-comment budget turned off): vigie ends by the signal within a second.
/// Before `RegexStop`, 4 workers finished the batches in flight first (14 s).
@Suite("Regex cost, process") struct RegexStopProcessTests {
    @Test(arguments: [1, 4])
    func stopSignalCutsSlowRegexesOff(jobs: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-regex-stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = (1...8).map { "rule q\($0) { when text matches /(?:a|b){0,30\($0)}\\d/ then flag q }" }.joined(separator: "\n")
        try rules.write(to: dir.appendingPathComponent("slow.vigie"), atomically: true, encoding: .utf8)
        let v = try LiveVigie(["run", "--rules", dir.path, "--jobs", "\(jobs)", "--regex-time", "0", "--regex-budget", "1000"])
        let feeding = DispatchGroup()
        let stopFeeding = DataBox()
        let text = String(repeating: "a", count: 2000)
        @Sendable func chunk(_ i: Int) -> Data { Data(((i..<(i + 50)).map { #"{"id":"c\#($0)","text":"\#(text)"}"# }.joined(separator: "\n") + "\n").utf8) }
        // A first chunk alone, so that its decisions come out as soon as they are made (output is
        // written when input pauses; under a sanitizer on a loaded machine a continuous stream
        // would fill a whole batch first), then a stream that keeps every worker busy.
        try v.input.fileHandleForWriting.write(contentsOf: chunk(0))
        #expect(v.wait(seconds: 120) { out, _ in out.contains("\n") }, "no output: \(v.errors)")
        DispatchQueue.global().async(group: feeding) {
            var i = 50
            while stopFeeding.data.isEmpty {
                guard (try? v.input.fileHandleForWriting.write(contentsOf: chunk(i))) != nil else { break }
                i += 50
            }
        }
        usleep(300_000)
        let signalled = Date()
        v.signal(SIGTERM)
        let end = v.finish(seconds: 30)
        let took = Date().timeIntervalSince(signalled)
        stopFeeding.data = Data([1])
        v.closeInput()
        feeding.wait()
        #expect(end.reason == .uncaughtSignal && end.status == SIGTERM, "\(end.reason.rawValue) \(end.status): \(v.errors)")
        #expect(took < 1, "SIGTERM took \(took) s")
        #expect(v.output.hasSuffix("\n") && v.errors.contains("stopped by SIGTERM"))
    }
}
