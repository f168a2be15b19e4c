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

/// `eval` and `diff`, checked against counts made independently on a tiny corpus.
struct BacktestTests {
    static let corpus: [(text: String, label: String)] = [
        ("buy followers now", "1"), ("check out my channel", "1"), ("great song", "0"), ("subscribe to my channel", "1"),
        ("my channel is better", "0"), ("love it", "0"), ("free followers here", "1"), ("channel 4 news", "0"),
    ]

    func write(_ lines: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-corpus-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func compile(_ s: String) throws -> Program {
        try #require(Compiler.compile(RuleSetLoader.build(sources: [SourceFile(path: "r.vigie", text: s)], root: ".")))
    }

    @Test func precisionAndRecallMatchAnIndependentCount() throws {
        let path = try write(Self.corpus.enumerated().map { "{\"id\": \($0.offset), \"text\": \"\($0.element.text)\", \"label\": \"\($0.element.label)\"}" })
        defer { try? FileManager.default.removeItem(atPath: path) }
        let program = try compile(#"rule spam { when text has any ["my channel", "followers"] then hide }"#)
        let (label, diags) = Backtest.compileLabel(#"label == "1""#)
        #expect(diags.isEmpty)
        let r = try Backtest.eval(program: program, label: try #require(label), corpus: path)
        // Count by hand: predicted = contains one of the phrases as words.
        var tp = 0, fp = 0, fn = 0
        for (text, lab) in Self.corpus {
            let predicted = text.contains("my channel") || text.contains("followers")
            let truth = lab == "1"
            if predicted && truth { tp += 1 } else if predicted { fp += 1 } else if truth { fn += 1 }
        }
        let hide = try #require(r.actions.first { $0.0 == "hide" }?.1)
        #expect((hide.tp, hide.fp, hide.fn) == (tp, fp, fn))
        #expect(hide.precision == Double(tp) / Double(tp + fp))
        #expect(hide.recall == Double(tp) / Double(tp + fn))
        #expect(r.positives == 4)
        let either = try #require(r.actions.first { $0.0 == "hide or flag" }?.1)
        #expect((either.tp, either.fp, either.fn) == (tp, fp, fn))
    }

    @Test func evalReadsACorpusFromStandardInput() throws {
        let corpus = Self.corpus.map { "{\"text\": \"\($0.text)\", \"label\": \"\($0.label)\"}" }.joined(separator: "\n") + "\n"
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-eval-\(UUID().uuidString).vigie").path
        try #"rule spam { when text has any ["my channel", "followers"] then hide }"#.write(toFile: rules, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: rules) }
        let r = try CLI.run(["eval", "--rules", rules, "--corpus", "-", "--label", #"label == "1""#, "--format", "json"], stdin: Data(corpus.utf8))
        #expect(r.status == 0, "\(r.err)")
        let doc = try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any]
        #expect(doc?["lines"] as? Int == Self.corpus.count)
        // Standard error is not a terminal: no progress line.
        #expect(r.err.isEmpty)
    }

    @Test func diffListsExactlyTheChangedComments() throws {
        let path = try write(Self.corpus.enumerated().map { "{\"id\": \($0.offset), \"text\": \"\($0.element.text)\"}" })
        defer { try? FileManager.default.removeItem(atPath: path) }
        let old = try compile(#"rule spam { when text has "followers" then hide }"#)
        let new = try compile(#"rule spam { when text has any ["followers", "subscribe"] then hide }"#)
        let r = try Backtest.diff(old: old, new: new, corpus: path)
        #expect(r.lines == Self.corpus.count)
        #expect(r.changes.map(\.line) == [4])
        #expect(r.changes.first?.started == ["spam"])
    }
}
