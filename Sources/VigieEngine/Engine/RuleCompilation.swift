import Foundation
import VigieCore
import VigieLanguage

/// Loads and compiles a rule set, printing diagnostics to standard error.
public enum RuleCompilation {
    /// Loads rules from `path`, prints every diagnostic, and returns the program (nil on errors).
    public static func load(_ path: String, printWarnings: Bool = true) -> (RuleSet, Program?) {
        let rs = RuleSetLoader.load(path: path)
        let shown = printWarnings ? rs.diagnostics : rs.diagnostics.filter { $0.severity == .error }
        if !shown.isEmpty { Terminal.error(DiagnosticRenderer.text(shown, color: Terminal.wantsColor(2))) }
        return (rs, Compiler.compile(rs))
    }
}
