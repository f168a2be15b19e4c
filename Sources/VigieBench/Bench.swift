import Foundation
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine

/// One row of `vigie bench`: a rule set run end to end over a corpus.
public struct BenchRow: Sendable {
    /// Number of rules.
    public var rules: Int
    /// Compile time of the rule set, in seconds.
    public var compileSeconds: Double
    /// Comments and bytes processed.
    public var comments: Int
    public var bytes: Int
    /// Wall time of the run, in seconds (the fastest of ``runs``).
    public var seconds: Double
    /// End-to-end runs made.
    public var runs = 1
    /// Comments with at least one matching rule.
    public var matched: Int
    /// Peak resident memory of the process so far, in bytes.
    public var peakMemory: Int
    /// Naive baseline (every rule's PCRE2 on every comment) on a sample: comments per second.
    public var naiveRate: Double?
    /// Comments of the sample matched by the naive baseline, and by Vigie on the same sample.
    public var naiveMatched: Int?
    public var vigieMatchedOnSample: Int?
    /// Size of the sample.
    public var sample: Int
    /// Normalization alone (all stages), per comment of the sample, in microseconds.
    public var normalizeMicroseconds: Double?

    /// Comments per second end to end.
    public var rate: Double { Double(comments) / seconds }
    /// Megabytes per second end to end.
    public var megabytesPerSecond: Double { Double(bytes) / seconds / 1e6 }
    /// How many times faster than the naive baseline.
    public var ratio: Double? { naiveRate.map { rate / $0 } }
}

/// `vigie bench`: measures the real `run` pipeline on generated or given comments and rules,
/// next to a naive baseline measured in the same run.
public enum Bench {
    /// Runs one rule set (`patterns`, one PCRE pattern per rule, case-insensitive) over `corpus`,
    /// end to end `repeats` times (the fastest run counts: on a shared machine the others
    /// measure the neighbours).
    public static func run(patterns: [String], corpus: [UInt8], jobs: Int, sample: Int, repeats: Int = 1) throws -> BenchRow {
        try run(source: BenchWorkload.ruleFile(patterns), patterns: patterns, corpus: corpus, jobs: jobs, sample: sample, repeats: repeats)
    }

    /// One rule file against a variant of it, on the same comments: the `--spellings` workload
    /// (``BenchWorkload/spellings(rules:comments:)``: a fifth of the rules `inflected`, a fifth
    /// `fuzzy`) and the `--qualifiers` workload (``BenchWorkload/qualified(rules:comments:)``: a
    /// fifth of the rules `where not quoted, not negated`). Returns the plain row, then the variant's.
    public enum Pair: String, Sendable {
        case spellings, qualifiers
    }

    /// Measures `pair` with `rules` rules on `comments` generated comments; with `write`, also
    /// writes both rule files and the comments there (rules-plain.vigie, rules-PAIR.vigie, comments.jsonl).
    public static func pair(_ pair: Pair, rules: Int, comments: Int, jobs: Int, repeats: Int, write: String? = nil) throws -> (plain: BenchRow, variant: BenchRow) {
        let w: (plain: String, variant: String, corpus: [UInt8])
        switch pair {
        case .spellings: w = BenchWorkload.spellings(rules: rules, comments: comments)
        case .qualifiers: w = BenchWorkload.qualified(rules: rules, comments: comments)
        }
        try save(write, [("rules-plain.vigie", Array(w.plain.utf8)), ("rules-\(pair.rawValue).vigie", Array(w.variant.utf8)), ("comments.jsonl", w.corpus)])
        let plain = try run(source: w.plain, patterns: [], corpus: w.corpus, jobs: jobs, sample: 0, repeats: repeats)
        let variant = try run(source: w.variant, patterns: [], corpus: w.corpus, jobs: jobs, sample: 0, repeats: repeats)
        return (plain, variant)
    }

    /// Writes each file into folder `dir` (nothing when nil).
    package static func save(_ dir: String?, _ files: [(String, [UInt8])]) throws {
        guard let dir else { return }
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, bytes) in files where !FileManager.default.createFile(atPath: "\(dir)/\(name)", contents: Data(bytes)) {
            throw BenchError(description: "cannot write `\(dir)/\(name)`")
        }
    }

    /// Runs the rule file `source` over `corpus`; `patterns` (one regex per rule) feed the naive
    /// baseline on a sample of `sample` comments (none when empty).
    package static func run(source: String, patterns: [String], corpus: [UInt8], jobs: Int, sample: Int, repeats: Int = 1) throws -> BenchRow {
        let t0 = Date()
        let rs = RuleSetLoader.build(sources: [SourceFile(path: "bench.vigie", text: source)], root: ".")
        guard let program = Compiler.compile(rs) else {
            throw BenchError(description: DiagnosticRenderer.text(rs.diagnostics.filter { $0.severity == .error }.prefix(5).map { $0 }))
        }
        let compile = Date().timeIntervalSince(t0)
        // End to end: a file through the stream runner, output to /dev/null.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-bench-\(getpid()).jsonl").path
        guard FileManager.default.createFile(atPath: path, contents: Data(corpus)) else {
            throw BenchError(description: "cannot write the corpus to \(path)")
        }
        defer { unlink(path) }
        var options = RunOptions()
        options.jobs = jobs
        var best: (seconds: Double, lines: Int, matched: Int)?
        for _ in 0..<max(1, repeats) {
            let input = open(path, O_RDONLY)
            let output = open("/dev/null", O_WRONLY)
            defer {
                close(input)
                close(output)
            }
            let runner = StreamRunner(program: program, options: options)
            let t1 = Date()
            runner.run(input: input, output: output)
            let seconds = Date().timeIntervalSince(t1)
            if best == nil || seconds < best!.seconds { best = (seconds, runner.stats.lines, runner.stats.matchedComments) }
        }
        var row = BenchRow(rules: program.rules.count, compileSeconds: compile, comments: best!.lines, bytes: corpus.count, seconds: best!.seconds,
                           matched: best!.matched, peakMemory: peakMemory(), sample: 0)
        row.runs = max(1, repeats)
        // The naive baseline on a sample of the same corpus.
        let lines = corpus.split(separator: 0x0A).prefix(sample)
        row.sample = lines.count
        if !lines.isEmpty, !patterns.isEmpty {
            let naive = try NaiveBaseline(patterns: patterns)
            var doc = JSONDocument()
            var texts: [[UInt8]] = []
            for l in lines {
                try? doc.parse(l)
                if let t = doc.lookup([Array("text".utf8)]) { texts.append(Array(doc.stringBytes(t))) }
            }
            let t2 = Date()
            var m = 0
            for t in texts where naive.matchesAny(t) { m += 1 }
            row.naiveRate = Double(texts.count) / Date().timeIntervalSince(t2)
            row.naiveMatched = m
            let ev = Evaluator(program: program)
            var v = 0
            for l in lines {
                if case .decision(let d) = ev.evaluate(line: l), !d.matchedRules.isEmpty { v += 1 }
            }
            row.vigieMatchedOnSample = v
            // The normalization pipeline alone, repeated to get past timer resolution.
            let normalizer = Normalizer()
            var out = NormalizedText()
            let rounds = 20
            let t3 = Date()
            for _ in 0..<rounds { for t in texts { normalizer.normalize(t, into: &out) } }
            row.normalizeMicroseconds = Date().timeIntervalSince(t3) / Double(rounds * max(1, texts.count)) * 1e6
        }
        return row
    }

    /// Peak resident set size of this process, in bytes.
    public static func peakMemory() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// A failure to set up a benchmark.
    public struct BenchError: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }
}

/// What a team would write without Vigie: every rule's PCRE2 (JIT, caseless, UTF) run on every
/// comment, stopping at the first match.
package struct NaiveBaseline {
    package let regexes: [Regex]
    package let scratch = RegexScratch()

    package init(patterns: [String]) throws {
        var out: [Regex] = []
        for p in patterns {
            do {
                // Plain PCRE2, without the time guard rules get: the baseline is the naive loop.
                out.append(try Regex(p, flags: "i", guarded: false))
            } catch {
                throw Bench.BenchError(description: "pattern /\(p)/ does not compile: \(error.message)")
            }
        }
        regexes = out
    }

    package func matchesAny(_ text: [UInt8]) -> Bool {
        text.withUnsafeBufferPointer { buf in
            for r in regexes {
                if case .match = r.firstMatch(in: buf, scratch: scratch) { return true }
            }
            return false
        }
    }
}
