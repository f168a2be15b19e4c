import Foundation
import Testing

@testable import VigieCore
@testable import VigieEngine
@testable import VigieReport

/// A community manager's first hour (issues 21 and 26): what `report` says about the files it
/// is given, text outputs that cannot drive the terminal, exit codes and help that CI can rely
/// on, and `make install`.
struct FirstHourTests {
    static func temp(_ name: String, _ content: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-\(UUID().uuidString)-\(name)").path
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: - Terminal.printable

    @Test(arguments: [
        ("plain name", "plain name"),
        ("a\u{1B}]0;pwned\u{07}b", #"a\u{1B}]0;pwned\u{7}b"#),
        ("\u{1B}[2J", #"\u{1B}[2J"#),
        ("tab\tand\nline", #"tab\u{9}and\u{A}line"#),
        ("del\u{7F} c1\u{9B}31m", #"del\u{7F} c1\u{9B}31m"#),
        ("bidi \u{202E}txt.exe\u{2066}", #"bidi \u{202E}txt.exe\u{2066}"#),
        ("accents é ü 漢字 🙂 \u{A0}", "accents é ü 漢字 🙂 \u{A0}"),
    ])
    func printableEscapesControlCharacters(input: String, expected: String) {
        #expect(Terminal.printable(input) == expected)
    }

    @Test func printableKeepsLineBreaksOnRequest() {
        #expect(Terminal.printable("a\tb\nc\u{1B}[K\r", keepingLineBreaks: true) == "a\tb\nc\\u{1B}[K\\u{D}")
    }

    // MARK: - report

    /// A decision line whose rule, tag and team names would retitle the window and clear the screen.
    static let hostileDecision =
        #"{"line":1,"id":"x","actions":[{"type":"escalate","rule":"r\u001b]0;pwned\u0007","team":"t\u001b[2J","severity":"high"}],"tags":["tag\u009b31m"],"rules":["r\u001b]0;pwned\u0007"]}"#

    @Test func reportTextEscapesNamesFromTheDecisions() {
        let b = ReportBuilder(axis: .line)
        b.add(decision: ArraySlice(Self.hostileDecision.utf8))
        let text = ReportRenderer.text(b.finish(decisionsPath: "d\u{1B}[1m.jsonl"), color: true)
        #expect(!text.contains("\u{1B}]"))
        #expect(!text.contains("\u{1B}[2J"))
        #expect(!text.contains("\u{9B}"))
        #expect(!text.contains("\u{07}"))
        #expect(text.contains(#"r\u{1B}]0;pwned\u{7}"#))
        #expect(text.contains(#"t\u{1B}[2J"#))
        #expect(text.contains(#"tag\u{9B}31m"#))
        #expect(text.contains(#"d\u{1B}[1m.jsonl"#))
        // The colours of the renderer itself are still there.
        #expect(text.contains("\u{1B}[1mVigie report\u{1B}[0m"))
    }

    @Test func reportSaysWhenNoCommentHasATime() throws {
        let comments = try Self.temp("comments.jsonl", (1...3).map { "{\"text\": \"comment \($0)\"}" }.joined(separator: "\n") + "\n")
        let decisions = try Self.temp(
            "decisions.jsonl",
            (1...3).map { #"{"line":\#($0),"actions":[{"type":"hide","rule":"r","reason":"spam"}],"rules":["r"],"tags":["spam"]}"# }
                .joined(separator: "\n") + "\n")
        defer { unlink(comments); unlink(decisions) }
        let r = try Report.build(decisions: decisions, comments: comments)
        #expect(r.totals.decisions == 3 && r.totals.untimed == 3)
        #expect(ReportFormat.rangeLine(r) == "3 comments, none with a time: no timeline")
        let text = ReportRenderer.text(r)
        #expect(text.contains("3 comments, none with a time: no timeline\n"))
        #expect(!text.contains("no comments in range"))
        #expect(text.contains("note: None of the 3 comments has a time"))
        let html = ReportHTML.render(r)
        #expect(!html.contains("No comment in this range."))
        #expect(html.components(separatedBy: "3 comments, none with a time: no timeline").count - 1 == 3)  // header and both charts
    }

    @Test func reportRefusesACommentsFileGivenAsDecisions() throws {
        let comments = try Self.temp("comments.jsonl", #"{"id": 1, "text": "bonjour"}"# + "\n" + #"{"id": 2, "text": "salut"}"# + "\n")
        let other = try Self.temp("other.jsonl", "{\"a\": 1}\nnot json\n")
        let empty = try Self.temp("empty.jsonl", "")
        defer { unlink(comments); unlink(other); unlink(empty) }
        #expect {
            _ = try Report.build(decisions: comments, comments: nil)
        } throws: { e in
            (e as? ReportInputError)?.commentLike == true && (e as? ReportInputError)?.lines == 2
        }
        let r = try CLI.run(["report", comments, "--format", "text"])
        #expect(r.status == 2)
        #expect(r.out.isEmpty)
        #expect(r.err.contains("looks like a file of comments (lines with `text`), not decisions written by `vigie run`"), "\(r.err)")
        #expect(r.err.contains("vigie run --rules RULES --input \(comments) > decisions.jsonl"), "\(r.err)")
        let o = try CLI.run(["report", other, "--format", "text"])
        #expect(o.status == 2)
        #expect(o.err.contains("has no decision line (2 lines"), "\(o.err)")
        // An empty file is an empty report, as before.
        #expect(try CLI.run(["report", empty, "--format", "text"]).status == 0)
    }

    @Test func latestEscalationsTableFitsItsCard() {
        let b = ReportBuilder(axis: .line)
        let long = String(repeating: "a_very_long_rule_name_", count: 8)
        b.add(
            decision: ArraySlice(
                #"{"line":1,"id":"\#(String(repeating: "0123456789", count: 12))","actions":[{"type":"escalate","rule":"\#(long)","team":"\#(long)","severity":"high"}],"rules":["\#(long)"]}"#
                    .utf8))
        let html = ReportHTML.render(b.finish())
        #expect(html.contains(#"<table class="list"><colgroup><col class="c-when">"#))
        #expect(ReportHTML.css.contains("table.list{table-layout:fixed"))
        // Long names and ids break anywhere rather than push a table out of its card.
        #expect(ReportHTML.css.contains("\ntd{overflow-wrap:anywhere}"))
    }

    @Test func datesShowTheYearWhenTheRangeSpansYears() throws {
        let b = ReportBuilder(axis: .time)
        let comments = ["2024-11-20T10:00:00Z", "2025-02-03T10:00:00Z"].map { #"{"text":"x","timestamp":"\#($0)"}"# }
        for (i, c) in comments.enumerated() {
            b.add(decision: ArraySlice(#"{"line":\#(i + 1),"actions":[{"type":"hide","rule":"r"}],"rules":["r"]}"#.utf8), comment: ArraySlice(c.utf8))
        }
        let r = b.finish()
        let tl = r.timeline(maxBuckets: 12)
        #expect(tl.spansYears)
        #expect(ReportFormat.bucketLabel(tl, 0).hasSuffix("2024"))
        let html = ReportHTML.render(r)
        let labels = html.components(separatedBy: #"<text class="lbl" "#).dropFirst().compactMap { $0.split(separator: ">").dropFirst().first?.split(separator: "<").first }
        #expect(labels.contains { $0.hasSuffix(" 2025") }, "\(labels)")
        #expect(ReportRenderer.text(r).contains(" 2024 "))
        // Within one year, labels stay short.
        let one = ReportBuilder(axis: .time)
        one.add(decision: ArraySlice(#"{"line":1,"actions":[],"rules":[]}"#.utf8), comment: ArraySlice(#"{"timestamp":"2025-03-01T00:00:00Z"}"#.utf8))
        one.add(decision: ArraySlice(#"{"line":2,"actions":[],"rules":[]}"#.utf8), comment: ArraySlice(#"{"timestamp":"2025-05-01T00:00:00Z"}"#.utf8))
        let tl1 = one.finish().timeline(maxBuckets: 12)
        #expect(!tl1.spansYears)
        #expect(!ReportFormat.bucketLabel(tl1, 0).contains("2025"))
    }

    // MARK: - explain, eval, diff, test

    static let rules = Paths.fixtures.appendingPathComponent("cli/rules").path

    @Test func explainEscapesTheCommentAndCanShowOnlyMatchedRules() throws {
        let hostile = "Quel connard \u{1B}]0;pwned\u{07}\u{1B}[2J"
        let all = try CLI.run(["explain", "--rules", Self.rules, hostile])
        #expect(all.status == 0, "\(all.err)")
        #expect(!all.out.contains("\u{1B}"))
        #expect(all.out.contains(#"\u{1B}]0;pwned\u{7}"#))
        let matched = try CLI.run(["explain", "--rules", Self.rules, "--matched-only", hostile])
        #expect(matched.status == 0)
        #expect(matched.out.contains("rules that matched, in evaluation order:\n  ✔  insulte"))
        #expect(!matched.out.contains("✘") && !matched.out.contains("not evaluated: none of its terms"))
        #expect(matched.out.contains("did not match: leave out --matched-only to see them)"))
        #expect(matched.out.split(separator: "\n").count < all.out.split(separator: "\n").count)
        // The decision part is the same.
        #expect(matched.out.components(separatedBy: "\ndecision:\n").last == all.out.components(separatedBy: "\ndecision:\n").last)
    }

    @Test func diffEscapesCommentsAndCanFailOnChange() throws {
        let old = try Self.temp("old.vigie", #"rule spam { when text has "followers" then hide }"#)
        let new = try Self.temp("new.vigie", #"rule spam { when text has any ["followers", "subscribe"] then hide }"#)
        let corpus = try Self.temp("corpus.jsonl", #"{"id":1,"text":"subscribe \u001b[2J now"}"# + "\n" + #"{"id":2,"text":"great song"}"# + "\n")
        let same = try Self.temp("same.jsonl", #"{"id":2,"text":"great song"}"# + "\n")
        defer { for p in [old, new, corpus, same] { unlink(p) } }
        let plain = try CLI.run(["diff", "--rules", old, "--rules", new, "--corpus", corpus])
        #expect(plain.status == 0)
        #expect(plain.out.contains(#"subscribe \u{1B}[2J now"#) && !plain.out.contains("\u{1B}"), "\(plain.out)")
        let gate = try CLI.run(["diff", "--rules", old, "--rules", new, "--corpus", corpus, "--fail-on-change"])
        #expect(gate.status == 1)
        #expect(gate.out == plain.out)
        #expect(try CLI.run(["diff", "--rules", old, "--rules", new, "--corpus", same, "--fail-on-change"]).status == 0)
        let eval = try CLI.run(["eval", "--rules", new, "--corpus", corpus, "--label", #"id == 2"#])
        #expect(eval.status == 0, "\(eval.err)")
        #expect(!eval.out.contains("\u{1B}"), "\(eval.out)")
    }

    // MARK: - run, lint

    @Test(arguments: [
        (["run", "Rules"], "did you mean `vigie run --rules Rules`?"),
        (["run", "--rules", "Rules", "comments.jsonl"], "did you mean `vigie run --input comments.jsonl`?"),
    ])
    func runWithAPositionalSaysWhatWasMeant(args: [String], message: String) throws {
        let r = try CLI.run(args)
        #expect(r.status == 2)
        #expect(r.err.contains(message), "\(r.err)")
    }

    @Test func lintSaysNoFindingsWhenClean() throws {
        let rules = try Self.temp("clean.vigie", "rule spam {\n  when text has \"followers\"\n  then hide \"spam\"\n  examples { match \"buy followers\" }\n}\n")
        defer { unlink(rules) }
        let r = try CLI.run(["lint", rules])
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out == "no findings\n")
        // Machine formats are unchanged: an empty list.
        #expect(try CLI.run(["lint", rules, "--format", "github"]).out == "")
    }

    // MARK: - help and completions

    /// Runs `vigie args` with a terminal `columns` wide.
    static func help(_ args: [String], columns: Int) throws -> String {
        let p = Process()
        p.executableURL = try CLI.requireBinary()
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["COLUMNS"] = String(columns)
        env["NO_COLOR"] = "1"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Every example command of a help text is on a line of its own, whole on an 80-column
    /// terminal (the same line as on a wide one), so that it can be pasted as is.
    @Test(arguments: ["run", "check", "test", "explain", "report", "lint", "diff"])
    func helpExamplesCanBePasted(_ command: String) throws {
        let narrow = try Self.help([command, "--help"], columns: 80)
        let wide = Set(try Self.help([command, "--help"], columns: 240).split(separator: "\n"))
        let examples = narrow.split(separator: "\n").filter { $0.hasPrefix("  vigie ") || $0.hasPrefix("  echo ") || $0.hasPrefix("  tail ") }
        #expect(!examples.isEmpty, "no example in `vigie \(command) --help`")
        for e in examples { #expect(wide.contains(e), "cut on an 80-column terminal: \(e)") }
        #expect(!narrow.contains("Example: vigie") && !narrow.contains("Examples: vigie"))
    }

    @Test func jobsHelpPrintsOneDefault() throws {
        let h = try Self.help(["run", "--help"], columns: 100)
        let line = try #require(h.split(separator: "\n").first { $0.contains("--jobs") })
        #expect(line.components(separatedBy: "default").count - 1 == 1, "\(line)")
    }

    /// The value list of an option as each shell's completion script writes it.
    static func valueList(_ shell: String, _ values: [String]) -> String {
        switch shell {
        case "bash": return values.map { "'\($0)'" }.joined(separator: "$'\\n'")
        case "zsh": return "(" + values.map { "'\($0)'" }.joined(separator: " ") + ")"
        default: return "-rfka '" + values.joined(separator: " ") + "'"
        }
    }

    /// Options with a closed set of values complete those values: report's formats, lint's
    /// levels and formats, and the text or json of test, eval, diff and bench.
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionsListOptionValues(_ shell: String) throws {
        let script = try Self.help(["--generate-completion-script", shell], columns: 100)
        for values in [["html", "text", "json"], ["error", "warning", "info"], ["text", "json", "sarif", "github"]] {
            #expect(script.contains(Self.valueList(shell, values)), "\(shell): \(values)")
        }
        let textOrJSON = script.components(separatedBy: Self.valueList(shell, ["text", "json"])).count - 1
        #expect(textOrJSON >= 4, "\(shell): `text json` offered \(textOrJSON) times")
    }

    // MARK: - make install

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/make"), "make is not installed: `make install` not tested"))
    func makeInstallPutsVigieUnderPrefix() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-prefix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/make")
        // The binary of this build: no release build here.
        p.arguments = ["-s", "-C", Paths.packageRoot.path, "install", "PREFIX=\(prefix.path)", "VIGIE_BIN=\(try CLI.requireBinary().path)", "COMPLETIONS=1"]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let bin = prefix.appendingPathComponent("bin/vigie").path
        #expect(FileManager.default.isExecutableFile(atPath: bin))
        for f in ["share/bash-completion/completions/vigie", "share/zsh/site-functions/_vigie", "share/fish/vendor_completions.d/vigie.fish"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: prefix.appendingPathComponent(f).path)[.size] as? Int) ?? 0
            #expect(size > 500, "\(f)")
        }
        let v = Process()
        v.executableURL = URL(fileURLWithPath: bin)
        v.arguments = ["--version"]
        let out = Pipe()
        v.standardOutput = out
        try v.run()
        let version = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        v.waitUntilExit()
        #expect(version == "0.1.0\n")
    }
}
