import ArgumentParser
import Foundation
import VigieKit

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide for each comment of a JSON-lines stream: one decision line out per line in, in order.",
        discussion: """
            Reads standard input unless --input is given. Only decisions go to standard output; diagnostics and \
            --stats go to standard error. Exit codes: 0 the stream was processed (bad lines get error records), \
            2 the rules do not compile or the input, output or state file cannot be used.
            """)

    @OptionGroup var options: RulesOptions

    @Option(name: .long, help: "Read comments from this file instead of standard input.")
    var input: String?

    @Flag(name: .long, help: "Print counts per action and per rule to standard error at the end.")
    var stats = false

    @Flag(name: .long, help: "Add the explain trace to each output line.")
    var explain = false

    @Flag(name: .long, help: "Print per rule how often it was evaluated and matched, and the time spent, to standard error.")
    var profile = false

    @Option(name: .customLong("max-line-bytes"), help: "Lines longer than this get an error record.")
    var maxLineBytes: Int = 16 << 20

    @Option(name: .long, help: "Worker threads (default: the cores available).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Load window and cooldown state from this file at start, save it there periodically and at exit.")
    var state: String?

    @Option(name: .long, help: "How late (out of order) a comment's timestamp may be, e.g. 5m.")
    var lateness: String = "5m"

    func validate() throws {
        guard maxLineBytes > 0 else { throw ValidationError("--max-line-bytes must be positive") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard parseDuration(lateness) != nil else { throw ValidationError("--lateness takes a duration such as 5m or 30s") }
    }

    func run() throws {
        let (_, program) = RuleCompilation.load(options.rules)
        guard let program else { throw ExitCode(ExitStatus.usage.rawValue) }
        var fd: Int32 = 0
        if let input {
            fd = open(input, O_RDONLY)
            guard fd >= 0 else {
                Terminal.error("vigie: cannot open `\(input)`: \(String(cString: strerror(errno)))\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
        var o = RunOptions()
        o.textField = options.textField
        o.explain = explain
        o.maxLineBytes = maxLineBytes
        o.jobs = jobs
        o.profile = profile
        let runner = StreamRunner(program: program, options: o)
        runner.state.lateness = parseDuration(lateness) ?? 300
        if let state {
            do {
                try runner.state.load(from: state)
            } catch {
                Terminal.error("vigie: \(error)\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            var last = Date()
            runner.afterBatch = {
                if Date().timeIntervalSince(last) >= 5 {
                    try? runner.state.save(to: state)
                    last = Date()
                }
            }
        }
        let start = Date()
        let ok = runner.run(input: fd, output: 1)
        if let state {
            do {
                try runner.state.save(to: state)
            } catch {
                Terminal.error("vigie: \(error)\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
        if stats { Terminal.error(runner.stats.render(seconds: Date().timeIntervalSince(start))) }
        if profile { Terminal.error(runner.renderProfile(comments: runner.stats.lines)) }
        if !ok {
            Terminal.error("vigie: cannot write the output: \(String(cString: strerror(errno)))\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }
}

/// Parses `90s`, `5m`, `2h`, `1d`, `1w` into seconds.
func parseDuration(_ s: String) -> Double? {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]
    guard let u = s.last, let mult = units[u], let v = Double(s.dropLast()), v >= 0 else { return nil }
    return v * mult
}
