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

/// Test vectors for the normalization pipeline, stage by stage and all together.
struct NormalizerTests {
    static let vectors: [(input: String, expected: String)] = [
        ("ωɨƙɩᑭƐƉ1α", "wikipedia"),  // confusables + leetspeak
        ("F00  B@rr", "fo bar"),  // leetspeak, repeats: `foo bar` normalizes the same way
        ("na\u{200B}ze", "naze"),  // zero-width inside a word
        ("na\u{202E}ze\u{00AD}s", "nazes"),  // bidi control and soft hyphen
        ("раураl", "paypal"),  // Cyrillic homoglyphs
        ("𝐧𝐚𝐳𝐞", "naze"),  // mathematical bold
        ("Ｎａｚｅ", "naze"),  // fullwidth
        ("ɴᴀᴢᴇꜱ", "nazes"),  // small capitals
        ("Ⓝⓐⓩⓔ", "naze"),  // enclosed letters
        ("N4ZΞS", "nazes"),  // leetspeak and Greek
        ("l’arnaque", "l arnaque"),  // typographic apostrophe splits the elision
        ("qu'il", "qu il"),
        ("aujourd'hui", "aujourd hui"),
        ("niño NIÑO", "nino nino"),
        ("Ça suffit", "ca sufit"),
        ("peut-être", "peut etre"),
        ("nuuuul", "nul"),
        ("n.a.z.e", "naze"),
        ("n a z e", "naze"),
        ("n-a-z-e", "naze"),
        ("super🤮nul", "super 🤮 nul"),  // emoji is a word of its own
        ("2024 et 3,5 %", "2024 et 3 5"),  // numbers kept
        ("@marie", "marie"),  // a mention is not leetspeak
        ("#bigbuzz", "bigbuz"),
        ("il y a un colis", "il y a un colis"),  // two single letters do not join
    ]

    @Test(arguments: vectors)
    func vector(_ v: (input: String, expected: String)) {
        #expect(Normalizer().normalize(v.input) == v.expected)
    }

    /// Each stage alone changes what it is meant to change.
    @Test(arguments: [
        (NormalizationStages.compatibility, "Ｎａｚｅ", "Naze"),
        (.invisible, "na\u{200B}ze", "naze"),
        (.confusables, "раураl", "paypal"),
        (.caseFold, "NaZe", "naze"),
        (.accents, "éàñç", "eanc"),
        ([.leetspeak], "n4z3", "naze"),
        ([.repeats], "nuuuul", "nul"),
        ([.spacing], "n.a.z.e", "naze"),
    ] as [(NormalizationStages, String, String)])
    func stage(_ c: (NormalizationStages, String, String)) {
        #expect(Normalizer(stages: c.0).normalize(c.1) == c.2)
        // Without the stage the text is not changed that way.
        #expect(Normalizer(stages: []).normalize(c.1) != c.2)
    }

    /// Every normalized byte maps back to the original bytes it came from.
    @Test(arguments: [
        ("L’ARNAQUE était énorme", "arnaque", "ARNAQUE"),
        ("Trop nuuuul ce colis", "nul", "nuuuul"),
        ("ça c'est n.a.z.e vraiment", "naze", "n.a.z.e"),
        ("𝐧𝐚𝐳𝐞 !", "naze", "𝐧𝐚𝐳𝐞"),
        ("😡 ωɨƙɩᑭƐƉ1α", "wikipedia", "ωɨƙɩᑭƐƉ1α"),
    ])
    func spansPointAtOriginalBytes(_ c: (String, String, String)) throws {
        var n = NormalizedText()
        let original = Array(c.0.utf8)
        Normalizer().normalize(original, into: &n)
        let needle = Array(c.1.utf8)
        let start = try #require(n.bytes.indices.first { n.bytes[$0...].starts(with: needle) })
        let r = n.originalRange(start, start + needle.count)
        #expect(String(decoding: original[r], as: UTF8.self) == c.2)
    }

    /// Ordinary sentences must not turn into a match for common insults.
    @Test(arguments: [
        "Je n'ai toujours pas reçu ma commande, c'est normal ?",
        "I love this lamp, the light is so warm",
        "¿Cuándo llega mi pedido? Gracias",
        "Le contact avec le service client était parfait",
        "Il y a 3 ans que je suis client, 10/10",
        "Mon code promo B2B4 ne marche pas",
    ])
    func precision(_ sentence: String) throws {
        let src = SourceFile(path: "p.vigie", text: """
            rule insulte { when text has any ["con", "naze", "nul", "idiot", "puta", "moron", "tonto"] then hide }
            """)
        let rs = RuleSetLoader.build(sources: [src], root: ".")
        let program = try #require(Compiler.compile(rs))
        let ev = Evaluator(program: program)
        var w = JSONWriter()
        w.beginObject(); w.key("text"); w.string(sentence); w.endObject()
        guard case .decision(let d) = ev.evaluate(line: w.bytes) else {
            Issue.record("not evaluated")
            return
        }
        #expect(d.actions.isEmpty, "\(sentence) -> \(Normalizer().normalize(sentence))")
    }

    @Test func explainListsTheStagesThatChangedTheText() {
        let stages = Normalizer().stageTexts("N4ZΞS").map(\.stage)
        #expect(stages.contains("case"))
        #expect(stages.contains("leetspeak"))
        #expect(!stages.contains("spacing"))
    }
}

/// Collapsing repeated letters must not merge distinct words: a doubled letter matches a single
/// one only in an obfuscated word (leetspeak, spaced letters) or as an elongation of three or more.
struct RepeatedLetterPrecisionTests {
    static let cases: [(term: String, text: String, matches: Bool)] = [
        ("pero", "pero no", true),
        ("perro", "pero no", false),
        ("pero", "mi perro", false),
        ("case", "le vase est cassé", false),
        ("cassé", "la lampe est cassée", false),
        ("cassé", "la lampe est cassé !", true),
        ("nul", "c'est nuuuul", true),
        ("connard", "quel connnnard", true),
        ("connard", "quel connard", true),
        ("foo bar", "F00  B@rr", true),
        ("coffee", "a coffee please", true),
        ("pas", "pass the salt", false),
        ("naze", "n.a.z.e", true),
    ]

    @Test(arguments: cases)
    func repeatedLetters(_ c: (term: String, text: String, matches: Bool)) throws {
        let src = SourceFile(path: "r.vigie", text: "rule r { when text has \"\(c.term)\" then hide }")
        let program = try #require(Compiler.compile(RuleSetLoader.build(sources: [src], root: ".")))
        var w = JSONWriter()
        w.beginObject(); w.key("text"); w.string(c.text); w.endObject()
        guard case .decision(let d) = Evaluator(program: program).evaluate(line: w.bytes) else {
            Issue.record("not evaluated")
            return
        }
        #expect(d.has(.hide) == c.matches, "\(c.term) in \(c.text)")
    }

    @Test func matchKeysKeepDoubledLetters() {
        let n = Normalizer()
        #expect(n.matchKey("perro") != n.matchKey("pero"))
        #expect(n.matchKey("Perro") == n.matchKey("perro"))
    }
}

/// Substring operators may start or end inside a run of doubled letters.
@Test(arguments: [
    (#"contains "scam""#, "what a scammer", true),
    (#"contains "mer""#, "this summer", true),
    (#"has "scam""#, "what a scammer", false),
    (#"starts with "scam""#, "scamming people", true),
    (#"ends with "mer""#, "long summer", true),
    (#"contains "pero""#, "mi perro", false),
])
func substringsInsideRuns(_ c: (String, String, Bool)) throws {
    let src = SourceFile(path: "r.vigie", text: "rule r { when text \(c.0) then hide }")
    let program = try #require(Compiler.compile(RuleSetLoader.build(sources: [src], root: ".")))
    var w = JSONWriter()
    w.beginObject(); w.key("text"); w.string(c.1); w.endObject()
    guard case .decision(let d) = Evaluator(program: program).evaluate(line: w.bytes) else {
        Issue.record("not evaluated")
        return
    }
    #expect(d.has(.hide) == c.2, "\(c.0) on \(c.1)")
}

/// The normalizer's two paths for ASCII letters.
struct NormalizerPathTests {
    /// The eight-bytes-at-a-time paths for ASCII letters (with the Latin letters of two bytes
    /// read in the same run, and whole plain words with the separators after them) give exactly what the byte-by-byte path gives — bytes, origins,
    /// runs, language evidence (and the same bytes and runs when origins are not kept) — on
    /// random texts mixing upper and lower case, doubled letters, long words, leetspeak, spaced
    /// letters, accents, emoji and punctuation, for every stage set that keeps case folding (the
    /// only one it runs for) and one that does not.
    @Test func wideLetterRunsAgreeWithTheByteByBytePath() {
        var rng = SplitMix64(state: 7)
        let pieces = ["a", "b", "Z", "ee", "LL", "sss", "Hello", "WORLD", "coffee", "Mississippi", "abcdefghijklmnop", "aaaaaaaaaaaa",
                      "AbCdEfGhIjKl", "f00", "b@rr", "n.a.z.e", "été", "ÇA", "😀", " ", "  ", ",", "!", "-", "4", "x", "qu'il", "\u{200B}", "Ⅻ",
                      "très", "aujourd'hui", "l'", "x1", "Tu$", "ab@", "commande", "é", "ÉTÉ", "señor", "ça", "œuvre", "straße", "eé", "Éé",
                      "¿", "«", "ł", "Ÿ", "\u{00A0}", "rivière", "cafe\u{0301}",
                      // Edges of the plain-word loop: a word ended by a digit, `$`, `@` or another
                      // scalar; repeats across an accent; a single accented letter; long accented words.
                      "mot2", "mot$", "mot@", "ééé", "aÉé", "Ñoño", "à", " à ", "d\u{2019}", "équipement", "NOUVEAUTÉÉS", "ça.", "...", "a b c", "x,y"]
        let stageSets: [NormalizationStages] = [.all, .minimal, NormalizationStages.all.subtracting(.repeats), NormalizationStages.all.subtracting(.caseFold),
                                                 NormalizationStages.all.subtracting([.spacing, .leetspeak])]
        for stages in stageSets {
            var wide = Normalizer(stages: stages)
            wide.wide = true
            var narrow = Normalizer(stages: stages)
            narrow.wide = false
            for _ in 0..<1_500 {
                let text = (0..<Int(rng.next() % 40)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
                var a = NormalizedText()
                var b = NormalizedText()
                wide.normalize(Array(text.utf8), into: &a)
                narrow.normalize(Array(text.utf8), into: &b)
                #expect(a.bytes == b.bytes && a.origin == b.origin && a.originEnd == b.originEnd && a.runs == b.runs, "\(text) \(stages)")
                // Without origins, and gathering language evidence: the same text and runs.
                var c = NormalizedText()
                wide.normalize(Array(text.utf8), into: &c, origins: false, languages: true)
                #expect(c.bytes == a.bytes && c.runs == a.runs && !c.hasOrigins && c.origin.isEmpty, "\(text) \(stages)")
                var d = NormalizedText()
                narrow.normalize(Array(text.utf8), into: &d, origins: false, languages: true)
                #expect(c.languages == d.languages, "\(text) \(stages)")
            }
        }
    }

    /// The byte sets of the plain-word loop are written as constants: they hold exactly the
    /// bytes their definitions name.
    @Test func separatorSetsMatchTheirDefinitions() {
        for c in UInt8(0)..<0x80 {
            let letter = (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A, digit = c >= 0x30 && c <= 0x39
            #expect(Normalizer.contains(Normalizer.separators, c) == (!letter && !digit && c != UInt8(ascii: "$")), "\(c)")
            #expect(Normalizer.contains(Normalizer.joinableSeparators, c) == " .-_*".utf8.contains(c), "\(c)")
            #expect(Normalizer.contains(Normalizer.wordEnds, c) == (!letter && !digit && c != UInt8(ascii: "$") && c != UInt8(ascii: "@")), "\(c)")
        }
    }

    /// Scalars above the table are classified once and kept with the output's scratch: a
    /// reused output gives what a fresh one gives (fullwidth and mathematical letters fold to
    /// ASCII, kana lose their voicing marks, CJK and Hangul stay as written).
    @Test func keptClassesOfHighScalarsChangeNothing() {
        var rng = SplitMix64(state: 11)
        let pieces = ["Ｎａｚｅ", "𝐧𝐚𝐳𝐞", "が", "ぱ", "漢字", "한국어", "ﬁ", "😀", "🏽", "️", "コーヒー", " ", "abc", "é", "\u{E0100}", "𝟘"]
        let n = Normalizer()
        var reused = NormalizedText()
        for _ in 0..<500 {
            let text = (0..<Int(rng.next() % 12)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            var fresh = NormalizedText()
            n.normalize(Array(text.utf8), into: &fresh)
            n.normalize(Array(text.utf8), into: &reused)
            #expect(reused.bytes == fresh.bytes && reused.origin == fresh.origin && reused.runs == fresh.runs, "\(text)")
        }
        #expect(n.normalize("Ｎａｚｅ 𝐧𝐚𝐳𝐞") == "naze naze")
    }
}
