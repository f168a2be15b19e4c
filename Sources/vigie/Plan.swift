import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say how the rules' state is keyed, and so how comments may be split across workers.",
        discussion: """
            Lists each rule's state — windows, `repeats`, `once per`, cooldowns — with its key (a field, or \
            global) and its length, and the rules that keep none. The `partitioning` line says how to split a \
            stream so that every decision equals the one of a single `vigie run` over the comments in time \
            order: any split (no state), by one field (every piece of state keyed by it), or one part (global \
            state, or state keyed by several fields). integrations/spark reads `--format json`.

            Exit codes: 0 the plan was printed; 2 the rules do not compile.

            Examples:
              vigie plan --rules Rules
              vigie plan --rules examples/shop --format json
            """)

    @Option(name: .long, help: "A rule file or a folder of .vigie files.")
    var rules: String = "Rules"

    @Option(name: .long, help: "Output format: text or json.")
    var format: Check.Format = .text

    func run() throws {
        let (_, program) = RuleCompilation.load(rules)
        guard let program else { throw ExitCode(ExitStatus.usage.rawValue) }
        let plan = StatePlan(program: program)
        Terminal.out(format == .json ? plan.json : plan.text)
    }
}
