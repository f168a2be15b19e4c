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

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show why a comment gets its decision: normalized text, every rule's conditions, matched spans, precedence.",
        discussion: """
            Exit codes: 0 the explanation was printed; 2 the rules do not compile, or the comment is not usable.

            Examples:
              vigie explain --rules examples/shop "Mon colis est toujours en retard"
              vigie explain --rules Rules --matched-only --lang fr "Quel idiot"
              echo '{"text": "Promo ici", "lang": "fr"}' | vigie explain --rules Rules
            """)

    @OptionGroup var options: RulesOptions

    @Argument(help: "The comment: plain text, or a JSON object (read from standard input when absent).")
    var comment: String?

    @Option(name: .long, help: "The comment's language, when giving plain text.")
    var lang: String?

    @Flag(name: .customLong("matched-only"), help: "Show only the rules whose condition held, with their conditions.")
    var matchedOnly = false

    func run() throws {
        let fields = try options.fieldMap()
        let (_, program) = RuleCompilation.load(options.rules)
        guard let program else { throw ExitCode(ExitStatus.usage.rawValue) }
        let evaluator = Evaluator(program: program, textField: options.textField, fields: fields)
        var input = comment ?? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        input = input.trimmingSpaces()
        if !input.hasPrefix("{") {
            // Plain text goes where the comment's text is read (`message`, `snippet.textOriginal`...).
            let path = evaluator.textPath.map { String(decoding: $0, as: UTF8.self) }
            var w = JSONWriter()
            w.beginObject()
            for (i, name) in path.enumerated() {
                w.key(name)
                if i < path.count - 1 { w.beginObject() }
            }
            w.string(input)
            for _ in path.dropLast() { w.endObject() }
            if let lang { w.key("lang"); w.string(lang) }
            w.endObject()
            input = w.string
        }
        let trace = Trace()
        switch evaluator.evaluate(line: Array(input.utf8), trace: trace) {
        case .error(_, let message):
            Terminal.error("vigie: \(message)\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        case .decision(let d):
            let text = Explainer(evaluator: evaluator, decision: d, trace: trace).text(matchedOnly: matchedOnly)
            Terminal.out(Terminal.printable(text, keepingLineBreaks: true))
        }
    }
}

extension String {
    func trimmingSpaces() -> String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
