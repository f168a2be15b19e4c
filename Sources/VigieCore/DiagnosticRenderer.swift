/// Renders diagnostics for people, in the compiler style. Pure functions of their input. The
/// machine formats (json, sarif, github) are the reporters of VigieLint, shared by `vigie check`
/// and `vigie lint`.
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
}

extension String {
    package func replacingTabs() -> String { String(self.map { $0 == "\t" ? " " : $0 }) }
}
