import Foundation
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `--format sarif`: a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format), which
/// GitHub code scanning and other dashboards read.
///
/// One run, whose `tool.driver.rules` holds every lint rule (id, descriptions, default level,
/// help with examples) followed by the compile diagnostics that appear in the results. Results
/// carry the configured level (`error`, `warning`, `note` for info), the message, the primary
/// location and the labels as related locations. `columnKind` is `unicodeCodePoints`: columns
/// are 1-based Unicode scalars and `endColumn` points just past the last character. Artifact
/// URIs are the paths as reported (relative to the working directory when inside it).
public enum SARIFReporter: Reporter {
    public static let identifier = "sarif"
    public static let summary = "SARIF 2.1.0, for code-scanning dashboards"
    /// The SARIF version written.
    public static let sarifVersion = "2.1.0"
    /// The schema the log declares.
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    public static func report(_ findings: [Diagnostic], context: ReportContext) -> String {
        var ruleIDs = LintRegistry.descriptions.map(\.id)
        for d in findings where !ruleIDs.contains(d.id) { ruleIDs.append(d.id) }
        var w = JSONWriter()
        w.beginObject()
        w.key("$schema"); w.string(schemaURI)
        w.key("version"); w.string(sarifVersion)
        w.key("runs")
        w.beginArray()
        w.beginObject()
        w.key("tool")
        w.beginObject()
        w.key("driver")
        w.beginObject()
        w.key("name"); w.string(context.toolName)
        w.key("version"); w.string(context.toolVersion)
        w.key("informationUri"); w.string(context.informationURI)
        w.key("rules")
        w.beginArray()
        for id in ruleIDs { rule(&w, id) }
        w.endArray()
        w.endObject()
        w.endObject()
        w.key("columnKind"); w.string("unicodeCodePoints")
        w.key("results")
        w.beginArray()
        for d in findings { result(&w, d, ruleIndex: ruleIDs.firstIndex(of: d.id)!) }
        w.endArray()
        w.endObject()
        w.endArray()
        w.endObject()
        return w.string + "\n"
    }

    package static func level(_ s: Severity) -> String {
        switch s {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    package static func rule(_ w: inout JSONWriter, _ id: String) {
        w.beginObject()
        w.key("id"); w.string(id)
        let lint = LintRegistry.description(for: id).flatMap { $0.id == id ? $0 : nil }
        let meta = Reporters.metadata(id)
        w.key("name"); w.string(ruleName(id))
        w.key("shortDescription")
        w.beginObject()
        w.key("text"); w.string(meta?.summary ?? id)
        w.endObject()
        w.key("fullDescription")
        w.beginObject()
        w.key("text"); w.string(meta?.explanation ?? id)
        w.endObject()
        w.key("defaultConfiguration")
        w.beginObject()
        w.key("level"); w.string(level(meta?.severity ?? .error))
        w.endObject()
        w.key("help")
        w.beginObject()
        if let lint {
            w.key("text"); w.string(LintDocumentation.explanation(lint))
            w.key("markdown"); w.string(LintDocumentation.markdown(lint, headingLevel: 2, output: false))
        } else {
            w.key("text"); w.string(meta?.explanation ?? "See `vigie explain-error \(id)`.")
        }
        w.endObject()
        w.key("properties")
        w.beginObject()
        w.key("tags")
        w.beginArray()
        w.string(lint?.category ?? "compile")
        w.endArray()
        w.endObject()
        w.endObject()
    }

    /// A PascalCase name from an id: `regex/no-literal` → `RegexNoLiteral`.
    package static func ruleName(_ id: String) -> String {
        id.split(whereSeparator: { $0 == "/" || $0 == "-" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    package static func result(_ w: inout JSONWriter, _ d: Diagnostic, ruleIndex: Int) {
        w.beginObject()
        w.key("ruleId"); w.string(d.id)
        w.key("ruleIndex"); w.int(ruleIndex)
        w.key("level"); w.string(level(d.severity))
        w.key("message")
        w.beginObject()
        var text = d.message
        for n in d.notes { text += "\nnote: \(n)" }
        if let h = d.help { text += "\nhelp: \(h)" }
        w.key("text"); w.string(text)
        w.endObject()
        if let file = d.file {
            w.key("locations")
            w.beginArray()
            location(&w, file, d.span, message: d.label, id: nil)
            w.endArray()
        }
        if !d.labels.isEmpty {
            w.key("relatedLocations")
            w.beginArray()
            for (i, l) in d.labels.enumerated() { location(&w, l.file, l.span, message: l.message, id: i + 1) }
            w.endArray()
        }
        w.endObject()
    }

    package static func location(_ w: inout JSONWriter, _ file: SourceFile, _ span: Span?, message: String?, id: Int?) {
        w.beginObject()
        if let id { w.key("id"); w.int(id) }
        w.key("physicalLocation")
        w.beginObject()
        w.key("artifactLocation")
        w.beginObject()
        w.key("uri"); w.string(uri(file.path))
        w.endObject()
        if let span {
            let (l, c, el, ec) = Reporters.region(file, span)
            w.key("region")
            w.beginObject()
            w.key("startLine"); w.int(l)
            w.key("startColumn"); w.int(c)
            w.key("endLine"); w.int(el)
            w.key("endColumn"); w.int(ec)
            w.endObject()
        }
        w.endObject()
        if let message {
            w.key("message")
            w.beginObject()
            w.key("text"); w.string(message)
            w.endObject()
        }
        w.endObject()
    }

    /// A path as a URI reference: relative paths stay relative, absolute ones become `file://`.
    package static func uri(_ path: String) -> String {
        let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }
}
