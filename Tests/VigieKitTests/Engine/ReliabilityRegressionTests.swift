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

/// Bugs found by the fuzz targets (`scripts/fuzz.sh`) and the random streams of
/// `ReliabilityTests`, each with the input that found it.
extension RegressionTests {
    /// Fuzz target `normalizer` (Fuzz/corpus/normalizer/regress-joined-singles): a run of single
    /// letters joined just before another run started left that run's start past the end of the
    /// text, and the next join trapped — `vigie run` died on the comment `n n n n?z.e n`.
    @Test(arguments: [
        ("n n n n?z.e n", "n zen"),
        ("a b c d?x.y z", "abcd xyz"),
        ("l e s?c o n s", "les cons"),
        ("c c c c c!d e f!g h i", "c def ghi"),
    ])
    func singleLetterRunsOneAfterAnotherDoNotCrash(_ c: (String, String)) throws {
        #expect(Normalizer().normalize(c.0) == c.1)
        let stages = NormalizationStages(rawValue: 0xDD)
        var out = NormalizedText()
        Normalizer(stages: stages).normalize(Array(c.0.utf8), into: &out)
        #expect(out.origin.count == out.bytes.count)
        let program = try compileRules(#"rule r { when text has "zen" then hide }"#)
        let r = StreamRunner(program: program, options: RunOptions())
        #expect(parseObject(String(decoding: r.process(line: Array(comment(c.0).utf8)[...], number: 1), as: UTF8.self))?["actions"] != nil)
    }

    /// `ReliabilityTests` (a line with `"timestamp": 1e300`): the late-comment warning formatted
    /// a duration of 1e300 seconds through Int64 and trapped. Such a time is now out of range:
    /// ignored with a warning, so it cannot make every later comment late either.
    @Test func hugeTimestampIsIgnoredWithAWarning() throws {
        let program = try compileRules("rule flood { when count(true, window 1m by author) >= 2 then flag flood }")
        let ev = Evaluator(program: program)
        var decisions: [Decision] = []
        for t in ["1767225600", "1e300", "1e999", "-1e300", "253402300800000", "1767225610"] {
            let line = #"{"text":"x","author":{"id":"u"},"timestamp":\#(t)}"#
            guard case .decision(let d) = ev.evaluate(line: Array(line.utf8), trace: Trace()) else {
                Issue.record("no decision for timestamp \(t)")
                return
            }
            decisions.append(d)
        }
        #expect(decisions[0].warnings.isEmpty)
        for d in decisions[1...4] { #expect(d.warnings.contains { $0.contains("out of range") }, "\(d.warnings)") }
        #expect(ev.state.watermark == 1_767_225_610)
        #expect(decisions[5].warnings.isEmpty, "the next comment is not late: \(decisions[5].warnings)")
        #expect(formatDuration(1e300).hasSuffix("e+295d"))
        #expect(formatDuration(-.infinity) == "-infd")
    }

    /// Reading the code after the above: `in` wrote a number field through Int64 to compare it
    /// with the list, and trapped on 1e300 or 1e999.
    @Test func hugeNumberInAnInListDoesNotCrash() throws {
        let d = try decide(
            #"rule r { when author.id in ["1", "2"] then hide }"#,
            [
                #"{"text":"x","author":{"id":1}}"#, #"{"text":"x","author":{"id":1e300}}"#, #"{"text":"x","author":{"id":1e999}}"#,
                #"{"text":"x","author":{"id":-1e20}}"#,
            ])
        #expect(d.map { $0.has(.hide) } == [true, false, false, false])
    }

    /// Fuzz target `template` (seed with a zero-width joiner after `@`, and a combining mark after
    /// `<`): sanitizing went by characters, and `@` + U+200D is one character that is not `@`, so
    /// it went through without its word joiner; the same for `<` + U+0301.
    @Test(arguments: [
        "J\u{301}ulie\u{200D}@\u{200D}everyone",
        "@\u{301}here",
        "<\u{301}script>",
        "`\u{301}code`",
        "*\u{20DD}gras*",
        "\u{2060}@\u{2060}everyone",
    ])
    func sanitizingWorksOnScalarsNotCharacters(_ name: String) {
        let s = Evaluator.sanitize(name)
        let scalars = Array(s.unicodeScalars)
        for (i, u) in scalars.enumerated() {
            #expect(!"<>`*_~|[]".unicodeScalars.contains(u), "\(s.debugDescription)")
            if u == "@" { #expect(i + 1 < scalars.count && scalars[i + 1] == "\u{2060}", "\(s.debugDescription)") }
            if u != "\u{2060}" { #expect(u.properties.generalCategory != .format, "\(s.debugDescription)") }
        }
    }

    /// Underscores inside a word are kept, so a name, an id or a link comes out as written
    /// (they were all dropped: `bob_the_builder` became `bobthebuilder`); at a word's edge they
    /// are markup and still go.
    @Test(arguments: [
        ("bob_the_builder", "bob_the_builder"),
        ("https://ex.com/a_b__c?x=1_2", "https://ex.com/a_b__c?x=1_2"),
        ("c_1_2", "c_1_2"),
        ("_em_ and __strong__", "em and strong"),
        ("word_ _word", "word word"),
        ("a_\u{301}b", "a\u{301}b"),
        ("été_été", "été_été"),
    ])
    func underscoresInsideWordsAreKept(_ c: (String, String)) {
        #expect(Evaluator.sanitize(c.0) == c.1)
    }

    /// Fuzz target `template` (make test, fresh clone): a value cut at 80 characters right after
    /// an underscore kept inside a word left it at the end, before the `…`.
    @Test func aCutDoesNotEndOnAnUnderscore() {
        let s = Evaluator.sanitize(String(repeating: "a", count: 79) + "_b")
        #expect(s == String(repeating: "a", count: 79) + "…")
    }

    /// Word joiners after `@` do not count toward the 80 characters of a placeholder.
    @Test func sanitizedLengthCountsWhatIsShown() {
        let s = Evaluator.sanitize(String(repeating: "@a", count: 100))
        #expect(s.filter { $0 != "\u{2060}" }.count == 81)
        #expect(s.hasSuffix("…"))
    }

    /// Fuzz target `template` (Fuzz/corpus/template/regress-lang-placeholder): `{lang}` echoed
    /// the comment's own `lang` field unsanitized, so a backtick or `@everyone` went into the
    /// public reply.
    @Test func langPlaceholderIsSanitized() throws {
        let program = try compileRules(
            """
            template t { fr: "Langue : {lang|?}." }
            rule r { when text has "colis" then reply t }
            """)
        for lang in ["`x` @everyone <b>", "\u{202E}fr"] {
            guard case .decision(let d) = Evaluator(program: program).evaluate(line: Array(comment("colis", ["lang": lang]).utf8)) else {
                Issue.record("no decision")
                return
            }
            let text = try #require(d.actions.first { $0.kind == .reply }?.text)
            #expect(!text.contains("`") && !text.contains("<") && !text.contains("@everyone") && !text.contains("\u{202E}"), "\(text.debugDescription)")
        }
    }
}
