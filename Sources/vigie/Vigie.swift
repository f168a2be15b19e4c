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

/// The `vigie` command: a thin layer over VigieKit, one file per subcommand.
@main
struct Vigie: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigie",
        abstract: "Moderation and response rules for comment streams.",
        discussion: """
            Exit codes: 0 success, 1 findings (failed tests, lint findings, unformatted files), 2 usage or rule errors.
            Language reference: Grammar/REFERENCE.md
            """,
        version: "0.1.0",
        subcommands: [Run.self, Check.self, Test.self, Explain.self, Eval.self, Diff.self, Bench.self, ExplainError.self, Fmt.self, Lint.self, Import.self, Report.self]
    )

    /// Runs the command; a command line that does not parse exits with 2, like every other usage
    /// error (the argument parser's own default would be 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Options shared by the commands that load rules.
struct RulesOptions: ParsableArguments {
    @Option(name: .long, help: "A rule file or a folder of .vigie files.")
    var rules: String = "Rules"

    @Option(name: .customLong("text-field"), help: "The dotted path of the comment's text field.")
    var textField: String = "text"
}
