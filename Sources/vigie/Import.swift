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

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Translate rules written for another tool into Vigie rules.",
        discussion: """
            Example:
              vigie import automoderator automod.yaml -o Rules/reddit.vigie
            """,
        subcommands: [AutoModeratorConfig.self])

    struct AutoModeratorConfig: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "automoderator",
            abstract: "Translate a Reddit AutoModerator configuration (YAML) into a Vigie rule file.",
            discussion: """
                Each AutoModerator rule becomes a Vigie rule with the same meaning on comments and \
                text posts: remove and spam become hide, filter a flag to `modqueue`, report a flag to \
                `reports` (an escalation to `safety` when the reason mentions threats or doxxing), \
                modmail an escalation to `mods`, approve allow, comment a reply template. A rule that \
                loses a check is written in shadow mode; a rule left with no check or no action is \
                kept as a comment. Grammar/MIGRATING-FROM-AUTOMODERATOR.md has the details.

                The import report goes to standard error: every YAML error and everything not \
                carried over, with its line in the configuration.

                Examples:
                  vigie import automoderator automod.yaml -o Rules/reddit.vigie
                  vigie import automoderator automod.yaml > reddit.vigie 2> import-report.txt
                  vigie import automoderator --strict automod.yaml -o Rules/reddit.vigie   # CI: fail on any drop

                Limits: a configuration whose lists and mappings nest more than 256 levels deep, or \
                that makes more than 1,000,000 YAML values once its aliases (`*name`) are expanded, \
                is refused as a whole, before anything is written (Grammar/RELIABILITY.md, \
                "AutoModerator import limits").

                Reddit-only actions (set_flair, set_sticky, set_locked, set_nsfw, message, ban...) \
                become a `tag` of the same name for the caller to act on; Reddit-only fields \
                (domain, url, flair, reports, is_edited, is_contributor...) are read from `meta.`. \
                Everything dropped or approximated is also written as a comment in the output, and each \
                rule gets a generated `test` from its own terms, so `vigie test` on the output passes.

                Exit codes: 0 imported; 1 with --strict, something was dropped; 2 the file cannot be read, a section is not valid YAML (the \
                other sections are still written), the file is past a limit (nothing is written), \
                or a usage error.
                """)

        @Argument(help: "The AutoModerator configuration: YAML sections separated by lines starting with `---`.")
        var file: String

        @Option(name: [.short, .customLong("output")], help: "Write the Vigie rules to this file instead of standard output.")
        var output: String?

        @Flag(name: .long, help: "Exit with code 1 when anything was dropped (for CI): a section that is not valid YAML, a key written twice, a check or action not carried over, a rule not written.")
        var strict = false

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                Terminal.error("vigie import: cannot read `\(file)`\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            guard let text = String(data: data, encoding: .utf8) else {
                Terminal.error("vigie import: `\(file)` is not UTF-8 text\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            let result: AutoModeratorImport
            do {
                result = try AutoModeratorImporter.translate(yaml: text, path: file)
            } catch {
                // Refused before anything was built: no output is written, not even an empty file.
                Terminal.error(error.description)
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            if let output {
                do {
                    try Data(result.source.utf8).write(to: URL(fileURLWithPath: output))
                } catch {
                    Terminal.error("vigie import: cannot write `\(output)`: \(error.localizedDescription)\n")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
            } else {
                Terminal.out(result.source)
            }
            Terminal.error(AutoModeratorImporter.report(result, color: Terminal.wantsColor(2)))
            if let output { Terminal.error("wrote \(output)\n") }
            if result.hasErrors { throw ExitCode(ExitStatus.usage.rawValue) }
            if strict, !result.dropped.isEmpty {
                Terminal.error("vigie import: --strict: \(result.dropped.count) item\(result.dropped.count == 1 ? " was" : "s were") dropped (listed above)\n")
                throw ExitCode(ExitStatus.findings.rawValue)
            }
        }
    }
}
