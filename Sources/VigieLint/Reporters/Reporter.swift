import Foundation
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// What a reporter needs besides the findings.
public struct ReportContext: Sendable {
    /// The tool's name, in machine formats.
    public var toolName: String
    /// The tool's version, in machine formats.
    public var toolVersion: String
    /// Where to read about the tool (SARIF `informationUri`).
    public var informationURI: String
    /// Whether the text format may use colours.
    public var color: Bool

    /// The project's home page. A placeholder under the reserved `.invalid` domain until the
    /// project has a public address; SARIF requires an absolute URI here.
    public static let defaultInformationURI = "https://vigie.invalid/Grammar/LINT.md"

    /// Creates a context.
    public init(toolName: String = "vigie", toolVersion: String, informationURI: String = ReportContext.defaultInformationURI, color: Bool = false) {
        self.toolName = toolName
        self.toolVersion = toolVersion
        self.informationURI = informationURI
        self.color = color
    }
}

/// Turns diagnostics (compile diagnostics and lint findings) into one output format; `vigie check`
/// and `vigie lint` share these reporters. Reporters are pure functions of their input; machine
/// formats (json, sarif, github) are versioned contracts, the text format is for people.
///
/// Lines and columns are 1-based in every format; columns count Unicode scalars (code points),
/// and an end column points just past the last character.
public protocol Reporter {
    /// The name given to `--format`.
    static var identifier: String { get }
    /// One line describing the format.
    static var summary: String { get }
    /// The whole report.
    static func report(_ findings: [Diagnostic], context: ReportContext) -> String
}

/// The registry of reporters.
public enum Reporters {
    /// Every reporter, in the order `--format` lists them.
    public static let all: [any Reporter.Type] = [TextReporter.self, JSONReporter.self, SARIFReporter.self, GitHubReporter.self]

    /// The `--format` names, comma-separated, for help texts and error messages.
    public static var names: String { all.map { $0.identifier }.joined(separator: ", ") }

    /// The reporter for a `--format` name.
    public static func reporter(named name: String) -> (any Reporter.Type)? {
        all.first { $0.identifier == name }
    }

    /// The findings with every file path made relative to `base` when it lies inside it (list
    /// files are known by their resolved path, so `base` is also tried with links resolved).
    public static func relativize(_ findings: [Diagnostic], to base: String) -> [Diagnostic] {
        var bases: [String] = []
        for b in [base, URL(fileURLWithPath: base).standardizedFileURL.path, URL(fileURLWithPath: base).resolvingSymlinksInPath().path] {
            let withSlash = b.hasSuffix("/") ? b : b + "/"
            if !bases.contains(withSlash) { bases.append(withSlash) }
        }
        var cache: [ObjectIdentifier: SourceFile] = [:]
        func map(_ f: SourceFile) -> SourceFile {
            if let m = cache[ObjectIdentifier(f)] { return m }
            var path = f.path
            if let b = bases.first(where: { path.hasPrefix($0) }) { path = String(path.dropFirst(b.count)) }
            let m = path == f.path ? f : SourceFile(path: path, bytes: f.bytes)
            cache[ObjectIdentifier(f)] = m
            return m
        }
        return findings.map { d in
            var d = d
            d.file = d.file.map(map)
            d.labels = d.labels.map { DiagnosticLabel(file: map($0.file), span: $0.span, message: $0.message) }
            return d
        }
    }

    /// Counts of findings per severity.
    package static func counts(_ findings: [Diagnostic]) -> (errors: Int, warnings: Int, infos: Int) {
        (findings.filter { $0.severity == .error }.count, findings.filter { $0.severity == .warning }.count, findings.filter { $0.severity == .info }.count)
    }

    /// `(line, column, endLine, endColumn)` of a diagnostic's primary span.
    package static func region(_ file: SourceFile, _ span: Span) -> (Int, Int, Int, Int) {
        let (l, c) = file.location(of: span.start)
        let (el, ec) = file.location(of: span.end)
        return (l, c, el, ec)
    }

    /// Metadata for an id: lint rules from the registry, compile diagnostics from the catalog.
    package static func metadata(_ id: String) -> (summary: String, explanation: String, severity: Severity)? {
        if let d = LintRegistry.description(for: id), d.id == id { return (d.summary, d.explanation, d.severity) }
        if let e = ErrorCatalog.entries[id] { return (e.title, e.explanation, id.hasPrefix("W") ? .warning : .error) }
        return nil
    }
}

/// `--format text`: the compiler-style rendering of ``DiagnosticRenderer/text(_:color:)``, then a
/// one-line count. Nothing at all when there are no findings.
public enum TextReporter: Reporter {
    public static let identifier = "text"
    public static let summary = "for people: file:line:col, the source line, carets, notes and help"

    public static func report(_ findings: [Diagnostic], context: ReportContext) -> String {
        guard !findings.isEmpty else { return "" }
        var out = findings.map { DiagnosticRenderer.text($0, color: context.color) }.joined(separator: "\n")
        let (e, w, i) = Reporters.counts(findings)
        var parts: [String] = []
        if e > 0 { parts.append("\(e) error\(e == 1 ? "" : "s")") }
        if w > 0 { parts.append("\(w) warning\(w == 1 ? "" : "s")") }
        if i > 0 { parts.append("\(i) info") }
        out += "\n" + parts.joined(separator: ", ") + " found\n"
        return out
    }
}
