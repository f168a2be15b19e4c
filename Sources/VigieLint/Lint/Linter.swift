import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// How a lint run is set up.
public struct LintOptions: Sendable {
    /// Severities and disabled rules (from `vigie-lint.json`).
    public var configuration: LintConfiguration
    /// `--require-tests`: `rule/untested` is at least a warning, even when configured lower or off.
    public var requireTests: Bool

    /// Creates options.
    public init(configuration: LintConfiguration = LintConfiguration(), requireTests: Bool = false) {
        self.configuration = configuration
        self.requireTests = requireTests
    }
}

/// Runs every lint rule over a rule set: `vigie lint` without the command line.
///
/// The findings are the rule set's compile diagnostics (errors unchanged, warnings subject to the
/// configuration and to suppressions), then the findings of every enabled lint rule with its
/// configured severity, minus those silenced by a `# vigie:ignore` comment, plus one
/// `lint/unused-suppression` finding for each suppression that silenced nothing. Sorted by file
/// and position.
public enum Linter {
    /// Lints a rule set (as loaded by ``RuleSetLoader``).
    public static func lint(_ ruleSet: RuleSet, options: LintOptions = LintOptions()) -> [Diagnostic] {
        let context = LintContext(ruleSet: ruleSet, requireTests: options.requireTests)
        let config = options.configuration
        var fixed: [Diagnostic] = []  // compile errors: never configured nor silenced
        var findings: [Diagnostic] = []
        for var d in ruleSet.diagnostics {
            if d.severity == .error {
                fixed.append(d)
                continue
            }
            if LintRegistry.replacedCheckerIDs[d.id] != nil { continue }  // its lint rule reports it
            if let level = config.levels[d.id] {
                guard let s = level.severity else { continue }
                d.severity = s
            }
            findings.append(d)
        }
        var ran = Set<String>()
        for rule in LintRegistry.rules where ObjectIdentifier(rule) != ObjectIdentifier(UnusedSuppressionRule.self) {
            let description = rule.description
            guard let severity = severity(of: description, options), !(description.needsProgram && context.program == nil) else { continue }
            ran.insert(description.id)
            for var f in rule.init().check(context) {
                f.severity = severity
                findings.append(f)
            }
        }

        var suppressions = suppressionComments(ruleSet)
        findings.removeAll { f in
            guard let file = f.file, let span = f.span else { return false }
            let line = file.location(of: span.start).line
            for si in suppressions.indices where suppressions[si].targetLine == line && suppressions[si].file.path == file.path {
                if let ei = suppressions[si].entries.firstIndex(where: { $0.resolved == f.id }) {
                    suppressions[si].entries[ei].used = true
                    return true
                }
            }
            return false
        }
        let unused = UnusedSuppressionRule.description
        if let severity = severity(of: unused, options) {
            for s in suppressions {
                for var f in UnusedSuppressionRule.findings(s, ran: ran, configuration: config) {
                    f.severity = severity
                    findings.append(f)
                }
            }
        }
        return sorted(fixed + findings)
    }

    /// The severity a lint rule runs at with these options, or nil when it is off.
    public static func severity(of description: LintRuleDescription, _ options: LintOptions) -> Severity? {
        var s: Severity? = description.severity
        if let level = options.configuration.levels[description.id] { s = level.severity }
        if options.requireTests, description.id == RuleUntestedRule.description.id { s = max(s ?? .warning, .warning) }
        return s
    }

    /// Every suppression comment of the rule files and of the list files they load.
    package static func suppressionComments(_ ruleSet: RuleSet) -> [Suppression] {
        var seen = Set<String>()
        var out: [Suppression] = []
        var files = ruleSet.files.map(\.file)
        for name in ruleSet.lists.keys.sorted() { files.append(ruleSet.lists[name]!.termFile) }
        for f in files where !seen.contains(f.path) {
            seen.insert(f.path)
            out += Suppression.scan(f)
        }
        return out
    }

    /// Findings in a stable order: those without a file first, then by file path and position.
    package static func sorted(_ ds: [Diagnostic]) -> [Diagnostic] { Diagnostic.sortedByLocation(ds) }
}
