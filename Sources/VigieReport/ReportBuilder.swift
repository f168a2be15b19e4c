import Foundation
import VigieCore
import VigieEngine

/// Builds a ``Report`` from decision lines, one at a time, in bounded memory.
///
/// Each decision line may come with its comment (the line of the same number in the input
/// stream): the comment gives the time (`timestamp` or `created_at`, ISO 8601 or epoch seconds
/// or milliseconds) and the text for examples and terms. A comment without a time takes the
/// latest time seen so far, as the engine's windows do.
///
/// Memory grows with the number of distinct rules, tags, teams and error codes, and with the
/// kept examples and escalations — never with the number of lines: counts along the axis live
/// in at most 2,048 buckets that merge into wider ones as the span grows (``BucketSeries``).
public final class ReportBuilder {
    package let options: ReportOptions
    package let axis: ReportAxis
    private var totals = ReportTotals()
    private var series: BucketSeries
    private var first: Double?
    private var last: Double?
    private var latestTime: Double?

    private var rules = ByteTable()
    private var ruleActions: [[Int]] = []
    private var ruleShadow: [Int] = []
    private var ruleDropped: [Int] = []
    private var ruleExamples: [[ReportExample]] = []

    private var tags = ByteTable()
    private var terms = TagTerms()
    private var errorCodes = ByteTable()
    private var languages = ByteTable()
    private var hideReasons = ByteTable()
    private var flagQueues = ByteTable()
    private var replyTemplates = ByteTable()
    private var shadowTypes = ByteTable()
    /// Escalation groups keyed by `team \0 severity`, with the rules that asked.
    private var groups = ByteTable()
    private var groupRules: [[Int: Int]] = []
    private var recent: [ReportEscalation] = []
    private var recentHead = 0
    private var crises: [ReportCrisis] = []
    private var crisesOmitted = 0
    private var lastCrisisOfRule: [Int: Int] = [:]

    private var doc = JSONDocument()
    private var comment = JSONDocument()
    private var hasComment = false
    private var tagScratch: [Int] = []
    /// The paths of the comments' text and time, in order of preference.
    private let textPaths: [[[UInt8]]]
    private let timePaths: [[[UInt8]]]
    private var nextLine = 1
    /// Skipped lines that are JSON objects with the text field: comments, not decisions.
    private var commentLike = 0

    /// Creates a builder; `axis` is `.time` when comments will be given with the decisions.
    public init(axis: ReportAxis, options: ReportOptions = ReportOptions()) {
        self.axis = axis
        self.options = options
        self.series = BucketSeries(axis: axis)
        func bytes(_ path: String) -> [[UInt8]] { path.split(separator: ".").map { Array($0.utf8) } }
        let text = options.textField != "text" ? [options.textField] : options.fields.fields["text"] ?? ["text"]
        self.textPaths = text.map(bytes)
        self.timePaths = (options.fields.fields["timestamp"] ?? ["timestamp", "created_at"]).map(bytes)
    }

    /// The line number the builder expects next (the decision line's `line`, or the count of
    /// lines read plus one), for reading the matching comment.
    public var expectedLine: Int { nextLine }

    /// The `line` of a decision line as `vigie run` writes it (`{"line":N,` first), read
    /// without parsing the rest; nil for other layouts.
    public static func lineNumber(of s: ArraySlice<UInt8>) -> Int? {
        let prefix = Array(#"{"line":"#.utf8)
        guard s.count > prefix.count, s.starts(with: prefix) else { return nil }
        var i = s.startIndex + prefix.count
        var v = 0
        var digits = 0
        while i < s.endIndex, s[i] >= 0x30, s[i] <= 0x39, digits < 15 {
            v = v * 10 + Int(s[i] - 0x30)
            i += 1
            digits += 1
        }
        return digits > 0 ? v : nil
    }

    /// Counts one decision line. `comment` is the comment line of the same number, when the
    /// comments file is read (nil when it has no such line).
    public func add(decision line: ArraySlice<UInt8>, comment commentLine: ArraySlice<UInt8>? = nil) {
        totals.lines += 1
        do {
            try doc.parse(line)
        } catch {
            totals.unreadable += 1
            nextLine += 1
            return
        }
        let root = doc.root
        var lineNode = -1, idNode = -1, langNode = -1, actionsNode = -1, tagsNode = -1, rulesNode = -1
        var shadowNode = -1, droppedNode = -1, warningsNode = -1, errorCodeNode = -1
        doc.eachChild(root) { c in
            let k = doc.rawKey(c)
            switch k.count {
            case 2 where k.elementsEqual("id".utf8): idNode = c
            case 4 where k.elementsEqual("line".utf8): lineNode = c
            case 4 where k.elementsEqual("lang".utf8): langNode = c
            case 4 where k.elementsEqual("tags".utf8): tagsNode = c
            case 5 where k.elementsEqual("rules".utf8): rulesNode = c
            case 6 where k.elementsEqual("shadow".utf8): shadowNode = c
            case 7 where k.elementsEqual("actions".utf8): actionsNode = c
            case 7 where k.elementsEqual("dropped".utf8): droppedNode = c
            case 8 where k.elementsEqual("warnings".utf8): warningsNode = c
            case 10 where k.elementsEqual("error_code".utf8): errorCodeNode = c
            default: break
            }
        }
        guard actionsNode >= 0 || errorCodeNode >= 0 else {
            totals.unreadable += 1
            if doc.kind(root) == .object, textPaths.contains(where: { p in doc.lookup(p).map { doc.kind($0) == .string } ?? false }) { commentLike += 1 }
            nextLine += 1
            return
        }
        var number = nextLine
        if lineNode >= 0, doc.kind(lineNode) == .number {
            let v = doc.number(lineNode)
            if v.isFinite, v >= 1, v < 1e15 { number = Int(v) }
        }
        nextLine = number + 1

        // Where the line goes on the axis.
        hasComment = false
        var x: Double?
        if axis == .time {
            var t: Double?
            if let commentLine {
                if (try? comment.parse(commentLine)) != nil {
                    hasComment = true
                    t = commentTime()
                }
            } else {
                totals.withoutComment += 1
            }
            // A line without a time (or an unreadable comment) takes the latest time seen.
            if let v = t { latestTime = max(latestTime ?? v, v) } else { t = latestTime }
            x = t
            if options.since != nil || options.until != nil {
                guard let t, t >= (options.since ?? -.infinity), t < (options.until ?? .infinity) else {
                    totals.excluded += 1
                    return
                }
            }
        } else {
            x = Double(number)
            if let commentLine, (try? comment.parse(commentLine)) != nil { hasComment = true }
        }
        if let v = x {
            first = min(first ?? v, v)
            last = max(last ?? v, v)
        } else {
            totals.untimed += 1
        }
        let bucket = x.map { series.index(of: $0) }

        // An error record.
        if errorCodeNode >= 0 {
            totals.errors += 1
            errorCodes.add(doc.kind(errorCodeNode) == .string ? doc.stringBytes(errorCodeNode) : ArraySlice("unknown".utf8))
            if let bucket {
                series.buckets[bucket].comments += 1
                series.buckets[bucket].errors += 1
            }
            return
        }

        totals.decisions += 1
        if let b = bucket { series.buckets[b].comments += 1 }
        if langNode >= 0, doc.kind(langNode) == .string { languages.add(doc.stringBytes(langNode)) }

        // Applied actions.
        var acted = false
        var escalations: [Int] = []
        if doc.kind(actionsNode) == .array {
            doc.eachChild(actionsNode) { a in
                guard doc.kind(a) == .object else { return }
                let f = actionFields(a)
                guard f.type >= 0, let kind = ActionKind.applied(named: doc.stringBytes(f.type)) else { return }
                let column = kind.column
                totals.actions[column] += 1
                if kind.actsOn { acted = true }
                if let b = bucket { series.buckets[b].actions[column] += 1 }
                forEachRule(of: f) { ruleActions[$0][column] += 1 }
                // The breakdowns some actions have (reasons, queues, templates, crises).
                switch kind {
                case .hide: hideReasons.add(f.argument >= 0 ? doc.stringBytes(f.argument) : ArraySlice("(no reason)".utf8))
                case .flag: if f.argument >= 0 { flagQueues.add(doc.stringBytes(f.argument)) }
                case .reply: if f.argument >= 0 { replyTemplates.add(doc.stringBytes(f.argument)) }
                case .escalate: escalations.append(a)
                default: break
                }
            }
        }
        if acted { totals.acted += 1 }

        // Rules whose condition held.
        var matchedRules: [Int] = []
        if rulesNode >= 0, doc.kind(rulesNode) == .array {
            doc.eachChild(rulesNode) { r in
                guard doc.kind(r) == .string else { return }
                let i = ruleIndex(doc.stringBytes(r))
                rules.add(index: i)
                matchedRules.append(i)
            }
        }
        if !matchedRules.isEmpty { totals.matched += 1 }

        // Tags, and the words of tagged comments.
        tagScratch.removeAll(keepingCapacity: true)
        if tagsNode >= 0, doc.kind(tagsNode) == .array {
            doc.eachChild(tagsNode) { t in
                guard doc.kind(t) == .string else { return }
                let i = tags.add(doc.stringBytes(t))
                tagScratch.append(i)
                if let b = bucket { series.buckets[b].tags[i, default: 0] += 1 }
            }
        }
        if !tagScratch.isEmpty {
            totals.tagged += 1
            if let text = commentText() { terms.add(text: text, tags: tagScratch[...]) }
        }

        // Shadow, dropped, warnings.
        if shadowNode >= 0, doc.kind(shadowNode) == .array {
            var any = false
            doc.eachChild(shadowNode) { a in
                guard doc.kind(a) == .object else { return }
                let f = actionFields(a)
                if f.type >= 0 { shadowTypes.add(doc.stringBytes(f.type)) }
                forEachRule(of: f) { ruleShadow[$0] += 1 }
                if let b = bucket { series.buckets[b].shadow += 1 }
                any = true
            }
            if any { totals.shadowed += 1 }
        }
        if droppedNode >= 0, doc.kind(droppedNode) == .array {
            doc.eachChild(droppedNode) { a in
                guard doc.kind(a) == .object else { return }
                totals.dropped += 1
                forEachRule(of: actionFields(a)) { ruleDropped[$0] += 1 }
            }
        }
        if warningsNode >= 0, doc.kind(warningsNode) == .array { doc.eachChild(warningsNode) { _ in totals.warnings += 1 } }

        // Escalations and crises.
        for a in escalations { escalation(a, line: number, idNode: idNode, time: axis == .time ? x : nil, x: x) }

        // Examples.
        var summary: String?
        for r in matchedRules where ruleExamples[r].count < options.examplesPerRule {
            if summary == nil { summary = decisionSummary(actionsNode: actionsNode, tagsNode: tagsNode, shadowNode: shadowNode) }
            ruleExamples[r].append(ReportExample(line: number, id: idString(idNode), time: axis == .time ? x : nil, text: excerpt(), decision: summary!))
        }
    }

    // MARK: - Pieces of a decision line

    package struct ActionFields {
        package var type = -1, rule = -1, rules = -1, argument = -1, severity = -1, count = -1, window = -1
    }

    /// The keys of actions' arguments and reasons (``ActionKind/argumentFields``), as bytes.
    private static let argumentKeys = ActionKind.argumentFields.map { Array($0.utf8) }

    private func actionFields(_ a: Int) -> ActionFields {
        var f = ActionFields()
        doc.eachChild(a) { c in
            let k = doc.rawKey(c)
            let isString = doc.kind(c) == .string
            switch k.count {
            case 4 where k.elementsEqual("type".utf8): if isString { f.type = c }
            case 4 where k.elementsEqual("rule".utf8): if isString { f.rule = c }
            case 5 where k.elementsEqual("rules".utf8): if doc.kind(c) == .array { f.rules = c }
            case 5 where k.elementsEqual("count".utf8): if doc.kind(c) == .number { f.count = c }
            case 6 where k.elementsEqual("window".utf8): if isString { f.window = c }
            case 8 where k.elementsEqual("severity".utf8): if isString { f.severity = c }
            default: if isString, Self.argumentKeys.contains(where: { $0.count == k.count && $0.elementsEqual(k) }) { f.argument = c }
            }
        }
        return f
    }

    /// Calls `body` with the index of every rule that asked for an action (`rules`, else `rule`).
    private func forEachRule(of f: ActionFields, _ body: (Int) -> Void) {
        if f.rules >= 0 {
            doc.eachChild(f.rules) { r in
                if doc.kind(r) == .string { body(ruleIndex(doc.stringBytes(r))) }
            }
        } else if f.rule >= 0 {
            body(ruleIndex(doc.stringBytes(f.rule)))
        }
    }

    private func ruleIndex(_ name: ArraySlice<UInt8>) -> Int {
        let i = rules.index(name)
        if i == ruleActions.count {
            ruleActions.append([Int](repeating: 0, count: ActionKind.applied.count))
            ruleShadow.append(0)
            ruleDropped.append(0)
            ruleExamples.append([])
        }
        return i
    }

    private func string(_ node: Int) -> String { node >= 0 ? doc.string(node) : "" }

    private func idString(_ node: Int) -> String? {
        guard node >= 0 else { return nil }
        switch doc.kind(node) {
        case .null: return nil
        case .string: return doc.string(node)
        default: return String(decoding: doc.raw(node), as: UTF8.self)
        }
    }

    private func escalation(_ a: Int, line: Int, idNode: Int, time: Double?, x: Double?) {
        let f = actionFields(a)
        let team = f.argument >= 0 ? doc.stringBytes(f.argument) : ArraySlice()
        let severity = f.severity >= 0 ? doc.stringBytes(f.severity) : ArraySlice("normal".utf8)
        let g = groups.add(team + [0] + severity)
        if g == groupRules.count { groupRules.append([:]) }
        forEachRule(of: f) { groupRules[g][$0, default: 0] += 1 }
        let count = f.count >= 0 ? Int(exactly: doc.number(f.count).rounded()) : nil
        let window = f.window >= 0 ? doc.string(f.window) : nil
        let e = ReportEscalation(
            line: line, id: idString(idNode), time: time, rule: string(f.rule), team: String(decoding: team, as: UTF8.self),
            severity: String(decoding: severity, as: UTF8.self), count: count, window: window, text: excerpt())
        if options.recentEscalations > 0 {
            if recent.count < options.recentEscalations {
                recent.append(e)
            } else {
                recent[recentHead] = e
                recentHead = (recentHead + 1) % recent.count
            }
        }
        guard let window, let count, let x, let seconds = Self.parseWindow(window) else { return }
        let rule = f.rule >= 0 ? ruleIndex(doc.stringBytes(f.rule)) : -1
        let start = axis == .time ? x - seconds : x
        if axis == .time, let k = lastCrisisOfRule[rule], crises[k].end >= start {
            crises[k].end = max(crises[k].end, x)
            crises[k].count = max(crises[k].count, count)
            crises[k].escalations += 1
            if Self.severityRank(e.severity) > Self.severityRank(crises[k].severity) { crises[k].severity = e.severity }
            return
        }
        // The axis covers the whole window, so the band is drawn from its start.
        if axis == .time, abs(start) < 1e13 { _ = series.index(of: start) }
        guard crises.count < options.maxCrises else {
            crisesOmitted += 1
            return
        }
        lastCrisisOfRule[rule] = crises.count
        crises.append(
            ReportCrisis(
                rule: e.rule, team: e.team, severity: e.severity, window: window, windowSeconds: seconds, count: count,
                escalations: 1, start: start, end: x, line: line))
    }

    /// What was decided, in a few words.
    private func decisionSummary(actionsNode: Int, tagsNode: Int, shadowNode: Int) -> String {
        var parts: [String] = []
        func describe(_ a: Int) -> String? {
            let f = actionFields(a)
            guard f.type >= 0 else { return nil }
            let type = doc.string(f.type)
            let arg = f.argument >= 0 ? doc.string(f.argument) : nil
            switch ActionKind(rawValue: type) {
            case .hide?: return arg.map { "hide \"\($0)\"" } ?? "hide"
            case .escalate?:
                var s = "escalate \(arg ?? "") \(string(f.severity))"
                if f.count >= 0, f.window >= 0 { s += " (\(Int(doc.number(f.count))) in \(doc.string(f.window)))" }
                return s
            case .allow?: return "allow (\(string(f.rule)))"
            default: return arg.map { "\(type) \($0)" } ?? type
            }
        }
        doc.eachChild(actionsNode) { a in if let d = describe(a) { parts.append(d) } }
        if tagsNode >= 0 { doc.eachChild(tagsNode) { t in if doc.kind(t) == .string { parts.append("tag \(doc.string(t))") } } }
        if shadowNode >= 0 { doc.eachChild(shadowNode) { a in if let d = describe(a) { parts.append("would \(d)") } } }
        return parts.isEmpty ? "no action" : parts.joined(separator: " · ")
    }

    // MARK: - The comment

    private func commentTime() -> Double? {
        for path in timePaths {
            guard let n = comment.lookup(path) else { continue }
            switch comment.kind(n) {
            case .number:
                let v = comment.number(n)
                let t = v > 1e11 ? v / 1000 : v
                if t.isFinite, abs(t) < 1e13 { return t }
            case .string:
                if let t = parseISO8601(Array(comment.stringBytes(n))) { return t }
            default: break
            }
        }
        return nil
    }

    private func commentText() -> ArraySlice<UInt8>? {
        guard hasComment else { return nil }
        for path in textPaths {
            if let n = comment.lookup(path), comment.kind(n) == .string { return comment.stringBytes(n) }
        }
        return nil
    }

    /// The comment's text, cut at a character boundary after ``ReportOptions/exampleBytes``.
    private func excerpt() -> String? {
        guard let t = commentText() else { return nil }
        guard t.count > options.exampleBytes else { return String(decoding: t, as: UTF8.self) }
        var end = t.startIndex + options.exampleBytes
        while end > t.startIndex, t[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: t[t.startIndex..<end], as: UTF8.self) + "…"
    }

    // MARK: - Helpers

    /// Parses a window as written in decision lines (`15m`, `1.5h`, `90s`, `1d`) into seconds.
    package static func parseWindow(_ s: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]
        guard let u = s.last, let mult = units[u], let v = Double(s.dropLast()), v.isFinite else { return nil }
        return abs(v) * mult
    }

    /// Orders severities: critical > high > normal > low > anything else.
    package static func severityRank(_ s: String) -> Int {
        switch s {
        case "critical": return 4
        case "high": return 3
        case "normal": return 2
        case "low": return 1
        default: return 0
        }
    }

    // MARK: - Result

    /// Whether nothing read was a decision line although lines were read, and what they
    /// looked like: `(lines, commentLike)` — commentLike when some were JSON objects with the
    /// text field, as a comments file given in place of the decisions would be. Nil when at
    /// least one decision line or error record was read (even outside `--since`/`--until`),
    /// or when nothing was read.
    public var notDecisions: (lines: Int, commentLike: Bool)? {
        guard totals.decisions + totals.errors + totals.excluded == 0, totals.unreadable > 0 else { return nil }
        return (totals.lines, commentLike > 0)
    }

    /// The report of everything added so far.
    public func finish(decisionsPath: String = "", commentsPath: String? = nil) -> Report {
        var r = Report()
        r.decisionsPath = decisionsPath
        r.commentsPath = commentsPath
        r.axis = axis
        r.since = options.since
        r.until = options.until
        r.totals = totals
        r.first = first
        r.last = last
        r.errorCodes = errorCodes.top(.max)
        r.languages = languages.top(.max)
        r.hideReasons = hideReasons.top(.max)
        r.flagQueues = flagQueues.top(.max)
        r.replyTemplates = replyTemplates.top(.max)
        r.shadowActions = shadowTypes.top(.max)

        // Tags, most frequent first; buckets re-keyed to the sorted order.
        let tagOrder = (0..<tags.count).sorted { tags.counts[$0] != tags.counts[$1] ? tags.counts[$0] > tags.counts[$1] : tags.key($0) < tags.key($1) }
        var map = [Int](repeating: 0, count: tags.count)
        for (k, i) in tagOrder.enumerated() { map[i] = k }
        r.tags = tagOrder.map { ReportTag(name: tags.key($0), count: tags.counts[$0], terms: terms.top($0, options.termsPerTag)) }
        r.series = series
        r.series.remapTags(map)

        let ruleOrder = (0..<rules.count).sorted { rules.counts[$0] != rules.counts[$1] ? rules.counts[$0] > rules.counts[$1] : rules.key($0) < rules.key($1) }
        r.rules = ruleOrder.map {
            ReportRule(
                name: rules.key($0), hits: rules.counts[$0], actions: ruleActions[$0], shadow: ruleShadow[$0], dropped: ruleDropped[$0],
                examples: ruleExamples[$0])
        }

        r.escalationGroups = (0..<groups.count).map { g in
            let parts = groups.key(g).split(separator: "\u{0}", omittingEmptySubsequences: false)
            let ruleNames = groupRules[g].sorted { $0.value != $1.value ? $0.value > $1.value : rules.key($0.key) < rules.key($1.key) }.map {
                rules.key($0.key)
            }
            return ReportEscalationGroup(
                team: String(parts.first ?? ""), severity: String(parts.count > 1 ? parts[1] : ""), count: groups.counts[g], rules: ruleNames)
        }.sorted {
            let (a, b) = (Self.severityRank($0.severity), Self.severityRank($1.severity))
            if a != b { return a > b }
            if $0.count != $1.count { return $0.count > $1.count }
            return $0.team < $1.team
        }
        r.recentEscalations = Array(recent[recentHead...] + recent[..<recentHead])
        r.crises = crises
        r.crisesOmitted = crisesOmitted

        if axis == .line {
            r.notes.append("Decision lines carry no time: the axis counts lines of the stream. Give the comments file with --comments to see time.")
        }
        if totals.untimed > 0, first == nil {
            r.notes.append(
                "None of the \(ReportFormat.count(totals.untimed)) comment\(totals.untimed == 1 ? "" : "s") has a time (`timestamp` or `created_at`, ISO 8601 or epoch seconds): all are counted, but there is no timeline. Leave out --comments to draw the axis by line of the stream."
            )
        } else if totals.untimed > 0 {
            r.notes.append("\(totals.untimed) line\(totals.untimed == 1 ? "" : "s") came before the first timestamp: counted, but not drawn on the time axis.")
        }
        if totals.withoutComment > 0 {
            r.notes.append(
                "\(totals.withoutComment) decision line\(totals.withoutComment == 1 ? "" : "s") had no matching line in the comments file (shorter file, or decisions out of order)."
            )
        }
        if totals.unreadable > 0 {
            r.notes.append(
                totals.unreadable == 1
                    ? "1 line was not a decision line and was skipped." : "\(totals.unreadable) lines were not decision lines and were skipped.")
        }
        if axis == .time {
            r.notes.append(
                "Top terms are derived, not reported by the engine: the most frequent words of each tag's comments (common words, links and numbers left out), counted once per comment."
            )
        }
        return r
    }
}

extension JSONDocument {
    /// Calls `body` with each child of an array or object node, without building an array.
    package func eachChild(_ node: Int, _ body: (Int) -> Void) {
        guard node >= 0, node < nodes.count else { return }
        var c = Int(nodes[node].firstChild)
        while c >= 0 {
            body(c)
            c = Int(nodes[c].next)
        }
    }

    /// A member node's key as written (escapes not decoded: keys of decision lines have none).
    package func rawKey(_ node: Int) -> ArraySlice<UInt8> {
        bytes[Int(nodes[node].keyStart)..<Int(nodes[node].keyEnd)]
    }
}
