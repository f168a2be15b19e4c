import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// Turns an evaluation trace into an explanation: the normalized text, every rule in evaluation
/// order with each condition's value and matched spans, and what precedence kept or dropped.
public struct Explainer {
    package let evaluator: Evaluator
    package let decision: Decision
    package let trace: Trace

    /// Creates an explainer for the comment the evaluator last evaluated.
    public init(evaluator: Evaluator, decision: Decision, trace: Trace) {
        self.evaluator = evaluator
        self.decision = decision
        self.trace = trace
    }

    package var program: Program { evaluator.program }

    package struct Line {
        package var depth: Int
        package var source: String
        package var value: Bool?
        package var spans: [Range<Int>]
        package var normalizedSpans: [Range<Int>]
        package var note: String?
        package var main: Bool
    }

    /// The condition tree of node `n`, flattened with depths.
    package func lines(_ n: Int32, depth: Int, into out: inout [Line]) {
        let (file, span) = program.nodeSources[Int(n)]
        let t = trace.nodes[n]
        var main = true
        switch program.nodes[Int(n)] {
        case .terms(.field, _, _, _, _), .near(.field, _, _, _, _, _, _), .count(.field, _, _, _), .regex(.field, _): main = false
        default: break
        }
        let source: String
        switch program.nodes[Int(n)] {
        case .and: source = "all of"
        case .or: source = "any of"
        case .not: source = "not"
        default: source = file.text(span).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
        }
        out.append(Line(depth: depth, source: source, value: t?.value,
                        spans: t?.spans ?? [], normalizedSpans: t?.normalizedSpans ?? [], note: t?.note, main: main))
        switch program.nodes[Int(n)] {
        case .and(let kids), .or(let kids): for k in kids { lines(k, depth: depth + 1, into: &out) }
        case .not(let k): lines(k, depth: depth + 1, into: &out)
        default: break
        }
    }

    /// Marks spans in `text` with `[` and `]`.
    package static func highlight(_ text: [UInt8], _ spans: [Range<Int>]) -> String {
        var opens = [Int: Int]()
        var closes = [Int: Int]()
        for s in spans where s.upperBound <= text.count {
            opens[s.lowerBound, default: 0] += 1
            closes[s.upperBound, default: 0] += 1
        }
        var out: [UInt8] = []
        for i in 0...text.count {
            for _ in 0..<(closes[i] ?? 0) { out.append(UInt8(ascii: "]")) }
            for _ in 0..<(opens[i] ?? 0) { out.append(UInt8(ascii: "[")) }
            if i < text.count { out.append(text[i] == 0x0A ? 0x20 : text[i]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The explanation for people. With `matchedOnly`, only the rules whose condition held are
    /// listed (with all their conditions), followed by how many others were left out.
    public func text(matchedOnly: Bool = false) -> String {
        var out = ""
        let original = evaluator.text
        let norm = evaluator.normalized.bytes
        var allSpans: [Range<Int>] = []
        var allNorm: [Range<Int>] = []
        for (i, r) in program.rules.enumerated() where trace.rules[i] == true {
            var ls: [Line] = []
            lines(r.condition, depth: 0, into: &ls)
            for l in ls where l.value == true && l.main {
                allSpans += l.spans
                allNorm += l.normalizedSpans
            }
        }
        out += "text:       \(Explainer.highlight(original, allSpans))\n"
        for (stage, text) in evaluator.normalizer.stageTexts(String(decoding: original, as: UTF8.self)).dropLast() {
            out += "  after \(stage):\(String(repeating: " ", count: max(1, 13 - stage.count)))\(text)\n"
        }
        out += "normalized: \(Explainer.highlight(norm, allNorm))\n"
        out += "language:   \(decision.lang)\(decision.langDetected ? " (detected)" : " (given)")\n\n"
        out += matchedOnly ? "rules that matched, in evaluation order:\n" : "rules, in evaluation order:\n"
        var leftOut = 0
        for (i, r) in program.rules.enumerated() {
            if matchedOnly, trace.rules[i] != true {
                leftOut += 1
                continue
            }
            let (line, _) = r.file.location(of: r.decl.span.start)
            let header = "\(r.name)\(r.priority != 0 ? " (priority \(r.priority))" : "")\(r.shadow ? " [shadow]" : "")  \(r.file.path):\(line)"
            guard let v = trace.rules[i] else {
                out += "  -  \(header)\n       not evaluated: none of its terms appears in the text\n"
                continue
            }
            out += "  \(v ? "✔" : "✘")  \(header)\n"
            var ls: [Line] = []
            lines(r.condition, depth: 0, into: &ls)
            for l in ls {
                let mark = l.value.map { $0 ? "true " : "false" } ?? "-    "
                var s = "       \(String(repeating: "  ", count: l.depth))\(mark)  \(l.source)"
                if l.value == nil { s += "  (not evaluated)" }
                if !l.spans.isEmpty, l.main {
                    let quoted = l.spans.prefix(4).map { "\"\(String(decoding: original[$0.clamped(to: 0..<original.count)], as: UTF8.self))\" at \($0.lowerBound)..<\($0.upperBound)" }
                    s += "  — matched " + quoted.joined(separator: ", ")
                }
                if let note = l.note { s += "  — \(note)" }
                out += s + "\n"
            }
        }
        if matchedOnly {
            if leftOut == program.rules.count { out += "  none\n" }
            if leftOut > 0 { out += "  (\(leftOut) other rule\(leftOut == 1 ? "" : "s") did not match: leave out --matched-only to see them)\n" }
        }
        out += "\ndecision:\n"
        if decision.actions.isEmpty { out += "  nothing to do\n" }
        for a in decision.actions { out += "  \(Explainer.describe(a))\n" }
        if !decision.tags.isEmpty { out += "  tags: \(decision.tags.joined(separator: ", "))\n" }
        for d in decision.dropped { out += "  dropped: \(Explainer.describe(d.action)) — \(d.why)\n" }
        for s in decision.shadow { out += "  shadow, would have: \(Explainer.describe(s))\n" }
        for w in decision.warnings { out += "  warning: \(w)\n" }
        return out
    }

    /// One action in words, as the action table says: keyword, reason, argument, severity,
    /// then the rendered reply and the rules that asked.
    public static func describe(_ a: DecidedAction) -> String {
        var s = a.kind.keyword
        let options = a.kind.options
        if options.contains(.reason), let r = a.reason { s += " \"\(r)\"" }
        if a.kind.argument != .none { s += " \(a.argument ?? "")" }
        if options.contains(.severity) { s += " severity \(a.severity ?? "normal")" }
        if let t = a.text { s += ": \"\(t)\"" }
        s += " (rule \(a.rules.joined(separator: ", ")))"
        return s
    }

    /// The explanation as JSON (the `explain` field of `run --explain`).
    public func json() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("normalized"); w.string(utf8: evaluator.normalized.bytes)
        w.key("lang_detected"); w.bool(decision.langDetected)
        w.key("rules")
        w.beginArray()
        for (i, r) in program.rules.enumerated() {
            w.beginObject()
            w.key("rule"); w.string(r.name)
            if let v = trace.rules[i] {
                w.key("value"); w.bool(v)
                w.key("conditions")
                w.beginArray()
                var ls: [Line] = []
                lines(r.condition, depth: 0, into: &ls)
                for l in ls {
                    w.beginObject()
                    w.key("depth"); w.int(l.depth)
                    w.key("source"); w.string(l.source)
                    w.key("value")
                    if let v = l.value { w.bool(v) } else { w.null() }
                    if !l.spans.isEmpty {
                        w.key("spans")
                        w.beginArray()
                        for s in l.spans {
                            w.beginArray(); w.int(s.lowerBound); w.int(s.upperBound); w.endArray()
                        }
                        w.endArray()
                    }
                    if let n = l.note { w.key("note"); w.string(n) }
                    w.endObject()
                }
                w.endArray()
            } else {
                w.key("value"); w.null()
                w.key("skipped"); w.string("none of its terms appears")
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}
