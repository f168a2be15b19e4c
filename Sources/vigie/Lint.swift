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

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report compile errors and risky rules, in text, JSON, SARIF or GitHub annotations.",
        discussion: """
            Each finding has a stable id: E0xx for compile errors, category/name for lint rules \
            (see `vigie lint --list` and Grammar/LINT.md). Lines and columns are 1-based; columns \
            count Unicode scalars. The report goes to standard output.

            Silence one finding with `# vigie:ignore ID -- reason` on the line above it. A \
            vigie-lint.json (or .vigie-lint.json) at the rules root sets levels or turns rules \
            off: {"rules": {"regex/no-literal": "off", "term/short-substring": "error"}}.

            Exit codes: 0 no finding at or above --fail-level (the text format then says `no findings`); \
            1 at least one; 2 rules that do not compile (their errors are reported like the other \
            findings), usage error, missing path, bad configuration file.

            Examples:
              vigie lint Rules
              vigie lint Rules --format github --fail-level warning
            """)

    @Argument(help: "Rule files or folders of .vigie files, each linted as one rule set.")
    var paths: [String] = []

    @Option(name: .long, help: "Output format: text, json, sarif or github.", completion: .list(Reporters.all.map { $0.identifier }))
    var format: String = "text"

    @Option(
        name: .customLong("fail-level"), help: "Exit 1 when a finding has this severity or a higher one: error, warning or info.",
        completion: .list(["error", "warning", "info"]))
    var failLevel: String = "error"

    /// Checks the option values here, so that a bad one exits 2 like every other usage error of lint.
    func validate() throws {
        guard Reporters.reporter(named: format) != nil else {
            Terminal.error("vigie: unknown format `\(format)`; formats are \(Reporters.names)\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        guard Severity(rawValue: failLevel) != nil else {
            Terminal.error("vigie: unknown --fail-level `\(failLevel)`; levels are error, warning, info\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }

    @Flag(name: .customLong("require-tests"), help: "Report rules without a test or example as warnings (rule/untested).")
    var requireTests = false

    @Option(name: .long, help: "Read the lint configuration from this file instead of vigie-lint.json at the rules root.")
    var config: String?

    @Option(name: .long, help: "Print the explanation and examples of a lint rule (or a compile error id) and exit.")
    var explain: String?

    @Flag(name: .long, help: "List the lint rules with their default severity and exit.")
    var list = false

    func run() throws {
        if list {
            Terminal.out(LintDocumentation.list())
            return
        }
        if let explain {
            if let d = LintRegistry.description(for: explain) {
                Terminal.out(LintDocumentation.explanation(d))
            } else if let text = ErrorCatalog.explain(explain) {
                Terminal.out(text)
            } else {
                let suggestion = closestName(to: explain, among: LintRegistry.descriptions.map(\.id))
                Terminal.error(
                    "vigie: unknown lint rule `\(explain)`\(suggestion.map { "; did you mean `\($0)`?" } ?? "; `vigie lint --list` shows the rules")\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            return
        }
        var explicit: LintConfiguration?
        if let config {
            do {
                explicit = try LintConfiguration.load(path: config)
            } catch {
                Terminal.error("vigie: \(error.message)\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
        var findings: [Diagnostic] = []
        var compileErrors = false
        for path in paths.isEmpty ? ["Rules"] : paths {
            guard FileManager.default.fileExists(atPath: path) else {
                Terminal.error("vigie: cannot read `\(path)`: no such file or folder\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            let ruleSet = RuleSetLoader.load(path: path)
            if let unreadable = ruleSet.diagnostics.first(where: { ($0.id == "E043" || $0.id == "E044") && $0.file == nil }) {
                Terminal.error("vigie: \(unreadable.message)\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            var configuration: LintConfiguration
            if let explicit {
                configuration = explicit
            } else {
                do {
                    configuration = try LintConfiguration.find(root: ruleSet.root)
                } catch {
                    Terminal.error("vigie: \(error.message)\n")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
            }
            compileErrors = compileErrors || ruleSet.hasErrors
            findings += Linter.lint(ruleSet, options: LintOptions(configuration: configuration, requireTests: requireTests))
        }
        findings = Reporters.relativize(findings, to: FileManager.default.currentDirectoryPath)
        let reporter = Reporters.reporter(named: format)!
        let context = ReportContext(toolVersion: Vigie.configuration.version, color: format == "text" && Terminal.wantsColor(1))
        if findings.isEmpty, format == TextReporter.identifier {
            Terminal.out("no findings\n")
        } else {
            Terminal.out(reporter.report(findings, context: context))
        }
        if compileErrors { throw ExitCode(ExitStatus.usage.rawValue) }
        let threshold = Severity(rawValue: failLevel)!
        if findings.contains(where: { $0.severity >= threshold }) { throw ExitCode(ExitStatus.findings.rawValue) }
    }
}
