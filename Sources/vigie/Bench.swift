import ArgumentParser
import Foundation
import VigieBench
import VigieCore
import VigieEngine
import VigieFormat
import VigieImport
import VigieLanguage
import VigieLint
import VigieReport
import VigieRuleTests

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the engine: comments/s end to end for 100, 1,000 and 10,000 rules, next to a naive PCRE2 baseline.",
        discussion: """
            Deterministic: the corpus and the rules are generated from fixed seeds unless --corpus or --patterns is given. \
            Build in release mode first (make release). Example: vigie bench --comments 100000 --jobs 1
            """)

    @Option(name: .long, help: "Number of generated comments.")
    var comments: Int = 100_000

    @Option(name: .long, help: "Use this JSON-lines corpus instead of generated comments.")
    var corpus: String?

    @Option(name: .long, help: "Use these patterns (one PCRE pattern per line, one rule each, case-insensitive).")
    var patterns: String?

    @Option(name: .long, parsing: .upToNextOption, help: "Rule-set sizes to measure.")
    var sizes: [Int] = [100, 1000, 10000]

    @Option(name: .long, help: "Worker threads.")
    var jobs: Int = 1

    @Option(name: .long, help: "Run each end-to-end measurement this many times and keep the fastest (a shared machine's neighbours slow some runs).")
    var `repeat`: Int = 1

    @Option(name: .long, help: "Comments in the naive baseline's sample.")
    var sample: Int = 2000

    @Option(name: .long, help: "Output format: text or json.")
    var format: Check.Format = .text

    @Option(name: .long, help: "Instead, measure stateful rules (windows, cooldowns) on this many comments, e.g. 10000000.")
    var stateful: Int?

    @Option(name: .long, help: "Instead, measure rules of which a fifth use `inflected` and a fifth `fuzzy` against the same rules written exactly, with this many rules (e.g. 1000).")
    var spellings: Int?

    @Option(name: .long, help: "Instead, measure rules of which a fifth are qualified (`where not quoted, not negated`) against the same rules without `where`, with this many rules (e.g. 1000).")
    var qualifiers: Int?

    @Option(name: .long, help: "Distinct authors in the stateful benchmark.")
    var authors: Int = 1_000_000

    @Option(name: .long, help: ArgumentHelp("Also write each rule set and its corpus to this folder (rules-N.vigie, comments-N.jsonl), to profile them with vigie run.", valueName: "dir"))
    var write: String?

    func validate() throws {
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
    }

    func run() throws {
        if let stateful {
            let r = try VigieBench.Bench.stateful(comments: stateful, authors: authors)
            Terminal.out(String(format: """
                stateful rules: %d comments, %d authors, %.0f comments/s (stateless rules alone: %.0f/s), +%.2f µs per comment
                state: %d keys at the end; resident memory %.0f MB after %d comments, %.0f MB at the end

                """, r.comments, r.authors, Double(r.comments) / r.seconds, Double(r.comments) / r.statelessSeconds, r.statefulMicroseconds,
                r.keys, Double(r.memoryAtTenth) / 1e6, r.comments / 10, Double(r.memoryAtEnd) / 1e6))
            return
        }
        for (pair, rules, what) in [(VigieBench.Bench.Pair.spellings, spellings, "written exactly (first row: exact, second: inflected and fuzzy)"),
                                    (.qualifiers, qualifiers, "without `where` (first row: without, second: with)")] {
            guard let rules else { continue }
            let r = try VigieBench.Bench.pair(pair, rules: rules, comments: comments, jobs: jobs, repeats: `repeat`, write: write)
            Terminal.out(BenchRenderer.text([r.plain, r.variant], jobs: jobs))
            Terminal.out(String(format: "\(pair.rawValue): %.2f× the time per comment of the same rules \(what)\n", r.plain.rate / r.variant.rate))
            return
        }
        let sets: [[String]]
        if let patterns {
            guard let text = try? String(contentsOfFile: patterns, encoding: .utf8) else {
                Terminal.error("vigie: cannot read `\(patterns)`\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            sets = [text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }]
        } else {
            sets = sizes.map { BenchWorkload.patterns($0) }
        }
        var rows: [BenchRow] = []
        for p in sets {
            let data: [UInt8]
            if let corpus {
                guard let d = FileManager.default.contents(atPath: corpus) else {
                    Terminal.error("vigie: cannot read `\(corpus)`\n")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
                data = [UInt8](d)
            } else {
                data = BenchWorkload.comments(comments, patterns: BenchWorkload.patterns(max(p.count, 1000)))
            }
            if let write {
                try? FileManager.default.createDirectory(atPath: write, withIntermediateDirectories: true)
                let files = [("rules-\(p.count).vigie", Data(BenchWorkload.ruleFile(p).utf8)), ("comments-\(p.count).jsonl", Data(data))]
                for (name, contents) in files where !FileManager.default.createFile(atPath: "\(write)/\(name)", contents: contents) {
                    Terminal.error("vigie: cannot write `\(write)/\(name)`\n")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
            }
            if format == .text, isatty(2) != 0 { Terminal.error("measuring \(p.count) rules…\n") }
            do {
                rows.append(try VigieBench.Bench.run(patterns: p, corpus: data, jobs: jobs, sample: sample, repeats: `repeat`))
            } catch {
                Terminal.error("vigie: \(error)\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
        Terminal.out(format == .text ? BenchRenderer.text(rows, jobs: jobs) : BenchRenderer.json(rows, jobs: jobs))
    }
}
