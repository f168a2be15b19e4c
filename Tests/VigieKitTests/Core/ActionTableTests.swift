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

/// The action table (`ActionKind`) walked through every consumer: a case added to the table and
/// forgotten by the parser, the checker, precedence, decision lines, explain, `run --stats`,
/// `vigie eval`, reports or the documented contracts fails here.
@Suite struct ActionTableTests {
    /// The action as a rule writes it, every argument and option the table lists filled in.
    static func source(_ k: ActionKind) -> String {
        var s = k.keyword
        if k.argument != .none { s += " arg_\(k.keyword)" }
        if k.options.contains(.reason) { s += #" "why""# }
        if k.options.contains(.severity) { s += " severity high" }
        if k.options.contains(.oncePer) { s += " once per 1h" }
        if k.options.contains(.cooldown) { s += " cooldown 1h per author.id" }
        return s
    }

    /// A rule set with one rule asking for `k` (a shadow rule when `shadow`), and every template
    /// an argument could name.
    static func rules(_ k: ActionKind, shadow: Bool = false) -> String {
        let templates = ActionKind.allCases.filter { $0.argument == .template }.map { #"template arg_\#($0.keyword) { fr: "Bonjour" }"# }
        return templates.joined(separator: "\n") + "\nlang fr\nrule r\(shadow ? " shadow" : "") { when text has \"x\" then \(source(k)) }\n"
    }

    static let line = #"{"id":"c1","text":"x","lang":"fr","author":{"id":"a1"}}"#

    /// The decision line `vigie run` writes for the test comment.
    static func decisionLine(_ program: Program) throws -> [UInt8] {
        let d = try decide(program, line)
        var w = DecisionWriter()
        return w.decisionLine(line: 1, id: ArraySlice(#""c1""#.utf8), decision: d)
    }

    @Test func ranksNumberTheAppliedActionsWithoutGaps() {
        #expect(ActionKind.applied.map { $0.rank! } == Array(0..<ActionKind.applied.count))
        #expect(ActionKind.allCases.filter { !$0.isApplied } == [.tag])
        #expect(ActionKind.allCases.allSatisfy { $0.isApplied || !$0.actsOn }, "only applied actions can act on a comment")
        #expect(ActionKind.applied.map(\.keyword) == ["hide", "escalate", "flag", "reply", "allow"])
    }

    @Test(arguments: ActionArgument.allCases) func everyArgumentIsNamed(_ a: ActionArgument) {
        if a == .none {
            #expect(a.field == nil && a.noun == nil && a.example == nil)
        } else {
            let field = try? #require(a.field).description
            #expect(field == a.rawValue)
            #expect(ActionKind.argumentFields.contains(a.rawValue))
            #expect(a.noun != nil && a.example != nil)
        }
    }

    @Test(arguments: ActionKind.allCases) func parserAndCheckerReadTheTable(_ k: ActionKind) throws {
        let rs = buildRuleSet(Self.rules(k))
        #expect(rs.diagnostics.filter { $0.severity == .error }.isEmpty, "\(rendered(rs.diagnostics))")
        let a = try #require(rs.rules.first?.decl.actions.first)
        #expect(a.kind == k)
        #expect((a.argument?.text) == (k.argument == .none ? nil : "arg_\(k.keyword)"))
        #expect((a.reason != nil) == k.options.contains(.reason))
        #expect((a.severity != nil) == k.options.contains(.severity))
        #expect((a.oncePer != nil) == k.options.contains(.oncePer))
        #expect((a.cooldown != nil) == k.options.contains(.cooldown))
        if let noun = k.argument.noun {
            // Without its argument: E046, which names the argument as the table does.
            let missing = buildRuleSet("rule r { when text has \"x\" then \(k.keyword) }\n").diagnostics
            #expect(ids(missing) == ["E046"])
            #expect(missing.first?.message.hasPrefix("expected \(noun) after `\(k.keyword)`") == true)
            #expect(missing.first?.help?.contains("`\(k.keyword) \(k.argument.example!)`") == true)
        }
        // A test may expect the action by its keyword alone, unless the table asks for the argument.
        let expect = buildRuleSet(Self.rules(k) + "test \"t\" { given { text: \"x\" } expect \(k.keyword) }\n").diagnostics
        #expect(ids(expect).isEmpty == k.argumentOptionalInExpectations, "\(rendered(expect))")
    }

    @Test(arguments: ActionKind.allCases) func decisionLinesCarryTheTableFields(_ k: ActionKind) throws {
        let program = try compileRules(Self.rules(k))
        let line = try Self.decisionLine(program)
        let o = try #require(parseObject(String(decoding: line, as: UTF8.self)))
        if k.isApplied {
            let actions = try #require(o["actions"] as? [[String: Any]])
            #expect(actions.count == 1)
            #expect(actions.first?["type"] as? String == k.keyword)
            if let field = k.argument.field?.description { #expect(actions.first?[field] as? String == "arg_\(k.keyword)") }
            if k.options.contains(.reason) { #expect(actions.first?["reason"] as? String == "why") }
            if k.options.contains(.severity) { #expect(actions.first?["severity"] as? String == "high") }
        } else {
            #expect((o["actions"] as? [Any])?.isEmpty == true)
            #expect(o["tags"] as? [String] == ["arg_\(k.keyword)"])
        }
        // A shadow rule's action, tags included, is written under `shadow` with its argument.
        let shadowLine = try Self.decisionLine(try compileRules(Self.rules(k, shadow: true)))
        let shadow = try #require(parseObject(String(decoding: shadowLine, as: UTF8.self))?["shadow"] as? [[String: Any]])
        #expect(shadow.first?["type"] as? String == k.keyword)
        if let field = k.argument.field?.description { #expect(shadow.first?[field] as? String == "arg_\(k.keyword)") }
    }

    @Test(arguments: ActionKind.allCases) func explainStatsAndTestsNameEveryAction(_ k: ActionKind) throws {
        let program = try compileRules(Self.rules(k))
        let d = try decide(program, Self.line)
        var stats = RunStats()
        stats.count(d)
        let text = stats.render(seconds: 0)
        if k.isApplied {
            let a = try #require(d.actions.first)
            #expect(Explainer.describe(a).hasPrefix(k.keyword))
            if k.argument != .none { #expect(Explainer.describe(a).contains("arg_\(k.keyword)")) }
            #expect(text.contains("\n  \(k.keyword): 1\n"), "run --stats leaves `\(k.keyword)` out:\n\(text)")
            #expect(RuleTestRunner.actualDescription(d).hasPrefix(k.keyword))
        } else {
            #expect(d.tags == ["arg_\(k.keyword)"])
            #expect(text.contains("tags:\n  arg_\(k.keyword): 1\n"))
        }
        // Every action's keyword is a stats line, applied or not.
        for a in ActionKind.applied { #expect(text.contains("\n  \(a.keyword): ")) }
    }

    /// `once per` and `cooldown` hold for every action whose entry accepts them: the second
    /// comment within the period gets the action dropped, with the reason.
    @Test(arguments: ActionKind.allCases) func periodsHoldForEveryActionThatAcceptsThem(_ k: ActionKind) throws {
        let options = k.options.intersection([.oncePer, .cooldown])
        guard !options.isEmpty else { return }
        let ev = Evaluator(program: try compileRules(Self.rules(k)))
        func decision(at t: String) throws -> Decision {
            guard case .decision(let d) = ev.evaluate(line: Array(#"{"text":"x","lang":"fr","author":{"id":"a1"},"timestamp":"\#(t)"}"#.utf8)) else {
                throw LineError(code: "-", message: "no decision")
            }
            return d
        }
        #expect(try decision(at: "2026-01-01T10:00:00Z").has(k))
        let second = try decision(at: "2026-01-01T10:30:00Z")
        #expect(!second.has(k))
        let why = options.contains(.oncePer) ? "once per 1h: already \(k.label)," : "cooldown 1h: already \(k.label),"
        #expect(second.dropped.contains { $0.action.kind == k && $0.why.hasPrefix(why) }, "\(second.dropped)")
        #expect(try decision(at: "2026-01-01T11:30:00Z").has(k))
    }

    @Test func evalHasARowPerActionThatActs() throws {
        let corpus = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-action-table-\(UUID().uuidString).jsonl")
        try (Self.line + "\n").write(to: corpus, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: corpus) }
        let (label, _) = Backtest.compileLabel("true")
        let report = try Backtest.eval(program: try compileRules(Self.rules(.hide)), label: try #require(label), corpus: corpus.path)
        let names = report.actions.map(\.0)
        for k in ActionKind.allCases { #expect(names.contains(k.keyword) == k.actsOn, "eval rows: \(names)") }
    }

    @Test(arguments: ActionKind.allCases) func reportsDecodeWhatTheWriterWrites(_ k: ActionKind) throws {
        let b = ReportBuilder(axis: .line)
        b.add(decision: ArraySlice(try Self.decisionLine(try compileRules(Self.rules(k)))))
        let r = b.finish()
        #expect(r.totals[k] == (k.isApplied ? 1 : 0))
        #expect(r.totals.acted == (k.actsOn ? 1 : 0))
        #expect(r.rules.first?.mainAction == (k.isApplied ? k : nil))
        let text = ReportRenderer.text(r)
        let json = try #require(parseObject(ReportRenderer.json(r)))
        let html = ReportHTML.render(r)
        if k.isApplied {
            #expect(text.contains("\(k.keyword) 1"))
            #expect((json["totals"] as? [String: Any]).flatMap { $0["actions"] as? [String: Int] }?[k.keyword] == 1)
            #expect(html.contains(#"<li><i class="sw a-\#(k.keyword)"></i>\#(k.label)</li>"#))
            // The page's style gives the action a colour, bars and swatches.
            #expect(ReportHTML.css.contains("--\(k.keyword):") && ReportHTML.css.contains(".a-\(k.keyword){"))
            #expect(!k.glyph.0.isEmpty, "the terminal chart has no glyph for `\(k.keyword)`")
        }
        if k.actsOn {
            #expect(html.contains(#"<div class="l">\#(k.label)</div>"#), "no card for `\(k.keyword)`")
            #expect(ReportHTML.css.contains(".k-\(k.keyword){"))
        }
    }

    /// Reports used to decode a `type` by its first letter and length: `hush` counted as a hide.
    @Test func reportsDecodeWholeKeywordsOnly() {
        for k in ActionKind.applied { #expect(ActionKind.applied(named: Array(k.keyword.utf8)[...]) == k) }
        for word in ["hush", "hid", "hides", "exchange", "fuzz", "react", "alloy", "tag", ""] {
            #expect(ActionKind.applied(named: Array(word.utf8)[...]) == nil, "`\(word)` decoded as an action")
        }
        let b = ReportBuilder(axis: .line)
        b.add(decision: ArraySlice(#"{"line":1,"id":"c1","lang":"fr","actions":[{"type":"hush","rule":"r"}],"tags":[],"rules":["r"]}"#.utf8))
        let r = b.finish()
        #expect(r.totals.actions.allSatisfy { $0 == 0 })
        #expect(r.totals.acted == 0)
    }

    /// The documented contracts list every action: the output schema, the grammar's keywords,
    /// the explanation of E016 (`vigie explain-error E016`).
    @Test func documentedContractsListEveryAction() throws {
        let grammar = Paths.packageRoot.appendingPathComponent("Grammar")
        let schema = try String(contentsOf: grammar.appendingPathComponent("output.schema.json"), encoding: .utf8)
        let ebnf = try String(contentsOf: grammar.appendingPathComponent("vigie.ebnf"), encoding: .utf8)
        let e016 = try #require(ErrorCatalog.entries["E016"]).explanation
        for k in ActionKind.allCases {
            #expect(ebnf.contains("\"\(k.keyword)\""), "vigie.ebnf does not know `\(k.keyword)`")
            #expect(e016.contains("`\(k.keyword)"), "the explanation of E016 does not list `\(k.keyword)`")
            if k.isApplied { #expect(schema.contains("\"\(k.keyword)\""), "output.schema.json does not know `\(k.keyword)`") }
        }
    }
}
