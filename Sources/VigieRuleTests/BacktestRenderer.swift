import Foundation
import VigieCore
import VigieLanguage
import VigieEngine

/// Renders `eval` and `diff` reports as tables for people and JSON for tools.
public enum BacktestRenderer {
    package static func pct(_ v: Double?) -> String { v.map { String(format: "%5.1f%%", $0 * 100) } ?? "    -" }

    package static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

    /// The eval report as a table.
    public static func text(_ r: EvalReport) -> String {
        var out = "\(r.lines) comments, \(r.positives) labelled positive, \(r.errors) unreadable\n\n"
        let width = max(12, (r.rules.map { $0.0.count }.max() ?? 0) + 2)
        func table(_ title: String, _ rows: [(String, Confusion)]) {
            out += pad(title, width) + "precision  recall     TP     FP     FN\n"
            for (name, c) in rows {
                out += pad(name, width) + "\(pct(c.precision))    \(pct(c.recall))  " + String(format: "%5d  %5d  %5d\n", c.tp, c.fp, c.fn)
            }
            out += "\n"
        }
        table("action", r.actions)
        table("rule", r.rules)
        for (name, c) in r.actions + r.rules where !c.fpExamples.isEmpty || !c.fnExamples.isEmpty {
            out += "\(name):\n"
            for (l, id, t) in c.fpExamples { out += "  false positive  line \(l) id \(id): \(t.replacingOccurrences(of: "\n", with: " "))\n" }
            for (l, id, t) in c.fnExamples { out += "  false negative  line \(l) id \(id): \(t.replacingOccurrences(of: "\n", with: " "))\n" }
        }
        return out
    }

    /// The eval report as JSON (version 1).
    public static func json(_ r: EvalReport) -> String {
        var w = JSONWriter()
        func rows(_ key: String, _ rows: [(String, Confusion)]) {
            w.key(key)
            w.beginArray()
            for (name, c) in rows {
                w.beginObject()
                w.key("name"); w.string(name)
                w.key("tp"); w.int(c.tp)
                w.key("fp"); w.int(c.fp)
                w.key("fn"); w.int(c.fn)
                w.key("tn"); w.int(c.tn)
                w.key("precision"); if let p = c.precision { w.number(p) } else { w.null() }
                w.key("recall"); if let p = c.recall { w.number(p) } else { w.null() }
                w.key("false_positives"); examples(c.fpExamples)
                w.key("false_negatives"); examples(c.fnExamples)
                w.endObject()
            }
            w.endArray()
        }
        func examples(_ xs: [(Int, String, String)]) {
            w.beginArray()
            for (l, id, t) in xs {
                w.beginObject()
                w.key("line"); w.int(l)
                w.key("id"); w.string(id)
                w.key("text"); w.string(t)
                w.endObject()
            }
            w.endArray()
        }
        w.beginObject()
        w.key("version"); w.int(1)
        w.key("lines"); w.int(r.lines)
        w.key("errors"); w.int(r.errors)
        w.key("positives"); w.int(r.positives)
        rows("actions", r.actions)
        rows("rules", r.rules)
        w.endObject()
        return w.string + "\n"
    }

    /// The diff report for people: counts per rule, then examples.
    public static func text(_ r: Backtest.DiffReport) -> String {
        var out = "\(r.changes.count) of \(r.lines) comments change decision\n"
        var started: [String: [Backtest.Change]] = [:]
        var stopped: [String: [Backtest.Change]] = [:]
        var other: [Backtest.Change] = []
        for c in r.changes {
            for s in c.started { started[s, default: []].append(c) }
            for s in c.stopped { stopped[s, default: []].append(c) }
            if c.started.isEmpty, c.stopped.isEmpty { other.append(c) }
        }
        func group(_ title: String, _ g: [String: [Backtest.Change]]) {
            for (rule, cs) in g.sorted(by: { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key }) {
                out += "\n\(title) \(rule): \(cs.count) comment\(cs.count == 1 ? "" : "s")\n"
                for c in cs.prefix(5) { out += "  line \(c.line) id \(c.id): \(c.text.replacingOccurrences(of: "\n", with: " "))\n    before: \(c.before)\n    after:  \(c.after)\n" }
            }
        }
        group("+ now matches", started)
        group("- no longer matches", stopped)
        if !other.isEmpty {
            out += "\nsame rules, different outcome (precedence or templates): \(other.count)\n"
            for c in other.prefix(5) { out += "  line \(c.line) id \(c.id)\n    before: \(c.before)\n    after:  \(c.after)\n" }
        }
        return out
    }

    /// The diff report as JSON (version 1): every changed comment.
    public static func json(_ r: Backtest.DiffReport) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("version"); w.int(1)
        w.key("lines"); w.int(r.lines)
        w.key("changed"); w.int(r.changes.count)
        w.key("changes")
        w.beginArray()
        for c in r.changes {
            w.beginObject()
            w.key("line"); w.int(c.line)
            w.key("id"); w.raw(Array(c.id.utf8))
            w.key("before"); w.string(c.before)
            w.key("after"); w.string(c.after)
            w.key("started")
            w.beginArray(); for s in c.started { w.string(s) }; w.endArray()
            w.key("stopped")
            w.beginArray(); for s in c.stopped { w.string(s) }; w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.string + "\n"
    }
}
