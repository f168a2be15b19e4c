import VigieCore
import VigieEngine

/// The words that come up most in the comments of each tag — the report's "top terms".
///
/// Decision lines do not say which terms matched, so the report derives them from the comments
/// file: each tagged comment's text is cut into words (lower-cased, links, numbers, words of
/// fewer than three letters and common French, English and Spanish words left out), and each
/// word is counted once per comment for each of the comment's tags. A tag's counter keeps at most
/// ``capacity`` words: past that the rarest are dropped, so on very large inputs the counts of
/// the top words are lower bounds.
package struct TagTerms {
    package static let capacity = 4096
    package var counters: [ByteTable] = []
    private var words: [Range<Int>] = []
    private var lowered: [UInt8] = []

    /// Counts the words of `text` for the tags with these indexes.
    package mutating func add(text: ArraySlice<UInt8>, tags: ArraySlice<Int>) {
        guard !tags.isEmpty else { return }
        tokenize(text)
        guard !words.isEmpty else { return }
        for t in tags {
            while counters.count <= t { counters.append(ByteTable()) }
            for w in words { counters[t].add(lowered[w]) }
            if counters[t].count > 2 * Self.capacity { counters[t].prune(keep: Self.capacity) }
        }
    }

    /// The top words of tag `t` (words of a single comment left out: they say nothing yet).
    package func top(_ t: Int, _ n: Int) -> [(String, Int)] {
        t < counters.count ? counters[t].top(n).filter { $0.1 >= 2 } : []
    }

    /// Cuts `text` into distinct lower-cased words (at most 64), in `lowered` at `words`.
    private mutating func tokenize(_ text: ArraySlice<UInt8>) {
        words.removeAll(keepingCapacity: true)
        lowered.removeAll(keepingCapacity: true)
        var i = text.startIndex
        let end = text.endIndex
        while i < end, words.count < 64 {
            // Skip separators.
            let n = Self.letterLength(text, i)
            if n == 0 {
                i += Self.sequenceLength(text[i])
                continue
            }
            // Links: skip to the next space.
            if Self.startsLink(text, i) {
                while i < end, text[i] != 0x20, text[i] != 0x0A, text[i] != 0x09 { i += 1 }
                continue
            }
            let start = lowered.count
            var letters = 0
            var digitsOnly = true
            while i < end {
                let n = Self.letterLength(text, i)
                if n == 0 { break }
                let c = text[i]
                if n == 1 {
                    if !(c >= 0x30 && c <= 0x39) { digitsOnly = false }
                    lowered.append(c >= 0x41 && c <= 0x5A ? c | 0x20 : c)
                } else {
                    digitsOnly = false
                    lowered.append(c)
                    var second = text[i + 1]
                    // Latin-1 capitals À..Þ (except ×) lower-case by +0x20 on the second byte.
                    if n == 2, c == 0xC3, second >= 0x80, second <= 0x9E, second != 0x97 { second += 0x20 }
                    lowered.append(second)
                    if n > 2 { lowered.append(contentsOf: text[(i + 2)..<(i + n)]) }
                }
                letters += 1
                i += n
            }
            let r = start..<lowered.count
            if letters < 3 || digitsOnly || Self.isStopWord(lowered[r]) || words.contains(where: { lowered[$0] == lowered[r] }) {
                lowered.removeSubrange(r)
            } else {
                words.append(r)
            }
        }
    }

    /// The byte length of a sequence starting with `c` (1 for ASCII and stray bytes).
    package static func sequenceLength(_ c: UInt8) -> Int {
        if c < 0xC0 { return 1 }
        if c < 0xE0 { return 2 }
        if c < 0xF0 { return 3 }
        return 4
    }

    /// The length of the letter at `i` (ASCII letter or digit, or a non-ASCII letter), or 0 for a
    /// separator: ASCII punctuation and spaces, Latin-1 punctuation (`«`, `¿`, no-break space),
    /// general punctuation and symbols (`’`, `…`, `❤`), emoji and variation selectors.
    package static func letterLength(_ s: ArraySlice<UInt8>, _ i: Int) -> Int {
        let c = s[i]
        if c < 0x80 {
            let isLetter = (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A)
            return isLetter ? 1 : 0
        }
        let n = sequenceLength(c)
        guard i + n <= s.endIndex, n > 1 else { return 0 }
        for k in 1..<n where s[i + k] & 0xC0 != 0x80 { return 0 }
        switch n {
        case 2: return c == 0xC2 || (c == 0xC3 && (s[i + 1] == 0x97 || s[i + 1] == 0xB7)) ? 0 : 2
        case 3: return c == 0xE2 || c == 0xE3 && s[i + 1] == 0x80 || c == 0xEF ? 0 : 3
        default: return 0
        }
    }

    package static func startsLink(_ s: ArraySlice<UInt8>, _ i: Int) -> Bool {
        func has(_ p: String) -> Bool {
            let u = Array(p.utf8)
            guard i + u.count <= s.endIndex else { return false }
            for k in 0..<u.count where s[i + k] | 0x20 != u[k] { return false }
            return true
        }
        return has("http://") || has("https://") || has("www.")
    }

    package static func isStopWord(_ w: ArraySlice<UInt8>) -> Bool {
        stopWords.find(w) != nil
    }

    /// Frequent French, English and Spanish words that say nothing about a topic.
    package static let stopWords: ByteTable = {
        var t = ByteTable()
        for w in stopWordList { t.add(w.utf8) }
        return t
    }()

    package static let stopWordList: [Substring] =
        ("""
        les des une est pas que qui pour par sur avec dans mais vous nous ils elle elles leur leurs ces cette cet son sont \
        ses mes tes vos nos mon ton votre notre était été être avoir avez ont fait faire tout tous toute toutes très trop \
        plus moins bien aussi comme encore alors donc car puis quand quoi dont où ici rien non oui même autre après avant \
        depuis déjà sans sous chez entre vers lui moi toi eux aux quel quelle quels quelles suis êtes sera avait peut \
        vais veux peux dois faut ça cela ceci là bon juste fois chose avons aujourd hui \
        the and for are but not you your yours our ours they them their this that these those with from have has had was \
        were been being will would can could should just what when where which who whom why how all any some more most \
        very too also than then there here into out over about after before again only its it's i'm don't can't did \
        does doing get got him her his she hers we us me my mine too yet since still even like want one off way now \
        don didn doesn isn aren wasn won
        los las una unos unas por para con sin sobre entre pero que qué del al como cómo muy más menos también todo todos \
        toda todas este esta estos estas ese esa eso esto ellos ellas nosotros vosotros usted ustedes mis tus sus nuestro \
        nuestra está están estoy estaba hay han ha he fue ser son era tiene tengo tienen hace hacer cuando donde dónde \
        porque aquí ahora ya aún todavía nada algo
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }))
}
