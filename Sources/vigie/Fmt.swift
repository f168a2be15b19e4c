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

struct Fmt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite rule files in the canonical layout, comments kept (see Grammar/FORMAT.md).",
        discussion: """
            Folders are searched recursively for .vigie files. A file is rewritten only when its \
            layout changes; a file that does not parse is left untouched and its errors are printed.

            With --check nothing is written: each file that is not formatted is printed as a \
            unified diff on standard output.

            Exit codes: 0 every file is formatted, 1 --check found a file to reformat, 2 usage or \
            parse errors.
            """)

    @Flag(name: .long, help: "Change nothing; print a diff of each file that is not formatted and exit 1 if there is one.")
    var check = false

    @Argument(help: "Rule files or folders of .vigie files.")
    var paths: [String] = ["Rules"]

    func run() throws {
        let color = Terminal.wantsColor(2)
        let (files, problems) = RuleFormatter.ruleFiles(in: paths)
        var status = problems.isEmpty ? ExitStatus.ok : .usage
        if !problems.isEmpty { Terminal.error(DiagnosticRenderer.text(problems, color: color)) }
        var changed = 0
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                Terminal.error(DiagnosticRenderer.text([Diagnostic("E044", .error, "cannot read `\(path)`")], color: color))
                status = .usage
                continue
            }
            let file = SourceFile(path: path, bytes: Array(data))
            let formatted: String
            do {
                formatted = try RuleFormatter.format(file)
            } catch FormatError.syntax(let diagnostics) {
                Terminal.error(DiagnosticRenderer.text(diagnostics, color: color))
                status = .usage
                continue
            } catch {
                Terminal.error("vigie fmt: \(error)\n")
                status = .usage
                continue
            }
            if Array(formatted.utf8) == file.bytes { continue }
            changed += 1
            if check {
                Terminal.out(
                    UnifiedDiff.make(
                        from: String(decoding: file.bytes, as: UTF8.self), to: formatted, oldName: "\(path)\t(original)", newName: "\(path)\t(formatted)"))
                if status == .ok { status = .findings }
            } else {
                do {
                    try Data(formatted.utf8).write(to: URL(fileURLWithPath: path))
                    Terminal.error("formatted \(path)\n")
                } catch {
                    Terminal.error("vigie fmt: cannot write `\(path)`: \(error.localizedDescription)\n")
                    status = .usage
                }
            }
        }
        if check, changed > 0 {
            Terminal.error("vigie fmt: \(changed) file\(changed == 1 ? " is" : "s are") not formatted; run `vigie fmt` on \(changed == 1 ? "it" : "them")\n")
        }
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
