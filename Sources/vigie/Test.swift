import ArgumentParser
import VigieBench
import VigieCore
import VigieEngine
import VigieFormat
import VigieImport
import VigieLanguage
import VigieLint
import VigieReport
import VigieRuleTests

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the tests of a rule set: test blocks, rule examples and *.tests.jsonl files.",
        discussion: """
            Exit codes: 0 all passed, 1 a test failed or coverage is below --coverage-min, 2 the rules do not compile.

            Examples:
              vigie test Rules
              vigie test examples/shop --filter flood -v
              vigie test Rules --coverage-min 100 --format json > tests.json
            """)

    @Argument(help: "A rule file or a folder of .vigie files.")
    var path: String = "Rules"

    @Option(name: .long, help: "Run only the tests whose name contains this text.")
    var filter: String?

    @Option(name: .customLong("coverage-min"), help: "Fail when fewer than this percentage of rules is exercised.")
    var coverageMin: Double?

    @Option(name: .long, help: "Output format: text or json.")
    var format: Check.Format = .text

    @Flag(name: .shortAndLong, help: "List passing tests too.")
    var verbose = false

    func run() throws {
        let (rs, program) = RuleCompilation.load(path, printWarnings: false)
        guard let program else { throw ExitCode(ExitStatus.usage.rawValue) }
        let (cases, diags) = RuleTestDiscovery.discover(rs)
        if !diags.isEmpty {
            Terminal.error(DiagnosticRenderer.text(diags, color: Terminal.wantsColor(2)))
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        let report = RuleTestRunner.run(program, cases, filter: filter)
        switch format {
        case .text: Terminal.out(TestReportRenderer.text(report, verbose: verbose, color: Terminal.wantsColor(1)))
        case .json: Terminal.out(TestReportRenderer.json(report))
        }
        var failed = report.failed > 0
        if let min = coverageMin, report.coverage + 1e-9 < min {
            Terminal.error("vigie: coverage \(Int(report.coverage))% is below --coverage-min \(Int(min))%\n")
            failed = true
        }
        if failed { throw ExitCode(ExitStatus.findings.rawValue) }
    }
}
