import Foundation
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine

/// The result of the stateful benchmark: windows and cooldowns on an endless stream.
public struct StatefulBenchResult: Sendable {
    /// Comments processed.
    public var comments: Int
    /// Distinct authors in the stream.
    public var authors: Int
    /// Wall time of the stateful rules' run and of the same stream with the stateless rules only.
    public var seconds: Double
    public var statelessSeconds: Double
    /// Keys held by the state at the end.
    public var keys: Int
    /// Resident memory after the first tenth of the stream and at the end, in bytes.
    public var memoryAtTenth: Int
    public var memoryAtEnd: Int

    /// Extra cost of the stateful rules per comment, in microseconds.
    public var statefulMicroseconds: Double { (seconds - statelessSeconds) / Double(comments) * 1e6 }
}

extension Bench {
    package static let statefulRules = """
        template sorry { en: "Sorry {author.name|}" }
        rule complaint { when text has any ["late", "broken", "refund"] then reply sorry cooldown 24h per author, tag care }
        rule buzz { when count(rule complaint, window 15m) >= 500 then escalate crisis severity critical once per 1h }
        rule flood { when count(true, window 1m by author) >= 5 then flag flood }
        rule same_text { when repeats(window 10m by author) >= 3 then hide "repeated" }
        """

    package static let statelessRules = """
        template sorry { en: "Sorry {author.name|}" }
        rule complaint { when text has any ["late", "broken", "refund"] then reply sorry, tag care }
        """

    /// Runs `comments` generated comments from `authors` distinct authors (one per second of
    /// event time) through the stateful rules, then the same stream through the stateless ones,
    /// and measures time and resident memory (current RSS, not peak).
    public static func stateful(comments: Int, authors: Int) throws -> StatefulBenchResult {
        func compile(_ s: String) throws -> Program {
            let rs = RuleSetLoader.build(sources: [SourceFile(path: "state.vigie", text: s)], root: ".")
            guard let p = Compiler.compile(rs) else { throw BenchError(description: DiagnosticRenderer.text(rs.diagnostics)) }
            return p
        }
        let texts = ["my order is late", "great lamp", "it arrived broken", "hello", "where is my refund", "nice"]
        func pass(_ program: Program, memoryAt tenth: ((Int) -> Void)?) -> (Double, Int) {
            let ev = Evaluator(program: program)
            var rng = SplitMix64(state: 11)
            var line: [UInt8] = []
            let t0 = Date()
            for i in 0..<comments {
                line.removeAll(keepingCapacity: true)
                line += Array("{\"id\":\(i),\"author\":{\"id\":\"a\(rng.below(authors))\"},\"timestamp\":\(1_767_225_600 + i),\"text\":\"".utf8)
                line += Array(texts[rng.below(texts.count)].utf8)
                line += Array("\"}".utf8)
                _ = ev.evaluate(line: line)
                if i == comments / 10 { tenth?(i) }
            }
            return (Date().timeIntervalSince(t0), ev.state.keyCount)
        }
        var atTenth = 0
        let (seconds, keys) = pass(try compile(statefulRules)) { _ in atTenth = currentMemory() }
        let atEnd = currentMemory()
        let (statelessSeconds, _) = pass(try compile(statelessRules), memoryAt: nil)
        return StatefulBenchResult(comments: comments, authors: authors, seconds: seconds, statelessSeconds: statelessSeconds, keys: keys,
                                   memoryAtTenth: atTenth, memoryAtEnd: atEnd)
    }

    /// Current resident set size, in bytes (from /proc/self/statm; 0 where unavailable).
    public static func currentMemory() -> Int {
        guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let parts = s.split(separator: " ")
        guard parts.count > 1, let pages = Int(parts[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
