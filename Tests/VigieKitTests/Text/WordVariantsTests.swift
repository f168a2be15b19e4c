import Testing
@testable import VigieCore
@testable import VigieEngine
@testable import VigieLanguage
@testable import VigieText

/// `fuzzy` (one typo) and the `texting` and `glued` stages: every spelling is a pattern of the
/// automaton, worked out when rules compile.
@Suite struct WordVariantsTests {
    static let fuzzyRules = """
        rule haine { when text has any fuzzy ["déteste", "sale connard"] then hide }
        """

    /// Comments and whether `haine` hides them.
    static let fuzzyComments: [(text: String, hides: Bool)] = [
        ("je déteste les lundis", true),
        ("Je détetse les …", true),  // two letters swapped
        ("je dteste ça", true),  // one letter dropped
        ("je détesste", true),  // one letter added (repeats fold it anyway)
        ("je déteqte", true),  // one letter replaced
        ("espèce de sale conard", true),  // a typo in one word of a phrase
        ("je détester", false),  // `détester` is a word of its own, not a typo
        ("je dtetse ça", false),  // two edits
        ("détestable", false),  // three letters more
        ("il a testé", false),
        ("espèce de salle connard", false),  // `sale` is too short to bear a typo
        ("sale conard et sale dteste", true),
    ]

    @Test(arguments: fuzzyComments.indices) func fuzzyAcceptsOneTypoAndNoMore(_ i: Int) throws {
        let p = try compileRules(Self.fuzzyRules)
        let (text, hides) = Self.fuzzyComments[i]
        #expect(try decide(p, comment(text)).has(.hide) == hides, "\(text)")
    }

    @Test func typosLeaveOutWordsOfTheirOwn() {
        let typos = Set(WordVariants.typos(of: "salope").map(\.variant))
        #expect(typos.contains("saolpe"))
        #expect(typos.contains("slope") == false, "`slope` is an English word")
        #expect(typos.contains("salope") == false, "the term itself is not a variant")
    }

    @Test func withinOneEditIsDamerauLevenshteinOne() {
        let cases: [(String, String, Bool)] = [
            ("deteste", "deteste", true), ("deteste", "detetse", true), ("deteste", "dteste", true),
            ("deteste", "detestee", true), ("deteste", "deteqte", true), ("deteste", "dtetse", false),
            ("abc", "cab", false), ("ab", "ba", true), ("", "a", true), ("a", "bc", false),
        ]
        for (a, b, want) in cases {
            #expect(WordVariants.withinOneEdit(Array(a.utf8), Array(b.utf8)) == want, "\(a) / \(b)")
        }
    }

    @Test func fuzzyWantsAWordOfFiveLetters() {
        let rs = buildRuleSet(#"rule r { when text has any fuzzy ["con", "pd"] then hide }"#)
        #expect(ids(rs.diagnostics) == ["E056", "E056"])
        #expect(ids(buildRuleSet(#"rule r { when text has fuzzy "sale con" then hide }"#).diagnostics) == ["E056"])
        #expect(ids(buildRuleSet(#"rule r { when text contains fuzzy "salope" then hide }"#).diagnostics) == ["E054"])
        #expect(ids(buildRuleSet(#"rule r { when text has fuzzy fuzzy "salope" then hide }"#).diagnostics) == ["E054"])
    }

    @Test func fuzzyAndInflectedTogether() throws {
        let p = try compileRules(#"rule r { when text has fuzzy inflected "détester" then hide }"#)
        #expect(try decide(p, comment("ils détetsent tout")).has(.hide), "a typo in a form")
        #expect(try decide(p, comment("ils détestent tout")).has(.hide))
        #expect(try decide(p, comment("ils testent tout")).has(.hide) == false)
    }

    @Test func allNeedsEachWrittenTermInAnySpelling() throws {
        let p = try compileRules(#"rule r { when text has all fuzzy ["déteste", "lundis"] then hide }"#)
        #expect(try decide(p, comment("je détetse les lundis")).has(.hide))
        #expect(try decide(p, comment("je détetse et déteste")).has(.hide) == false, "two spellings of one term are not all the terms")
    }

    static let textingRules = """
        rule menace { when text has any ["je vais te défoncer", "t'es mort", "je vais te casser"] then escalate securite }
        rule insulte { when text has any ["nique ta mère", "fils de pute", "hijo de puta", "kill yourself"] then hide }
        rule haine { when text has "déteste" then flag haine }
        """

    /// Comments and what the rules do with them.
    static let textingComments: [(text: String, escalates: Bool, hides: Bool, flags: Bool)] = [
        ("jvais te défoncer", true, false, false),
        ("jvais t défoncer", true, false, false),
        ("T mort", true, false, false),
        ("tes mort toi", true, false, false),
        ("ntm", false, true, false),
        ("fdp va", false, true, false),
        ("hdp", false, true, false),
        ("kys", false, true, false),
        ("Jedéteste les …", false, false, true),
        ("jdéteste les …", false, false, true),
        ("tes amis sont morts de rire", false, false, false),
        ("je vais te défendre", false, false, false),
        ("tu es mortel", false, false, false),
        ("mange ta soupe", false, false, false),
    ]

    @Test(arguments: textingComments.indices) func textingAndGluedSpellings(_ i: Int) throws {
        let p = try compileRules(Self.textingRules)
        let (text, escalates, hides, flags) = Self.textingComments[i]
        let d = try decide(p, comment(text))
        #expect(d.has(.escalate) == escalates, "\(text): escalate")
        #expect(d.has(.hide) == hides, "\(text): hide")
        #expect(d.has(.flag) == flags, "\(text): flag")
    }

    @Test func normalizeExceptTurnsTheStagesOff() throws {
        let p = try compileRules("normalize except texting, glued\n" + Self.textingRules)
        for text in ["jvais te défoncer", "ntm", "Jedéteste les …"] {
            #expect(try decide(p, comment(text)).actions.isEmpty, "\(text)")
        }
        #expect(try decide(p, comment("je vais te défoncer")).has(.escalate))
    }

    @Test func anExactRuleGetsNoTextingSpellings() throws {
        let p = try compileRules(#"rule r exact { when text has "nique ta mère" then hide }"#)
        #expect(try decide(p, comment("ntm")).has(.hide) == false)
    }

    @Test func gluedLeavesOutWordsOfTheirOwn() {
        let glued = Set(WordVariants.glued(of: "ange").map(\.variant))
        #expect(!glued.contains("mange") && !glued.contains("lange"))
        #expect(Set(WordVariants.glued(of: "deteste").map(\.variant)).isSuperset(of: ["jdeteste", "jedeteste", "tedeteste"]))
        #expect(Set(WordVariants.glued(of: "je deteste").map(\.variant)) == ["jedeteste"])
    }

    @Test func textingTablesParse() {
        #expect(Texting.entries.contains { $0.short == "jvais" && $0.words == ["je", "vais"] && $0.language == "fr" })
        #expect(Texting.entries.contains { $0.short == "xq" && $0.words == ["porque"] && $0.language == "es" })
        #expect(Texting.entries.contains { $0.short == "u" && $0.words == ["you"] && $0.language == "en" })
        #expect(Texting.glue.first { $0.language == "fr" }?.words.contains("qu") == true)
        #expect(Texting.entries.allSatisfy { !$0.short.isEmpty && !$0.words.isEmpty })
    }

    @Test func explainSaysWhichSpellingMatchedAndWhy() throws {
        let p = try compileRules(#"rule r { when text has any fuzzy ["déteste"] or text has "nique ta mère" then hide }"#)
        for (text, why) in [("je détetse", "`detetse` is one typo from `deteste`"), ("ntm", "`ntm` is texting for `nique ta mere`"),
                            ("jedéteste", "`jedeteste` is `je` glued before `deteste`")] {
            let ev = Evaluator(program: p)
            let trace = Trace()
            _ = ev.evaluate(line: Array(comment(text).utf8), trace: trace)
            let notes = trace.nodes.values.compactMap(\.note).joined(separator: " | ")
            #expect(notes.contains(why), "\(text): \(notes)")
        }
    }
}
