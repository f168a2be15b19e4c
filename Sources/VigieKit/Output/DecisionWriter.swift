/// Writes decisions and error records as JSON lines (the output contract in
/// `Grammar/output.schema.json`). Keys always come in the same order.
public struct DecisionWriter {
    /// Whether to include the explain trace in each line.
    public var explain = false
    /// The version of the rules that decide (``RuleSet/version``), written as `rules_version`
    /// after `id` on every line when set (`vigie run` always sets it).
    public var rulesVersion: String?
    var w = JSONWriter(capacity: 512)

    /// Creates a writer.
    public init(explain: Bool = false) { self.explain = explain }

    /// Encodes one decision line; `id` is the comment's `id` as raw JSON (or nil).
    public mutating func decisionLine(line: Int, id: ArraySlice<UInt8>?, decision d: Decision, trace: [UInt8]? = nil) -> [UInt8] {
        start(line: line, id: id)
        w.rawKey("lang"); w.string(d.lang)
        w.rawKey("actions")
        writeActions(d.actions)
        w.rawKey("tags")
        w.beginArray()
        for t in d.tags { w.string(t) }
        w.endArray()
        w.rawKey("rules")
        w.beginArray()
        for r in d.matchedRules { w.string(r) }
        w.endArray()
        if !d.shadow.isEmpty {
            w.rawKey("shadow")
            writeActions(d.shadow)
        }
        if !d.dropped.isEmpty {
            w.rawKey("dropped")
            w.beginArray()
            for x in d.dropped {
                w.beginObject()
                writeActionFields(x.action)
                w.rawKey("why"); w.string(x.why)
                w.endObject()
            }
            w.endArray()
        }
        if !d.warnings.isEmpty {
            w.rawKey("warnings")
            w.beginArray()
            for x in d.warnings { w.string(x) }
            w.endArray()
        }
        if let trace {
            w.rawKey("explain"); w.raw(trace)
        }
        w.endObject()
        w.bytes.append(0x0A)
        return w.bytes
    }

    /// Appends to `out` the line of a decision with nothing in it (no rule matched, no warning):
    /// what ``decisionLine(line:id:decision:trace:)`` writes for an empty ``Decision``, in a
    /// few copies of fixed pieces (the most common line of all).
    mutating func quietLine(line: Int, id: [UInt8]?, lang: String, into out: inout [UInt8]) {
        if quietVersion != rulesVersion {
            // `,"rules_version":"…","lang":`, rebuilt when the rules change.
            var v = JSONWriter()
            v.beginObject()
            v.rawKey("line"); v.null()
            if let r = rulesVersion { v.rawKey("rules_version"); v.string(r) }
            v.rawKey("lang")
            quietMiddle = Array(v.bytes.dropFirst(#"{"line":null"#.utf8.count))
            quietVersion = rulesVersion
        }
        out.append(contentsOf: #"{"line":"#.utf8)
        JSONWriter.appendInt(line, to: &out)
        out.append(contentsOf: #","id":"#.utf8)
        if let id { out += id } else { out.append(contentsOf: "null".utf8) }
        out += quietMiddle
        var l = lang
        l.withUTF8 { JSONWriter.appendQuoted($0, to: &out) }
        out.append(contentsOf: #","actions":[],"tags":[],"rules":[]}"#.utf8)
        out.append(0x0A)
    }

    /// The rules version `quietMiddle` was built for, and the piece itself.
    private var quietVersion: String?? = .some(nil)
    private var quietMiddle: [UInt8] = Array(#","lang":"#.utf8)

    /// The fields every line starts with: line number, id, rules version.
    mutating func start(line: Int, id: ArraySlice<UInt8>?) {
        w.reset()
        w.beginObject()
        w.rawKey("line"); w.int(line)
        w.rawKey("id")
        if let id { w.raw(id) } else { w.null() }
        if let v = rulesVersion { w.rawKey("rules_version"); w.string(v) }
    }

    /// Encodes an error record for a line that could not be evaluated.
    public mutating func errorLine(line: Int, id: ArraySlice<UInt8>?, code: String, message: String) -> [UInt8] {
        start(line: line, id: id)
        w.rawKey("error"); w.string(message)
        w.rawKey("error_code"); w.string(code)
        w.endObject()
        w.bytes.append(0x0A)
        return w.bytes
    }

    mutating func writeActions(_ actions: [DecidedAction]) {
        w.beginArray()
        for a in actions {
            w.beginObject()
            writeActionFields(a)
            w.endObject()
        }
        w.endArray()
    }

    mutating func writeActionFields(_ a: DecidedAction) {
        w.rawKey("type"); w.string(a.kind.rawValue)
        w.rawKey("rule"); w.string(a.rule)
        switch a.kind {
        case .hide:
            if let r = a.reason { w.rawKey("reason"); w.string(r) }
        case .escalate:
            w.rawKey("team"); w.string(a.argument ?? "")
            w.rawKey("severity"); w.string(a.severity ?? "normal")
            if let c = a.count { w.rawKey("count"); w.int(c) }
            if let win = a.window { w.rawKey("window"); w.string(win) }
        case .reply:
            w.rawKey("template"); w.string(a.argument ?? "")
            if let t = a.text { w.rawKey("text"); w.string(t) }
            if let v = a.variant { w.rawKey("variant"); w.int(v) }
        case .flag:
            w.rawKey("queue"); w.string(a.argument ?? "")
        case .tag:
            w.rawKey("label"); w.string(a.argument ?? "")
        case .allow: break
        }
        if a.rules.count > 1 {
            w.rawKey("rules")
            w.beginArray()
            for r in a.rules { w.string(r) }
            w.endArray()
        }
    }
}
