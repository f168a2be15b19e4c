import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// Writes decisions and error records as JSON lines (the output contract in
/// `Grammar/output.schema.json`). Keys always come in the same order.
public struct DecisionWriter {
    /// Whether to include the explain trace in each line.
    public var explain = false
    /// The version of the rules that decide (``RuleSet/version``), written as `rules_version`
    /// after `id` on every line when set (`vigie run` always sets it).
    public var rulesVersion: String?
    package var w = JSONWriter(capacity: 512)

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
    /// what ``decisionLine(line:id:decision:trace:)`` writes for an empty ``Decision`` (the most
    /// common line of all), built from fixed pieces in one buffer and appended once.
    package mutating func quietLine(line: Int, id: [UInt8]?, lang: String, into out: inout [UInt8]) {
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
        var lang = lang
        lang.withUTF8 { l in
            // A language is a short code; one that would need escaping goes through the quoting.
            let plain = l.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }
            let head: StaticString = #"{"line":"#, idKey: StaticString = #","id":"#, tail: StaticString = #","actions":[],"tags":[],"rules":[]}"#
            let size = head.utf8CodeUnitCount + 20 + idKey.utf8CodeUnitCount + max(4, id?.count ?? 0) + quietMiddle.count + 6 * l.count + 2
                + tail.utf8CodeUnitCount + 1
            /// Writes the line at `base` (room for `size` bytes) and returns its length.
            func build(_ base: UnsafeMutablePointer<UInt8>) -> Int {
                var p = base
                put(head, &p)
                p += JSONWriter.writeInt(line, at: p)
                put(idKey, &p)
                if let id { id.withUnsafeBufferPointer { put($0, &p) } } else { put("null", &p) }
                quietMiddle.withUnsafeBufferPointer { put($0, &p) }
                if plain {
                    p.pointee = 0x22
                    p += 1
                    put(UnsafeBufferPointer(rebasing: l[...]), &p)
                    p.pointee = 0x22
                    p += 1
                } else {
                    var q: [UInt8] = []
                    JSONWriter.appendQuoted(l, to: &q)
                    q.withUnsafeBufferPointer { put($0, &p) }
                }
                put(tail, &p)
                p.pointee = 0x0A
                return base.distance(to: p) + 1
            }
            if size <= 512 {
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { out.append(contentsOf: UnsafeBufferPointer(start: $0.baseAddress!, count: build($0.baseAddress!))) }
            } else {
                // A long id.
                let room = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
                defer { room.deallocate() }
                out.append(contentsOf: UnsafeBufferPointer(start: room, count: build(room)))
            }
        }
    }

    /// Copies `s` to `p` and moves `p` past it (the cursor is passed, not captured: a captured
    /// variable would be boxed and checked for exclusive access on every write).
    @inline(__always) private func put(_ s: StaticString, _ p: inout UnsafeMutablePointer<UInt8>) {
        p.update(from: s.utf8Start, count: s.utf8CodeUnitCount)
        p += s.utf8CodeUnitCount
    }

    /// Copies `b` to `p` and moves `p` past it.
    @inline(__always) private func put(_ b: UnsafeBufferPointer<UInt8>, _ p: inout UnsafeMutablePointer<UInt8>) {
        if let a = b.baseAddress { p.update(from: a, count: b.count) }
        p += b.count
    }

    /// The rules version `quietMiddle` was built for, and the piece itself.
    private var quietVersion: String?? = .some(nil)
    private var quietMiddle: [UInt8] = Array(#","lang":"#.utf8)

    /// The fields every line starts with: line number, id, rules version.
    package mutating func start(line: Int, id: ArraySlice<UInt8>?) {
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

    package mutating func writeActions(_ actions: [DecidedAction]) {
        w.beginArray()
        for a in actions {
            w.beginObject()
            writeActionFields(a)
            w.endObject()
        }
        w.endArray()
    }

    /// The fields of one action, as the action table says: `type`, `rule`, the reason, the
    /// argument under its key (``ActionArgument/field``, written even when empty), the severity
    /// (`normal` when left out), then what the engine filled in (window count, reply text).
    package mutating func writeActionFields(_ a: DecidedAction) {
        let kind = a.kind
        w.rawKey("type"); w.string(kind.keyword)
        w.rawKey("rule"); w.string(a.rule)
        let options = kind.options
        if options.contains(.reason), let r = a.reason { w.rawKey(ActionOptions.reasonField); w.string(r) }
        if let field = kind.argument.field { w.rawKey(field); w.string(a.argument ?? "") }
        if options.contains(.severity) { w.rawKey("severity"); w.string(a.severity ?? "normal") }
        if let c = a.count { w.rawKey("count"); w.int(c) }
        if let win = a.window { w.rawKey("window"); w.string(win) }
        if let t = a.text { w.rawKey("text"); w.string(t) }
        if let v = a.variant { w.rawKey("variant"); w.int(v) }
        if a.rules.count > 1 {
            w.rawKey("rules")
            w.beginArray()
            for r in a.rules { w.string(r) }
            w.endArray()
        }
    }
}
