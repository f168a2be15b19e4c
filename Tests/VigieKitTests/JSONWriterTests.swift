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
