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

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Compile rule files and print their diagnostics.")

    @Argument(help: "A rule file or a folder of .vigie files.")
    var path: String = "Rules"

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    enum Format: String, ExpressibleByArgument { case text, json }

    func run() throws {
        let rs = RuleSetLoader.load(path: path)
        switch format {
        case .text:
            Terminal.error(DiagnosticRenderer.text(rs.diagnostics, color: Terminal.wantsColor(2)))
        case .json:
            Terminal.out(DiagnosticRenderer.json(rs.diagnostics))
        }
        if rs.hasErrors { throw ExitCode(ExitStatus.usage.rawValue) }
        let program = Compiler.compile(rs)!
        if format == .text {
            let files = rs.files.count
            Terminal.error("ok: \(files) file\(files == 1 ? "" : "s"), \(program.rules.count) rules, \(program.patterns.count) distinct terms, \(program.regexes.count) regexes, \(program.nodes.count) condition nodes\n")
        }
    }
}
