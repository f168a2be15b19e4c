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

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarize a decisions file: a self-contained HTML page, a terminal summary, or JSON.",
        discussion: """
            Reads the decision lines written by `vigie run`. With --comments (the stream the decisions were made \
            from), the charts use the comments' timestamps and the page shows their text; without it, the axis \
            counts lines. The HTML page loads nothing from the network. Progress goes to standard error when it \
            is a terminal. Exit codes: 0 the report was written, 2 a file cannot be read or written, the decisions file holds no decision line (a comments file given in its place, say), or bad options.

            Example, from the bundled example stream:
              vigie run --rules Rules --input examples/shop/comments.jsonl > d.jsonl
              vigie report d.jsonl --comments examples/shop/comments.jsonl -o report.html
            """)

    enum Format: String, CaseIterable, ExpressibleByArgument { case html, text, json }

    @Argument(help: "The decisions file (JSON lines written by `vigie run`), or - for standard input.")
    var decisions: String

    @Option(name: .long, help: "The comments file the decisions were made from: times for the axis, texts for examples and terms.")
    var comments: String?

    @Option(name: .shortAndLong, help: "Write the report to this file (required for html; text and json go to standard output otherwise).")
    var output: String?

    @Option(name: .long, help: "Output format: html, text or json.")
    var format: Format = .html

    @Option(name: .long, help: "Leave out comments before this time (ISO 8601, e.g. 2025-03-14 or 2025-03-14T08:00:00Z; needs --comments).")
    var since: String?

    @Option(name: .long, help: "Leave out comments at or after this time (ISO 8601; needs --comments).")
    var until: String?

    @Option(name: .long, help: "Examples kept per rule.")
    var examples: Int = 3

    @Option(name: .customLong("text-field"), help: "The dotted path of the comments' text field.")
    var textField: String = "text"

    @OptionGroup var fields: FieldOptions

    func validate() throws {
        if format == .html, output == nil { throw ValidationError("the html format needs an output file: -o report.html") }
        if since != nil || until != nil, comments == nil {
            throw ValidationError("--since and --until need --comments: decision lines carry no time")
        }
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, parseISO8601(Array(value.utf8)) == nil {
                throw ValidationError("\(name) takes an ISO 8601 time such as 2025-03-14 or 2025-03-14T08:00:00Z, not `\(value)`")
            }
        }
        if let s = since.flatMap({ parseISO8601(Array($0.utf8)) }), let u = until.flatMap({ parseISO8601(Array($0.utf8)) }), s >= u {
            throw ValidationError("--since must be before --until")
        }
        guard examples >= 0 else { throw ValidationError("--examples must be 0 or more") }
    }

    func run() throws {
        var options = ReportOptions()
        options.textField = textField
        options.fields = try fields.fieldMap(textField: textField)
        options.since = since.flatMap { parseISO8601(Array($0.utf8)) }
        options.until = until.flatMap { parseISO8601(Array($0.utf8)) }
        options.examplesPerRule = examples
        let showProgress = isatty(2) != 0
        var lastShown = Date.distantPast
        let report: VigieReport.Report
        do {
            report = try VigieReport.Report.build(decisions: decisions, comments: comments, options: options) { p in
                guard showProgress, Date().timeIntervalSince(lastShown) >= 0.1 else { return }
                lastShown = Date()
                var s = "\rreport: \(p.lines) lines"
                if p.totalBytes > 0 { s += String(format: " (%.0f%%)", Double(p.bytesRead) / Double(p.totalBytes) * 100) }
                Terminal.error(s + "\u{1B}[K")
            }
        } catch {
            if showProgress { Terminal.error("\r\u{1B}[K") }
            Terminal.error("vigie: \(error)\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        if showProgress { Terminal.error("\r\u{1B}[K") }
        let text: String
        switch format {
        case .html: text = ReportHTML.render(report)
        case .text: text = ReportRenderer.text(report, color: output == nil && Terminal.wantsColor(1))
        case .json: text = ReportRenderer.json(report)
        }
        guard let output else {
            Terminal.out(text)
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            Terminal.error("vigie: cannot write `\(output)`: \(error.localizedDescription)\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        if showProgress {
            Terminal.error("vigie: wrote \(output) (\(text.utf8.count / 1024 + 1) KB, \(report.totals.lines) lines)\n")
        }
    }
}
