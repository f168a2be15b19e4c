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

/// The language detector reads words eight bytes at a time and looks them up without branches;
/// these tests hold it to the plain definition: function words count 2, letters of one
/// language 1 (`¿ ¡ œ` 2), ties go to the first language of the rule set.
struct LanguageDetectorTests {
    /// The definition, written the slow and obvious way.
    static func reference(_ text: String, candidates: [String]) -> String {
        let normalized = Normalizer().normalize(text)
        var score: [String: Int] = [:]
        for w in normalized.split(separator: " ") {
            for lang in LanguageDetector.languages where LanguageDetector.words[lang]!.contains(String(w)) { score[lang, default: 0] += 2 }
        }
        for ch in text.unicodeScalars {
            switch ch {
            case "ñ", "Ñ", "á", "í", "ó", "ú": score["es", default: 0] += 1
            case "ç", "è", "ê", "à", "â", "î", "ô", "û", "ù": score["fr", default: 0] += 1
            case "¿", "¡": score["es", default: 0] += 2
            case "œ": score["fr", default: 0] += 2
            default: break
            }
        }
        var best = candidates[0]
        for c in candidates.dropFirst() where score[c, default: 0] > score[best, default: 0] { best = c }
        return best
    }

    /// The perfect hash gives every function word its languages, and nothing to words that are
    /// not one (prefixes, longer words, the empty key).
    @Test func tableHoldsExactlyTheFunctionWords() {
        let t = LanguageDetector.tables
        for (i, lang) in LanguageDetector.languages.enumerated() {
            for w in LanguageDetector.words[lang]! {
                #expect(t.languages(of: LanguageDetector.pack(Array(w.utf8))) & (1 << UInt8(i)) != 0, "\(w) \(lang)")
            }
        }
        for w in ["", "xyz", "pourquoi", "lez", "thez", "comman", "toujourss", "bonjou"] {
            #expect(t.languages(of: w.count > 8 ? 0 : LanguageDetector.pack(Array(w.utf8))) == 0, "\(w)")
        }
    }

    static func detect(_ text: String, _ candidates: [String]) -> String {
        let n = Normalizer()
        var out = NormalizedText()
        let bytes = Array(text.utf8)
        n.normalize(bytes, into: &out, origins: false, languages: true)
        return LanguageDetector.choose(out.languages, candidates: candidates)
    }

    @Test func plainCases() {
        let all = ["fr", "en", "es"]
        #expect(Self.detect("je ne sais pas pourquoi le colis est en retard", all) == "fr")
        #expect(Self.detect("where is my order, it is still not here", all) == "en")
        #expect(Self.detect("¿dónde está mi pedido? todavía no llegó", all) == "es")
        #expect(Self.detect("🎉🎉", all) == "fr", "no evidence: the first language")
        #expect(Self.detect("", ["en", "fr"]) == "en")
        #expect(Self.detect("the the the", ["fr"]) == "fr", "one candidate")
        // Words longer than eight bytes never count, even when a function word is their start.
        #expect(Self.detect("thethethethe", ["fr", "en"]) == "fr")
    }

    /// Random texts of function words, other words, accents, punctuation and emoji: the fast
    /// detector agrees with the definition on every one, and so does the language the engine
    /// gives a comment without a `lang` field (chosen among the rule set's `lang` line).
    @Test func agreesWithTheDefinitionOnRandomTexts() throws {
        var rng = SplitMix64(state: 42)
        let pieces = LanguageDetector.words.values.flatMap { $0 } + [
            "colis", "commande", "pedido", "order", "toujours", "encoreplus", "là", "ñandú", "¿qué", "¡hola!", "œuvre", "été", "çà", "ÉTÉ", "😀", "…",
            "a", "l'", "qu'il", "it's", "don't", "x", "tres", "très", "aaaaaaaaa", "c'est-à-dire", "   ", ",", ".", "\u{00A0}", "é\u{0301}",
            // Spaced letters join into one word (`l e s` reads `les`); leetspeak folds (`l3s`).
            "l e s", "t.h.e", "y o u", "d-e-l", "e", "s", "l3s", "th3", "3l", "n a z e s", "a a a", "m m m e",
        ]
        let candidateSets = [["fr", "en", "es"], ["en", "fr"], ["es", "en"], ["fr", "es"]]
        let evaluators = try candidateSets.map {
            Evaluator(program: try compileRules("lang \($0.joined(separator: ", "))\nrule r { when text has \"zzq\" then flag q }"))
        }
        for _ in 0..<2_000 {
            let words = (0..<Int(rng.next() % 30)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }
            let text = words.joined(separator: rng.next() % 3 == 0 ? "  " : " ")
            let k = Int(rng.next() % UInt64(candidateSets.count))
            let candidates = candidateSets[k]
            let expected = Self.reference(text, candidates: candidates)
            #expect(Self.detect(text, candidates) == expected, "\(text) \(candidates)")
            var w = JSONWriter()
            w.beginObject(); w.key("text"); w.string(text); w.endObject()
            #expect(evaluators[k].partial(line: w.bytes).lang == expected, "\(text) \(candidates)")
        }
    }
}
