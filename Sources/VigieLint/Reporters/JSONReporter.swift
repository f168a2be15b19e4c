import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `--format json` of `vigie check` and `vigie lint`: one versioned document, described by
/// `Grammar/diagnostics.schema.json`, whichever command writes it.
///
/// ```json
/// {"version": 1, "tool": {"name": "vigie", "version": "0.1.0"}, "columnUnit": "unicodeScalar",
///  "summary": {"error": 1, "warning": 0, "info": 2},
///  "findings": [{"id": "list/unused", "source": "lint", "severity": "warning", "message": "...",
///                "file": "Rules/a.vigie", "line": 3, "column": 6, "endLine": 3, "endColumn": 13, ...}]}
/// ```
///
/// Version 1 only ever gains optional members; a breaking change bumps `version`.
public enum JSONReporter: Reporter {
    public static let identifier = "json"
    public static let summary = "a versioned JSON document (Grammar/diagnostics.schema.json)"
    /// The schema version written in `version`.
    public static let version = 1

    public static func report(_ findings: [Diagnostic], context: ReportContext) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("version"); w.int(version)
        w.key("tool")
        w.beginObject()
        w.key("name"); w.string(context.toolName)
        w.key("version"); w.string(context.toolVersion)
        w.endObject()
        w.key("columnUnit"); w.string("unicodeScalar")
        let (e, wa, i) = Reporters.counts(findings)
        w.key("summary")
        w.beginObject()
        w.key("error"); w.int(e)
        w.key("warning"); w.int(wa)
        w.key("info"); w.int(i)
        w.endObject()
        w.key("findings")
        w.beginArray()
        for d in findings {
            w.beginObject()
            w.key("id"); w.string(d.id)
            w.key("source"); w.string(LintRegistry.description(for: d.id)?.id == d.id ? "lint" : "compiler")
            w.key("severity"); w.string(d.severity.rawValue)
            w.key("message"); w.string(d.message)
            if let file = d.file {
                w.key("file"); w.string(file.path)
                if let span = d.span { location(&w, file, span) }
            }
            if let label = d.label { w.key("label"); w.string(label) }
            if !d.labels.isEmpty {
                w.key("labels")
                w.beginArray()
                for l in d.labels {
                    w.beginObject()
                    w.key("file"); w.string(l.file.path)
                    location(&w, l.file, l.span)
                    w.key("message"); w.string(l.message)
                    w.endObject()
                }
                w.endArray()
            }
            if !d.notes.isEmpty {
                w.key("notes")
                w.beginArray()
                for n in d.notes { w.string(n) }
                w.endArray()
            }
            if let h = d.help { w.key("help"); w.string(h) }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.string + "\n"
    }

    package static func location(_ w: inout JSONWriter, _ file: SourceFile, _ span: Span) {
        let (l, c, el, ec) = Reporters.region(file, span)
        w.key("line"); w.int(l)
        w.key("column"); w.int(c)
        w.key("endLine"); w.int(el)
        w.key("endColumn"); w.int(ec)
    }
}
