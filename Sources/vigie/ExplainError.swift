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

struct ExplainError: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain-error", abstract: "Explain a diagnostic id, such as E031.",
        discussion: """
            Prints what the diagnostic means and why, an example that gives it, and the fix. A lint \
            rule id (`rule/untested`) prints what `vigie lint --explain` prints for it.
            """)

    @Argument(help: "The diagnostic id (E031, W002) or a lint rule id (rule/untested).")
    var id: String

    func run() throws {
        if let text = ErrorCatalog.explain(id) {
            Terminal.out(text)
        } else if let d = LintRegistry.description(for: id) {
            Terminal.out(LintDocumentation.explanation(d))
        } else {
            let ids = ErrorCatalog.entries.keys.sorted() + LintRegistry.descriptions.map(\.id)
            let suggestion = closestName(to: id, among: ids)
            Terminal.error("vigie: unknown diagnostic id `\(id)`\(suggestion.map { "; did you mean `\($0)`?" } ?? "; ids look like E031, W002 or rule/untested (`vigie lint --list`)")\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }
}
