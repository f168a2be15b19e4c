import ArgumentParser
import Foundation
import VigieKit

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide for each comment of a JSON-lines stream: one decision line out per line in, in order.",
        discussion: "Reads standard input unless --input is given. Only decisions go to standard output; diagnostics and --stats go to standard error.")

    @OptionGroup var options: RulesOptions

    @Option(name: .long, help: "Read comments from this file instead of standard input.")
    var input: String?

    @Flag(name: .long, help: "Print counts per action and per rule to standard error at the end.")
    var stats = false

    @Flag(name: .long, help: "Add the explain trace to each output line.")
    var explain = false

    @Option(name: .customLong("max-line-bytes"), help: "Lines longer than this get an error record.")
    var maxLineBytes: Int = 16 << 20

    func validate() throws {
        guard maxLineBytes > 0 else { throw ValidationError("--max-line-bytes must be positive") }
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
        let runner = StreamRunner(program: program, options: o)
        let start = Date()
        runner.run(input: fd, output: 1)
        if stats { Terminal.error(runner.stats.render(seconds: Date().timeIntervalSince(start))) }
    }
}
