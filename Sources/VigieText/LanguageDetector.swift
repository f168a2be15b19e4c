import VigieCore

/// The evidence for each language found in a text: function words count 2, letters only one
/// language uses 1 (`¿ ¡ œ` 2). The normalizer gathers it while it writes the words
/// (``Normalizer/normalize(buffer:into:origins:languages:)``): no second pass over the text.
public struct LanguageScore: Equatable, Sendable {
    /// French, English and Spanish scores.
    public var fr = 0, en = 0, es = 0
    /// No evidence yet.
    public init() {}

    /// Adds (`sign` 1) or takes back (-1) one word's languages (bit i = ``LanguageDetector``'s
    /// `languages[i]`): a function word counts 2.
    @inline(__always) package mutating func add(_ langs: UInt8, _ sign: Int) {
        fr &+= sign &* (Int(langs & 1) &<< 1)
        en &+= sign &* Int(langs & 2)
        es &+= sign &* (Int(langs & 4) &>> 1)
    }
}

/// A small language identifier for French, English and Spanish, by function words and letters.
///
/// It scores the normalized words of a comment against short lists of very frequent words of
/// each language, plus letters that only one language uses (`ñ`, `¿`, `ç`, `œ`). Ties and
/// texts with no evidence fall back to the first language the rule set declares.
public enum LanguageDetector {
    /// Languages the detector knows.
    public static let known: Set<String> = ["fr", "en", "es"]

    package static let words: [String: [String]] = [
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

    package static let languages = ["fr", "en", "es"]

    /// Word → bit set of languages (bit i = `languages[i]`), as a perfect hash: one multiplier,
    /// searched for when the table is built, sends every function word to a slot of its own, so
    /// a lookup is one multiply, one load and one compare, and never branches on what it finds
    /// (whether a word is a function word is unpredictable, and mispredicted branches cost more
    /// than the lookup). A word is its bytes packed into one integer (none is longer than 8).
    /// Function words are ASCII, so the high bits of their first three bytes are free: they hold
    /// the word's languages, and one load gives both the key and its value.
    /// Built once, kept for the life of the process, read through raw pointers by every worker
    /// (a shared array's reference count would be touched on every comment).
    package struct Tables: @unchecked Sendable {
        package let entries: UnsafeMutablePointer<UInt64>
        package let multiplier: UInt64
        package let shift: UInt64
        /// Score deltas of a two-byte character by scalar value minus 0x80 (U+0080–U+017F): French
        /// in the low four bits, Spanish in the high four.
        package let accents: UnsafeMutablePointer<UInt8>

        /// The languages of a word packed little-endian into `key` (0 for none).
        @inline(__always) package func languages(of key: UInt64) -> UInt8 {
            let e = entries[LanguageDetector.slot(key, multiplier, shift)]
            // Arithmetic, not a comparison: the compiler turns `==` into a branch.
            let d = (e & ~Tables.languageBits) ^ key
            let hit = ((d | (0 &- d)) >> 63) ^ 1
            let found = e & (0 &- hit)
            return UInt8(truncatingIfNeeded: (found >> 7) & 1 | (found >> 14) & 2 | (found >> 21) & 4)
        }

        /// Where an entry keeps its languages: the high bits of its first three bytes.
        package static let languageBits: UInt64 = 0x80_8080

        /// An entry: the word's key with its languages (bit i = `languages[i]`) in ``languageBits``.
        package static func entry(_ key: UInt64, _ languages: UInt8) -> UInt64 {
            precondition(key & 0x8080_8080_8080_8080 == 0, "function words are ASCII")
            return key | UInt64(languages & 1) << 7 | UInt64(languages & 2) << 14 | UInt64(languages & 4) << 21
        }
    }

    package static let tables: Tables = {
        var t: [UInt64: UInt8] = [:]
        for (i, lang) in languages.enumerated() {
            for w in words[lang] ?? [] { t[pack(Array(w.utf8)), default: 0] |= 1 << UInt8(i) }
        }
        let keys = t.keys.sorted()
        let (multiplier, bits) = perfectHash(keys)
        let size = 1 << bits
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
        table.initialize(repeating: 0, count: size)
        let shift = UInt64(64 - bits)
        for k in keys { table[slot(k, multiplier, shift)] = Tables.entry(k, t[k]!) }
        var a = [UInt8](repeating: 0, count: 0x100)
        func set(_ scalars: String, fr: UInt8 = 0, es: UInt8 = 0) {
            for s in scalars.unicodeScalars { a[Int(s.value) - 0x80] = fr | es << 4 }
        }
        set("ñÑáíóú", es: 1)
        set("çèêàâîôûù", fr: 1)
        set("¿¡", es: 2)
        set("œ", fr: 2)
        let accents = UnsafeMutablePointer<UInt8>.allocate(capacity: a.count)
        accents.initialize(from: a, count: a.count)
        return Tables(entries: table, multiplier: multiplier, shift: shift, accents: accents)
    }()

    package static func pack<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var a: UInt64 = 0
        for (i, c) in bytes.prefix(8).enumerated() { a |= UInt64(c) << (8 * UInt64(i)) }
        return a
    }

    /// The slot of `key`: the top bits of its product with the multiplier.
    @inline(__always) package static func slot(_ key: UInt64, _ multiplier: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* multiplier) >> shift)
    }

    /// A multiplier that gives each of `keys` a slot of its own among `1 << bits`, for the
    /// smallest table (from eight slots per key) where a fixed sequence of candidates finds one.
    /// The same keys always give the same table.
    package static func perfectHash(_ keys: [UInt64]) -> (multiplier: UInt64, bits: Int) {
        var bits = 1
        while 1 << bits < keys.count * 8 { bits += 1 }
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        while true {
            let shift = UInt64(64 - bits)
            // The try that last took each slot: nothing to clear between tries.
            var takenBy = [Int](repeating: -1, count: 1 << bits)
            for attempt in 0..<100_000 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let m = seed | 1
                var ok = true
                for k in keys {
                    let s = slot(k, m, shift)
                    if takenBy[s] == attempt {
                        ok = false
                        break
                    }
                    takenBy[s] = attempt
                }
                if ok { return (m, bits) }
            }
            bits += 1
        }
    }

    /// The candidate with the best score; the first one on a tie.
    public static func choose(_ score: LanguageScore, candidates: [String]) -> String {
        guard !candidates.isEmpty else { return "und" }
        return candidates[best(score, slots: slots(of: candidates))]
    }

    /// Each candidate's place in ``LanguageScore`` (0 French, 1 English, 2 Spanish, -1 other).
    package static func slots(of candidates: [String]) -> [Int] {
        candidates.map { languages.firstIndex(of: $0) ?? -1 }
    }

    /// The index of the candidate (given by its ``slots(of:)``) with the best score; the first
    /// one on a tie. Compares no string: the engine calls it on every comment.
    package static func best(_ score: LanguageScore, slots: [Int]) -> Int {
        var best = 0
        var bestScore = Int.min
        slots.withUnsafeBufferPointer { slots in
            for i in 0..<slots.count {
                let s = slots[i] == 0 ? score.fr : slots[i] == 1 ? score.en : slots[i] == 2 ? score.es : 0
                if s > bestScore {
                    best = i
                    bestScore = s
                }
            }
        }
        return best
    }
}
