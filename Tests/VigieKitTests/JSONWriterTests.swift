import Testing

@testable import VigieKit

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
/// an empty decision, byte for byte.
@Test func quietLinesAreTheLinesOfEmptyDecisions() {
    for version in [nil, "185a303a16d2"] {
        for id in [nil, Array(#""c1""#.utf8), Array("42".utf8)] {
            for lang in ["fr", "", "es"] {
                var writer = DecisionWriter()
                writer.rulesVersion = version
                var d = Decision()
                d.lang = lang
                let full = writer.decisionLine(line: 7, id: id?[...], decision: d)
                #expect(writer.quietLine(line: 7, id: id, lang: lang) == full, "\(String(decoding: full, as: UTF8.self))")
            }
        }
    }
}
