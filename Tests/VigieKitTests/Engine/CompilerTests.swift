import Foundation
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

private let normalizer = Normalizer()

// MARK: - Shared atoms and nodes

@Test func sameTermInSeveralRulesIsOnePatternAndOneAtom() throws {
    // (Without the texting and glued spellings, which add patterns of their own: see WordVariantsTests.)
    let program = try compileRules(
        """
        normalize except texting, glued
        list retard = ["retard", "pas reçu"]
        rule a { when text has "colis" then tag a }
        rule b { when text has "COLIS" then tag b }
        rule c { when text has any ["colis", "retard"] then tag c }
        rule d { when text has any retard then tag d }
        rule e { when text contains "colis" then tag e }
        rule f { when text has "Pas Reçu" and text has "colis" then tag f }
        """)
    let patterns = Set(program.patterns.map { String(decoding: $0, as: UTF8.self) })
    #expect(program.patterns.count == 3, "patterns: \(patterns)")
    #expect(patterns == Set(["colis", "retard", "pas reçu"].map { normalizer.normalize($0) }))
    // `colis` is one pattern but two atoms: a word match and a substring match.
    #expect(program.atoms.count == 4, "atoms: \(program.atoms)")
    #expect(Set(program.atoms).count == program.atoms.count)
    let d = try decide(program, comment("Mon colis est en retard, toujours PAS reçu"))
    #expect(d.matchedRules == ["a", "b", "c", "d", "e", "f"])
}

@Test func identicalSubConditionsAreOneNode() throws {
    let program = try compileRules(
        """
        rule a { when author.role == "staff" and text has "colis" then tag a }
        rule b { when text has "colis" and author.role == "staff" then tag b }
        rule c { when author.role == "staff" and text has "colis" then tag c }
        rule d { when not (author.role == "staff") then tag d }
        rule e { when count(text has "colis") >= 2 or author.role == "staff" then tag e }
        """)
    let compares = program.nodes.indices.filter { if case .compare = program.nodes[$0] { return true } else { return false } }
    let terms = program.nodes.indices.filter { if case .terms = program.nodes[$0] { return true } else { return false } }
    #expect(compares.count == 1, "nodes: \(program.nodes)")
    #expect(terms.count == 1, "nodes: \(program.nodes)")
    let byName = Dictionary(uniqueKeysWithValues: program.rules.map { ($0.name, $0.condition) })
    #expect(byName["a"] == byName["c"], "identical conditions share their root node")
    #expect(byName["a"] != byName["b"], "operands in another order are another `and` (same leaves)")
    if case .not(let k) = program.nodes[Int(byName["d"]!)] {
        #expect(Int(k) == compares[0])
    } else {
        Issue.record("rule d should be a `not` node")
    }
    #expect(Set(program.nodes).count == program.nodes.count, "no node is stored twice")
}

@Test func listTermsAndInlineTermsShareOnePattern() throws {
    let program = try compileRules(
        """
        normalize except texting, glued
        list a = ["arnaque", "escroquerie"]
        list b = ["ARNAQUE", "scam"]
        rule r { when text has any a then tag r }
        rule s { when text has any b then tag s }
        """)
    #expect(program.patterns.count == 3)
}

// MARK: - Cycles

struct CycleCase: Sendable, CustomTestStringConvertible {
    var name: String
    var source: String
    var cycles: Int
    var testDescription: String { name }
}

let cycleCases: [CycleCase] = [
    .init(name: "self reference", source: "rule a { when rule a then tag a }", cycles: 1),
    .init(name: "two rules", source: "rule a { when rule b then tag a }\nrule b { when text has \"x\" and not rule a then tag b }", cycles: 1),
    .init(
        name: "three rules through or and parentheses",
        source: "rule a { when (text has \"x\" or rule b) then tag a }\nrule b { when rule c then tag b }\nrule c { when not (rule a) then tag c }", cycles: 1),
    .init(name: "two separate cycles", source: "rule a { when rule b then tag a }\nrule b { when rule a then tag b }\nrule c { when rule c then tag c }", cycles: 2),
    .init(
        name: "diamond is not a cycle",
        source: "rule top { when rule l and rule r then tag t }\nrule l { when rule bottom then tag l }\nrule r { when rule bottom then tag r }\nrule bottom { when text has \"x\" then tag b }",
        cycles: 0),
    .init(name: "chain is not a cycle", source: "rule a { when rule b then tag a }\nrule b { when rule c then tag b }\nrule c { when text has \"x\" then tag c }", cycles: 0),
    .init(name: "reference into a cycle", source: "rule z { when rule a then tag z }\nrule a { when rule b then tag a }\nrule b { when rule a then tag b }", cycles: 1),
]

@Test(arguments: cycleCases)
func cyclesAreDetected(_ c: CycleCase) {
    let rs = buildRuleSet(c.source)
    #expect(rs.diagnostics.filter { $0.id == "E034" }.count == c.cycles, "\(rendered(rs.diagnostics))")
    #expect(rs.diagnostics.filter { $0.id != "E034" }.isEmpty, "\(rendered(rs.diagnostics))")
    #expect((Compiler.compile(rs) == nil) == (c.cycles > 0))
}

@Test func ruleReferencesEvaluateThroughTheGraph() throws {
    let program = try compileRules(
        """
        rule insulte { when text has "connard" then hide }
        rule plainte { when text has "colis" and not rule insulte then tag sav }
        rule grave { when rule insulte and rule plainte_or_insult then flag moderation }
        rule plainte_or_insult { when rule plainte or rule insulte then tag vu }
        """)
    let polite = try decide(program, comment("mon colis ?"))
    #expect(polite.matchedRules.sorted() == ["plainte", "plainte_or_insult"])
    let rude = try decide(program, comment("mon colis, connard"))
    #expect(rude.matchedRules.sorted() == ["grave", "insulte", "plainte_or_insult"])
}

// MARK: - Order and gates

@Test func rulesRunByPriorityThenDeclarationOrder() throws {
    let program = try compileRules(
        """
        rule x { when true then tag x }
        rule y priority 10 { when true then tag y }
        rule z priority 10 { when true then tag z }
        rule w priority -1 { when true then tag w }
        """)
    #expect(program.rules.map(\.name) == ["y", "z", "x", "w"])
    #expect(try decide(program, comment("")).matchedRules == ["y", "z", "x", "w"])
}

struct GateCase: Sendable, CustomTestStringConvertible {
    var condition: String
    var gated: Bool
    var testDescription: String { condition }
}

let gateCases: [GateCase] = [
    .init(condition: #"text has "colis""#, gated: true),
    .init(condition: #"text has any ["colis", "retard"]"#, gated: true),
    .init(condition: #"text has "colis" near "retard" within 3 words"#, gated: true),
    .init(condition: #"author.role == "staff""#, gated: false),
    .init(condition: #"not text has "colis""#, gated: false),
    .init(condition: #"text has "colis" and author.role == "staff""#, gated: true),
    .init(condition: #"text has "colis" or author.role == "staff""#, gated: false),
    .init(condition: #"text has "colis" or text contains "retard""#, gated: true),
    .init(condition: #"count(text has "spam") >= 2"#, gated: true),
    .init(condition: #"count(text has "spam") < 2"#, gated: false),
    .init(condition: #"text matches /porter\s+plainte/i"#, gated: true),
    .init(condition: #"text matches /\d{4}/"#, gated: false),
    .init(condition: #"author.name has "bot""#, gated: false),
    .init(condition: #"links(text) > 0"#, gated: false),
    .init(condition: #"false"#, gated: true),
]

@Test(arguments: gateCases)
func rulesAreGatedOnlyWhenATermIsRequired(_ c: GateCase) throws {
    let program = try compileRules("rule r { when \(c.condition) then tag r }")
    let r = try #require(program.rules.first)
    #expect((r.gate != nil) == c.gated, "gate: \(String(describing: r.gate))")
    #expect(program.ungatedRuleCount == (c.gated ? 0 : 1))
}

@Test func ungatedRulesStillRunOnEveryComment() throws {
    let program = try compileRules(
        """
        rule pas_colis { when not text has "colis" then tag sans }
        rule staff { when author.role == "staff" then allow }
        """)
    #expect(try decide(program, comment("bonjour")).matchedRules == ["pas_colis"])
    #expect(try decide(program, comment("bonjour", ["author": ["role": "staff"]])).matchedRules == ["pas_colis", "staff"])
    #expect(try decide(program, comment("colis", ["author": ["role": "staff"]])).matchedRules == ["staff"])
}

// MARK: - Regex prefilter

/// A regular expression as written in a rule file, the prefilter words it may get, and texts to try it on.
struct RegexCase: Sendable, CustomTestStringConvertible {
    var pattern: String
    var flags: String = ""
    /// Acceptable results of `RegexLiterals.required`, written as plain words (compared once
    /// normalized); `[nil]` means "no prefilter"; nil means any result that keeps the property.
    var acceptable: [[String]?]?
    /// Texts; at least one must match.
    var samples: [String]
    var knownIssue: String? = nil
    var testDescription: String { "/\(pattern)/\(flags)" }
}

let regexCases: [RegexCase] = [
    .init(
        pattern: #"\bporter\s+plainte\b"#, flags: "i", acceptable: [["plainte"], ["porter"]],
        samples: ["Je vais PORTER plainte", "porter\tplainte demain", "on va porter   plainte!", "plainte portée", "Porter Plainte."]),
    .init(pattern: #"(foo|bar)baz"#, acceptable: [["baz"], ["bar", "foo"]], samples: ["foobaz", "xx barbaz yy", "BARBAZ", "foo baz", "barbazooka"]),
    .init(pattern: #"https?:\/\/\S+"#, acceptable: [["http"]], samples: ["voir https://example.com/x", "http://a.b", "HTTP://X.Y", "www.x.com", "lien:https://t.co/abc"]),
    .init(pattern: #"colis.*retard"#, flags: "i", acceptable: [["retard"], ["colis"]], samples: ["Colis en RETARD", "colis... retard", "retard du colis"]),
    .init(
        pattern: #"(?:livraison|colis)\s+(?:en\s+)?retard"#, flags: "i", acceptable: [["retard"], ["colis", "livraison"]],
        samples: ["livraison en retard", "COLIS retard", "colis pas en retard"]),
    .init(pattern: #"arnaque|escroquerie|scam"#, flags: "i", acceptable: [["arnaque", "escroquerie", "scam"]], samples: ["c'est une ARNAQUE", "scam!", "escroqueries", "rien"]),
    .init(pattern: #"r[eé]mbours"#, flags: "i", acceptable: [["mbours"]], samples: ["remboursement", "Rémboursez", "rembourser"]),
    .init(pattern: #"l'arnaque"#, flags: "i", acceptable: [["arnaque"]], samples: ["c'est l'arnaque", "L'ARNAQUE"]),
    .init(pattern: #"(?i)ARNAQUE"#, acceptable: [["arnaque"]], samples: ["arnaque", "Arnaque totale"]),
    .init(pattern: #"(?<objet>colis|paquet)\s+perdu"#, acceptable: [["perdu"], ["colis", "paquet"]], samples: ["colis perdu", "paquet  perdu"]),
    .init(pattern: #"free\s*money"#, flags: "i", acceptable: [["money"], ["free"]], samples: ["FREE MONEY", "freemoney now"]),
    .init(pattern: #"colis{2}"#, acceptable: nil, samples: ["coliss", "un coliss"]),
    .init(pattern: #"straße"#, acceptable: [["straße"]], samples: ["Hauptstraße 5"]),
    .init(pattern: #"ﬁnance"#, acceptable: [["finance"]], samples: ["ﬁnance"]),
    .init(pattern: #"caf[eé]s? gratuits?"#, flags: "i", acceptable: [["gratuit"]], samples: ["cafés gratuits", "CAFE GRATUIT"]),
    .init(pattern: #"mot de passe"#, acceptable: nil, samples: ["votre mot de passe", "MOT DE PASSE"]),
    .init(pattern: #"\d{4}-\d{2}"#, acceptable: [nil], samples: ["2024-05"]),
    .init(pattern: #"a|bc"#, acceptable: [nil], samples: ["a"]),
    .init(pattern: #"nu+l"#, acceptable: [nil], samples: ["nuuul"]),
    .init(pattern: #"colis"#, flags: "x", acceptable: [nil], samples: ["colis"]),
    .init(pattern: #"(?=colis)\w+"#, acceptable: [nil], samples: ["colis"]),
    // Literals next to what normalization folds in context: leetspeak, repeated letters, digits.
    .init(pattern: #"[a-z]+2024"#, acceptable: nil, samples: ["noel2024", "promo2024 !"]),
    .init(pattern: #"2024"#, acceptable: nil, samples: ["noel2024", "en 2024", "2024abc"]),
    .init(pattern: #"123"#, acceptable: nil, samples: ["123abc", "abc123", "123", "a1234"]),
    .init(pattern: #"0800\d{6}"#, acceptable: nil, samples: ["tel:0800123456", "appelez0800123456", "0800123456"]),
    .init(pattern: #"l33t"#, acceptable: nil, samples: ["l33t", "xl33t", "L33T"]),
    .init(pattern: #"ssion"#, acceptable: nil, samples: ["session", "passion", "sssion"]),
    .init(pattern: #"covid-?19"#, flags: "i", acceptable: nil, samples: ["covid19", "COVID-19", "xcovid-19x"]),
    .init(pattern: #"arn[a@]que"#, acceptable: nil, samples: ["arn@que", "arnaque"]),
    .init(pattern: #"\$ecure"#, acceptable: nil, samples: ["$ecure", "x$ecure"]),
    .init(pattern: #"mot5"#, acceptable: nil, samples: ["mot5", "emot5x"]),
    .init(pattern: #"\101bcd"#, acceptable: nil, samples: ["Abcd"]),
    .init(
        pattern: #"\cAbcd"#, acceptable: nil, samples: ["\u{01}bcd"]),
    // Leetspeak classes read as the letter they all normalize to.
    .init(pattern: #"j[a@4]j[a@4]r[o0]ud[a@4]r"#, flags: "i", acceptable: [["jajaroudar"]], samples: ["J4J4R0UD4R !", "jaj@roudar", "x j@jaroud@r y"]),
    .init(pattern: #"br[i1!]cl[o0]x"#, flags: "i", acceptable: [["clox"]], samples: ["br!cl0x", "BR1CLOX", "bricl0x"]),
    .init(pattern: #"[a@4][a@4][a@4]"#, acceptable: nil, samples: ["444", "@aa", "aaa"]),
    .init(pattern: #"[@a]bcd"#, acceptable: nil, samples: ["@bcd", "abcd"]),
]

/// The pattern PCRE2 compiles: a rule file escapes `/` as `\/`, which PCRE2 reads as `/` anyway.
private func regex(_ c: RegexCase) throws -> Regex { try Regex(c.pattern, flags: c.flags) }

@Test(arguments: regexCases)
func regexPrefilterIsNeverWrong(_ c: RegexCase) throws {
    let re = try regex(c)
    let required = RegexLiterals.required(c.pattern, flags: c.flags)
    let scratch = RegexScratch()
    let check = {
        if let acceptable = c.acceptable {
            let normalized = acceptable.map { $0.map { Set($0.map { normalizer.normalize($0) }) } }
            #expect(normalized.contains { $0 == required.map(Set.init) }, "required words: \(String(describing: required)), acceptable: \(normalized)")
        }
        var matched = 0
        for s in c.samples {
            let bytes = Array(s.utf8)
            guard case .match = bytes.withUnsafeBufferPointer({ re.firstMatch(in: $0, scratch: scratch) }) else { continue }
            matched += 1
            // The property the matcher graph relies on: every text the regex matches contains one of
            // the required words once normalized.
            if let required {
                let n = normalizer.normalize(s)
                #expect(required.contains { n.contains($0) }, "/\(c.pattern)/ matches \(s.debugDescription) but its normalized text \(n.debugDescription) has none of \(required)")
            }
        }
        #expect(matched > 0, "no sample matches /\(c.pattern)/: the property would be vacuous")
    }
    if let k = c.knownIssue {
        withKnownIssue(Comment(rawValue: k)) { check() }
    } else {
        check()
    }
}

@Test(arguments: regexCases)
func regexRuleDecidesLikeTheRegexItself(_ c: RegexCase) throws {
    let program = try compileRules("rule r { when text matches /\(c.pattern)/\(c.flags) then tag r }")
    let re = try regex(c)
    let scratch = RegexScratch()
    let check = {
        for s in c.samples + ["", "rien à voir", "colis retard plainte"] {
            let direct: Bool
            if case .match = Array(s.utf8).withUnsafeBufferPointer({ re.firstMatch(in: $0, scratch: scratch) }) { direct = true } else { direct = false }
            let d = try decide(program, comment(s))
            #expect(d.matchedRules.contains("r") == direct, "/\(c.pattern)/\(c.flags) on \(s.debugDescription): regex says \(direct)")
        }
    }
    if let k = c.knownIssue {
        withKnownIssue(Comment(rawValue: k)) { try check() }
    } else {
        try check()
    }
}
