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

    /// Word → bit set of languages (bit i = `languages[i]`), as a cuckoo table: every word sits
    /// in one of its two slots, so a lookup reads both and never branches on what it finds
    /// (whether a word is a function word is unpredictable, and mispredicted branches cost more
    /// than the lookup). A word is its bytes packed into one integer (none is longer than 8).
    let keys: [UInt64]
    let values: [UInt8]
    let mask: Int
    let multipliers: (UInt64, UInt64)
    static let languages = ["fr", "en", "es"]

    /// Score deltas of a two-byte character, `(lead - 0xC2) << 6 | (second & 0x3F)`: French in
    /// the low four bits, Spanish in the high four.
    /// This detector's copy of ``accents`` (a shared array's reference count would be touched by
    /// every worker on every comment).
    let accentTable = LanguageDetector.accents.map { $0 }
    static let accents: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        func set(_ lead: UInt8, _ second: [UInt8], fr: UInt8 = 0, es: UInt8 = 0) {
            for b in second { t[Int(lead - 0xC2) << 6 | Int(b & 0x3F)] = fr | es << 4 }
        }
        set(0xC3, [0xB1, 0x91, 0xA1, 0xAD, 0xB3, 0xBA], es: 1)  // ñ Ñ á í ó ú
        set(0xC3, [0xA7, 0xA8, 0xAA, 0xA0, 0xA2, 0xAE, 0xB4, 0xBB, 0xB9], fr: 1)  // ç è ê à â î ô û ù
        set(0xC2, [0xBF, 0xA1], es: 2)  // ¿ ¡
        set(0xC5, [0x93], fr: 2)  // œ
        return t
    }()

    /// Creates the detector.
    public init() {
        var t: [UInt64: UInt8] = [:]
        for (i, lang) in LanguageDetector.languages.enumerated() {
            for w in LanguageDetector.words[lang] ?? [] { t[LanguageDetector.pack(Array(w.utf8)), default: 0] |= 1 << UInt8(i) }
        }
        let entries = t.sorted { $0.key < $1.key }
        var size = 256
        while size < entries.count * 4 { size *= 2 }
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        while true {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let m = (seed | 1, (seed >> 17 | 1) &* 0xC2B2_AE3D_27D4_EB4F | 1)
            if let (k, v) = LanguageDetector.build(entries, size: size, multipliers: m) {
                keys = k
                values = v
                mask = size - 1
                multipliers = m
                return
            }
        }
    }

    static func pack<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var a: UInt64 = 0
        for (i, c) in bytes.prefix(8).enumerated() { a |= UInt64(c) << (8 * UInt64(i)) }
        return a
    }

    @inline(__always) static func slots(_ key: UInt64, _ m: (UInt64, UInt64), _ mask: Int) -> (Int, Int) {
        (Int(truncatingIfNeeded: (key &* m.0) >> 40) & mask, Int(truncatingIfNeeded: (key &* m.1) >> 40) & mask)
    }

    /// Cuckoo insertion of every entry, or nil when some entry finds no place.
    static func build(_ entries: [(key: UInt64, value: UInt8)], size: Int, multipliers m: (UInt64, UInt64)) -> ([UInt64], [UInt8])? {
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

    /// The most likely language of `original` (raw text) given its normalized words, among `candidates`.
    public func detect(original: UnsafeBufferPointer<UInt8>, normalized: [UInt8], candidates: [String]) -> String {
        guard candidates.count > 1 else { return candidates.first ?? "und" }
        // Scores of fr, en, es: function words count 2, letters of one language 1 or 2.
        var score = (0, 0, 0)
        normalized.withUnsafeBufferPointer { text in
            keys.withUnsafeBufferPointer { keys in
                values.withUnsafeBufferPointer { values in
                    let n = text.count
                    let raw = UnsafeRawPointer(text.baseAddress)
                    let m = multipliers
                    let mask = self.mask
                    var i = 0
                    while i < n {
                        // The end of the word: the next space, found eight bytes at a time.
                        var e = i
                        var found = false
                        while e + 8 <= n {
                            let z = zeroBytes(raw!.loadUnaligned(fromByteOffset: e, as: UInt64.self) ^ 0x2020_2020_2020_2020)
                            if z != 0 {
                                e += z.trailingZeroBitCount >> 3
                                found = true
                                break
                            }
                            e += 8
                        }
                        if !found { while e < n, text[e] != 0x20 { e += 1 } }
                        let length = e - i
                        // Longer words match no key (every key is 8 bytes or less, and not 0).
                        var a: UInt64 = 0
                        if length <= 8 {
                            if i + 8 <= n {
                                a = raw!.loadUnaligned(fromByteOffset: i, as: UInt64.self) & (length == 8 ? ~0 : (1 &<< UInt64(length &* 8)) &- 1)
                            } else {
                                for k in 0..<length { a |= UInt64(text[i + k]) << (UInt64(k) &* 8) }
                            }
                        }
                        let (s1, s2) = LanguageDetector.slots(a, m, mask)
                        // Arithmetic, not comparisons: the compiler turns `==` into a branch.
                        let d1 = keys[s1] ^ a, d2 = keys[s2] ^ a
                        let hit1 = UInt8(truncatingIfNeeded: (d1 | (0 &- d1)) >> 63) ^ 1
                        let hit2 = UInt8(truncatingIfNeeded: (d2 | (0 &- d2)) >> 63) ^ 1
                        let langs = (values[s1] & (0 &- hit1)) | (values[s2] & (0 &- hit2))
                        score.0 &+= Int(langs & 1) &<< 1
                        score.1 &+= Int(langs & 2)
                        score.2 &+= Int(langs & 4) &>> 1
                        i = e + 1
                    }
                }
            }
        }
        // Letters specific to one language, looked up without branching; ASCII skipped eight
        // bytes at a time.
        accentTable.withUnsafeBufferPointer { table in
            let n = original.count
            let raw = UnsafeRawPointer(original.baseAddress)
            var j = 0
            while j + 1 < n {
                if j + 8 <= n {
                    let high = raw!.loadUnaligned(fromByteOffset: j, as: UInt64.self) & 0x8080_8080_8080_8080
                    if high == 0 {
                        j += 8
                        continue
                    }
                    j += high.trailingZeroBitCount >> 3
                    if j + 1 >= n { break }
                }
                let row = original[j] &- 0xC2
                let second = original[j + 1]
                let ok = (row < 4 ? 1 : 0) & (second & 0xC0 == 0x80 ? 1 : 0)
                let d = table[(Int(row & 3) << 6 | Int(second & 0x3F)) &* ok]
                score.0 &+= Int(d & 0xF)
                score.2 &+= Int(d &>> 4)
                j += 1
            }
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
