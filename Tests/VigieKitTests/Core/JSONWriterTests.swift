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

/// The JSON writer's hand-written pieces agree with the standard library's.
struct JSONWriterTests {
    @Test func integersAreWrittenAsSwiftWritesThem() {
        for v in [0, 1, 9, 10, 99, 100, -1, -10, 1_767_225_600, 999_999_999_999_999_999, Int.max, Int.min] {
            var w = JSONWriter()
            w.int(v)
            #expect(w.string == String(v))
        }
    }

    @Test func stringsAreQuotedAndEscaped() {
        var w = JSONWriter()
        w.beginArray()
        w.string("plain"); w.string("a \"quote\" and \\ back"); w.string("line\nbreak\ttab\u{1}"); w.string("été 😀 \u{2028}")
        w.string(utf8: [0x61, 0xC3, 0x28, 0x62, 0xF0, 0x9F, 0x98])
        w.endArray()
        #expect(w.string == #"["plain","a \"quote\" and \\ back","line\nbreak\ttab\u0001","été 😀 \u2028","a�(b�"]"#)
    }
}

/// The line of a comment nothing matched, written without building a decision, is the line of
/// an empty decision, byte for byte: with ids long enough to need room off the stack, and
/// languages (from a comment's own `lang`) that need escaping.
@Test func quietLinesAreTheLinesOfEmptyDecisions() {
    let longID = Array(("\"" + String(repeating: "x", count: 600) + "\"").utf8)
    for version in [nil, "185a303a16d2"] {
        for id in [nil, Array(#""c1""#.utf8), Array("42".utf8), longID] {
            for lang in ["fr", "", "es", "f\"r\\é\u{1}", String(repeating: "\u{1}", count: 90)] {
                var writer = DecisionWriter()
                writer.rulesVersion = version
                var d = Decision()
                d.lang = lang
                for line in [0, 7, 1_234_567, Int.max] {
                    let full = writer.decisionLine(line: line, id: id?[...], decision: d)
                    var quiet = Array("previous line\n".utf8)
                    writer.quietLine(line: line, id: id, lang: lang, into: &quiet)
                    #expect(quiet == Array("previous line\n".utf8) + full, "\(String(decoding: full, as: UTF8.self))")
                }
            }
        }
    }
}
