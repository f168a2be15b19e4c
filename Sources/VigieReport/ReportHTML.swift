import Foundation
import VigieCore
import VigieEngine

/// Renders a ``Report`` as one self-contained HTML page: inline CSS, charts drawn here as
/// inline SVG, no script, no font or image to fetch. A Content-Security-Policy forbids every
/// network request and script, and every string that comes from the stream or the rules is
/// escaped, so a comment such as `<script>…</script>` shows as text.
///
/// The page reads on a laptop and on a phone (charts scale to the width and scroll sideways
/// below 520 pixels; tables and cards wrap) and follows the system's dark mode.
public enum ReportHTML {
    /// The page.
    public static func render(_ r: Report) -> String {
        var p = Page()
        let tl = r.timeline(maxBuckets: r.suggestedBuckets)
        let t = r.totals
        let title = "Vigie report · " + ((r.decisionsPath as NSString).lastPathComponent)
        p += """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <meta name="generator" content="vigie report">
            <title>\(h(title))</title>
            <style>\(css)</style>
            </head>
            <body>
            <header>
            <h1>Vigie report</h1>
            <p class="sub">\(h(ReportFormat.rangeLine(r)))</p>
            <p class="src">Decisions <code>\(h(r.decisionsPath))</code>\(r.commentsPath.map { " · comments <code>\(h($0))</code>" } ?? "")</p>
            </header>
            <main>

            """

        // Totals.
        p += #"<section class="cards" id="totals">"#
        func card(_ label: String, _ value: Int, _ detail: String? = nil, _ cls: String = "") {
            p +=
                #"<div class="card \#(cls)"><div class="v" title="\#(ReportFormat.count(value))">\#(ReportFormat.compact(value))</div><div class="l">\#(h(label))</div>"#
            if let detail { p += #"<div class="d">\#(h(detail))</div>"# }
            p += "</div>"
        }
        card("comments", t.decisions + t.errors, t.excluded > 0 ? "\(ReportFormat.count(t.excluded)) outside the range" : nil)
        card("with an action", t.acted, ReportFormat.percent(t.acted, t.decisions) + " of decisions")
        for a in ActionKind.applied where a.actsOn {
            let crises = r.crises.count + r.crisesOmitted
            let detail = a == .escalate && !r.crises.isEmpty ? "\(crises) crisis window\(crises == 1 ? "" : "s")" : nil
            card(a.label, t[a], detail, "k-\(a.keyword)")
        }
        if t.shadowed > 0 { card("shadow rules", t.shadowed, "would act, not applied") }
        card("error records", t.errors, r.errorCodes.prefix(2).map { "\($0.0) \($0.1)" }.joined(separator: ", ").nilIfEmpty)
        p += "</section>\n"

        // Actions over time.
        p += #"<section id="actions"><h2>Actions over "# + (r.axis == .time ? "time" : "the stream") + "</h2>"
        p += #"<p class="hint">"# + h(axisHint(r, tl)) + "</p>"
        p += #"<div class="chart">"# + actionsChart(r, tl) + "</div>"
        p += #"<ul class="legend"><li><i class="sw vol"></i>all comments</li>"#
        for a in ActionKind.applied { p += #"<li><i class="sw a-\#(a.keyword)"></i>\#(a.label)</li>"# }
        p += #"<li><i class="sw crisis"></i>crisis window</li></ul>"#
        if r.crises.isEmpty {
            p += #"<p class="muted">No crisis window: no rule that counts over a window (<code>count(…, window …)</code>) escalated in this range.</p>"#
        } else {
            p +=
                #"<div class="scroll"><table class="crises"><thead><tr><th>Crisis</th><th>Team</th><th>Severity</th><th class="n">Peak</th><th>Window</th></tr></thead><tbody>"#
            for c in r.crises.prefix(20) {
                p += "<tr><td>\(h(c.rule))</td><td>\(h(c.team))</td><td>\(severityBadge(c.severity))</td><td class=\"n\">\(c.count) in \(h(c.window))</td>"
                p += "<td>\(h(ReportFormat.span(r.axis, c.start, c.end)))"
                if c.escalations > 1 { p += " · \(c.escalations) escalations" }
                p += "</td></tr>"
            }
            p += "</tbody></table></div>"
            let more = r.crises.count - min(r.crises.count, 20) + r.crisesOmitted
            if more > 0 { p += #"<p class="muted">… and \#(ReportFormat.count(more)) more crisis windows (all of them in <code>--format json</code>).</p>"# }
        }
        p += "</section>\n"

        // Tags over time.
        let shownTags = Array(r.tags.prefix(palette))
        p += #"<section id="tags"><h2>Topics over time <span class="muted">(tags)</span></h2>"#
        p += #"<div class="chart">"# + tagsChart(r, tl, shownTags.count) + "</div>"
        if !shownTags.isEmpty {
            p += #"<ul class="legend">"#
            for (k, tag) in shownTags.enumerated() { p += #"<li><i class="sw t\#(k)"></i>\#(h(tag.name)) <b>\#(ReportFormat.count(tag.count))</b></li>"# }
            p += "</ul>"
            if r.tags.count > shownTags.count {
                let rest = r.tags.dropFirst(shownTags.count)
                p += #"<p class="muted">Not drawn: "# + rest.prefix(20).map { "\(h($0.name)) \(ReportFormat.count($0.count))" }.joined(separator: " · ")
                if rest.count > 20 { p += " and \(rest.count - 20) more tags" }
                p += ".</p>"
            }
        }
        p += "</section>\n"

        // Rules and escalations.
        p +=
            #"<div class="grid2"><section id="rules"><h2>Top rules</h2><p class="hint">Comments each rule matched; the colour is the action it took most, a dashed bar a shadow rule (not applied).</p>"#
        p += #"<div class="chart">"# + rulesChart(r) + "</div>"
        if r.rules.count > 15 { p += #"<p class="muted">\#(r.rules.count - 15) more rules in <code>--format json</code>.</p>"# }
        p += "</section>\n"
        p += #"<section id="escalations"><h2>Escalations</h2>"#
        if r.escalationGroups.isEmpty {
            p += #"<p class="muted">No escalation in this range.</p>"#
        } else {
            p += #"<div class="scroll"><table><thead><tr><th>Team</th><th>Severity</th><th class="n">Count</th><th>Rules</th></tr></thead><tbody>"#
            for g in r.escalationGroups {
                p +=
                    "<tr><td>\(h(g.team))</td><td>\(severityBadge(g.severity))</td><td class=\"n\">\(ReportFormat.count(g.count))</td><td class=\"wrap\">\(g.rules.map(h).joined(separator: "<br>"))</td></tr>"
            }
            p += "</tbody></table></div>"
        }
        p += "</section></div>\n"

        // What was done.
        p += #"<section id="breakdown"><h2>What was done</h2><div class="grid4">"#
        func small(_ title: String, _ rows: [(String, Int)], _ empty: String) {
            p += "<div><h3>\(h(title))</h3>"
            if rows.isEmpty {
                p += #"<p class="muted">\#(h(empty))</p>"#
            } else {
                p += "<table>"
                for (k, v) in rows.prefix(8) { p += "<tr><td>\(h(k))</td><td class=\"n\">\(ReportFormat.count(v))</td></tr>" }
                if rows.count > 8 { p += "<tr><td class=\"muted\">\(rows.count - 8) more</td><td></td></tr>" }
                p += "</table>"
            }
            p += "</div>"
        }
        small("Hidden, by reason", r.hideReasons, "Nothing hidden.")
        small("Flagged, by queue", r.flagQueues, "Nothing flagged.")
        small("Replies, by template", r.replyTemplates, "No reply.")
        small("Comments, by language", r.languages, "No decision.")
        if !r.shadowActions.isEmpty { small("Shadow rules would have", r.shadowActions, "") }
        p += "</div></section>\n"

        // Terms.
        p += #"<section id="terms"><h2>Top terms by tag</h2>"#
        if r.commentsPath == nil {
            p +=
                #"<p class="muted">Decision lines do not carry the matched terms; give the comments file with <code>--comments</code> to see the words that come up in each tag's comments.</p>"#
        } else if r.tags.isEmpty {
            p += #"<p class="muted">No tagged comment in this range.</p>"#
        } else {
            p +=
                #"<p class="hint">The words that come up most in the comments of each tag, counted once per comment (derived from the comments, not reported by the engine; common words, links and numbers left out).</p><div class="terms">"#
            for tag in r.tags.prefix(8) {
                p += "<div><h3>\(h(tag.name)) <span class=\"muted\">\(ReportFormat.count(tag.count))</span></h3><p>"
                if tag.terms.isEmpty { p += #"<span class="muted">no word shared by two comments yet</span>"# }
                for (term, n) in tag.terms { p += #"<span class="chip">\#(h(term)) <b>\#(ReportFormat.count(n))</b></span> "# }
                p += "</p></div>"
            }
            p += "</div>"
        }
        p += "</section>\n"

        // Latest escalations.
        if !r.recentEscalations.isEmpty {
            p +=
                #"<section id="escalation-list"><h2>Latest escalations</h2><div class="scroll"><table class="list"><colgroup><col class="c-when"><col class="c-rule"><col class="c-team"><col class="c-sev"><col></colgroup><thead><tr><th>When</th><th>Rule</th><th>Team</th><th>Severity</th><th>Comment</th></tr></thead><tbody>"#
            for e in r.recentEscalations.reversed() {
                p +=
                    "<tr><td class=\"when\">\(h(when(r.axis, line: e.line, time: e.time)))\(e.id.map { "<br><span class=\"muted id\">\(h($0))</span>" } ?? "")</td>"
                p += "<td>\(h(e.rule))\(e.count.map { c in " <span class=\"muted\">(\(c) in \(h(e.window ?? "")))</span>" } ?? "")</td>"
                p +=
                    "<td>\(h(e.team))</td><td>\(severityBadge(e.severity))</td><td class=\"text\">\(e.text.map(h) ?? "<span class=\"muted\">no text</span>")</td></tr>"
            }
            p += "</tbody></table></div></section>\n"
        }

        // Examples per rule.
        p += #"<section id="examples"><h2>Examples per rule</h2>"#
        if r.rules.isEmpty { p += #"<p class="muted">No rule matched in this range.</p>"# }
        if r.commentsPath == nil, !r.rules.isEmpty {
            p += #"<p class="hint">Give the comments file with <code>--comments</code> to see the comments' text.</p>"#
        }
        for (k, rule) in r.rules.prefix(30).enumerated() {
            p +=
                "<details\(k < 3 ? " open" : "")><summary><b>\(h(rule.name))</b> <span class=\"muted\">\(ReportFormat.count(rule.hits)) comment\(rule.hits == 1 ? "" : "s")"
            if rule.shadow > 0 { p += " · shadow" }
            p += "</span></summary><ul class=\"examples\">"
            for e in rule.examples {
                p += "<li><div class=\"meta\">\(h(when(r.axis, line: e.line, time: e.time)))\(e.id.map { " · \(h($0))" } ?? "")</div>"
                if let text = e.text { p += "<blockquote>\(h(text))</blockquote>" }
                p += "<div class=\"dec\">\(h(e.decision))</div></li>"
            }
            p += "</ul></details>"
        }
        if r.rules.count > 30 { p += #"<p class="muted">Examples of the other \#(r.rules.count - 30) rules in <code>--format json</code>.</p>"# }
        p += "</section>\n"

        // Notes.
        p += #"<section id="notes"><h2>About these numbers</h2><ul>"#
        p +=
            "<li>\(ReportFormat.count(t.lines)) lines read: \(ReportFormat.count(t.decisions)) decisions and \(ReportFormat.count(t.errors)) error records counted"
        if t.excluded > 0 { p += ", \(ReportFormat.count(t.excluded)) outside the range" }
        p +=
            ". \(ReportFormat.count(t.matched)) comments matched at least one rule; \(ReportFormat.count(t.dropped)) actions were dropped by precedence, <code>once per</code> or cooldowns; \(ReportFormat.count(t.warnings)) evaluation warnings.</li>"
        if !r.errorCodes.isEmpty {
            p += "<li>Error records: " + r.errorCodes.map { "<code>\(h($0.0))</code> \(ReportFormat.count($0.1))" }.joined(separator: ", ") + ".</li>"
        }
        if r.axis == .time { p += "<li>Times are in UTC; a comment without a timestamp takes the latest time seen before it, as the engine's windows do.</li>" }
        for n in r.notes { p += "<li>\(h(n))</li>" }
        p +=
            "</ul></section>\n</main>\n<footer>Made by <code>vigie report</code>. This page is self-contained: it loads nothing from the network.</footer>\n</body>\n</html>\n"
        return p.out
    }

    // MARK: - Charts

    package static let chartWidth = 760.0
    package static let palette = 8

    /// Where a position on the axis falls in the plot.
    package struct XScale {
        package var tl: ReportTimeline
        package var left: Double
        package var width: Double
        package func x(_ v: Double) -> Double {
            let span = tl.end - tl.start
            guard span > 0 else { return left }
            return left + (v - tl.start) / span * width
        }
        package var bucketWidth: Double { width / Double(max(tl.buckets.count, 1)) }
    }

    /// The stacked actions per bucket, all comments behind, crisis windows as bands.
    package static func actionsChart(_ r: Report, _ tl: ReportTimeline) -> String {
        let (W, H, l, rt, top, bottom) = (chartWidth, 270.0, 52.0, 14.0, 18.0, 46.0)
        let plotH = H - top - bottom
        let xs = XScale(tl: tl, left: l, width: W - l - rt)
        var s = svgOpen("chart-actions", W, H, "Actions per \(ReportFormat.widthName(tl))")
        guard !tl.buckets.isEmpty else { return s + empty(W, H, ReportFormat.noTimeline(r).map { $0 + "." } ?? "No comment in this range.") + "</svg>" }
        let maxV = tl.buckets.map { max($0.comments, $0.actionTotal) }.max() ?? 0
        let (yMax, ticks) = niceTicks(Double(maxV))
        func y(_ v: Double) -> Double { top + plotH - v / yMax * plotH }
        s += yGrid(ticks, y, l, W - rt)
        // Crisis windows behind the bars.
        for band in crisisBands(r, xs) {
            s += #"<g class="crisis"><title>\#(h(band.title))</title>"#
            s += #"<rect class="band" x="\#(f(band.x))" y="\#(f(top))" width="\#(f(band.width))" height="\#(f(plotH))"/>"#
            s += #"<path class="mark" d="M\#(f(band.x + band.width / 2 - 6)) \#(f(top - 12))h12l-6 9z"/></g>"#
        }
        let bw = xs.bucketWidth
        // Bars of at most 64 units, centred in their bucket (a short range has few, wide buckets).
        let barW = min(bw > 6 ? bw * 0.84 : bw, 64)
        for (i, b) in tl.buckets.enumerated() {
            let x0 = l + Double(i) * bw + (bw - barW) / 2
            var tip = bucketTitle(tl, i) + ": \(ReportFormat.count(b.comments)) comment\(b.comments == 1 ? "" : "s")"
            for a in ActionKind.applied where b.actions[a.column] > 0 { tip += ", \(ReportFormat.count(b.actions[a.column])) \(a.label)" }
            s += "<g><title>\(h(tip))</title>"
            if b.comments > 0 {
                s +=
                    #"<rect class="vol" x="\#(f(x0))" y="\#(f(y(Double(b.comments))))" width="\#(f(barW))" height="\#(f(plotH - (y(Double(b.comments)) - top)))"/>"#
            }
            var acc = 0.0
            let inner = barW * 0.7
            for a in ActionKind.applied where b.actions[a.column] > 0 {
                let v = Double(b.actions[a.column])
                s +=
                    #"<rect class="a-\#(a.keyword)" x="\#(f(x0 + (barW - inner) / 2))" y="\#(f(y(acc + v)))" width="\#(f(inner))" height="\#(f(y(acc) - y(acc + v)))"/>"#
                acc += v
            }
            s += "</g>"
        }
        s += xAxis(tl, xs, top + plotH, H)
        return s + "</svg>"
    }

    /// One line per top tag.
    package static func tagsChart(_ r: Report, _ tl: ReportTimeline, _ shown: Int) -> String {
        let (W, H, l, rt, top, bottom) = (chartWidth, 230.0, 52.0, 14.0, 14.0, 46.0)
        let plotH = H - top - bottom
        let xs = XScale(tl: tl, left: l, width: W - l - rt)
        var s = svgOpen("chart-tags", W, H, "Comments per tag per \(ReportFormat.widthName(tl))")
        guard shown > 0, !tl.buckets.isEmpty else { return s + empty(W, H, ReportFormat.noTimeline(r).map { $0 + "." } ?? "No tagged comment in this range.") + "</svg>" }
        var maxV = 0
        for b in tl.buckets { for k in 0..<shown { maxV = max(maxV, b.tags[k] ?? 0) } }
        let (yMax, ticks) = niceTicks(Double(maxV))
        func y(_ v: Double) -> Double { top + plotH - v / yMax * plotH }
        s += yGrid(ticks, y, l, W - rt)
        for band in crisisBands(r, xs) {
            s += #"<rect class="band" x="\#(f(band.x))" y="\#(f(top))" width="\#(f(band.width))" height="\#(f(plotH))"><title>\#(h(band.title))</title></rect>"#
        }
        let bw = xs.bucketWidth
        for k in (0..<shown).reversed() {
            let name = r.tags[k].name
            var pts: [String] = []
            var dots = ""
            for (i, b) in tl.buckets.enumerated() {
                let v = Double(b.tags[k] ?? 0)
                let px = l + (Double(i) + 0.5) * bw, py = y(v)
                pts.append("\(f(px)),\(f(py))")
                if tl.buckets.count <= 48, v > 0 {
                    dots +=
                        #"<circle class="t\#(k)" cx="\#(f(px))" cy="\#(f(py))" r="3"><title>\#(h("\(name): \(Int(v)) · \(bucketTitle(tl, i))"))</title></circle>"#
                }
            }
            s += #"<g class="series"><title>\#(h(name))</title><polyline class="t\#(k)" points="\#(pts.joined(separator: " "))"/>\#(dots)</g>"#
        }
        s += xAxis(tl, xs, top + plotH, H)
        return s + "</svg>"
    }

    /// Horizontal bars: the rules with the most hits.
    package static func rulesChart(_ r: Report) -> String {
        let rows = Array(r.rules.prefix(15))
        let rowH = 26.0, labelW = 196.0, top = 6.0
        let W = 560.0, H = max(60, top + Double(rows.count) * rowH + 8)
        var s = svgOpen("chart-rules", W, H, "Comments matched per rule")
        guard !rows.isEmpty else { return s + empty(W, H, "No rule matched in this range.") + "</svg>" }
        let maxHits = Double(rows.map(\.hits).max() ?? 1)
        let barMax = W - labelW - 56
        for (i, rule) in rows.enumerated() {
            let y = top + Double(i) * rowH
            let w = max(2, Double(rule.hits) / maxHits * barMax)
            let cls = rule.mainAction.map { "a-\($0.keyword)" } ?? (rule.shadow > 0 ? "a-shadow" : "a-none")
            let name = rule.name.count > 24 ? String(rule.name.prefix(23)) + "…" : rule.name
            var tip = "\(rule.name): \(rule.hits) comment\(rule.hits == 1 ? "" : "s") matched"
            for a in ActionKind.applied where rule.actions[a.column] > 0 { tip += ", \(rule.actions[a.column]) \(a.label)" }
            if rule.shadow > 0 { tip += ", \(rule.shadow) shadow actions" }
            if rule.dropped > 0 { tip += ", \(rule.dropped) dropped" }
            s += "<g><title>\(h(tip))</title>"
            s += #"<text class="lbl" x="\#(f(labelW - 10))" y="\#(f(y + rowH / 2 + 4))" text-anchor="end">\#(h(name))</text>"#
            s += #"<rect class="\#(cls)" x="\#(f(labelW))" y="\#(f(y + 4))" width="\#(f(w))" height="\#(f(rowH - 8))" rx="3"/>"#
            s += #"<text class="val" x="\#(f(labelW + w + 6))" y="\#(f(y + rowH / 2 + 4))">\#(ReportFormat.count(rule.hits))</text></g>"#
        }
        return s + "</svg>"
    }

    /// A crisis band on a chart: one or more crisis windows that touch at this scale.
    package struct CrisisBand {
        package var x: Double
        package var width: Double
        package var title: String
    }

    /// The crisis windows as bands at least 3 units wide, merged where they touch, so the
    /// page stays small whatever the number of windows.
    package static func crisisBands(_ r: Report, _ xs: XScale) -> [CrisisBand] {
        let right = xs.left + xs.width
        var spans: [(Double, Double, ReportCrisis)] = r.crises.map { c in
            var a = max(xs.left, min(xs.x(c.start), right)), b = max(xs.left, min(xs.x(c.end), right))
            if b - a < 3 { a = max(xs.left, min(a, b - 3)); b = a + 3 }
            return (a, b, c)
        }
        spans.sort { $0.0 < $1.0 }
        var groups: [(Double, Double, [ReportCrisis])] = []
        for (a, b, c) in spans {
            if let last = groups.last, a <= last.1 + 1 {
                groups[groups.count - 1].1 = max(last.1, b)
                groups[groups.count - 1].2.append(c)
            } else {
                groups.append((a, b, [c]))
            }
        }
        return groups.map { a, b, cs in
            let title: String
            if cs.count == 1, let c = cs.first {
                title = "Crisis: \(c.rule) escalated \(c.team) (\(c.severity)), \(c.count) in \(c.window), \(ReportFormat.span(r.axis, c.start, c.end))"
            } else {
                let peak = cs.map(\.count).max() ?? 0
                let rules = Array(Set(cs.map(\.rule))).sorted().joined(separator: ", ")
                title = "\(cs.count) crisis windows (\(rules)), up to \(peak), \(ReportFormat.span(r.axis, cs.map(\.start).min()!, cs.map(\.end).max()!))"
            }
            return CrisisBand(x: a, width: b - a, title: title)
        }
    }

    package static func svgOpen(_ id: String, _ w: Double, _ h: Double, _ label: String) -> String {
        #"<svg id="\#(id)" viewBox="0 0 \#(f(w)) \#(f(h))" role="img" aria-label="\#(ReportHTML.h(label))" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">"#
    }

    package static func empty(_ w: Double, _ h: Double, _ message: String) -> String {
        #"<text class="lbl" x="\#(f(w / 2))" y="\#(f(h / 2))" text-anchor="middle">\#(ReportHTML.h(message))</text>"#
    }

    package static func yGrid(_ ticks: [Double], _ y: (Double) -> Double, _ x1: Double, _ x2: Double) -> String {
        var s = ""
        for t in ticks {
            s += #"<line class="grid" x1="\#(f(x1))" x2="\#(f(x2))" y1="\#(f(y(t)))" y2="\#(f(y(t)))"/>"#
            s += #"<text class="lbl" x="\#(f(x1 - 8))" y="\#(f(y(t) + 4))" text-anchor="end">\#(ReportFormat.count(Int(t)))</text>"#
        }
        return s
    }

    /// Labels under the plot: at most about eight, on bucket boundaries; the date under a time
    /// when the day changes.
    package static func xAxis(_ tl: ReportTimeline, _ xs: XScale, _ baseY: Double, _ h: Double) -> String {
        var s = #"<line class="axis" x1="\#(f(xs.left))" x2="\#(f(xs.left + xs.width))" y1="\#(f(baseY))" y2="\#(f(baseY))"/>"#
        let n = tl.buckets.count
        var step = max(1, Int((Double(n) / 8).rounded(.up)))
        var firstLabel = 0
        // Buckets of 3 hours to a day: labels on midnights, dates only.
        let perDay =
            tl.axis == .time && tl.width >= 10800 && tl.width <= 86400 && 86400.truncatingRemainder(dividingBy: tl.width) == 0 ? Int(86400 / tl.width) : 0
        if perDay > 0 {
            step = max(1, Int((Double(step) / Double(perDay)).rounded(.up))) * perDay
            firstLabel = (0..<min(perDay, n + 1)).first { tl.start(of: $0).truncatingRemainder(dividingBy: 86400) == 0 } ?? 0
        }
        var lastDay = ""
        for i in stride(from: firstLabel, through: n, by: step) {
            let v = tl.start(of: i)
            let x = xs.x(v)
            s += #"<line class="axis" x1="\#(f(x))" x2="\#(f(x))" y1="\#(f(baseY))" y2="\#(f(baseY + 5))"/>"#
            let anchor = i == 0 ? "start" : i == n ? "end" : "middle"
            if tl.axis == .line {
                s += #"<text class="lbl" x="\#(f(x))" y="\#(f(baseY + 19))" text-anchor="\#(anchor)">\#(ReportFormat.count(Int(v)))</text>"#
            } else if tl.width >= 86400 || perDay > 0 {
                s += #"<text class="lbl" x="\#(f(x))" y="\#(f(baseY + 19))" text-anchor="\#(anchor)">\#(ReportFormat.day(v, year: tl.spansYears))</text>"#
            } else {
                s += #"<text class="lbl" x="\#(f(x))" y="\#(f(baseY + 19))" text-anchor="\#(anchor)">\#(ReportFormat.clock(v, seconds: tl.width < 60))</text>"#
                let d = ReportFormat.day(v, year: tl.spansYears)
                if d != lastDay {
                    s += #"<text class="lbl day" x="\#(f(x))" y="\#(f(baseY + 35))" text-anchor="\#(anchor)">\#(d)</text>"#
                    lastDay = d
                }
            }
        }
        if tl.axis == .line { s += #"<text class="lbl day" x="\#(f(xs.left + xs.width))" y="\#(f(h - 4))" text-anchor="end">line of the stream</text>"# }
        return s
    }

    /// A round maximum and 3–6 ticks from 0 to it.
    package static func niceTicks(_ maxValue: Double) -> (Double, [Double]) {
        let m = max(maxValue, 1)
        let raw = m / 4
        let mag = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * mag }.first { $0 >= raw && ($0 >= 1) } ?? max(1, 10 * mag)
        let top = (m / step).rounded(.up) * step
        return (top, stride(from: 0, through: top + step / 2, by: step).map { $0 })
    }

    package static func bucketTitle(_ tl: ReportTimeline, _ i: Int) -> String {
        let a = tl.start(of: i), b = tl.start(of: i + 1)
        switch tl.axis {
        case .line: return tl.width == 1 ? "line \(ReportFormat.count(Int(a)))" : "lines \(ReportFormat.count(Int(a)))–\(ReportFormat.count(Int(b) - 1))"
        case .time:
            let year = tl.spansYears
            if tl.width >= 86400 {
                return tl.width == 86400 ? ReportFormat.day(a, year: year) : ReportFormat.day(a, year: year) + " – " + ReportFormat.day(b - 1, year: year)
            }
            return ReportFormat.day(a, year: year) + " " + ReportFormat.clock(a, seconds: tl.width < 60) + "–" + ReportFormat.clock(b, seconds: tl.width < 60) + " UTC"
        }
    }

    package static func axisHint(_ r: Report, _ tl: ReportTimeline) -> String {
        if r.axis == .line {
            return
                "Per \(ReportFormat.widthName(tl)). Decision lines carry no time, so the axis counts lines of the stream; give the comments file with --comments to see time."
        }
        return "Per \(ReportFormat.widthName(tl)), UTC. Bars stack the actions taken; the grey bar behind is every comment."
    }

    package static func when(_ axis: ReportAxis, line: Int, time: Double?) -> String {
        if let time { return ReportFormat.dateTime(time) + " · line \(line)" }
        return "line \(ReportFormat.count(line))"
    }

    package static func severityBadge(_ s: String) -> String {
        let cls = ["critical", "high", "normal", "low"].contains(s) ? s : "normal"
        return #"<span class="sev \#(cls)">\#(h(s))</span>"#
    }

    /// A coordinate with at most one decimal.
    package static func f(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    // MARK: - Escaping

    /// Escapes text for HTML content and attribute values: `& < > " '`.
    public static func h(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// The page under construction.
    package struct Page {
        package var out = ""
        package static func += (p: inout Page, s: String) { p.out += s }
    }

    // MARK: - Style

    package static let css = """
        :root{--bg:#f6f7f9;--card:#fff;--text:#1d2430;--muted:#667085;--line:#e4e7ec;--grid:#eef0f3;--vol:#dde3ea;\
        --hide:#d64541;--escalate:#7c3aed;--flag:#e0a100;--reply:#1f9d63;--allow:#98a2b3;--crisis:#e5484d;\
        --t0:#2563eb;--t1:#db2777;--t2:#0d9488;--t3:#ea580c;--t4:#7c3aed;--t5:#65a30d;--t6:#0891b2;--t7:#b45309;\
        color-scheme:light dark}
        @media (prefers-color-scheme:dark){:root{--bg:#0f141a;--card:#171e27;--text:#e6e9ef;--muted:#98a2b3;--line:#2a3441;\
        --grid:#222b36;--vol:#2c3745;--allow:#667085;--t0:#60a5fa;--t1:#f472b6;--t2:#2dd4bf;--t3:#fb923c;--t4:#a78bfa;\
        --t5:#a3e635;--t6:#22d3ee;--t7:#fbbf24}}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,\
        "Helvetica Neue",Arial,sans-serif;-webkit-text-size-adjust:100%}
        header,main,footer{max-width:1120px;margin:0 auto;padding:0 20px}
        header{padding-top:28px}
        h1{font-size:26px;margin:0 0 4px;letter-spacing:-.01em}
        h2{font-size:18px;margin:0 0 6px}
        h3{font-size:14px;margin:0 0 6px}
        .sub{font-size:16px;margin:0}
        .src{color:var(--muted);font-size:13px;margin:4px 0 0;overflow-wrap:anywhere}
        code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
        section{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:18px 20px;margin:16px 0}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(116px,1fr));gap:12px;background:none;border:0;padding:0}
        .card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:12px 14px;border-top:4px solid var(--line)}
        .card .v{font-size:26px;font-weight:650;font-variant-numeric:tabular-nums}
        .card .l{font-size:13px;color:var(--muted)}
        .card .d{font-size:12px;color:var(--muted)}
        .k-hide{border-top-color:var(--hide)}.k-escalate{border-top-color:var(--escalate)}
        .k-flag{border-top-color:var(--flag)}.k-reply{border-top-color:var(--reply)}
        .hint,.muted{color:var(--muted);font-size:13px}
        .hint{margin:0 0 10px}
        .chart{overflow-x:auto;-webkit-overflow-scrolling:touch}
        .chart svg{display:block;width:100%;min-width:520px;height:auto}
        .chart #chart-rules{min-width:420px;max-width:720px}
        svg .lbl{font-size:12px;fill:var(--muted)}
        svg .val{font-size:12px;fill:var(--text);font-variant-numeric:tabular-nums}
        svg .day{font-weight:600}
        svg .grid{stroke:var(--grid);stroke-width:1}
        svg .axis{stroke:var(--muted);stroke-width:1}
        svg .vol{fill:var(--vol)}
        .a-hide{fill:var(--hide);background:var(--hide)}.a-escalate{fill:var(--escalate);background:var(--escalate)}
        .a-flag{fill:var(--flag);background:var(--flag)}.a-reply{fill:var(--reply);background:var(--reply)}
        .a-allow{fill:var(--allow);background:var(--allow)}.a-none{fill:var(--vol)}
        .a-shadow{fill:none;stroke:var(--muted);stroke-dasharray:4 3}
        svg .band{fill:var(--crisis);opacity:.14}
        svg .mark{fill:var(--crisis)}
        svg polyline{fill:none;stroke-width:2.2;stroke-linejoin:round;stroke-linecap:round}
        svg g.series:hover polyline{stroke-width:3.5}
        svg g:hover>rect:not(.band){opacity:.85}
        \((0..<8).map { "svg polyline.t\($0){stroke:var(--t\($0))}svg circle.t\($0),.sw.t\($0){fill:var(--t\($0));background:var(--t\($0))}" }.joined(separator: "\n"))
        .legend{list-style:none;display:flex;flex-wrap:wrap;gap:6px 16px;padding:0;margin:10px 0 0;font-size:13px}
        .legend li{display:flex;align-items:center;gap:6px}
        .sw{display:inline-block;width:12px;height:12px;border-radius:3px}
        .sw.vol{background:var(--vol)}.sw.crisis{background:var(--crisis);opacity:.45}
        .grid2{display:grid;grid-template-columns:1.2fr 1fr;gap:0 16px}
        .grid2>section{min-width:0}
        .grid4{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:16px}
        .scroll{overflow-x:auto}
        table{border-collapse:collapse;width:100%;font-size:14px}
        th{text-align:left;font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
        th,td{padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
        td{overflow-wrap:anywhere}
        td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        td.when,table.crises td:last-child{white-space:nowrap;font-size:13px}
        td.text{min-width:220px;overflow-wrap:anywhere}
        td.wrap{font-size:13px}
        table.list{table-layout:fixed;min-width:600px}
        table.list .id{white-space:normal}.c-when{width:14em}.c-rule{width:20%}.c-team{width:13%}.c-sev{width:7.5em}
        .sev{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;background:var(--grid)}
        .sev.critical{background:var(--crisis);color:#fff}.sev.high{background:#f79009;color:#fff}
        .terms{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:12px 20px}
        .terms p{margin:0}
        .chip{display:inline-block;background:var(--grid);border-radius:999px;padding:2px 10px;margin:0 4px 6px 0;font-size:13px}
        .chip b{font-weight:600;color:var(--muted);font-size:12px}
        details{border-top:1px solid var(--line);padding:8px 0}
        summary{cursor:pointer}
        .examples{list-style:none;padding:0;margin:8px 0 0}
        .examples li{margin:0 0 12px}
        .meta,.dec{font-size:12px;color:var(--muted)}
        blockquote{margin:4px 0;padding:6px 12px;border-left:3px solid var(--line);background:var(--bg);border-radius:0 8px 8px 0;\
        overflow-wrap:anywhere;white-space:pre-wrap}
        #notes ul{margin:0;padding-left:20px;color:var(--muted);font-size:13px}
        footer{color:var(--muted);font-size:12px;padding:8px 20px 32px}
        @media (max-width:800px){.grid2{grid-template-columns:1fr}}
        @media (max-width:520px){header,main,footer{padding:0 10px}header{padding-top:18px}section{padding:14px 12px;border-radius:10px}\
        h1{font-size:22px}.card .v{font-size:22px}.cards{grid-template-columns:repeat(2,1fr)}\
        svg .lbl,svg .val{font-size:17px}#chart-rules .lbl,#chart-rules .val{font-size:15px}}
        """
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
