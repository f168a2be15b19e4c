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

// MARK: - Conditions, table-driven

/// A condition, a comment, and whether the condition holds for it.
struct DecisionCase: Sendable, CustomTestStringConvertible {
    var condition: String
    var json: String
    var expected: Bool
    var knownIssue: String? = nil
    var testDescription: String { "\(condition) on \(json) → \(expected)" }
}

private func c(_ condition: String, _ text: String, _ expected: Bool, _ extra: [String: Any] = [:]) -> DecisionCase {
    DecisionCase(condition: condition, json: comment(text, extra), expected: expected)
}

private func raw(_ condition: String, _ json: String, _ expected: Bool) -> DecisionCase {
    DecisionCase(condition: condition, json: json, expected: expected)
}

/// Lists the conditions may use.
private let prelude = """
    lang fr, en, es
    list retard = ["retard", "pas reçu", "toujours rien"]
    list bannis = ["42", "troll"]
    """

let textCases: [DecisionCase] = [
    // has: whole words and phrases
    c(#"text has "colis""#, "Mon colis est arrivé", true),
    c(#"text has "colis""#, "Mes colissimo", false),
    c(#"text has "colis""#, "COLIS!!!", true),
    c(#"text has "colis""#, "", false),
    c(#"text has "pas reçu""#, "Toujours pas... reçu !", true),
    c(#"text has "pas reçu""#, "pas\nreçu", true),
    c(#"text has "pas reçu""#, "pas encore reçu", false),
    c(#"text has "porte-monnaie""#, "mon porte monnaie", true),
    c(#"text has "porte monnaie""#, "mon porte-monnaie", true),
    // accents and case, both ways
    c(#"text has "reçu""#, "pas RECU", true),
    c(#"text has "recu""#, "pas reçu", true),
    c(#"text has "école""#, "ÉCOLE", true),
    c(#"text has "ECOLE""#, "école", true),
    c(#"text has "é""#, "E", true),
    c(#"text has "garcon""#, "garçon", true),
    c(#"text has "senor""#, "Señor", true),
    c(#"text has "año""#, "ano", true),
    // French and Spanish word boundaries
    c(#"text has "arnaque""#, "c'est l'arnaque", true),
    c(#"text has "arnaque""#, "c’est l’arnaque", true),
    c(#"text has "il""#, "qu'il vienne", true),
    // evasion
    c(#"text has "colis""#, "co\u{200B}lis", true),
    c(#"text has "colis""#, "\u{202E}colis\u{202C}", true),
    c(#"text has "colis""#, "ｃｏｌｉｓ", true),
    c(#"text has "colis""#, "𝐜𝐨𝐥𝐢𝐬", true),
    c(#"text has "arnaque""#, "\u{0430}rn\u{0430}qu\u{0435}", true),
    c(#"text has "naze""#, "t'es n4z3", true),
    c(#"text has "nul""#, "c'est nuuuul", true),
    c(#"text has "naze""#, "t'es n.a.z.e", true),
    // contains, starts, ends
    c(#"text contains "arnaq""#, "ARNAQUEURS", true),
    c(#"text has "arnaq""#, "ARNAQUEURS", false),
    c(#"text starts with "bonjour""#, "Bonjour, j'ai un souci", true),
    c(#"text starts with "bonjour""#, "Hello, bonjour", false),
    c(#"text ends with "merci""#, "Réglez ça, merci !!", true),
    c(#"text ends with "merci""#, "merci de rien", false),
    // any, all, lists
    c(#"text has any ["avocat", "lawyer"]"#, "calling my LAWYER", true),
    c(#"text has any ["avocat", "lawyer"]"#, "calling my mum", false),
    c(#"text has all ["colis", "retard"]"#, "retard du colis", true),
    c(#"text has all ["colis", "retard"]"#, "colis perdu", false),
    c(#"text has any retard"#, "toujours rien reçu", true),
    // near
    c(#"text has "colis" near "retard" within 3 words"#, "colis toujours en retard", true),
    c(#"text has "colis" near "retard" within 3 words"#, "retard de mon colis", true),
    c(#"text has "colis" near "retard" within 3 words"#, "colis a b retard", true),
    c(#"text has "colis" near "retard" within 2 words"#, "colis a b retard", false),
    c(#"text has "colis" near "retard" within 3 words"#, "colis est vraiment beaucoup trop en retard", false),
    c(#"text has "colis" near "retard" within 3 words"#, "colis. Bref... retard", true),
    c(#"text has any ["colis", "commande"] near any retard within 6 words"#, "Ma commande : toujours rien !", true),
    c(#"text has any ["colis", "commande"] near any retard within 6 words"#, "Ma commande est bien arrivée hier soir, merci beaucoup à toute l'équipe. Le retard du train", false),
    // count
    c(#"count(text has "spam") >= 3"#, "spam SPAM, spam", true),
    c(#"count(text has "spam") >= 3"#, "spam spam", false),
    c(#"count(text has "spam") >= 2"#, "spamspam spam", false),
    c(#"count(text has any ["spam", "promo"]) == 3"#, "spam promo spam", true),
    c(#"count(text has "spam") == 0"#, "rien", true),
    // regex on the original text
    c(#"text matches /\bporter\s+plainte\b/i"#, "Je vais PORTER   plainte", true),
    c(#"text matches /\bporter\s+plainte\b/i"#, "porter une plainte", false),
    c(#"text matches /^[A-Z ]+$/"#, "TOUT EN MAJUSCULES", true),
    // other text fields
    c(#"author.name has "bot""#, "x", true, ["author": ["name": "Spam Bot 3000"]]),
    c(#"author.name has "bot""#, "bot", false),
    c(#"author.name matches /bot$/i"#, "x", true, ["author": ["name": "superBOT"]]),
    c(#"author.name matches /bot$/i"#, "x", false, ["author": ["name": 42]]),
]

let fieldCases: [DecisionCase] = [
    c(#"author.role == "staff""#, "x", true, ["author": ["role": "staff"]]),
    c(#"author.role == "staff""#, "x", true, ["author": ["role": "Staff"]]),
    c(#"author.role == "staff""#, "x", false, ["author": ["role": "user"]]),
    c(#"author.role == "staff""#, "x", false),
    c(#"author.role == "staff""#, "x", false, ["author": ["role": 5]]),
    // missing fields make every comparison false, `!=` included
    c(#"author.role != "staff""#, "x", true, ["author": ["role": "user"]]),
    c(#"author.role != "staff""#, "x", false),
    c(#"author.role != "staff""#, "x", false, ["author": NSNull()]),
    c(#"author.role != "staff""#, "x", false, ["author": "someone"]),
    c(#"not author.role == "staff""#, "x", true),
    // numbers
    c(#"meta.toxicity > 0.8"#, "x", true, ["meta": ["toxicity": 0.93]]),
    c(#"meta.toxicity > 0.8"#, "x", false, ["meta": ["toxicity": 0.5]]),
    c(#"meta.toxicity > 0.8"#, "x", false, ["meta": ["toxicity": "0.93"]]),
    c(#"meta.toxicity > 0.8"#, "x", false),
    c(#"meta.toxicity < 0.8"#, "x", false),
    c(#"meta.toxicity <= 0.5"#, "x", true, ["meta": ["toxicity": 0.5]]),
    c(#"meta.toxicity > 80%"#, "x", true, ["meta": ["toxicity": 0.93]]),
    raw(#"author.followers >= 10000"#, #"{"text":"x","author":{"followers":1e4}}"#, true),
    raw(#"author.karma < 0"#, #"{"text":"x","author":{"karma":-3}}"#, true),
    // booleans and null
    c(#"author.verified == true"#, "x", true, ["author": ["verified": true]]),
    c(#"author.verified == true"#, "x", false, ["author": ["verified": false]]),
    c(#"author.verified == true"#, "x", false, ["author": ["verified": "true"]]),
    c(#"author.verified != true"#, "x", false),
    c(#"author.name == null"#, "x", true, ["author": ["name": NSNull()]]),
    c(#"author.name == null"#, "x", false),
    c(#"author.name != null"#, "x", false, ["author": ["name": NSNull()]]),
    c(#"author.name != null"#, "x", true, ["author": ["name": "Julie"]]),
    // durations: numbers are seconds, strings are timestamps whose age is taken at `timestamp`
    c(#"author.age < 7d"#, "x", true, ["author": ["age": 3600]]),
    c(#"author.age < 7d"#, "x", false, ["author": ["age": 700_000]]),
    c(#"author.age < 7d"#, "x", false, ["author": ["age": 604_800]]),
    c(#"author.age <= 7d"#, "x", true, ["author": ["age": 604_800]]),
    c(#"author.age >= 90m"#, "x", true, ["author": ["age": 5400]]),
    c(#"author.age < 7d"#, "x", false),
    c(#"author.age < 7d"#, "x", true, ["author": ["age": "2024-05-08T12:00:00Z"], "timestamp": "2024-05-10T12:00:00Z"]),
    c(#"author.age < 7d"#, "x", false, ["author": ["age": "2024-04-01T00:00:00Z"], "timestamp": "2024-05-10T12:00:00Z"]),
    c(#"author.age < 7d"#, "x", false, ["author": ["age": "2024-05-08T12:00:00Z"]]),
    c(#"author.age > 1d"#, "x", false, ["author": ["age": "2024-05-08T12:00:00Z"]]),
    c(#"author.age < 7d"#, "x", false, ["author": ["age": "last week"], "timestamp": "2024-05-10T12:00:00Z"]),
    c(#"age(author.created_at) < 1h"#, "x", true, ["author": ["created_at": "2024-05-10T11:30:00+00:00"], "timestamp": "2024-05-10T12:00:00Z"]),
    c(#"age(author.created_at) < 1h"#, "x", true, ["author": ["created_at": "2024-05-10T13:30:00+02:00"], "timestamp": "2024-05-10T12:00:00Z"]),
    c(#"age(author.created_at) < 1h"#, "x", false, ["author": ["created_at": "2024-05-10T09:30:00Z"], "timestamp": "2024-05-10T12:00:00Z"]),
    c(#"age(author.created_at) > 3d"#, "x", true, ["author": ["created_at": 1_715_000_000], "timestamp": 1_715_342_400]),
    c(#"age(author.created_at) > 3d"#, "x", true, ["author": ["created_at": 1_715_000_000], "timestamp": 1_715_342_400_000]),
    c(#"age(author.created_at) < 3d"#, "x", false, ["author": ["created_at": 1_715_000_000]]),
    c(#"age(author.created_at) < 1h"#, "x", true, ["author": ["created_at": "2024-05-10 11:30"], "created_at": "2024-05-10T12:00:00Z"]),
    // in, not in
    c(#"channel in ["twitter", "facebook"]"#, "x", true, ["channel": "Twitter"]),
    c(#"channel in ["twitter", "facebook"]"#, "x", false, ["channel": "tiktok"]),
    c(#"channel in ["twitter", "facebook"]"#, "x", false),
    c(#"channel not in ["twitter"]"#, "x", true, ["channel": "tiktok"]),
    c(#"channel not in ["twitter"]"#, "x", false),
    c(#"channel not in ["twitter"]"#, "x", false, ["channel": "Twitter"]),
    c(#"author.id in ["42", "43"]"#, "x", true, ["author": ["id": 42]]),
    c(#"author.id in bannis"#, "x", true, ["author": ["id": "troll"]]),
    c(#"author.id in bannis"#, "x", false, ["author": ["id": "julie"]]),
    // exists
    c(#"author.name exists"#, "x", true, ["author": ["name": "Julie"]]),
    c(#"author.name exists"#, "x", true, ["author": ["name": ""]]),
    c(#"author.name exists"#, "x", false, ["author": ["name": NSNull()]]),
    c(#"author.name exists"#, "x", false),
    c(#"not meta.x exists"#, "x", true),
    // derived values
    c(#"links(text) > 0"#, "voir https://x.io/a", true),
    c(#"links(text) > 0"#, "voir www.exemple.com", true),
    c(#"links(text) > 0"#, "pas de lien ici", false),
    c(#"links(text) == 2"#, "http://a.b et HTTPS://c.d", true),
    c(#"mentions(text) >= 2"#, "@marie @jean salut", true),
    c(#"mentions(text) >= 1"#, "écrivez à contact@exemple.com", false),
    c(#"hashtags(text) == 2"#, "#boycott #marque", true),
    c(#"emojis(text) >= 3"#, "😡😡😡 nul", true),
    c(#"emojis(text) >= 3"#, "nul :(", false),
    c(#"caps(text) > 80%"#, "ARRÊTEZ TOUT", true),
    c(#"caps(text) > 80%"#, "Arrêtez tout", false),
    c(#"length(text) > 10"#, "0123456789é", true),
    c(#"length(text) > 5"#, "ééééé", false),
    c(#"words(text) == 3"#, "un, deux... trois!", true),
    c(#"length(author.name) > 3"#, "x", true, ["author": ["name": "Julie"]]),
    c(#"length(author.name) > 3"#, "x", false),
    // language, detected or given
    c(#"lang == "fr""#, "Bonjour, mon colis n'est toujours pas arrivé", true),
    c(#"lang == "en""#, "Hi, my order still has not arrived, why?", true),
    c(#"lang == "es""#, "Hola, mi pedido todavía no ha llegado", true),
    c(#"lang == "es""#, "¿Dónde está mi pedido?", true),
    c(#"lang == "en""#, "¿Dónde está mi pedido?", false),
    c(#"lang == "es""#, "Hello there, thanks", true, ["lang": "es"]),
    // logic
    c(#"text has "a1" and (text has "b2" or author.role == "staff")"#, "a1 b2", true),
    c(#"text has "a1" and (text has "b2" or author.role == "staff")"#, "a1", false),
    c(#"text has "a1" and (text has "b2" or author.role == "staff")"#, "a1", true, ["author": ["role": "staff"]]),
    c(#"not (text has "a1" or text has "b2")"#, "c3", true),
    c(#"true"#, "", true),
    c(#"false"#, "", false),
]

private func checkCase(_ c: DecisionCase) throws {
    let program = try compileRules(prelude + "\nrule r { when \(c.condition) then tag hit }\n")
    let d = try decide(program, c.json)
    #expect(d.matchedRules.contains("r") == c.expected, "lang \(d.lang)")
    #expect(d.tags == (c.expected ? ["hit"] : []))
}

@Test(arguments: textCases)
func textPredicate(_ c: DecisionCase) throws { try checkCase(c) }

@Test(arguments: fieldCases)
func fieldPredicate(_ c: DecisionCase) throws { try checkCase(c) }

@Test func evaluatorIsReusableAcrossComments() throws {
    // One evaluator, many comments: scratch state from one comment never leaks into the next.
    let program = try compileRules(prelude + "\nrule r { when text has \"colis\" near any retard within 3 words then tag hit }\n")
    let ev = Evaluator(program: program)
    let texts = ["colis en retard", "bonjour", "colis", "retard", "mon colis toujours rien", "", "colis. retard"]
    for _ in 0..<3 {
        for t in texts {
            guard case .decision(let d) = ev.evaluate(line: Array(comment(t).utf8)) else {
                Issue.record("error for \(t)")
                continue
            }
            let fresh = try decide(program, comment(t))
            #expect(d.matchedRules == fresh.matchedRules, "\(t)")
        }
    }
}

// MARK: - Precedence

@Test func allowExemptsLaterRules() throws {
    let program = try compileRules(
        """
        rule equipe priority 100 { when author.role == "staff" then allow, tag equipe }
        rule insulte { when text has "connard" then hide "insulte", flag moderation, tag insulte }
        """)
    let d = try decide(program, comment("connard", ["author": ["role": "staff"]]))
    #expect(d.matchedRules == ["equipe", "insulte"])
    #expect(d.actions.map(\.kind) == [.allow])
    #expect(d.tags == ["equipe"])
    #expect(d.dropped.map(\.action.kind) == [.hide, .flag, .tag])
    #expect(d.dropped.allSatisfy { $0.why.contains("allow") && $0.why.contains("equipe") }, "\(d.dropped)")
    // Without the exemption the insult is hidden.
    let other = try decide(program, comment("connard", ["author": ["role": "user"]]))
    #expect(other.actions.map(\.kind) == [.hide, .flag])
    #expect(other.dropped.isEmpty)
}

@Test func allowDoesNotExemptRulesThatRunBeforeIt() throws {
    let program = try compileRules(
        """
        rule menace priority 200 { when text has "avocat" then escalate juridique severity high }
        rule equipe priority 100 { when author.role == "staff" then allow }
        """)
    let d = try decide(program, comment("mon avocat", ["author": ["role": "staff"]]))
    #expect(d.actions.map(\.kind) == [.escalate, .allow])
}

@Test func hiddenCommentGetsNoReply() throws {
    let program = try compileRules(
        """
        template excuses { fr: "Désolés" }
        rule plainte priority 10 { when text has "colis" then reply excuses, tag sav }
        rule insulte { when text has "connard" then hide "insulte" }
        """)
    let d = try decide(program, comment("mon colis connard"))
    #expect(d.actions.map(\.kind) == [.hide])
    #expect(d.actions.first?.reason == "insulte")
    #expect(d.tags == ["sav"])
    let dropped = try #require(d.dropped.first)
    #expect(d.dropped.count == 1)
    #expect(dropped.action.kind == .reply)
    #expect(dropped.action.rule == "plainte")
    #expect(dropped.why.contains("hidden"))
}

@Test func atMostOneReplyTheFirstInEvaluationOrder() throws {
    let program = try compileRules(
        """
        template a { fr: "A" }
        template b { fr: "B" }
        template c { fr: "C" }
        rule r1 { when text has "colis" then reply a }
        rule r2 priority 5 { when text has "colis" then reply b }
        rule r3 { when text has "colis" then reply c }
        """)
    let d = try decide(program, comment("colis"))
    let replies = d.actions.filter { $0.kind == .reply }
    #expect(replies.map(\.argument) == ["b"])
    #expect(replies.first?.text == "B")
    #expect(d.dropped.map(\.action.argument) == ["a", "c"])
    #expect(d.dropped.allSatisfy { $0.why.contains("one reply") })
}

@Test(arguments: [false, true])
func escalationsToOneTeamMergeWithTheHighestSeverity(reversed: Bool) throws {
    var rules = [
        #"rule a { when text has "avocat" then escalate juridique severity normal }"#,
        #"rule b { when text has "plainte" then escalate juridique severity critical }"#,
        #"rule c { when text has "avocat" then escalate juridique }"#,
        #"rule d { when text has "boycott" then escalate crise severity low }"#,
    ]
    if reversed { rules.reverse() }
    let program = try compileRules(rules.joined(separator: "\n"))
    let d = try decide(program, comment("avocat, plainte et boycott"))
    let esc = d.actions.filter { $0.kind == .escalate }
    #expect(esc.count == 2, "\(esc)")
    let juridique = try #require(esc.first { $0.argument == "juridique" })
    #expect(juridique.severity == "critical")
    #expect(juridique.rule == "b")
    #expect(Set(juridique.rules) == ["a", "b", "c"])
    #expect(esc.first { $0.argument == "crise" }?.severity == "low")
}

@Test func escalationWithoutSeverityIsNormal() throws {
    let program = try compileRules(#"rule a { when text has "avocat" then escalate juridique }"#)
    #expect(try decide(program, comment("avocat")).actions.first?.severity == "normal")
}

@Test func flagsToOneQueueMergeAndTagsAreSortedAndUnique() throws {
    let program = try compileRules(
        """
        rule a { when text has "x" then flag moderation, tag zeta, tag alpha }
        rule b { when text has "x" then flag moderation, tag alpha }
        rule c { when text has "x" then flag spam }
        """)
    let d = try decide(program, comment("x"))
    let flags = d.actions.filter { $0.kind == .flag }
    #expect(flags.map(\.argument) == ["moderation", "spam"])
    #expect(flags.first?.rules == ["a", "b"])
    #expect(d.tags == ["alpha", "zeta"])
}

@Test func shadowRuleIsReportedNotApplied() throws {
    let program = try compileRules(
        """
        template t { fr: "Bonjour" }
        rule essai shadow priority 50 { when text has "colis" then hide "essai", allow }
        rule plainte { when text has "colis" then reply t }
        """)
    let d = try decide(program, comment("colis"))
    #expect(d.matchedRules == ["essai", "plainte"])
    #expect(d.actions.map(\.kind) == [.reply], "a shadow hide must not hide, a shadow allow must not exempt")
    #expect(d.shadow.map(\.kind) == [.hide, .allow])
    #expect(d.shadow.first?.rule == "essai")
    #expect(d.dropped.isEmpty)
}

@Test func appliedActionsComeInAStableOrder() throws {
    let program = try compileRules(
        """
        template t { fr: "Bonjour" }
        rule r1 priority 9 { when text has "x" then flag q }
        rule r2 priority 8 { when text has "x" then escalate e }
        rule r3 priority 7 { when text has "x" then hide }
        """)
    #expect(try decide(program, comment("x")).actions.map(\.kind) == [.hide, .escalate, .flag])
}

// MARK: - Templates

private let templateRules = """
    lang fr, en, es
    template excuses {
      fr: "Bonjour {author.name|à vous}, désolés. ({lang})"
      en: "Hi {author.name|there}, sorry. ({lang})"
    }
    template tourne { fr: ["Variante A", "Variante B", "Variante C"] }
    template commande { fr: "Commande {meta.order} : {meta.missing|inconnue}, \\{ok\\}" }
    rule plainte { when text has "colis" then reply excuses }
    rule tourne { when text has "tourne" then reply tourne }
    rule commande { when text has "commande" then reply commande }
    """

private func replyText(_ program: Program, _ json: String) throws -> DecidedAction {
    let d = try decide(program, json)
    return try #require(d.actions.first { $0.kind == .reply }, "no reply in \(d.actions)")
}

@Test func templateFillsPlaceholdersInTheCommentsLanguage() throws {
    let program = try compileRules(templateRules)
    #expect(try replyText(program, comment("Bonjour, mon colis est en retard", ["author": ["name": "Julie"]])).text == "Bonjour Julie, désolés. (fr)")
    #expect(try replyText(program, comment("Hi, my colis is late", ["author": ["name": "Max"], "lang": "en"])).text == "Hi Max, sorry. (en)")
    // No Spanish variant: the first one.
    #expect(try replyText(program, comment("colis", ["author": ["name": "Ana"], "lang": "es"])).text == "Bonjour Ana, désolés. (es)")
}

@Test func templateFallbackForMissingOrEmptyValues() throws {
    let program = try compileRules(templateRules)
    #expect(try replyText(program, comment("mon colis", ["lang": "fr"])).text == "Bonjour à vous, désolés. (fr)")
    #expect(try replyText(program, comment("mon colis", ["lang": "fr", "author": ["name": ""]])).text == "Bonjour à vous, désolés. (fr)")
    #expect(try replyText(program, comment("mon colis", ["lang": "fr", "author": ["name": NSNull()]])).text == "Bonjour à vous, désolés. (fr)")
    #expect(try replyText(program, comment("ma commande", ["lang": "fr", "meta": ["order": 12345]])).text == "Commande 12345 : inconnue, {ok}")
}

@Test(arguments: ["@everyone", "@here", "Julie @everyone", "@Julie"])
func templateNeutralizesMentions(_ name: String) throws {
    let program = try compileRules(templateRules)
    let text = try #require(try replyText(program, comment("colis", ["lang": "fr", "author": ["name": name]])).text)
    #expect(!text.contains("@everyone") && !text.contains("@here") && !text.contains("@Julie"), "\(text.debugDescription)")
    // The visible name stays readable.
    #expect(text.unicodeScalars.filter { $0 != "\u{2060}" && $0 != "\u{200B}" }.map(String.init).joined().contains(name), "\(text.debugDescription)")
}

@Test func templateDoesNotEchoMarkupControlsOrLongText() throws {
    let program = try compileRules(templateRules)
    let hostile = "<script>alert(1)</script>\n`rm -rf` **gras** [lien](http://x) \u{202E}" + String(repeating: "a", count: 500)
    let text = try #require(try replyText(program, comment("colis", ["lang": "fr", "author": ["name": hostile]])).text)
    for bad in ["<", ">", "`", "\n", "\u{202E}", "**", "[lien]"] {
        #expect(!text.contains(bad), "\(bad.debugDescription) echoed in \(text.debugDescription)")
    }
    #expect(text.count < 200, "a placeholder inserted \(text.count) characters")
}

@Test func templateVariantRotationIsDeterministic() throws {
    let program = try compileRules(templateRules)
    var seen = Set<Int>()
    for i in 0..<60 {
        let line = comment("ça tourne", ["id": "c\(i)", "lang": "fr"])
        let a = try replyText(program, line)
        let b = try replyText(program, line)
        // A second evaluator (another worker) picks the same variant.
        guard case .decision(let d) = Evaluator(program: program).evaluate(line: Array(line.utf8)) else {
            Issue.record("error record")
            continue
        }
        let c = d.actions.first { $0.kind == .reply }
        let v = try #require(a.variant)
        #expect(b.variant == v)
        #expect(c?.variant == v)
        #expect(a.text == ["Variante A", "Variante B", "Variante C"][v])
        seen.insert(v)
    }
    #expect(seen == [0, 1, 2], "60 comments should use every variant, used \(seen.sorted())")
}

// MARK: - Bad lines

struct BadLine: Sendable, CustomTestStringConvertible {
    var line: String
    var code: String?
    var testDescription: String { "\(line.count > 60 ? String(line.prefix(40)) + "… (\(line.count) bytes)" : line.debugDescription) → \(code ?? "any error")" }
}

let badLines: [BadLine] = [
    .init(line: "", code: nil),
    .init(line: "   ", code: nil),
    .init(line: "not json", code: "invalid_json"),
    .init(line: #"{"text": "unterminated"#, code: "invalid_json"),
    .init(line: #"{"text": "x"} trailing"#, code: "invalid_json"),
    .init(line: #"{"text": "x",}"#, code: "invalid_json"),
    .init(line: #"{'text': 'x'}"#, code: "invalid_json"),
    .init(line: "[1, 2]", code: "not_object"),
    .init(line: #"["text"]"#, code: "not_object"),
    .init(line: #""just a string""#, code: "not_object"),
    .init(line: "42", code: "not_object"),
    .init(line: "null", code: "not_object"),
    .init(line: "{}", code: "no_text"),
    .init(line: #"{"id": 1, "body": "x"}"#, code: "no_text"),
    .init(line: #"{"text": 3}"#, code: "no_text"),
    .init(line: #"{"text": null}"#, code: "no_text"),
    .init(line: #"{"text": ["a"]}"#, code: "no_text"),
    .init(line: #"{"text": {"fr": "x"}}"#, code: "no_text"),
    .init(line: String(repeating: "[", count: 10_000), code: "invalid_json"),
    // Valid JSON, too deep to be a comment: any error code, but an error record and no crash.
    .init(line: String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000), code: nil),
    .init(line: #"{"text": "x", "a": "# + String(repeating: "[", count: 10_000), code: "invalid_json"),
]

@Test(arguments: badLines)
func badLineGetsAnErrorRecord(_ b: BadLine) throws {
    let program = try compileRules(#"rule r { when text has "x" then hide }"#)
    switch Evaluator(program: program).evaluate(line: Array(b.line.utf8)) {
    case .decision(let d): Issue.record("got a decision \(d.actions) instead of an error record")
    case .error(let code, let message):
        if let expected = b.code { #expect(code == expected, "\(message)") }
        #expect(!message.isEmpty)
    }
}

@Test func runnerNumbersEveryLineAndKeepsIds() throws {
    let program = try compileRules(#"rule r { when text has "x" then hide }"#)
    let runner = StreamRunner(program: program, options: RunOptions())
    let inputs: [(String, String?)] = [
        (#"{"id":"a","text":"x"}"#, nil),
        ("", "empty_line"),
        ("   \t", "empty_line"),
        ("\r", "empty_line"),
        (#"{"id":7,"text":5}"#, "no_text"),
        ("{oops", "invalid_json"),
        (#"{"id":"b","text":"y"}"# + "\r", nil),
    ]
    for (i, (line, code)) in inputs.enumerated() {
        let out = String(decoding: runner.process(line: Array(line.utf8)[...], number: i + 1), as: UTF8.self)
        #expect(out.hasSuffix("\n") && out.filter { $0 == "\n" }.count == 1, "\(out.debugDescription)")
        let o = try #require(parseObject(out), "not JSON: \(out)")
        #expect(o["line"] as? Int == i + 1)
        #expect(o["error_code"] as? String == code, "\(out)")
        if code == nil { #expect(o["actions"] != nil) }
    }
    #expect(runner.stats.lines == inputs.count)
    #expect(runner.stats.errors == 5)
    // The id of a comment that has one is kept, even on an error record.
    let o = parseObject(String(decoding: runner.process(line: Array(#"{"id":7,"text":5}"#.utf8)[...], number: 9), as: UTF8.self))
    #expect(o?["id"] as? Int == 7)
}

@Test func invalidUTF8InTextIsDecidedNotCrashed() throws {
    let program = try compileRules(#"rule r { when text has "colis" then hide }"#)
    var line = Array(#"{"id":"z","text":"mon colis "#.utf8)
    line += [0xFF, 0xC3, 0x28, 0xE2, 0x82]
    line += Array(#" fin"}"#.utf8)
    switch Evaluator(program: program).evaluate(line: line) {
    case .decision(let d): #expect(d.has(.hide))
    case .error(let code, _): #expect(code == "invalid_json")
    }
}

@Test func decisionJSONFollowsTheOutputContract() throws {
    let program = try compileRules(
        """
        template t { fr: "Bonjour {author.name}" }
        rule insulte { when text has "connard" then hide "insulte", tag insulte }
        rule plainte { when text has "colis" then reply t, escalate sav severity high, flag q }
        rule essai shadow { when text has "colis" then hide }
        """)
    let runner = StreamRunner(program: program, options: RunOptions())
    let out = String(decoding: runner.process(line: Array(comment("colis connard", ["id": "c1", "author": ["name": "Max"]]).utf8)[...], number: 1), as: UTF8.self)
    let o = try #require(parseObject(out))
    #expect(o["id"] as? String == "c1")
    #expect(o["lang"] as? String != nil)
    let actions = try #require(o["actions"] as? [[String: Any]])
    #expect(actions.compactMap { $0["type"] as? String } == ["hide", "escalate", "flag"])
    #expect(actions[0]["reason"] as? String == "insulte")
    #expect(actions[1]["team"] as? String == "sav")
    #expect(actions[1]["severity"] as? String == "high")
    #expect(actions[2]["queue"] as? String == "q")
    #expect(o["tags"] as? [String] == ["insulte"])
    #expect(o["rules"] as? [String] == ["insulte", "plainte", "essai"])
    let dropped = try #require(o["dropped"] as? [[String: Any]])
    #expect(dropped.first?["type"] as? String == "reply")
    #expect(dropped.first?["why"] as? String != nil)
    #expect((o["shadow"] as? [[String: Any]])?.first?["type"] as? String == "hide")
}
