import VigieCore
import VigieLanguage
import VigieEngine

/// Renders a ``RuleTestReport`` for people and for tools.
public enum TestReportRenderer {
    /// Text: each failure with `file:line`, name, expected vs actual, a diff and the trace; then
    /// coverage; then the closing line `N passed, N failed[, N todo]`.
    public static func text(_ r: RuleTestReport, verbose: Bool = false, color: Bool = false) -> String {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        // Names, texts and traces come from the rule and test files: control characters escaped.
        func safe(_ s: String) -> String { Terminal.printable(s) }
        var out = ""
        for res in r.results {
            let where_ = "\(safe(res.test.path)):\(res.test.line)"
            let name = safe(res.test.name)
            switch res.status {
            case .passed:
                if verbose { out += "\(paint("PASS", "32")) \(where_)  \(name)\n" }
            case .todo:
                out += "\(paint("TODO", "33")) \(where_)  \(name)\(res.problems.isEmpty ? " (now passes: remove `todo`)" : "")\n"
            case .failed:
                out += "\(paint("FAIL", "1;31")) \(where_)  \(name)\n"
                out += "    expected: \(safe(res.expected))\n"
                out += "    actual:   \(safe(res.actual))\n"
                for p in res.problems {
                    let c = p.hasPrefix("-") ? "31" : "32"
                    out += "      \(paint(safe(p), c))\n"
                }
                if !res.trace.isEmpty {
                    out += "    trace:\n"
                    for l in res.trace.split(separator: "\n", omittingEmptySubsequences: false) where !l.isEmpty { out += "      \(safe(String(l)))\n" }
                }
                out += "\n"
            }
        }
        out += String(format: "coverage: %d of %d rules exercised (%.0f%%)\n", r.exercised.count, r.rules.count, r.coverage)
        if !r.unexercised.isEmpty { out += "  rules no test exercises: \(r.unexercised.map(safe).joined(separator: ", "))\n" }
        if !r.neverAsserted.isEmpty { out += "  actions no test asserts: \(r.neverAsserted.map(safe).joined(separator: ", "))\n" }
        var summary = "\(r.passed) passed, \(r.failed) failed"
        if r.todo > 0 { summary += ", \(r.todo) todo" }
        out += summary + "\n"
        return out
    }

    /// JSON (version 1): totals, coverage, and every result.
    public static func json(_ r: RuleTestReport) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("version"); w.int(1)
        w.key("passed"); w.int(r.passed)
        w.key("failed"); w.int(r.failed)
        w.key("todo"); w.int(r.todo)
        w.key("coverage")
        w.beginObject()
        w.key("rules"); w.int(r.rules.count)
        w.key("exercised"); w.int(r.exercised.count)
        w.key("percent"); w.number((r.coverage * 10).rounded() / 10)
        w.key("unexercised")
        w.beginArray()
        for x in r.unexercised { w.string(x) }
        w.endArray()
        w.key("never_asserted")
        w.beginArray()
        for x in r.neverAsserted { w.string(x) }
        w.endArray()
        w.endObject()
        w.key("results")
        w.beginArray()
        for res in r.results {
            w.beginObject()
            w.key("name"); w.string(res.test.name)
            w.key("file"); w.string(res.test.path)
            w.key("line"); w.int(res.test.line)
            w.key("status"); w.string(res.status.rawValue)
            w.key("expected"); w.string(res.expected)
            w.key("actual"); w.string(res.actual)
            if !res.problems.isEmpty {
                w.key("diff")
                w.beginArray()
                for p in res.problems { w.string(p) }
                w.endArray()
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.string + "\n"
    }
}
