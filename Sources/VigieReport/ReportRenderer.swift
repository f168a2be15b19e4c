import Foundation
import VigieCore
import VigieEngine

/// Renders a ``Report`` for the terminal (`vigie report --format text`) and for dashboards
/// (`--format json`, version 1, described in `Grammar/report.schema.json`). The HTML page is
/// ``ReportHTML``.
public enum ReportRenderer {
    // MARK: - Text

    /// The report as a terminal summary with a small chart; ANSI colours when `color` is set.
    public static func text(_ r: Report, color: Bool = false, maxBuckets: Int = 36) -> String {
        func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        func bold(_ s: String) -> String { paint(s, "1") }
        // Every name below comes from the files read: shown with its control characters escaped.
        func safe(_ s: String) -> String { Terminal.printable(s) }
        let t = r.totals
        var out = bold("Vigie report") + ": \(safe(r.decisionsPath))"
        if let c = r.commentsPath { out += ", comments from \(safe(c))" }
        out += "\n"
        out += ReportFormat.rangeLine(r) + "\n"
        out +=
            "\(ReportFormat.count(t.decisions + t.errors)) line\(t.decisions + t.errors == 1 ? "" : "s") counted: \(ReportFormat.count(t.decisions)) decision\(t.decisions == 1 ? "" : "s"), \(ReportFormat.count(t.errors)) error record\(t.errors == 1 ? "" : "s")"
        if t.excluded > 0 { out += ", \(ReportFormat.count(t.excluded)) outside the range" }
        out += "\n\n"

        out += bold("Totals") + "\n"
        out += "  comments with an action  \(ReportFormat.count(t.acted)) (\(ReportFormat.percent(t.acted, t.decisions)))\n"
        out += "  " + ActionKind.applied.map { "\($0.keyword) \(ReportFormat.count(t[$0]))" }.joined(separator: " · ") + "\n"
        if !r.shadowActions.isEmpty {
            out += "  shadow rules would have: " + r.shadowActions.map { "\(safe($0.0)) \(ReportFormat.count($0.1))" }.joined(separator: " · ") + "\n"
        }
        out += "  actions dropped by precedence or cooldowns \(ReportFormat.count(t.dropped)) · warnings \(ReportFormat.count(t.warnings))\n\n"

        // The chart: one row per bucket, actions stacked with one glyph per type.
        let tl = r.timeline(maxBuckets: min(maxBuckets, r.suggestedBuckets))
        if !tl.buckets.isEmpty {
            out += bold("Actions per \(ReportFormat.widthName(tl))") + (tl.axis == .time ? " (UTC)" : "") + "  "
            out += ActionKind.applied.map { paint($0.glyph.0, $0.glyph.1) + " " + $0.keyword }.joined(separator: "  ") + "\n"
            let labels = (0..<tl.buckets.count).map { ReportFormat.bucketLabel(tl, $0) }
            let labelWidth = labels.map(\.count).max() ?? 0
            let top = max(1, tl.buckets.map(\.actionTotal).max() ?? 1)
            let crisisBuckets = Set(
                r.crises.flatMap { c -> [Int] in
                    let a = Int(((c.start - tl.start) / tl.width).rounded(.down)), b = Int(((c.end - tl.start) / tl.width).rounded(.down))
                    return a <= b ? Array(max(a, 0)...max(b, 0)) : []
                })
            for (i, b) in tl.buckets.enumerated() {
                var bar = ""
                var used = 0
                var acc = 0
                for a in ActionKind.applied where b.actions[a.column] > 0 {
                    acc += b.actions[a.column]
                    let upto = Int((Double(acc) / Double(top) * 40).rounded())
                    let n = max(upto - used, 1)
                    bar += paint(String(repeating: a.glyph.0, count: n), a.glyph.1)
                    used += n
                }
                let label = labels[i] + String(repeating: " ", count: labelWidth - labels[i].count)
                out += "  \(label) \(bar)\(String(repeating: " ", count: max(0, 41 - used)))\(ReportFormat.count(b.actionTotal))"
                out += " / \(ReportFormat.count(b.comments))"
                if crisisBuckets.contains(i) { out += "  " + paint("◀ crisis", "1;31") }
                out += "\n"
            }
            out += "  (actions / comments per \(ReportFormat.widthName(tl)))\n\n"
        }

        if !r.rules.isEmpty {
            out += bold("Top rules") + " (comments matched)\n"
            let rows = r.rules.prefix(10)
            let names = rows.map { safe($0.name) }
            let nameWidth = min(32, names.map(\.count).max() ?? 0)
            let top = max(1, rows.first?.hits ?? 1)
            for (rule, ruleName) in zip(rows, names) {
                let name =
                    ruleName.count > nameWidth
                    ? String(ruleName.prefix(nameWidth - 1)) + "…" : ruleName + String(repeating: " ", count: nameWidth - ruleName.count)
                let bar = String(repeating: "■", count: max(1, Int((Double(rule.hits) / Double(top) * 24).rounded())))
                let what = rule.mainAction.map { $0.keyword } ?? (rule.shadow > 0 ? "shadow" : "tag only")
                out += "  \(name)  \(bar) \(ReportFormat.count(rule.hits))  \(what)\n"
            }
            if r.rules.count > rows.count { out += "  … and \(r.rules.count - rows.count) more rules\n" }
            out += "\n"
        }

        if !r.tags.isEmpty {
            out += bold("Tags") + "\n"
            let names = r.tags.prefix(10).map { safe($0.name) }
            let nameWidth = min(24, names.map(\.count).max() ?? 0)
            for (tag, tagName) in zip(r.tags.prefix(10), names) {
                let name =
                    tagName.count > nameWidth
                    ? String(tagName.prefix(nameWidth - 1)) + "…" : tagName + String(repeating: " ", count: nameWidth - tagName.count)
                out += "  \(name)  \(ReportFormat.count(tag.count))"
                if !tag.terms.isEmpty { out += "  " + tag.terms.prefix(6).map { safe($0.0) }.joined(separator: ", ") }
                out += "\n"
            }
            out += "\n"
        }

        out += bold("Escalations") + "\n"
        if r.escalationGroups.isEmpty { out += "  none\n" }
        let teamWidth = r.escalationGroups.map { safe($0.team).count }.max() ?? 0
        for g in r.escalationGroups {
            let severity = safe(g.severity), teamName = safe(g.team)
            let sev = severity + String(repeating: " ", count: max(0, 8 - severity.count))
            let team = teamName + String(repeating: " ", count: teamWidth - teamName.count)
            out +=
                "  \(paint(sev, g.severity == "critical" ? "1;31" : g.severity == "high" ? "31" : "0"))  \(team)  \(ReportFormat.count(g.count))  \(g.rules.map(safe).joined(separator: ", "))\n"
        }
        if !r.crises.isEmpty {
            out += bold("Crisis windows") + "\n"
            for c in r.crises.prefix(20) {
                out += "  \(safe(c.rule)): escalate \(safe(c.team)) \(safe(c.severity)), \(c.count) in \(safe(c.window)), \(ReportFormat.span(r.axis, c.start, c.end))"
                if c.escalations > 1 { out += " (\(c.escalations) escalations)" }
                out += "\n"
            }
            let more = r.crises.count - min(r.crises.count, 20) + r.crisesOmitted
            if more > 0 { out += "  … and \(ReportFormat.count(more)) more\n" }
        }
        out += "\n"

        if !r.errorCodes.isEmpty {
            out += bold("Error records") + ": " + r.errorCodes.map { "\(safe($0.0)) \(ReportFormat.count($0.1))" }.joined(separator: " · ") + "\n"
        }
        for n in r.notes { out += "note: \(safe(n))\n" }
        return out
    }

    // MARK: - JSON

    /// The report as JSON, version 1: totals, buckets, rules with examples, tags with terms,
    /// escalations and crisis windows. Times are ISO 8601 in UTC on a time axis, line numbers
    /// on a line axis.
    public static func json(_ r: Report, maxBuckets: Int? = nil) -> String {
        var w = JSONWriter(capacity: 1 << 16)
        let tl = r.timeline(maxBuckets: maxBuckets ?? r.suggestedBuckets)
        func position(_ x: Double?) {
            guard let x else { return w.null() }
            if r.axis == .time { w.string(ReportFormat.iso(x)) } else { w.int(Int(x)) }
        }
        func pairs(_ key: String, _ xs: [(String, Int)]) {
            w.key(key)
            w.beginObject()
            for (k, v) in xs { w.key(k); w.int(v) }
            w.endObject()
        }
        func actions(_ counts: [Int]) {
            w.beginObject()
            for a in ActionKind.applied { w.key(a.keyword); w.int(counts[a.column]) }
            w.endObject()
        }
        func optionalString(_ s: String?) { if let s { w.string(s) } else { w.null() } }
        w.beginObject()
        w.key("version"); w.int(1)
        w.key("decisions"); w.string(r.decisionsPath)
        w.key("comments"); optionalString(r.commentsPath)
        w.key("axis")
        w.beginObject()
        w.key("kind"); w.string(r.axis.rawValue)
        w.key("bucket"); w.number(tl.width)
        w.key("bucket_unit"); w.string(r.axis == .time ? "seconds" : "lines")
        w.key("first"); position(r.first)
        w.key("last"); position(r.last)
        w.key("since"); position(r.since)
        w.key("until"); position(r.until)
        w.endObject()
        let t = r.totals
        w.key("totals")
        w.beginObject()
        w.key("lines"); w.int(t.lines)
        w.key("decisions"); w.int(t.decisions)
        w.key("errors"); w.int(t.errors)
        w.key("unreadable"); w.int(t.unreadable)
        w.key("excluded"); w.int(t.excluded)
        w.key("untimed"); w.int(t.untimed)
        w.key("without_comment"); w.int(t.withoutComment)
        w.key("matched"); w.int(t.matched)
        w.key("acted"); w.int(t.acted)
        w.key("tagged"); w.int(t.tagged)
        w.key("shadowed"); w.int(t.shadowed)
        w.key("dropped"); w.int(t.dropped)
        w.key("warnings"); w.int(t.warnings)
        w.key("actions"); actions(t.actions)
        pairs("shadow_actions", r.shadowActions)
        pairs("error_codes", r.errorCodes)
        pairs("languages", r.languages)
        pairs("hide_reasons", r.hideReasons)
        pairs("flag_queues", r.flagQueues)
        pairs("reply_templates", r.replyTemplates)
        w.endObject()
        w.key("buckets")
        w.beginArray()
        for (i, b) in tl.buckets.enumerated() {
            w.beginObject()
            w.key("start"); position(tl.start(of: i))
            w.key("comments"); w.int(b.comments)
            w.key("errors"); w.int(b.errors)
            w.key("actions"); actions(b.actions)
            w.key("shadow"); w.int(b.shadow)
            w.key("tags")
            w.beginObject()
            for (k, v) in b.tags.sorted(by: { $0.key < $1.key }) { w.key(r.tags[k].name); w.int(v) }
            w.endObject()
            w.endObject()
        }
        w.endArray()
        w.key("tags")
        w.beginArray()
        for tag in r.tags {
            w.beginObject()
            w.key("tag"); w.string(tag.name)
            w.key("count"); w.int(tag.count)
            w.key("terms")
            w.beginArray()
            for (term, n) in tag.terms {
                w.beginObject()
                w.key("term"); w.string(term)
                w.key("comments"); w.int(n)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("rules")
        w.beginArray()
        for rule in r.rules {
            w.beginObject()
            w.key("rule"); w.string(rule.name)
            w.key("hits"); w.int(rule.hits)
            w.key("actions"); actions(rule.actions)
            w.key("shadow"); w.int(rule.shadow)
            w.key("dropped"); w.int(rule.dropped)
            w.key("examples")
            w.beginArray()
            for e in rule.examples {
                w.beginObject()
                w.key("line"); w.int(e.line)
                w.key("id"); optionalString(e.id)
                w.key("time"); if let x = e.time { w.string(ReportFormat.iso(x)) } else { w.null() }
                w.key("text"); optionalString(e.text)
                w.key("decision"); w.string(e.decision)
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("escalations")
        w.beginObject()
        w.key("groups")
        w.beginArray()
        for g in r.escalationGroups {
            w.beginObject()
            w.key("team"); w.string(g.team)
            w.key("severity"); w.string(g.severity)
            w.key("count"); w.int(g.count)
            w.key("rules"); w.beginArray(); for x in g.rules { w.string(x) }; w.endArray()
            w.endObject()
        }
        w.endArray()
        w.key("recent")
        w.beginArray()
        for e in r.recentEscalations {
            w.beginObject()
            w.key("line"); w.int(e.line)
            w.key("id"); optionalString(e.id)
            w.key("time"); if let x = e.time { w.string(ReportFormat.iso(x)) } else { w.null() }
            w.key("rule"); w.string(e.rule)
            w.key("team"); w.string(e.team)
            w.key("severity"); w.string(e.severity)
            if let c = e.count, let win = e.window { w.key("count"); w.int(c); w.key("window"); w.string(win) }
            w.key("text"); optionalString(e.text)
            w.endObject()
        }
        w.endArray()
        w.key("crises")
        w.beginArray()
        for c in r.crises {
            w.beginObject()
            w.key("rule"); w.string(c.rule)
            w.key("team"); w.string(c.team)
            w.key("severity"); w.string(c.severity)
            w.key("count"); w.int(c.count)
            w.key("window"); w.string(c.window)
            w.key("escalations"); w.int(c.escalations)
            w.key("from"); position(c.start)
            w.key("to"); position(c.end)
            w.key("line"); w.int(c.line)
            w.endObject()
        }
        w.endArray()
        w.key("crises_omitted"); w.int(r.crisesOmitted)
        w.endObject()
        w.key("notes"); w.beginArray(); for n in r.notes { w.string(n) }; w.endArray()
        w.endObject()
        w.bytes.append(0x0A)
        return w.string
    }
}

/// Numbers, times and labels shared by the report's renderers. Times are shown in UTC.
package enum ReportFormat {
    /// Calendar fields of an epoch time, in UTC.
    package struct Civil {
        package var year, month, day, hour, minute, second: Int
    }

    package static func civil(_ t: Double) -> Civil {
        let s = Int(t.rounded(.down))
        let days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400)
        let secs = s - days * 86400
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return Civil(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d, hour: secs / 3600, minute: secs % 3600 / 60, second: secs % 60)
    }

    package static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    package static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// `2025-03-14T08:00:00Z`.
    package static func iso(_ t: Double) -> String {
        let c = civil(t)
        return "\(c.year)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))Z"
    }

    /// `14 Mar 2025 08:00`.
    package static func dateTime(_ t: Double) -> String {
        let c = civil(t)
        return "\(c.day) \(months[c.month - 1]) \(c.year) \(two(c.hour)):\(two(c.minute))"
    }

    /// `14 Mar`, or `14 Mar 2025` with `year` (an axis that covers several years).
    package static func day(_ t: Double, year: Bool = false) -> String {
        let c = civil(t)
        return "\(c.day) \(months[c.month - 1])" + (year ? " \(c.year)" : "")
    }

    /// `08:00`, or `08:00:30` when the seconds matter.
    package static func clock(_ t: Double, seconds: Bool = false) -> String {
        let c = civil(t)
        return "\(two(c.hour)):\(two(c.minute))" + (seconds ? ":\(two(c.second))" : "")
    }

    /// A position on the axis for people: a date and time, or `line N`.
    package static func position(_ axis: ReportAxis, _ x: Double) -> String {
        axis == .time ? dateTime(x) + " UTC" : "line \(count(Int(x)))"
    }

    /// A stretch of the axis: `14 Mar 2025 09:51 – 10:06 UTC`, or `lines 3 – 9`.
    package static func span(_ axis: ReportAxis, _ a: Double, _ b: Double) -> String {
        if axis == .line { return a == b ? "line \(count(Int(a)))" : "lines \(count(Int(a))) – \(count(Int(b)))" }
        let sameDay = day(a) == day(b) && civil(a).year == civil(b).year
        return dateTime(a) + " – " + (sameDay ? clock(b) : dateTime(b)) + " UTC"
    }

    /// A bucket's start as a row label.
    package static func bucketLabel(_ tl: ReportTimeline, _ i: Int) -> String {
        let x = tl.start(of: i)
        if tl.axis == .line { return "line \(count(Int(x)))" }
        if tl.width >= 86400 { return day(x, year: tl.spansYears) }
        return day(x, year: tl.spansYears) + " " + clock(x, seconds: tl.width < 60)
    }

    /// `hour`, `15 minutes`, `100 lines`.
    package static func widthName(_ tl: ReportTimeline) -> String {
        if tl.axis == .line { return tl.width == 1 ? "line" : "\(count(Int(tl.width))) lines" }
        let w = tl.width
        let units: [(Double, String)] = [(604800, "week"), (86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")]
        for (u, name) in units where w >= u && w.truncatingRemainder(dividingBy: u) == 0 {
            let n = Int(w / u)
            return n == 1 ? name : "\(n) \(name)s"
        }
        return "\(Int(w)) seconds"
    }

    /// The range of the report in one line.
    package static func rangeLine(_ r: Report) -> String {
        var s: String
        if let a = r.first, let b = r.last {
            if r.axis == .time {
                let sameDay = day(a) == day(b) && civil(a).year == civil(b).year
                s = dateTime(a) + " – " + (sameDay ? clock(b) : dateTime(b)) + " UTC"
            } else {
                s = "lines \(count(Int(a))) – \(count(Int(b))) (no timestamps: give --comments to see time)"
            }
        } else if let none = noTimeline(r) {
            s = none
        } else {
            s = "no comments in range"
        }
        if r.since != nil || r.until != nil {
            s += " · range " + (r.since.map { dateTime($0) } ?? "…") + " to " + (r.until.map { dateTime($0) } ?? "…")
        }
        return s
    }

    /// `8,022 comments, none with a time: no timeline` when comments were counted on a time
    /// axis and none of them had a time; nil otherwise.
    package static func noTimeline(_ r: Report) -> String? {
        guard r.axis == .time, r.first == nil, r.totals.untimed > 0 else { return nil }
        let n = r.totals.decisions + r.totals.errors
        return "\(count(n)) comment\(n == 1 ? "" : "s"), none with a time: no timeline"
    }

    /// `1,234,567`.
    package static func count(_ n: Int) -> String {
        let s = String(abs(n))
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0, (s.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// `1,234` below a million, `1.25M` from a million.
    package static func compact(_ n: Int) -> String {
        guard abs(n) >= 1_000_000 else { return count(n) }
        var s = String(format: "%.2f", Double(n) / 1e6)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s + "M"
    }

    /// `61.2%` (of `total`), `0%` when the total is 0.
    package static func percent(_ n: Int, _ total: Int) -> String {
        guard total > 0 else { return "0%" }
        let p = Double(n) / Double(total) * 100
        return p >= 10 || p == 0 ? String(format: "%.0f%%", p) : String(format: "%.1f%%", p)
    }
}

extension ActionKind {
    /// The action's glyph and ANSI colour in the terminal chart; every applied action needs one
    /// (`tag` is not counted, so it has none).
    package var glyph: (String, String) {
        switch self {
        case .hide: return ("█", "31")
        case .escalate: return ("▓", "35")
        case .flag: return ("▒", "33")
        case .reply: return ("░", "32")
        case .allow: return ("·", "90")
        case .tag: return ("", "")
        }
    }
}
