import Testing
@testable import VigieCore
@testable import VigieEngine
@testable import VigieLanguage
@testable import VigieText

/// `has inflected`: forms from the Hunspell dictionaries (installed by scripts/bootstrap.sh).
@Suite struct InflectorTests {
    /// Forms that must be among a word's forms, and forms that must not.
    static let forms: [(lemma: String, has: [String], hasNot: [String])] = [
        ("tuer", ["tuer", "tue", "tues", "tué", "tués", "tuée", "tuées", "tuez", "tuerai", "tuera", "tuons", "tuent"], ["tu", "tut", "tuyau"]),
        ("détester", ["déteste", "détestent", "détesté", "détesterai"], ["détestable"]),
        ("abruti", ["abruti", "abrutie", "abrutis", "abruties"], ["abrutir"]),
        ("matar", ["mata", "maté", "matamos", "mataré", "matado", "matan"], ["matorral"]),
        ("odiar", ["odio", "odias", "odian", "odiado"], ["oído"]),
        ("kill", ["kill", "kills", "killed", "killing"], ["skill"]),
        ("hate", ["hate", "hates"], ["hat"]),  // en_US has no verb forms of "hate": "hated" is an entry of its own
    ]

    @Test(arguments: forms.indices) func formsOfAWord(_ i: Int) {
        let (lemma, has, hasNot) = Self.forms[i]
        let got = Set(Inflector.shared.forms(of: lemma).map(\.form))
        for f in has { #expect(got.contains(f), "\(lemma) should have the form \(f); got \(got.sorted())") }
        for f in hasNot { #expect(!got.contains(f), "\(lemma) should not have the form \(f)") }
    }

    @Test func aWordNoDictionaryHasHasNoForms() {
        #expect(Inflector.shared.forms(of: "fdpxq").isEmpty)
        #expect(Inflector.shared.forms(of: "tuer").first?.lemma == "tuer")
        #expect(Inflector.shared.forms(of: "tués").allSatisfy { $0.form != "tuer" }, "a form is not a lemma: its forms are not looked up")
    }

    static let rules = """
        rule menace { when text has any inflected ["tuer", "matar", "kill"] then hide }
        rule exact { when text has "tuer" then flag moderation }
        """

    /// Comments and whether `menace` hides them (`exact`, on the word as written, only flags `tuer` itself).
    static let comments: [(text: String, hides: Bool)] = [
        ("Les … devraient tous être tués", true),
        ("je vais te tuer", true),
        ("je les TUERAI", true),
        ("los matamos a todos", true),
        ("te mataré", true),
        ("I killed him", true),
        ("tu es là ?", false),
        ("un tuyau percé", false),
        ("skills and hat", false),
        ("ils se sont tus", false),
    ]

    @Test(arguments: comments.indices) func inflectedMatchesEveryFormAndNothingElse(_ i: Int) throws {
        let p = try compileRules(Self.rules)
        let (text, hides) = Self.comments[i]
        let d = try decide(p, comment(text))
        #expect(d.has(.hide) == hides, "\(text)")
        #expect(d.has(.flag) == (text == "je vais te tuer"), "\(text): a term without `inflected` stays exact")
    }

    @Test func inflectedGoesWithHasOnly() {
        let rs = buildRuleSet(#"rule r { when text contains inflected "tuer" then hide }"#)
        #expect(ids(rs.diagnostics) == ["E054"])
    }

    @Test func aWordTheDictionariesLackIsAnError() {
        let rs = buildRuleSet(#"rule r { when text has inflected ["tuer", "tkt"] then hide }"#)
        #expect(ids(rs.diagnostics) == ["E055"])
        #expect(rendered(rs.diagnostics).contains("no dictionary has \"tkt\" as a word"))
    }

    @Test func aListNamedInflectedIsStillAList() {
        let rs = buildRuleSet("""
            list inflected = ["tuer"]
            rule r { when text has inflected and author.age < 7d then hide }
            """)
        #expect(ids(rs.diagnostics).isEmpty, "\(rendered(rs.diagnostics))")
    }
}
