import Dispatch
import Foundation
import Testing

@testable import VigieCore
@testable import VigieText
@testable import VigieRegex
@testable import VigieLanguage
@testable import VigieEngine
@testable import VigieRuleTests
@testable import VigieLint
@testable import VigieFormat
@testable import VigieImport
@testable import VigieReport
@testable import VigieBench

/// `Tests/VigieKitTests/Fixtures/report`: a hand-written stream and its decisions (see its README).
private enum ReportFixture {
    static let dir = Paths.fixtures.appendingPathComponent("report")
    static let decisions = dir.appendingPathComponent("decisions.jsonl").path
    static let comments = dir.appendingPathComponent("comments.jsonl").path

    static func build(comments: Bool = true, _ configure: (inout ReportOptions) -> Void = { _ in }) throws -> Report {
        var o = ReportOptions()
        configure(&o)
        return try Report.build(decisions: decisions, comments: comments ? Self.comments : nil, options: o)
    }
}

private func time(_ iso: String) -> Double { parseISO8601(Array(iso.utf8))! }

// MARK: - Aggregation

@Test func reportTotalsOfTheFixture() throws {
    let r = try ReportFixture.build()
    let t = r.totals
    #expect(r.axis == .time)
    #expect(t.lines == 13)
    #expect(t.decisions == 11)
    #expect(t.errors == 2)
    #expect(t.unreadable == 0)
    #expect(t.excluded == 0)
    #expect(t.untimed == 0)
    #expect(t.matched == 10)
    #expect(t.acted == 8)
    #expect(t.tagged == 9)
    #expect(t.shadowed == 1)
    #expect(t.dropped == 2)
    #expect(t.actions == [1, 4, 1, 5, 1])  // hide, escalate, flag, reply, allow
    #expect(r.first == time("2025-03-14T10:00:00Z"))
    #expect(r.last == time("2025-03-14T11:45:00Z"))
    #expect(r.errorCodes.map(\.0) == ["invalid_json", "no_text"])
    #expect(r.languages.map(\.0) == ["fr", "en"] && r.languages.map(\.1) == [10, 1])
    #expect(r.hideReasons.map(\.0) == ["spam"])
    #expect(r.flagQueues.map(\.0) == ["moderation"])
    #expect(r.replyTemplates.map(\.0) == ["excuses_livraison"] && r.replyTemplates.map(\.1) == [5])
    #expect(r.shadowActions.map(\.0) == ["reply", "tag"])
}

@Test func reportRulesTagsAndTerms() throws {
    let r = try ReportFixture.build()
    #expect(r.rules.map(\.name) == ["plainte_livraison", "bad_buzz", "equipe", "menace_juridique", "menace_violence", "merci_client", "spam"])
    #expect(r.rules.map(\.hits) == [7, 2, 1, 1, 1, 1, 1])
    let plainte = r.rules[0]
    #expect(plainte.actions == [0, 0, 0, 5, 0])
    #expect(plainte.dropped == 2)
    #expect(plainte.mainAction == .reply)
    #expect(plainte.examples.map(\.line) == [1, 2, 4])
    #expect(plainte.examples[0].text == "Colis pas reçu, toujours rien")
    #expect(plainte.examples[0].id == "c1")
    #expect(plainte.examples[0].time == time("2025-03-14T10:00:00Z"))
    #expect(plainte.examples[0].decision == "reply excuses_livraison · tag sav")
    #expect(plainte.examples[1].decision == #"hide "spam" · flag moderation · tag sav · tag spam"#)
    let merci = try #require(r.rules.first { $0.name == "merci_client" })
    #expect(merci.shadow == 2 && merci.mainAction == nil)
    #expect(merci.examples.first?.decision == "would reply remerciement · would tag compliment")

    #expect(r.tags.map(\.name) == ["sav", "bad_buzz", "equipe", "juridique", "menace", "spam"])
    #expect(r.tags.map(\.count) == [6, 2, 1, 1, 1, 1])
    // Words counted once per comment; `pas` is a common word, words of one comment are left out.
    #expect(r.tags[0].terms.map(\.0) == ["colis", "reçu", "toujours"])
    #expect(r.tags[0].terms.map(\.1) == [6, 3, 2])
    #expect(r.tags[1].terms.map(\.0) == ["colis"])
}

@Test func reportEscalationsAndCrises() throws {
    let r = try ReportFixture.build()
    #expect(r.escalationGroups.map { "\($0.team)/\($0.severity)/\($0.count)" } == ["crise/critical/2", "securite/critical/1", "juridique/high/1"])
    #expect(r.escalationGroups[0].rules == ["bad_buzz"])
    #expect(r.recentEscalations.map(\.line) == [3, 5, 9, 10])
    #expect(r.recentEscalations[1].count == 3 && r.recentEscalations[1].window == "15m")
    #expect(r.recentEscalations[2].text == "I know where you live")
    #expect(r.crises.count == 2)
    #expect(r.crises[0].start == time("2025-03-14T09:51:00Z") && r.crises[0].end == time("2025-03-14T10:06:00Z"))
    #expect(r.crises[0].count == 3 && r.crises[0].windowSeconds == 900 && r.crises[0].line == 5)
    #expect(r.crises[1].start == time("2025-03-14T11:15:00Z") && r.crises[1].count == 4)
}

@Test func reportBucketsPerQuarterHour() throws {
    let r = try ReportFixture.build()
    let tl = r.timeline(maxBuckets: 12)
    #expect(tl.width == 900)
    // The axis starts with the first crisis window (09:51), not the first comment.
    #expect(tl.start == time("2025-03-14T09:45:00Z"))
    #expect(tl.buckets.count == 9)
    #expect(tl.buckets.map(\.comments) == [0, 6, 2, 0, 0, 1, 0, 3, 1])
    #expect(tl.buckets.map(\.errors) == [0, 1, 0, 0, 0, 0, 0, 1, 0])
    #expect(tl.buckets[1].actions == [1, 2, 1, 3, 0])
    #expect(tl.buckets[2].actions == [0, 0, 0, 1, 0] && tl.buckets[2].shadow == 2)
    // Line 8 has no timestamp: it takes the latest time (10:20), in the 10:15 bucket.
    #expect(tl.buckets[2].tags[0] == 1)
    #expect(tl.buckets[1].tags == [0: 4, 1: 1, 3: 1, 5: 1])
    let sum = tl.buckets.reduce(0) { $0 + $1.comments }
    #expect(sum == r.totals.decisions + r.totals.errors)
}

@Test func reportWithoutCommentsUsesLineNumbers() throws {
    let r = try ReportFixture.build(comments: false)
    #expect(r.axis == .line)
    #expect(r.first == 1 && r.last == 13)
    #expect(r.totals.actions == [1, 4, 1, 5, 1])
    #expect(r.tags[0].terms.isEmpty)
    #expect(r.rules[0].examples.allSatisfy { $0.text == nil && $0.time == nil })
    #expect(r.notes.contains { $0.contains("carry no time") })
    // Crisis windows are marked at their line.
    #expect(r.crises.map(\.start) == [5, 10])
    let tl = r.timeline(maxBuckets: 20)
    #expect(tl.width == 1 && tl.buckets.count == 13 && tl.buckets[5].errors == 1)
}

/// Times in the fixture: lines 1–5 at 10:00, 10:01, 10:02, 10:05, 10:06; line 6 (not JSON) takes
/// the latest time, 10:06; line 7 10:20; line 8 (no timestamp) 10:20; then 11:10, 11:30, 11:31,
/// 11:40, 11:45. `--until` is exclusive.
@Test(
    arguments: [
        ("2025-03-14T11:00:00Z", nil, [9, 10, 11, 12, 13]),
        (nil, "2025-03-14T10:06:00Z", [1, 2, 3, 4]),
        ("2025-03-14T10:05:00Z", "2025-03-14T10:30:00Z", [4, 5, 6, 7, 8]),
    ] as [(String?, String?, [Int])])
func reportRange(since: String?, until: String?, lines: [Int]) throws {
    let r = try ReportFixture.build { o in
        o.since = since.map(time)
        o.until = until.map(time)
    }
    #expect(r.totals.decisions + r.totals.errors == lines.count)
    #expect(r.totals.excluded == 13 - lines.count)
    let seen = Set(r.rules.flatMap { $0.examples.map(\.line) })
    #expect(seen.isSubset(of: Set(lines)))
}

@Test func bucketSeriesStaysBoundedAndKeepsCounts() {
    var s = BucketSeries(axis: .time, limit: 64)
    var total = 0
    // A year of events, out of order at times, with an old outlier.
    for k in 0..<20000 {
        let t = 1_735_689_600 + Double((k * 7919) % 20000) * 1580
        s.buckets[s.index(of: t)].comments += 1
        total += 1
    }
    s.buckets[s.index(of: 1_600_000_000)].comments += 1
    total += 1
    #expect(s.buckets.count <= 64)
    #expect(s.buckets.reduce(0) { $0 + $1.comments } == total)
    let tl = s.timeline(maxBuckets: 10)
    #expect(tl.buckets.count <= 10)
    #expect(tl.buckets.reduce(0) { $0 + $1.comments } == total)
    // Every width of the ladder is a multiple of the one before, so buckets nest.
    for (a, b) in zip(BucketSeries.timeLadder, BucketSeries.timeLadder.dropFirst()) { #expect(b.truncatingRemainder(dividingBy: a) == 0) }
    for (a, b) in zip(BucketSeries.lineLadder, BucketSeries.lineLadder.dropFirst()) { #expect(b.truncatingRemainder(dividingBy: a) == 0) }
}

@Test(arguments: [
    ("a\nb\n", ["a", "b"]),
    ("a\r\nb", ["a", "b"]),
    ("\u{FEFF}a\n\nc\n", ["a", "", "c"]),
    ("", []),
    ("x\n" + String(repeating: "y", count: 40) + "\nz\n", ["x", "<too long>", "z"]),
    (String(repeating: "w", count: 10) + "\n" + String(repeating: "v", count: 25) + "\n", ["wwwwwwwwww", "vvvvvvvvvvvvvvvvvvvvvvvvv"]),
])
func lineReaderCutsLines(input: String, expected: [String]) throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-lines-\(UUID().uuidString)").path
    FileManager.default.createFile(atPath: path, contents: Data(input.utf8))
    defer { unlink(path) }
    let fd = open(path, O_RDONLY)
    defer { close(fd) }
    // A tiny buffer (grown for long lines) and a 32-byte limit.
    let reader = LineReader(fd: fd, bufferSize: 8, maxLineBytes: 32)
    var lines: [String] = []
    while let l = reader.next() { lines.append(reader.lastWasTooLong ? "<too long>" : String(decoding: l, as: UTF8.self)) }
    #expect(lines == expected)
}

// MARK: - Escaping

@Test func htmlEscapesCommentsAndNames() throws {
    let r = try ReportFixture.build()
    let html = ReportHTML.render(r)
    #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; colis jamais reçu"))
    #expect(!html.contains("<script"))
    #expect(!html.contains("alert(1)</script>"))
    #expect(html.contains("Colis perdu &amp; personne ne répond"))
    // Self-contained: no script, no external resource, a policy that forbids them.
    #expect(html.contains(#"content="default-src 'none'; style-src 'unsafe-inline'; img-src data:""#))
    for banned in ["src=", "href=", "url(", "@import", "<link", "<iframe"] { #expect(!html.contains(banned), "\(banned)") }
    for id in ["chart-actions", "chart-tags", "chart-rules"] { #expect(html.contains(#"<svg id="\#(id)""#)) }
}

@Test func htmlEscapesHostileRuleNamesAndTags() {
    let b = ReportBuilder(axis: .line)
    b.add(
        decision: ArraySlice(
            #"{"line":1,"id":"<i>x</i>","lang":"fr","actions":[{"type":"hide","rule":"<img src=x onerror=alert(1)>","reason":"\"quoted\" & 'single'"}],"tags":["<svg onload=alert(2)>"],"rules":["<img src=x onerror=alert(1)>"]}"#
                .utf8))
    let html = ReportHTML.render(b.finish(decisionsPath: "<b>decisions</b>.jsonl"))
    #expect(!html.contains("<img"))
    #expect(!html.contains("<svg onload"))
    #expect(!html.contains("<i>x</i>"))
    #expect(!html.contains("<b>decisions"))
    #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
    #expect(html.contains("&quot;quoted&quot; &amp; &#39;single&#39;"))
    #expect(ReportHTML.h(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
}

// MARK: - Text and JSON

@Test func textSummaryOfTheFixture() throws {
    let text = ReportRenderer.text(try ReportFixture.build())
    for line in [
        "14 Mar 2025 10:00 – 11:45 UTC",
        "13 lines counted: 11 decisions, 2 error records",
        "  comments with an action  8 (73%)",
        "  hide 1 · escalate 4 · flag 1 · reply 5 · allow 1",
        "Actions per 15 minutes (UTC)  █ hide  ▓ escalate  ▒ flag  ░ reply  · allow",
        "  critical  crise      2  bad_buzz",
        "  bad_buzz: escalate crise critical, 3 in 15m, 14 Mar 2025 09:51 – 10:06 UTC",
        "Error records: invalid_json 1 · no_text 1",
    ] {
        #expect(text.contains(line + "\n"), "missing: \(line)\n\(text)")
    }
    // The chart: one row per quarter hour from 09:45 to 11:45, the crisis rows marked.
    let rows = text.split(separator: "\n").filter { $0.hasPrefix("  14 Mar ") }
    #expect(rows.count == 9)
    #expect(rows.filter { $0.contains("◀ crisis") }.count == 4)
    #expect(rows[1].contains("7 / 6"))
    #expect(!text.contains("\u{1B}["))
    #expect(ReportRenderer.text(try ReportFixture.build(), color: true).contains("\u{1B}[1m"))
}

@Test func jsonReportOfTheFixture() throws {
    let json = ReportRenderer.json(try ReportFixture.build(), maxBuckets: 12)
    let o = try #require(parseObject(json.trimmingCharacters(in: .newlines)))
    #expect(o["version"] as? Int == 1)
    let axis = try #require(o["axis"] as? [String: Any])
    #expect(axis["kind"] as? String == "time" && axis["bucket"] as? Int == 900 && axis["first"] as? String == "2025-03-14T10:00:00Z")
    let totals = try #require(o["totals"] as? [String: Any])
    #expect(totals["decisions"] as? Int == 11 && totals["errors"] as? Int == 2 && totals["acted"] as? Int == 8)
    #expect((totals["actions"] as? [String: Int]) == ["hide": 1, "escalate": 4, "flag": 1, "reply": 5, "allow": 1])
    #expect((totals["error_codes"] as? [String: Int]) == ["invalid_json": 1, "no_text": 1])
    let buckets = try #require(o["buckets"] as? [[String: Any]])
    #expect(buckets.count == 9)
    #expect(buckets[1]["start"] as? String == "2025-03-14T10:00:00Z")
    #expect((buckets[1]["tags"] as? [String: Int]) == ["sav": 4, "bad_buzz": 1, "juridique": 1, "spam": 1])
    let rules = try #require(o["rules"] as? [[String: Any]])
    #expect(rules.first?["rule"] as? String == "plainte_livraison" && rules.first?["hits"] as? Int == 7)
    let examples = try #require(rules.first?["examples"] as? [[String: Any]])
    #expect(examples[1]["text"] as? String == "<script>alert(1)</script> colis jamais reçu")
    let tags = try #require(o["tags"] as? [[String: Any]])
    #expect((tags.first?["terms"] as? [[String: Any]])?.first?["term"] as? String == "colis")
    let esc = try #require(o["escalations"] as? [String: Any])
    let crises = try #require(esc["crises"] as? [[String: Any]])
    #expect(crises.map { $0["from"] as? String } == ["2025-03-14T09:51:00Z", "2025-03-14T11:15:00Z"])
    #expect((esc["groups"] as? [[String: Any]])?.count == 3)
    // The schema lists every top-level key.
    let schemaURL = Paths.packageRoot.appendingPathComponent("Grammar/report.schema.json")
    let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: schemaURL)) as? [String: Any])
    let required = Set(try #require(schema["required"] as? [String]))
    #expect(required == Set(o.keys))
}

// MARK: - Command line

@Test func reportCommandFormatsAndErrors() throws {
    let d = ReportFixture.decisions, c = ReportFixture.comments
    let text = try CLI.run(["report", d, "--comments", c, "--format", "text"])
    #expect(text.status == 0, "\(text.err)")
    #expect(text.out.contains("11 decisions, 2 error records"))
    #expect(text.err.isEmpty, "progress goes to stderr only on a terminal: \(text.err)")
    let json = try CLI.run(["report", "-", "--format", "json"], stdin: try Data(contentsOf: URL(fileURLWithPath: d)))
    #expect(json.status == 0)
    let o = parseObject(json.out.trimmingCharacters(in: .newlines))
    #expect(o?["version"] as? Int == 1 && (o?["totals"] as? [String: Any])?["decisions"] as? Int == 11)
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-report-\(UUID().uuidString).html").path
    defer { unlink(out) }
    let html = try CLI.run(["report", d, "--comments", c, "-o", out, "--since", "2025-03-14T10:00:00Z", "--until", "2025-03-15"])
    #expect(html.status == 0 && html.out.isEmpty && html.err.isEmpty, "\(html.err)")
    #expect((try? String(contentsOfFile: out, encoding: .utf8))?.hasPrefix("<!DOCTYPE html>") == true)
    for (args, message) in [
        (["report", d], "needs an output file"),
        (["report", d, "--format", "text", "--since", "2025-03-14"], "need --comments"),
        (["report", d, "--comments", c, "--format", "text", "--since", "yesterday"], "ISO 8601"),
        (["report", d, "--comments", c, "--format", "text", "--since", "2025-03-15", "--until", "2025-03-14"], "before --until"),
        (["report", "/nonexistent/decisions.jsonl", "--format", "text"], "cannot open"),
    ] {
        let r = try CLI.run(args)
        #expect(r.status == 2, "\(args)")
        #expect(r.err.contains(message), "\(args): \(r.err)")
    }
}

@Test func reportOfTheBundledExampleMatchesRunStats() throws {
    let example = Paths.packageRoot.appendingPathComponent("examples/shop")
    let run = try CLI.run(["run", "--rules", example.path, "--input", example.appendingPathComponent("comments.jsonl").path])
    try #require(run.status == 0, "\(run.err)")
    let decisions = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-example-\(UUID().uuidString).jsonl")
    try run.stdout.write(to: decisions)
    defer { unlink(decisions.path) }
    let r = try Report.build(decisions: decisions.path, comments: example.appendingPathComponent("comments.jsonl").path)
    let lines = run.out.split(separator: "\n")
    #expect(r.totals.lines == lines.count)
    #expect(r.totals.errors == lines.filter { $0.contains(#""error_code":"#) }.count)
    #expect(r.totals.untimed == 0 && r.totals.withoutComment == 0)
    #expect(r.totals[.escalate] == lines.filter { $0.contains(#""type":"escalate""#) }.count)
}

// MARK: - In a browser

/// Headless Chromium from the system (Debian's `chromium` package). When missing, the test
/// setup installs it with `scripts/install-chromium.sh` (as root with apt-get, as in CI);
/// elsewhere the browser test is skipped with a message saying so.
enum Chromium {
    static let path: String? = {
        if let p = find() { return p }
        let script = Paths.packageRoot.appendingPathComponent("scripts/install-chromium.sh").path
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: script) else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script]
        p.standardOutput = FileHandle.standardError
        guard (try? p.run()) != nil else { return nil }
        p.waitUntilExit()
        return find()
    }()

    static func find() -> String? {
        if let env = ProcessInfo.processInfo.environment["CHROMIUM"], FileManager.default.isExecutableFile(atPath: env) { return env }
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for d in dirs where FileManager.default.isExecutableFile(atPath: "\(d)/\(name)") { return "\(d)/\(name)" }
        }
        return nil
    }

    /// Runs headless Chromium on `url` with `args` and a fresh profile in `profile`; returns
    /// (status, stdout, stderr). A run that takes more than 90 seconds is stopped.
    static func run(_ args: [String], url: URL, profile: URL) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try #require(path))
        var all = [
            "--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions", "--mute-audio",
            "--user-data-dir=\(profile.path)",
        ]
        if getuid() == 0 { all.append("--no-sandbox") }
        p.arguments = all + args + [url.absoluteString]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let killer = DispatchWorkItem { if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 90, execute: killer)
        let errBox = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        killer.cancel()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: errBox.data, as: UTF8.self))
    }
}

@Test(
    .enabled(
        if: Chromium.path != nil,
        "headless Chromium is not installed and cannot be installed here (needs root and apt-get; run scripts/install-chromium.sh): browser test skipped"))
func reportRendersInHeadlessChromium() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-browser-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let page = dir.appendingPathComponent("report.html")
    let profile = dir.appendingPathComponent("profile")
    let made = try CLI.run(["report", ReportFixture.decisions, "--comments", ReportFixture.comments, "-o", page.path])
    try #require(made.status == 0, "\(made.err)")

    // A laptop and a phone: the page loads with no console message (script error, blocked
    // request, policy violation) and the screenshot is a real page, not a blank one.
    for (name, size) in [("laptop", "1280,2200"), ("phone", "390,2400")] {
        let png = dir.appendingPathComponent("report-\(name).png")
        let (status, _, err) = try Chromium.run(
            ["--screenshot=\(png.path)", "--window-size=\(size)", "--enable-logging=stderr", "--v=0"], url: page, profile: profile)
        #expect(status == 0, "chromium exited with \(status): \(err.suffix(2000))")
        let console = err.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") || $0.contains("Refused to") }
        #expect(console.isEmpty, "console messages:\n\(console.joined(separator: "\n"))")
        let data = try Data(contentsOf: png)
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
        // IHDR: width and height, big-endian, at bytes 16 and 20.
        let width = data[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == Int(size.split(separator: ",")[0]))
        #expect(data.count > 40_000, "\(name) screenshot of \(data.count) bytes: the page looks empty")
        if let keep = ProcessInfo.processInfo.environment["VIGIE_SCREENSHOTS"] {
            try? FileManager.default.copyItem(at: png, to: URL(fileURLWithPath: keep).appendingPathComponent(png.lastPathComponent))
        }
    }

    // The DOM as the browser built it: every chart is there, the comment is text, no script ran.
    let (status, dom, err) = try Chromium.run(["--dump-dom"], url: page, profile: profile)
    #expect(status == 0, "\(err.suffix(2000))")
    for id in ["chart-actions", "chart-tags", "chart-rules"] {
        #expect(dom.contains(#"<svg id="\#(id)""#), "chart \(id) missing from the DOM")
    }
    #expect(dom.components(separatedBy: "<rect").count > 20)
    #expect(dom.contains("<polyline"))
    #expect(!dom.contains("<script"))
    #expect(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt; colis jamais reçu"))
}
