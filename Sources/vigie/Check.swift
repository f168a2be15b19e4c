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

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile rule files and print their diagnostics.",
        discussion: """
            The text format (the default) goes to standard error, followed by an `ok:` line when the \
            rules compile. The json, sarif and github formats go to standard output and are the ones \
            `vigie lint` writes, from the same reporters (json: Grammar/diagnostics.schema.json); \
            file paths in them are relative to the working directory when inside it.

            Exit codes: 0 the rules compile (warnings allowed); 2 at least one error, a missing \
            path, a usage error.

            Examples:
              vigie check Rules
              vigie check Rules --format json > diagnostics.json
            """)

    @Argument(help: "A rule file or a folder of .vigie files.")
    var path: String = "Rules"

    @Option(name: .long, help: "Output format: text, json, sarif or github.", completion: .list(Reporters.all.map { $0.identifier }))
    var format: String = "text"

    /// The `--format` of the commands whose only formats are text and json (`test`, `eval`,
    /// `diff`, `bench`); `check` itself takes any reporter name.
    enum Format: String, CaseIterable, ExpressibleByArgument { case text, json }

    /// Checks the format here, so that a bad one exits 2 like every other usage error.
    func validate() throws {
        guard Reporters.reporter(named: format) != nil else {
            Terminal.error("vigie: unknown format `\(format)`; formats are \(Reporters.names)\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }

    func run() throws {
        let rs = RuleSetLoader.load(path: path)
        let reporter = Reporters.reporter(named: format)!
        if format == TextReporter.identifier {
            // For people, on standard error, paths as given.
            let context = ReportContext(toolVersion: Vigie.configuration.version, color: Terminal.wantsColor(2))
            Terminal.error(reporter.report(rs.diagnostics, context: context))
        } else {
            let findings = Reporters.relativize(rs.diagnostics, to: FileManager.default.currentDirectoryPath)
            Terminal.out(reporter.report(findings, context: ReportContext(toolVersion: Vigie.configuration.version)))
        }
        if rs.hasErrors { throw ExitCode(ExitStatus.usage.rawValue) }
        let program = Compiler.compile(rs)!
        if format == TextReporter.identifier {
            let files = rs.files.count
            Terminal.error("ok: \(files) file\(files == 1 ? "" : "s"), \(program.rules.count) rules, \(program.patterns.count) distinct terms, \(program.regexes.count) regexes, \(program.nodes.count) condition nodes\n")
        }
    }
}
