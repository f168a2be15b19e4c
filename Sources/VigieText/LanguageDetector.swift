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

    /// Word → bit set of languages (bit i = `languages[i]`), as a cuckoo table: every word sits
    /// in one of its two slots, so a lookup reads both and never branches on what it finds
    /// (whether a word is a function word is unpredictable, and mispredicted branches cost more
    /// than the lookup). A word is its bytes packed into one integer (none is longer than 8).
    /// Function words are ASCII, so the high bits of their first three bytes are free: they hold
    /// the word's languages, and one load gives both the key and its value.
    /// Built once, kept for the life of the process, read through raw pointers by every worker
    /// (a shared array's reference count would be touched on every comment).
    package struct Tables: @unchecked Sendable {
        package let entries: UnsafeMutablePointer<UInt64>
        package let mask: Int
        package let multipliers: (UInt64, UInt64)
        /// Score deltas of a two-byte character by scalar value minus 0x80 (U+0080–U+017F): French
        /// in the low four bits, Spanish in the high four.
        package let accents: UnsafeMutablePointer<UInt8>

        /// The languages of a word packed little-endian into `key` (0 for none).
        @inline(__always) package func languages(of key: UInt64) -> UInt8 {
            let (s1, s2) = LanguageDetector.slots(key, multipliers, mask)
            let e1 = entries[s1], e2 = entries[s2]
            // Arithmetic, not comparisons: the compiler turns `==` into a branch.
            let d1 = (e1 & ~Tables.languageBits) ^ key, d2 = (e2 & ~Tables.languageBits) ^ key
            let hit1 = ((d1 | (0 &- d1)) >> 63) ^ 1
            let hit2 = ((d2 | (0 &- d2)) >> 63) ^ 1
            let e = (e1 & (0 &- hit1)) | (e2 & (0 &- hit2))
            return UInt8(truncatingIfNeeded: (e >> 7) & 1 | (e >> 14) & 2 | (e >> 21) & 4)
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
        let entries = t.sorted { $0.key < $1.key }
        var size = 256
        while size < entries.count * 4 { size *= 2 }
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        while true {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let m = (seed | 1, (seed >> 17 | 1) &* 0xC2B2_AE3D_27D4_EB4F | 1)
            guard let (k, v) = build(entries, size: size, multipliers: m) else { continue }
            let table = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
            for i in 0..<size { table[i] = Tables.entry(k[i], v[i]) }
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
            return Tables(entries: table, mask: size - 1, multipliers: m, accents: accents)
        }
    }()

    package static func pack<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var a: UInt64 = 0
        for (i, c) in bytes.prefix(8).enumerated() { a |= UInt64(c) << (8 * UInt64(i)) }
        return a
    }

    @inline(__always) package static func slots(_ key: UInt64, _ m: (UInt64, UInt64), _ mask: Int) -> (Int, Int) {
        (Int(truncatingIfNeeded: (key &* m.0) >> 40) & mask, Int(truncatingIfNeeded: (key &* m.1) >> 40) & mask)
    }

    /// Cuckoo insertion of every entry, or nil when some entry finds no place.
    package static func build(_ entries: [(key: UInt64, value: UInt8)], size: Int, multipliers m: (UInt64, UInt64)) -> ([UInt64], [UInt8])? {
        var keys = [UInt64](repeating: 0, count: size)
        var values = [UInt8](repeating: 0, count: size)
        for e in entries {
            var key = e.key
            var value = e.value
            var slot = slots(key, m, size - 1).0
            var placed = false
            for _ in 0..<64 {
                if keys[slot] == 0 {
                    keys[slot] = key
                    values[slot] = value
                    placed = true
                    break
                }
                swap(&key, &keys[slot])
                swap(&value, &values[slot])
                let (a, b) = slots(key, m, size - 1)
                slot = slot == a ? b : a
            }
            if !placed { return nil }
        }
        return (keys, values)
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
