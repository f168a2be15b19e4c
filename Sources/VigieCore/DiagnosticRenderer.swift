/// Renders diagnostics for people (text) and for tools (JSON). Pure functions of their input.
public enum DiagnosticRenderer {
    /// Renders one diagnostic in the compiler style: `file:line:col: error[E0xx]: message`, the source
    /// line with a gutter, carets under the span, then labels, notes and help.
    /// Columns are 1-based Unicode scalars.
    public static func text(_ d: Diagnostic, color: Bool = false) -> String {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        let sevColor: String
        switch d.severity {
        case .error: sevColor = "1;31"
        case .warning: sevColor = "1;33"
        case .info: sevColor = "1;36"
        }
        var out = "\(d.locationText): \(paint("\(d.severity.rawValue)[\(d.id)]", sevColor)): \(paint(d.message, "1"))\n"
        if let file = d.file, let span = d.span {
            out += snippet(file: file, span: span, label: d.label, marker: "^", color: color ? sevColor : nil)
        }
        for l in d.labels {
            let (line, column) = l.file.location(of: l.span.start)
            out += "  --> \(l.file.path):\(line):\(column)\n"
            out += snippet(file: l.file, span: l.span, label: l.message, marker: "-", color: color ? "1;34" : nil)
        }
        for n in d.notes { out += "   = note: \(n)\n" }
        if let h = d.help { out += "   = \(paint("help", "1;32")): \(h)\n" }
        return out
    }

    private static func snippet(file: SourceFile, span: Span, label: String?, marker: Character, color: String?) -> String {
        let (line, column) = file.location(of: span.start)
        let (endLine, endColumn) = file.location(of: span.end)
        let lineText = file.lineText(line).replacingTabs()
        let gutter = String(line).count
        let pad = String(repeating: " ", count: gutter)
        let width = endLine == line ? max(1, endColumn - column) : max(1, lineText.unicodeScalars.count - column + 1)
        var carets = String(repeating: " ", count: max(0, column - 1)) + String(repeating: marker, count: width)
        if let label { carets += " " + label }
        if let color { carets = "\u{1B}[\(color)m\(carets)\u{1B}[0m" }
        return "\(pad) |\n\(line) | \(lineText)\n\(pad) | \(carets)\n"
    }

    /// Renders all diagnostics as text, followed by a one-line summary when there are any.
    public static func text(_ ds: [Diagnostic], color: Bool = false) -> String {
        guard !ds.isEmpty else { return "" }
        var out = ds.map { text($0, color: color) }.joined(separator: "\n")
        let errors = ds.filter { $0.severity == .error }.count
        let warnings = ds.filter { $0.severity == .warning }.count
        var parts: [String] = []
        if errors > 0 { parts.append("\(errors) error\(errors == 1 ? "" : "s")") }
        if warnings > 0 { parts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
        if !parts.isEmpty { out += "\n" + parts.joined(separator: ", ") + " found\n" }
        return out
    }

    /// Renders diagnostics as a JSON document: `{"version": 1, "diagnostics": [...]}` (see
    /// `Grammar/diagnostics.schema.json`). Lines and columns are 1-based; columns count Unicode scalars.
    public static func json(_ ds: [Diagnostic]) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("version"); w.int(1)
        w.key("diagnostics")
        w.beginArray()
        for d in ds {
            w.beginObject()
            w.key("id"); w.string(d.id)
            w.key("severity"); w.string(d.severity.rawValue)
            w.key("message"); w.string(d.message)
            if let file = d.file {
                w.key("file"); w.string(file.path)
                if let span = d.span {
                    let (l, c) = file.location(of: span.start)
                    let (el, ec) = file.location(of: span.end)
                    w.key("line"); w.int(l)
                    w.key("column"); w.int(c)
                    w.key("endLine"); w.int(el)
                    w.key("endColumn"); w.int(ec)
                }
            }
            if let label = d.label { w.key("label"); w.string(label) }
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
}

extension String {
    package func replacingTabs() -> String { String(self.map { $0 == "\t" ? " " : $0 }) }
}
