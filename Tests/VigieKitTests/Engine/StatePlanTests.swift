import Foundation
import Testing

@testable import VigieCore
@testable import VigieLanguage
@testable import VigieEngine

/// The plan of rules written in memory (the rules must compile).
private func plan(_ text: String) throws -> StatePlan {
    let rs = buildRuleSet("lang fr\n" + text)
    try #require(!rs.hasErrors, "\(rendered(rs.diagnostics))")
    return StatePlan(program: try #require(Compiler.compile(rs)))
}

@Test func planOfStatelessRulesAllowsAnySplit() throws {
    let p = try plan(#"rule insulte { when text has "idiot" then hide "insulte" }"#)
    #expect(p.partitioning == .any)
    #expect(p.rules.map(\.name) == ["insulte"])
    #expect(p.rules[0].state.isEmpty)
}

@Test func planListsEachRulesKeyAndWindowAndSplitsByTheOneKey() throws {
    let p = try plan(
        """
        rule flood { when count(true, window 1m by author) >= 5 then flag flood }
        rule repete { when repeats(window 10m by author) >= 3 then hide "répété" }
        rule merci { when text has "merci" then reply merci cooldown 24h per author }
        rule doublon { when rule repete and text has "promo" then flag spam }
        rule insulte { when text has "idiot" then hide "insulte" }
        template merci { fr: "Merci !" }
        """)
    #expect(p.partitioning == .byKey("author"))
    let byName = Dictionary(uniqueKeysWithValues: p.rules.map { ($0.name, $0.state) })
    #expect(byName["flood"] == [.init(kind: .window, key: "author", seconds: 60)])
    #expect(byName["repete"] == [.init(kind: .repeats, key: "author", seconds: 600)])
    #expect(byName["merci"] == [.init(kind: .cooldown, key: "author", seconds: 86400)])
    // A rule that refers to a stateful rule reads its state.
    #expect(byName["doublon"] == [.init(kind: .repeats, key: "author", seconds: 600)])
    #expect(byName["insulte"] == [])
}

@Test func planWithAGlobalWindowAsksForOnePartAndNamesTheRule() throws {
    let p = try plan(
        """
        rule plainte { when text has "colis" then tag plainte }
        rule crise { when count(rule plainte, window 15m) >= 20 then escalate crise severity critical once per 1h }
        rule flood { when count(true, window 1m by author) >= 5 then flag flood }
        """)
    guard case .single(let reason) = p.partitioning else {
        Issue.record("expected one part, got \(p.partitioning)")
        return
    }
    #expect(reason.contains("`crise`"), "\(reason)")
    #expect(!reason.contains("`flood`"), "\(reason)")
    let crise = try #require(p.rules.first { $0.name == "crise" })
    #expect(crise.state == [.init(kind: .window, key: nil, seconds: 900), .init(kind: .oncePer, key: nil, seconds: 3600)])
    let json = try #require(try JSONSerialization.jsonObject(with: Data(p.json.utf8)) as? [String: Any])
    #expect((json["partitioning"] as? [String: Any])?["mode"] as? String == "single")
    let rules = try #require(json["rules"] as? [[String: Any]])
    let state = try #require(rules.first { $0["name"] as? String == "crise" }?["state"] as? [[String: Any]])
    #expect(state.first?["key"] is NSNull)
    #expect(state.first?["window"] as? String == "15m")
}

@Test func planWithTwoKeysAsksForOnePartAndSaysWhy() throws {
    let p = try plan(
        """
        rule flood { when count(true, window 1m by author) >= 5 then flag flood }
        rule fil { when count(true, window 1m by thread) >= 50 then flag hot }
        """)
    guard case .single(let reason) = p.partitioning else {
        Issue.record("expected one part, got \(p.partitioning)")
        return
    }
    #expect(reason.contains("`author`") && reason.contains("`thread`"), "\(reason)")
    #expect(p.text.contains("fil: window 1m per thread"), "\(p.text)")
}
