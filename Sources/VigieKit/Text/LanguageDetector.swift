/// A small language identifier for French, English and Spanish, by function words and letters.
///
/// It scores the normalized words of a comment against short lists of very frequent words of
/// each language, plus letters that only one language uses (`ñ`, `¿`, `ç`, `œ`). Ties and
/// texts with no evidence fall back to the first language the rule set declares.
public struct LanguageDetector: Sendable {
    /// Languages the detector knows.
    public static let known: Set<String> = ["fr", "en", "es"]

    static let words: [String: [String]] = [
        "fr": ["le", "la", "les", "des", "de", "du", "un", "une", "et", "est", "je", "tu", "il", "elle", "nous", "vous", "ils", "pas", "ne", "que", "qui",
               "pour", "avec", "sur", "dans", "mais", "ou", "donc", "ce", "cette", "mon", "ma", "mes", "ton", "ta", "votre", "vos", "au", "aux", "en", "te",
               "me", "se", "j", "l", "d", "n", "qu", "c", "s", "t", "m", "suis", "ai", "a", "sont", "tres", "merci", "bonjour", "toujours", "rien", "plus",
               "ca", "moi", "toi", "commande", "colis", "recu", "jamais", "aussi", "bien", "fait", "faire", "etre", "avoir", "chez", "depuis", "quand"],
        "en": ["the", "and", "is", "are", "was", "were", "you", "i", "my", "your", "to", "of", "it", "this", "that", "not", "for", "with", "have", "has",
               "be", "on", "at", "just", "what", "why", "still", "thanks", "please", "me", "we", "they", "don", "t", "s", "can", "will", "do", "so", "get",
               "got", "an", "a", "in", "from", "but", "or", "if", "love", "order", "been", "would", "there", "their", "about", "no", "how", "all", "out"],
        "es": ["el", "la", "los", "las", "del", "de", "y", "en", "es", "son", "fue", "que", "no", "por", "con", "para", "una", "un", "uno", "mi", "tu",
               "su", "sus", "lo", "al", "le", "les", "me", "te", "se", "nos", "muy", "pero", "porque", "como", "esta", "este", "estoy", "tengo", "hay", "ya",
               "todo", "nada", "gracias", "hola", "soy", "mas", "pedido", "todavia", "nunca", "donde", "llego", "hace", "a", "o", "si", "cuando", "tambien"],
    ]

    /// A word of up to 16 bytes packed into two integers: hashing it allocates nothing.
    struct Key: Hashable {
        var a: UInt64 = 0
        var b: UInt64 = 0

        init() {}

        init?<C: Collection>(_ bytes: C) where C.Element == UInt8 {
            guard bytes.count <= 16 else { return nil }
            for (i, c) in bytes.enumerated() {
                if i < 8 { a |= UInt64(c) << (8 * UInt64(i)) } else { b |= UInt64(c) << (8 * UInt64(i - 8)) }
            }
        }
    }

    /// Word → bit set of languages (bit i = `languages[i]`), as an open-addressing table:
    /// looking a word up hashes two integers and allocates nothing.
    let slots: [(Key, UInt8)]
    let mask: Int
    static let languages = ["fr", "en", "es"]

    /// Creates the detector.
    public init() {
        var t: [Key: UInt8] = [:]
        for (i, lang) in LanguageDetector.languages.enumerated() {
            for w in LanguageDetector.words[lang] ?? [] { t[Key(Array(w.utf8))!, default: 0] |= 1 << UInt8(i) }
        }
        var size = 64
        while size < t.count * 4 { size *= 2 }
        var slots = [(Key, UInt8)](repeating: (Key(), 0), count: size)
        for (k, v) in t {
            var i = LanguageDetector.slot(k, size - 1)
            while slots[i].1 != 0 { i = (i + 1) & (size - 1) }
            slots[i] = (k, v)
        }
        self.slots = slots
        self.mask = size - 1
    }

    @inline(__always) static func slot(_ k: Key, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: ((k.a &* 0x9E37_79B9_7F4A_7C15) ^ (k.b &* 0xC2B2_AE3D_27D4_EB4F)) >> 40) & mask
    }

    @inline(__always) func languages(of k: Key) -> UInt8 {
        var i = LanguageDetector.slot(k, mask)
        while true {
            let (key, v) = slots[i]
            if v == 0 { return 0 }
            if key == k { return v }
            i = (i + 1) & mask
        }
    }

    /// The most likely language of `original` (raw text) given its normalized words, among `candidates`.
    public func detect(original: UnsafeBufferPointer<UInt8>, normalized: [UInt8], candidates: [String]) -> String {
        guard candidates.count > 1 else { return candidates.first ?? "und" }
        // Scores of fr, en, es: function words count 2, letters of one language 1 or 2.
        var score = (0, 0, 0)
        normalized.withUnsafeBufferPointer { text in
            slots.withUnsafeBufferPointer { table in
                // Each word packed into one integer while scanning (no function word is longer
                // than 8 bytes, so longer words are skipped): no copies, no allocation.
                let n = text.count
                var i = 0
                while i < n {
                    var a: UInt64 = 0
                    var length = 0
                    while i < n {
                        let c = text[i]
                        if c == 0x20 { break }
                        if length < 8 { a |= UInt64(c) << (UInt64(length) &* 8) }
                        length &+= 1
                        i &+= 1
                    }
                    i &+= 1
                    guard length > 0, length <= 8 else { continue }
                    var key = Key()
                    key.a = a
                    var k = LanguageDetector.slot(key, mask)
                    while table[k].1 != 0, table[k].0 != key { k = (k + 1) & mask }
                    let langs = table[k].1
                    if langs & 1 != 0 { score.0 += 2 }
                    if langs & 2 != 0 { score.1 += 2 }
                    if langs & 4 != 0 { score.2 += 2 }
                }
            }
        }
        // Letters specific to one language.
        var j = 0
        while j + 1 < original.count {
            let a = original[j]
            if a < 0xC2 {
                j += 1
                continue
            }
            if a == 0xC3 {
                switch original[j + 1] {
                case 0xB1, 0x91, 0xA1, 0xAD, 0xB3, 0xBA: score.2 += 1  // ñ Ñ á í ó ú
                case 0xA7, 0xA8, 0xAA, 0xA0, 0xA2, 0xAE, 0xB4, 0xBB, 0xB9: score.0 += 1  // ç è ê à â î ô û ù
                default: break
                }
            } else if a == 0xC2, original[j + 1] == 0xBF || original[j + 1] == 0xA1 {
                score.2 += 2  // ¿ ¡
            } else if a == 0xC5, original[j + 1] == 0x93 {
                score.0 += 2  // œ
            }
            j += 1
        }
        func scoreOf(_ lang: String) -> Int {
            switch lang {
            case "fr": return score.0
            case "en": return score.1
            case "es": return score.2
            default: return 0
            }
        }
        var best = candidates[0]
        var bestScore = scoreOf(best)
        for c in candidates.dropFirst() {
            let s = scoreOf(c)
            if s > bestScore {
                best = c
                bestScore = s
            }
        }
        return best
    }
}
