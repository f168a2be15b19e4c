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

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Backtest rules on a labelled JSON-lines corpus: precision and recall per action and per rule.",
        discussion: "Example: vigie eval --rules examples/shop --corpus spam.jsonl --label 'label == \"1\"'")

    @OptionGroup var options: RulesOptions

    @Option(name: .long, help: "The labelled corpus (JSON lines).")
    var corpus: String

    @Option(name: .long, help: "A condition that is true for the comments that should be acted on, e.g. 'label == \"1\"'.")
    var label: String

    @Option(name: .long, help: "Output format: text or json.")
    var format: Check.Format = .text

    func run() throws {
        let fields = try options.fieldMap()
        let (_, program) = RuleCompilation.load(options.rules, printWarnings: false)
        guard let program else { throw ExitCode(ExitStatus.usage.rawValue) }
        let (labelProgram, diags) = Backtest.compileLabel(label)
        guard let labelProgram else {
            Terminal.error(DiagnosticRenderer.text(diags))
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        let report: EvalReport
        do {
            let line = ProgressLine("eval")
            defer { line.clear() }
            report = try Backtest.eval(program: program, label: labelProgram, corpus: corpus, textField: options.textField, fields: fields) {
                line.update("\($0) comments")
            }
        } catch {
            Terminal.error("vigie: cannot read `\(corpus)`\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        Terminal.out(format == .text ? Terminal.printable(BacktestRenderer.text(report), keepingLineBreaks: true) : BacktestRenderer.json(report))
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two versions of a rule set on a corpus: which comments change decision, grouped by rule.",
        discussion: """
            Exit codes: 0 the comparison ran (with --fail-on-change: and no decision changed); 1 with \
            --fail-on-change, at least one comment changes decision; 2 rules that do not compile, a corpus \
            that cannot be read, bad options.

            Example, to gate a pull request (old rules from the main branch, new ones from the pull request):
              vigie diff --rules main/Rules --rules Rules --corpus c.jsonl --fail-on-change
            """)

    @Option(name: .long, help: "The old rules, then the new rules (give --rules twice).")
    var rules: [String]

    @Option(name: .long, help: "The corpus (JSON lines).")
    var corpus: String

    @Option(name: .customLong("text-field"), help: "The dotted path of the comment's text field.")
    var textField: String = "text"

    @OptionGroup var fields: FieldOptions

    @Option(name: .long, help: "Output format: text or json.")
    var format: Check.Format = .text

    @Flag(name: .customLong("fail-on-change"), help: "Exit 1 when at least one comment changes decision (to gate a pull request).")
    var failOnChange = false

    func validate() throws {
        guard rules.count == 2 else { throw ValidationError("give --rules twice: the old version, then the new one") }
    }

    func run() throws {
        let map = try fields.fieldMap(textField: textField)
        let (_, old) = RuleCompilation.load(rules[0], printWarnings: false)
        let (_, new) = RuleCompilation.load(rules[1], printWarnings: false)
        guard let old, let new else { throw ExitCode(ExitStatus.usage.rawValue) }
        let report: Backtest.DiffReport
        do {
            let line = ProgressLine("diff")
            defer { line.clear() }
            report = try Backtest.diff(old: old, new: new, corpus: corpus, textField: textField, fields: map) { line.update("\($0) comments") }
        } catch {
            Terminal.error("vigie: cannot read `\(corpus)`\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        Terminal.out(format == .text ? Terminal.printable(BacktestRenderer.text(report), keepingLineBreaks: true) : BacktestRenderer.json(report))
        if failOnChange, !report.changes.isEmpty { throw ExitCode(ExitStatus.findings.rawValue) }
    }
}
