/// A small language identifier for French, English and Spanish, by function words and letters.
///
/// It scores the normalized words of a comment against short lists of very frequent words of
/// each language, plus letters that only one language uses (`ñ`, `¿`, `ç`, `œ`). Ties and
/// texts with no evidence fall back to the first language the rule set declares.
public struct LanguageDetector: Sendable {
    /// Languages the detector knows.
    public static let known: Set<String> = ["fr", "en", "es"]

    static let words: [String: [String]] = [
        "fr": ["le", "la", "les", "des", "de", "est", "et", "je", "tu", "t", "moi", "toi", "pas", "une", "un", "du", "que", "qui", "vous", "nous", "pour", "avec", "sur", "mais", "tres", "ce", "cette", "mon", "ma", "mes", "votre", "toujours", "rien", "merci", "bonjour", "suis", "ai", "au", "aux", "il", "elle", "on", "ne", "plus", "dans", "c", "j", "l", "d", "n", "qu", "ca", "commande", "colis"],
        "en": ["the", "and", "is", "are", "you", "i", "my", "your", "to", "of", "it", "this", "that", "not", "for", "with", "was", "have", "has", "be", "on", "at", "just", "what", "why", "still", "order", "thanks", "please", "me", "we", "they", "don", "t", "s", "can", "will", "do", "no", "so", "get", "got"],
        "es": ["el", "los", "las", "es", "y", "de", "que", "no", "por", "con", "una", "un", "mi", "su", "para", "pero", "muy", "todavia", "nada", "gracias", "hola", "estoy", "soy", "del", "al", "lo", "se", "como", "mas", "pedido", "ya", "esta", "este", "sus", "tengo", "hace", "nunca", "porque", "donde"],
    ]

    let table: [String: [String: Int]]

    /// Creates the detector.
    public init() {
        var t: [String: [String: Int]] = [:]
        for (lang, ws) in LanguageDetector.words { for w in ws { t[w, default: [:]][lang] = 1 } }
        table = t
    }

    /// The most likely language of `original` (raw text) given its normalized words, among `candidates`.
    public func detect(original: UnsafeBufferPointer<UInt8>, normalized: [UInt8], candidates: [String]) -> String {
        guard candidates.count > 1 else { return candidates.first ?? "und" }
        var score: [String: Int] = [:]
        var start = 0
        var i = 0
        while i <= normalized.count {
            if i == normalized.count || normalized[i] == 0x20 {
                if i > start, i - start <= 12 {
                    let w = String(decoding: normalized[start..<i], as: UTF8.self)
                    if let langs = table[w] { for (l, v) in langs { score[l, default: 0] += v * 2 } }
                }
                start = i + 1
            }
            i += 1
        }
        // Letters specific to one language.
        var j = 0
        while j + 1 < original.count {
            let a = original[j]
            let b = original[j + 1]
            if a == 0xC3 {
                switch b {
                case 0xB1, 0x91, 0xA1, 0xAD, 0xB3, 0xBA: score["es", default: 0] += 1  // ñ Ñ á í ó ú
                case 0xA7, 0xA8, 0xAA, 0xA0, 0xA2, 0xAE, 0xB4, 0xBB, 0xB9: score["fr", default: 0] += 1  // ç è ê à â î ô û ù
                default: break
                }
            } else if a == 0xC2, b == 0xBF || b == 0xA1 {
                score["es", default: 0] += 2  // ¿ ¡
            } else if a == 0xC5, b == 0x93 {
                score["fr", default: 0] += 2  // œ
            }
            j += 1
        }
        var best = candidates[0]
        var bestScore = score[best] ?? 0
        for c in candidates.dropFirst() where (score[c] ?? 0) > bestScore {
            best = c
            bestScore = score[c] ?? 0
        }
        return best
    }
}
