import Testing
@testable import VigieCore
@testable import VigieEngine
@testable import VigieLanguage
@testable import VigieText

/// `where [not] quoted, negated, addressed, self` and `before` / `after`: tables of sentences
/// written for these tests (French, English, Spanish), each with what a qualified rule must do.
@Suite struct TextContextTests {
    static func holds(_ qualifier: String, _ terms: String, _ text: String, inflected: Bool = true) throws -> Bool {
        let p = try compileRules("rule r { when text has any \(inflected ? "inflected " : "")\(terms) where \(qualifier) then hide }")
        return try decide(p, comment(text)).has(.hide)
    }

    static let hate = #"["détester", "odiar", "hate"]"#

    /// (text, quoted?)
    static let quoted: [(String, Bool)] = [
        ("Si vous dites « je déteste les Martiens », vous êtes sectaire", true),
        ("Il a écrit “je déteste les Martiens” sur son mur", true),
        ("Le mot \"déteste\" est fort", true),
        ("Arrêtez de dire que vous détestez les Martiens", true),
        ("Quand on dit qu'on déteste un peuple, on se trompe", true),
        ("Stop saying you hate them", true),
        ("She wrote 'I hate them all' yesterday", true),
        ("Dejen de decir que odian a los marcianos", true),
        ("Je déteste les Martiens", false),
        ("Je déteste les Martiens, arrêtez de dire le contraire", false),  // the frame comes after, in another clause
        ("l'équipe déteste l'attente", false),  // apostrophes are not quotes
        ("I hate them", false),
        ("Odio a los marcianos", false),
    ]

    @Test(arguments: quoted.indices) func quotedOrReported(_ i: Int) throws {
        let (text, want) = Self.quoted[i]
        #expect(try Self.holds("quoted", Self.hate, text) == want, "\(text)")
        #expect(try Self.holds("not quoted", Self.hate, text) == !want, "\(text)")
    }

    /// (text, negated?)
    static let negated: [(String, Bool)] = [
        ("Je ne déteste pas les Martiens", true),
        ("Je ne les ai jamais détestés", true),
        ("je déteste pas les Martiens", true),  // `ne` dropped, as people write
        ("Personne ne devrait détester les Martiens", true),
        ("Nadie debería odiar a los marcianos", true),
        ("No odio a nadie", true),
        ("I don't hate them", true),
        ("I do not hate them", true),
        ("Nobody should hate them", true),
        ("Je déteste les Martiens", false),
        ("Je ne suis pas raciste mais je déteste les Martiens", false),  // `mais` opens a new clause
        ("Pas de doute, je déteste les Martiens", false),  // the comma ends the negation's clause
        ("I hate them, not you", false),  // the negation follows in another clause
        ("Je les déteste de plus en plus", false),  // `plus` without `ne`
        ("I never said much but I hate them", false),
        ("Odio a los marcianos", false),
    ]

    @Test(arguments: negated.indices) func negatedInItsClause(_ i: Int) throws {
        let (text, want) = Self.negated[i]
        #expect(try Self.holds("negated", Self.hate, text) == want, "\(text)")
    }

    static let insults = #"["connard", "idiot", "idiota", "trou du cul", "raclure"]"#

    /// (text, addressed?, self?)
    static let target: [(String, Bool, Bool)] = [
        ("t'es un vrai trou du cul", true, false),
        ("Tu es un connard", true, false),
        ("Vous êtes un idiot", true, false),
        ("espèce de connard", true, false),
        ("@martin idiot", true, false),
        ("You are such an idiot", true, false),
        ("Eres un idiota", true, false),  // `eres`: Spanish drops the pronoun
        ("Je te trouve idiot", true, false),  // `te`: aimed at the reader, although `je` speaks
        ("Je peux être un vrai trou du cul parfois", false, true),
        ("J'ai été une vraie raclure de dire ça", false, true),
        ("I'm such an idiot", false, true),
        ("Soy un idiota", false, true),
        ("Quel idiot ce ministre", false, false),
        ("connard", false, false),
    ]

    @Test(arguments: target.indices) func addressedOrSelfDirected(_ i: Int) throws {
        let (text, addressed, selfDirected) = Self.target[i]
        #expect(try Self.holds("addressed", Self.insults, text, inflected: false) == addressed, "\(text): addressed")
        #expect(try Self.holds("self", Self.insults, text, inflected: false) == selfDirected, "\(text): self")
    }

    @Test func orderedProximity() throws {
        let p = try compileRules("""
            rule veut_tuer { when text has inflected "tuer" before any ["tous", "toutes"] within 4 words then hide }
            rule doivent_mourir { when text has any ["tous", "toutes"] before inflected "tuer" within 4 words then flag securite }
            rule kill { when text has inflected "kill" after any ["gonna", "will"] within 2 words then tag kill }
            """)
        let cases: [(String, Bool, Bool, Bool)] = [
            ("je veux tuer tous les Martiens", true, false, false),
            ("les Martiens devraient tous être tués", false, true, false),
            ("tuer ? non, tous les Martiens sont nos amis", true, false, false),
            ("I will kill you", false, false, true),
            ("kill them, I will not", false, false, false),
        ]
        for (text, hides, flags, tags) in cases {
            let d = try decide(p, comment(text))
            #expect(d.has(.hide) == hides, "\(text): before")
            #expect(d.has(.flag) == flags, "\(text): after")
            #expect(d.tags.contains("kill") == tags, "\(text): after (en)")
        }
    }

    @Test func qualifiersApplyToTheSameOccurrence() throws {
        // One occurrence negated, another not: `where not negated` holds through the second.
        #expect(try Self.holds("not negated", Self.hate, "Je ne déteste pas les chats, mais je déteste les Martiens"))
        #expect(try Self.holds("not negated", Self.hate, "Je ne déteste pas les chats") == false)
        // A typo and a texting spelling are qualified like the word.
        let p = try compileRules(#"rule r { when text has fuzzy "déteste" where not negated then hide }"#)
        #expect(try decide(p, comment("je détetse les Martiens")).has(.hide))
        #expect(try decide(p, comment("je ne détetse pas les Martiens")).has(.hide) == false)
    }

    @Test func ruleSetFramesExtendTheBuiltInOnes() throws {
        let rules = """
            list reporting_frames = ["il paraît que"]
            rule r { when text has inflected "détester" where not quoted then hide }
            """
        let p = try compileRules(rules)
        #expect(try decide(p, comment("Il paraît que tu détestes les Martiens")).has(.hide) == false)
        let q = try compileRules(#"rule r { when text has inflected "détester" where not quoted then hide }"#)
        #expect(try decide(q, comment("Il paraît que tu détestes les Martiens")).has(.hide))
    }

    @Test func explainNamesTheCue() throws {
        let p = try compileRules(#"rule r { when text has inflected "détester" where not negated then hide }"#)
        let ev = Evaluator(program: p)
        let trace = Trace()
        _ = ev.evaluate(line: Array(comment("Je ne déteste pas les lundis").utf8), trace: trace)
        let notes = trace.nodes.values.compactMap(\.note).joined(separator: " | ")
        #expect(notes.contains("`deteste`: negated by `ne` — left out"), "\(notes)")
    }

    @Test func quotedRangesPairTheirMarks() {
        let text = Array("a « b » c “d” 'e' l'f \"g".utf8)
        let ranges = TextContext.quotedRanges(text).map { String(decoding: text[$0.range], as: UTF8.self) }
        #expect(ranges == [" b ", "d", "e", "g"])
    }
}
