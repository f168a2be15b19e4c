/// How serious a diagnostic is.
public enum Severity: String, Sendable, Comparable, Codable {
    case error, warning, info

    package var rank: Int {
        switch self {
        case .error: return 2
        case .warning: return 1
        case .info: return 0
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A secondary span with its own message ("first defined here").
public struct DiagnosticLabel: Sendable {
    /// The file the label points into.
    public var file: SourceFile
    /// The span it underlines.
    public var span: Span
    /// What it says about that span.
    public var message: String

    /// Creates a label.
    public init(file: SourceFile, span: Span, message: String) {
        self.file = file
        self.span = span
        self.message = message
    }
}

/// One problem found in a rule set: the single diagnostic type every phase produces.
///
/// Diagnostics are data; the renderers in `DiagnosticRenderer` turn them into text or JSON.
public struct Diagnostic: Sendable {
    /// A stable identifier: `E0xx` for errors, `W0xx` for warnings (see ``ErrorCatalog``).
    public var id: String
    /// Error, warning or info.
    public var severity: Severity
    /// One line saying what is wrong.
    public var message: String
    /// The file, when the problem is inside one.
    public var file: SourceFile?
    /// The primary span inside `file`.
    public var span: Span?
    /// Text printed under the caret.
    public var label: String?
    /// Secondary spans.
    public var labels: [DiagnosticLabel]
    /// Extra facts (`note: ...`).
    public var notes: [String]
    /// What to do about it (`help: ...`).
    public var help: String?

    /// Creates a diagnostic.
    public init(
        _ id: String, _ severity: Severity, _ message: String, file: SourceFile? = nil, span: Span? = nil,
        label: String? = nil, labels: [DiagnosticLabel] = [], notes: [String] = [], help: String? = nil
    ) {
        self.id = id
        self.severity = severity
        self.message = message
        self.file = file
        self.span = span
        self.label = label
        self.labels = labels
        self.notes = notes
        self.help = help
    }

    /// `path:line:col` of the primary span, or the path alone.
    public var locationText: String {
        guard let file else { return "<rules>" }
        guard let span else { return file.path }
        let (line, column) = file.location(of: span.start)
        return "\(file.path):\(line):\(column)"
    }
}

extension Diagnostic {
    /// Diagnostics in a stable reading order: those without a file first, then by file path and
    /// position; diagnostics at the same place keep their order.
    public static func sortedByLocation(_ ds: [Diagnostic]) -> [Diagnostic] {
        ds.enumerated().sorted { a, b in
            let pa = a.element.file?.path ?? ""
            let pb = b.element.file?.path ?? ""
            if pa != pb { return pa < pb }
            let sa = a.element.span?.start ?? -1
            let sb = b.element.span?.start ?? -1
            if sa != sb { return sa < sb }
            return a.offset < b.offset
        }.map(\.element)
    }
}

/// Collects diagnostics while a phase runs.
public struct DiagnosticBag: Sendable {
    /// Everything reported so far, in order.
    public private(set) var all: [Diagnostic] = []

    /// Creates an empty bag.
    public init() {}

    /// Adds a diagnostic.
    public mutating func add(_ d: Diagnostic) { all.append(d) }

    /// Adds several diagnostics.
    public mutating func add(contentsOf ds: [Diagnostic]) { all.append(contentsOf: ds) }

    /// Whether any error was reported.
    public var hasErrors: Bool { all.contains { $0.severity == .error } }
}
