import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// One check of `vigie lint`: a stable id, a default severity, a one-line summary, a long
/// explanation, and example rule files that must and must not trigger it.
///
/// Each lint rule lives in its own file under `Lint/Rules/` and is listed in ``LintRegistry``.
/// Its examples double as its tests (`LintTests`) and its documentation (`Grammar/LINT.md`,
/// `vigie lint --explain ID`), as in SwiftLint.
public protocol LintRule {
    /// The rule's metadata and examples.
    static var description: LintRuleDescription { get }

    /// Creates the rule.
    init()

    /// The rule's findings on a rule set, with the rule's id and default severity (the linter
    /// applies the configured severity and the suppressions afterwards).
    func check(_ context: LintContext) -> [Diagnostic]
}

/// What a lint rule is, for people and for tools.
public struct LintRuleDescription: Sendable {
    /// The stable id, `category/name`, such as `regex/catastrophic-backtracking`.
    public var id: String
    /// The severity used when the configuration does not change it.
    public var severity: Severity
    /// One line: what the rule finds.
    public var summary: String
    /// Several sentences: why it matters and what to do.
    public var explanation: String
    /// Rule files the rule must report; `↓` marks where each finding points.
    public var triggeringExamples: [LintExample]
    /// Rule files the rule must not report.
    public var nonTriggeringExamples: [LintExample]
    /// Checker diagnostic ids this rule reports under its own id (`W002`); configuration and
    /// suppressions accept them as aliases.
    public var replacesCheckerIDs: [String] = []
    /// Whether the rule needs a rule set that compiles (it is skipped when there are compile errors).
    public var needsProgram: Bool = false

    /// Creates a description.
    public init(
        id: String, severity: Severity, summary: String, explanation: String,
        triggeringExamples: [LintExample], nonTriggeringExamples: [LintExample],
        replacesCheckerIDs: [String] = [], needsProgram: Bool = false
    ) {
        self.id = id
        self.severity = severity
        self.summary = summary
        self.explanation = explanation
        self.triggeringExamples = triggeringExamples
        self.nonTriggeringExamples = nonTriggeringExamples
        self.replacesCheckerIDs = replacesCheckerIDs
        self.needsProgram = needsProgram
    }

    /// The category: the part of the id before the slash (`regex`).
    public var category: String { String(id.split(separator: "/").first ?? "") }
}

/// An example rule file for a lint rule.
public struct LintExample: Sendable {
    /// The rule file's text. In triggering examples `↓` marks the start of each expected
    /// finding's span; it is removed before the text is linted.
    public var source: String
    /// Lint with `--require-tests`.
    public var requireTests: Bool

    /// Creates an example.
    public init(_ source: String, requireTests: Bool = false) {
        self.source = source
        self.requireTests = requireTests
    }

    /// The marker of an expected finding in ``source``.
    public static let marker: Character = "↓"

    /// The source without markers, and the byte offset of each marker in it.
    public var stripped: (text: String, markers: [Int]) {
        var text = ""
        var markers: [Int] = []
        for ch in source {
            if ch == LintExample.marker {
                markers.append(text.utf8.count)
            } else {
                text.append(ch)
            }
        }
        return (text, markers)
    }
}
