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
        subcommands: [Run.self, Serve.self, Check.self, Plan.self, Test.self, Explain.self, Eval.self, Diff.self, Bench.self, ExplainError.self, Fmt.self, Lint.self, Import.self, Report.self]
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

    @OptionGroup var fields: FieldOptions

    /// The field map of the command line (`--map`, `--time-field`, `--text-field`); a bad map
    /// is reported and ends the command with exit code 2.
    func fieldMap() throws -> FieldMap { try fields.fieldMap(textField: textField) }
}

/// Where the comments' fields are: shared by `run`, `eval`, `diff`, `explain` and `report`.
struct FieldOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Read comments exported from a platform as they are (facebook, youtube, reddit, discourse), or map fields with a JSON file such as {\"text\": \"message\", \"author.name\": \"from.name\"}.",
            valueName: "platform-or-file"))
    var map: String?

    @Option(
        name: .customLong("time-field"),
        help: ArgumentHelp("The dotted path of the comment's time (default: timestamp, else created_at).", valueName: "path"))
    var timeField: String?

    func validate() throws {
        if let timeField, timeField.isEmpty || timeField.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            throw ValidationError("--time-field takes a dotted path such as `created_time` or `snippet.publishedAt`, not `\(timeField)`")
        }
    }

    /// The map `--map` names, with `--time-field` and a `textField` other than `text` over it.
    func fieldMap(textField: String) throws -> FieldMap {
        var m = FieldMap()
        if let map {
            do {
                m = try FieldMap.load(map)
            } catch {
                Terminal.error("vigie: \(error)\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
        if textField != "text" { m.set("text", to: textField) }
        if let timeField { m.set("timestamp", to: timeField) }
        return m
    }
}
