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

/// The automaton against a naive search, in both layouts.
struct AhoCorasickTests {
    static func naive(_ patterns: [[UInt8]], _ text: [UInt8]) -> [String] {
        var out: [String] = []
        for end in 1...max(1, text.count) where end <= text.count {
            for (k, p) in patterns.enumerated() where !p.isEmpty && p.count <= end && Array(text[(end - p.count)..<end]) == p {
                out.append("\(k)@\(end)")
            }
        }
        return out.sorted()
    }

    static func scan(_ ac: AhoCorasick, _ text: [UInt8]) -> [String] {
        var out: [String] = []
        text.withUnsafeBufferPointer { buf in ac.scan(buf) { k, end in out.append("\(k)@\(end)") } }
        return out.sorted()
    }

    @Test(arguments: [0, 1, 2, 3, 4, 5, 6, 7])
    func denseAndSparseFindExactlyWhatANaiveSearchFinds(seed: Int) {
        var rng = SplitMix64(state: UInt64(seed) + 1)
        let alphabet = Array("abcab ".utf8)
        var patterns: [[UInt8]] = []
        var seen = Set<[UInt8]>()
        while patterns.count < 40 {
            let p = (0..<(1 + rng.below(5))).map { _ in alphabet[rng.below(alphabet.count)] }
            if seen.insert(p).inserted { patterns.append(p) }
        }
        let text = (0..<300).map { _ in alphabet[rng.below(alphabet.count)] } + Array("zz".utf8)
        let expected = Self.naive(patterns, text)
        let dense = AhoCorasick(patterns: patterns)
        let sparse = AhoCorasick(patterns: patterns, denseLimit: 0)
        #expect(dense.isDense)
        #expect(!sparse.isDense)
        #expect(Self.scan(dense, text) == expected)
        #expect(Self.scan(sparse, text) == expected)
    }

    /// Past 32,767 states the dense table's entries take four bytes instead of two: the same
    /// occurrences as the sparse layout, over texts walked once, twice and four times.
    @Test func manyStatesUseTheWideDenseTable() {
        var rng = SplitMix64(state: 21)
        let letters = Array("bcdfgklmnprstvzaeiou ".utf8)
        let patterns = (0..<8_000).map { _ in (0..<(6 + rng.below(8))).map { _ in letters[rng.below(letters.count)] } }
        let dense = AhoCorasick(patterns: patterns)
        let sparse = AhoCorasick(patterns: patterns, denseLimit: 0)
        #expect(dense.isDense && dense.stateCount >= 0x8000 && dense.table16.isEmpty && !dense.table32.isEmpty, "\(dense.stateCount) states")
        for length in [40, 100, 300, 2_000] {
            var text = (0..<length).map { _ in letters[rng.below(letters.count)] }
            text.replaceSubrange(10..<10, with: patterns[17])
            #expect(Self.scan(dense, text) == Self.scan(sparse, text), "text of \(length) bytes")
            #expect(Self.scan(dense, text).contains("17@\(10 + patterns[17].count)"))
        }
    }

    @Test func aHundredThousandTermsUseTheSparseLayoutWhenTheTableWouldBeTooBig() {
        var rng = SplitMix64(state: 9)
        let letters = Array("bcdfgklmnprstvzaeiou".utf8)
        let patterns = (0..<100_000).map { _ in (0..<8).map { _ in letters[rng.below(letters.count)] } }
        let ac = AhoCorasick(patterns: patterns, denseLimit: 1 << 20)
        #expect(!ac.isDense)
        let text = Array("xx ".utf8) + patterns[4242] + Array(" yy".utf8)
        #expect(Self.scan(ac, text).contains("4242@\(3 + 8)"))
    }

    /// Reports come in text order — by end, and at one end longest first — whatever the
    /// lengths of text and patterns, including texts the dense scan walks as two interleaved
    /// halves (64 bytes to 8 KiB), longer ones walked once, and patterns long enough to make the
    /// halves overlap.
    @Test(arguments: [10, 11, 12, 13])
    func reportsComeInTextOrder(seed: Int) {
        var rng = SplitMix64(state: UInt64(seed))
        let alphabet = Array("ab c".utf8)
        var patterns: [[UInt8]] = []
        var seen = Set<[UInt8]>()
        while patterns.count < 60 {
            let p = (0..<(1 + rng.below(seed == 13 ? 120 : 12))).map { _ in alphabet[rng.below(alphabet.count)] }
            if seen.insert(p).inserted { patterns.append(p) }
        }
        let ac = AhoCorasick(patterns: patterns)
        for length in [0, 1, 63, 64, 65, 100, 257, 600, 8192, 8193, 9000] {
            let text = (0..<length).map { _ in alphabet[rng.below(alphabet.count)] }
            var expected: [String] = []
            for end in stride(from: 1, through: text.count, by: 1) {
                let here = patterns.indices.filter { k in patterns[k].count <= end && Array(text[(end - patterns[k].count)..<end]) == patterns[k] }
                for k in here.sorted(by: { patterns[$0].count > patterns[$1].count }) { expected.append("\(k)@\(end)") }
            }
            var got: [String] = []
            text.withUnsafeBufferPointer { buf in ac.scan(buf) { k, end in got.append("\(k)@\(end)") } }
            #expect(got == expected, "text of \(length) bytes")
        }
    }
}
