/// The context words of the three languages (`Data/ContextWords.swift`), parsed once.
public enum ContextWords {
    static func phrases(_ table: [String: String]) -> [[String]] {
        var out: [[String]] = []
        for (_, text) in table.sorted(by: { $0.key < $1.key }) {
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                if !words.isEmpty, !out.contains(words) { out.append(words) }
            }
        }
        return out
    }

    static func words(_ table: [String: String]) -> Set<String> {
        Set(table.values.flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) })
    }

    /// The built-in reporting frames.
    public static let frames = phrases(framesTable)
    static let negations = words(negationsTable)
    static let secondPerson = words(secondPersonTable)
    static let vocatives = phrases(vocativesTable)
    static let selfCues = phrases(selfTable)
}

/// Where each word of a text stands: its clause, whether it is quoted, and the cues around it
/// that `where quoted`, `where negated`, `where addressed` and `where self` ask about.
///
/// Built for one text when a qualified condition first needs it (never for a comment whose
/// qualified terms do not occur), from the normalized words and the original text between them:
/// punctuation that the normalizer drops (`, . ; : ! ?`, quotation marks, line breaks) is what
/// cuts clauses and opens quotes.
public struct TextContext {
    /// One word of the normalized text.
    public struct Word {
        /// Its range in the normalized bytes.
        public var start: Int, end: Int
        /// Its text.
        public var text: String
        /// Its clause (a run of words between clause breaks) and sentence.
        public var clause: Int, sentence: Int
        /// The quotation marks it sits inside, if any (`« »`).
        public var quote: String?
        /// Whether it is an `@mention` (an `@` just before it in the original).
        public var mention: Bool
    }

    /// The words, in order.
    public private(set) var words: [Word] = []
    /// A reporting frame that opens before each word in its clause (`si vous dites`), if any.
    private var frameBefore: [String?] = []

    /// Reads `normalized` (which must have its origins) against the `original` bytes it came
    /// from; `frames` are the reporting frames (the built-in ones and the rule set's).
    public init(original: [UInt8], normalized: NormalizedText, frames: [[String]] = ContextWords.frames) {
        let b = normalized.bytes
        // Quoted byte ranges of the original.
        let quotes = TextContext.quotedRanges(original)
        var i = 0
        var clause = 0
        var sentence = 0
        var previousEnd = 0  // original offset just past the previous word
        while i < b.count {
            while i < b.count, b[i] == 0x20 { i += 1 }
            guard i < b.count else { break }
            let s = i
            while i < b.count, b[i] != 0x20 { i += 1 }
            let o = normalized.hasOrigins && s < normalized.origin.count ? Int(normalized.origin[s]) : 0
            let oEnd = normalized.hasOrigins && i - 1 < normalized.originEnd.count ? Int(normalized.originEnd[i - 1]) : o
            let text = String(decoding: b[s..<i], as: UTF8.self)
            if !words.isEmpty {
                var cut = false
                var full = false
                if o > previousEnd, o <= original.count {
                    for c in original[previousEnd..<o] {
                        switch c {
                        case UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), 0x0A: full = true
                        case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "("), UInt8(ascii: ")"): cut = true
                        default: break
                        }
                    }
                }
                if full { sentence += 1 }
                if full || cut || ContextWords.clauseWords.contains(text) { clause += 1 }
            }
            let quote = quotes.first { $0.range.contains(o) }?.marks
            let mention = o > 0 && o <= original.count && original[o - 1] == UInt8(ascii: "@")
            words.append(Word(start: s, end: i, text: text, clause: clause, sentence: sentence, quote: quote, mention: mention))
            previousEnd = max(previousEnd, oEnd)
        }
        // Frames: from the word after a frame to the end of its clause.
        frameBefore = [String?](repeating: nil, count: words.count)
        var byFirst: [String: [[String]]] = [:]
        for f in frames { if let first = f.first { byFirst[first, default: []].append(f) } }
        for w in words.indices {
            guard let candidates = byFirst[words[w].text] else { continue }
            for f in candidates where w + f.count <= words.count {
                guard (0..<f.count).allSatisfy({ words[w + $0].text == f[$0] && words[w + $0].clause == words[w].clause }) else { continue }
                var k = w + f.count
                while k < words.count, words[k].clause == words[w].clause {
                    if frameBefore[k] == nil { frameBefore[k] = f.joined(separator: " ") }
                    k += 1
                }
            }
        }
    }

    /// The index of the word that holds normalized offset `offset`.
    public func word(at offset: Int) -> Int {
        var lo = 0
        var hi = words.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if words[mid].start <= offset { lo = mid } else { hi = mid - 1 }
        }
        return max(0, lo)
    }

    /// The words of the normalized range `r`.
    public func words(of r: Range<Int>) -> ClosedRange<Int> {
        let a = word(at: r.lowerBound)
        return a...max(a, word(at: max(r.lowerBound, r.upperBound - 1)))
    }

    /// Why the occurrence at normalized range `r` is quoted or reported (`inside « »`, `after
    /// "si vous dites"`), or nil.
    public func quoted(_ r: Range<Int>) -> String? {
        guard !words.isEmpty else { return nil }
        let w = words(of: r)
        if let q = words[w.lowerBound].quote { return "inside \(q)" }
        if let f = frameBefore[w.lowerBound] { return "after \"\(f)\"" }
        return nil
    }

    /// The cue that negates the occurrence at `r` (`ne`, `not`, `pas` after it), or nil: a
    /// negation at most four words before it in its clause, or in French `pas`, `jamais`, `plus`,
    /// `rien`, `personne` at most two words after it (`plus`, `rien`, `personne` only with `ne`
    /// or `n` before them in the clause); in English `n't` (`don t`) counts as `not`.
    public func negation(_ r: Range<Int>) -> String? {
        guard !words.isEmpty else { return nil }
        let w = words(of: r)
        let clause = words[w.lowerBound].clause
        func hasNe(before k: Int) -> Bool {
            var j = k - 1
            while j >= 0, words[j].clause == clause {
                if words[j].text == "ne" || words[j].text == "n" { return true }
                j -= 1
            }
            return false
        }
        var j = w.lowerBound - 1
        while j >= 0, w.lowerBound - j <= 4, words[j].clause == clause {
            let t = words[j].text
            if ContextWords.negations.contains(t) { return t }
            if ContextWords.frenchNeedsNe.contains(t), hasNe(before: j) { return "ne … \(t)" }
            if t == "t", j > 0, words[j - 1].clause == clause, words[j - 1].text.hasSuffix("n") { return "\(words[j - 1].text)'t" }
            j -= 1
        }
        j = w.upperBound + 1
        while j < words.count, j - w.upperBound <= 2, words[j].clause == clause {
            let t = words[j].text
            if ContextWords.frenchAfter.contains(t), !ContextWords.frenchNeedsNe.contains(t) || hasNe(before: w.lowerBound) || t == "personne" || t == "rien" {
                return t
            }
            j += 1
        }
        return nil
    }

    /// The cue that aims the occurrence at `r` at the reader or a person (`tu`, `you`, `espece de`,
    /// an `@mention`), or nil: a second-person word within six words in its clause, or a vocative
    /// just before it.
    public func addressee(_ r: Range<Int>, original: [UInt8] = []) -> String? {
        guard !words.isEmpty else { return nil }
        let w = words(of: r)
        let clause = words[w.lowerBound].clause
        func cue(_ k: Int) -> String? {
            if words[k].mention { return "@" + words[k].text }
            return ContextWords.secondPerson.contains(words[k].text) ? words[k].text : nil
        }
        var j = w.lowerBound - 1
        while j >= 0, w.lowerBound - j <= 6, words[j].clause == clause {
            if let c = cue(j) { return c }
            j -= 1
        }
        j = w.upperBound + 1
        while j < words.count, j - w.upperBound <= 6, words[j].clause == clause {
            if let c = cue(j) { return c }
            j += 1
        }
        for v in ContextWords.vocatives where phrase(v, endingBefore: w.lowerBound, within: 1) { return v.joined(separator: " ") }
        return nil
    }

    /// The cue that turns the occurrence at `r` on the writer (`je suis`, `I'm`, `soy`), or nil:
    /// such a cue at most six words before it in its clause, and no second-person word in the
    /// clause (`je vais te …` is aimed at someone).
    public func selfDirected(_ r: Range<Int>) -> String? {
        guard !words.isEmpty else { return nil }
        let w = words(of: r)
        let clause = words[w.lowerBound].clause
        if words.contains(where: { $0.clause == clause && ContextWords.secondPerson.contains($0.text) }) { return nil }
        for c in ContextWords.selfCues where phrase(c, endingBefore: w.lowerBound, within: 6) { return c.joined(separator: " ") }
        return nil
    }

    /// Whether `phrase` ends at most `within` words before word `k`, in its clause.
    func phrase(_ phrase: [String], endingBefore k: Int, within: Int) -> Bool {
        guard k < words.count else { return false }
        let clause = words[k].clause
        var end = k - 1
        while end >= 0, k - 1 - end < within, words[end].clause == clause {
            let s = end - phrase.count + 1
            if s >= 0, (0..<phrase.count).allSatisfy({ words[s + $0].text == phrase[$0] && words[s + $0].clause == clause }) { return true }
            end -= 1
        }
        return false
    }

    /// The byte ranges of `text` inside quotation marks, with the marks: `« »`, `“ ”`, `„ “`,
    /// `‹ ›`, `" "`, and `‘ ’` or `' '` when they stand outside words (an apostrophe inside
    /// `l'arabe` is not a quote). A mark never closed quotes to the end of its sentence.
    public static func quotedRanges(_ text: [UInt8]) -> [(range: Range<Int>, marks: String)] {
        var out: [(Range<Int>, String)] = []
        var open: (at: Int, close: [UInt8], marks: String)?
        func isLetter(_ i: Int) -> Bool {
            guard i >= 0, i < text.count else { return false }
            let c = text[i]
            return (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c >= 0x80
        }
        let pairs: [([UInt8], [UInt8], String)] = [
            ([0xC2, 0xAB], [0xC2, 0xBB], "« »"), ([0xE2, 0x80, 0x9C], [0xE2, 0x80, 0x9D], "“ ”"), ([0xE2, 0x80, 0x9E], [0xE2, 0x80, 0x9C], "„ “"),
            ([0xE2, 0x80, 0xB9], [0xE2, 0x80, 0xBA], "‹ ›"), ([0x22], [0x22], "\" \""), ([0xE2, 0x80, 0x98], [0xE2, 0x80, 0x99], "‘ ’"), ([0x27], [0x27], "' '"),
        ]
        func at(_ i: Int, _ m: [UInt8]) -> Bool {
            guard i + m.count <= text.count else { return false }
            for k in m.indices where text[i + k] != m[k] { return false }
            return true
        }
        var i = 0
        while i < text.count {
            // Every mark starts with one of these bytes; the rest of the text is skipped at once.
            let c = text[i]
            if c != 0x22, c != 0x27, c != 0xC2, c != 0xE2, c != 0x0A, c != UInt8(ascii: "."), c != UInt8(ascii: "!"), c != UInt8(ascii: "?") {
                i += 1
                continue
            }
            if let o = open {
                let single = o.close == [0x27] || o.close == [0xE2, 0x80, 0x99]
                if at(i, o.close), !single || (!isLetter(i + o.close.count) && i > o.at) {
                    out.append((o.at..<i, o.marks))
                    open = nil
                    i += o.close.count
                    continue
                }
                if text[i] == 0x0A || ((text[i] == UInt8(ascii: ".") || text[i] == UInt8(ascii: "!") || text[i] == UInt8(ascii: "?")) && o.close.count == 1 && single) {
                    out.append((o.at..<i, o.marks))
                    open = nil
                }
                i += 1
                continue
            }
            var matched = false
            for (opening, closing, marks) in pairs where at(i, opening) {
                let single = opening == [0x27] || opening == [0xE2, 0x80, 0x98]
                // A single quote opens only outside a word and before one (`'idiot'`, not `l'arabe`).
                if single, isLetter(i - 1) || !isLetter(i + opening.count) { continue }
                open = (i + opening.count, closing, marks)
                i += opening.count
                matched = true
                break
            }
            if !matched { i += 1 }
        }
        if let o = open { out.append((o.at..<text.count, o.marks)) }
        return out
    }
}
