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
    static let configuration = CommandConfiguration(commandName: "explain-error", abstract: "Explain a diagnostic id, such as E031.")

    @Argument(help: "The diagnostic id.")
    var id: String

    func run() throws {
        guard let text = ErrorCatalog.explain(id) else {
            Terminal.error("vigie: unknown diagnostic id `\(id)`\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        Terminal.out(text)
    }
}
