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

/// Parses `text` as `t.vigie`.
private func parse(_ text: String, path: String = "t.vigie") -> (RuleFileSyntax, [Diagnostic]) {
    Parser.parse(SourceFile(path: path, text: text))
}

// MARK: - Accepted inputs

/// A snippet that must parse without any diagnostic.
struct AcceptedSnippet: Sendable, CustomTestStringConvertible {
    var name: String
    var source: String
    var testDescription: String { name }
}

let acceptedSnippets: [AcceptedSnippet] = [
    .init(name: "empty file", source: ""),
    .init(name: "comments only", source: "# a comment\n   # another\n"),
    .init(name: "lang", source: "lang fr, en, es\n"),
    .init(name: "inline list", source: #"list insultes = ["connard", "abruti", "pas reçu"]"#),
    .init(name: "empty inline list", source: #"list vide = []"#),
    .init(name: "file list", source: #"list insultes = file "lists/fr/insultes.txt""#),
    .init(
        name: "template with variants",
        source: """
            template excuses {
              fr: ["Bonjour {author.name|à vous}, désolés.", "Désolés {author.name} !"],
              en: "Hi {author.name|there}, sorry."
              es: "Hola {author.name}, lo sentimos."
            }
            """),
    .init(name: "rule with priority and shadow", source: #"rule equipe priority 100 shadow { when author.role == "staff" then allow }"#),
    .init(name: "negative priority", source: #"rule bas priority -5 { when text has "x" then tag bas }"#),
    .init(name: "hyphenated and accented names", source: #"rule plainte-livraison_2 { when text has "x" then flag file-sav }"# + "\nrule réponse_reçue { when text has \"y\" then tag reçu }"),
    .init(name: "and or not parentheses", source: #"rule r { when (text has "a" or text has "b") and not (author.role == "staff" or not text has "c") then hide }"#),
    .init(name: "rule references", source: "rule a { when text has \"a\" then tag a }\nrule b { when rule a and not rule a then tag b }"),
    .init(name: "has any list and near", source: #"rule r { when text has any ["livraison", "colis"] near any retard within 6 words then reply excuses, tag sav }"#),
    .init(name: "has all", source: #"rule r { when text has all ["colis", "retard"] then tag sav }"#),
    .init(name: "contains starts ends", source: #"rule r { when text contains "arnaq" or text starts with "bonjour" or text ends with any ["merci", "thanks"] then tag poli }"#),
    .init(name: "regex with flags", source: #"rule r { when text matches /\bporter\s+plainte\b/i then escalate juridique severity high }"#),
    .init(name: "regex with slash in class and escaped slash", source: #"rule r { when text matches /https?:\/\/[^/ ]+/ims then flag spam }"#),
    .init(name: "regex on another field", source: #"rule r { when author.name matches /bot$/i then flag spam }"#),
    .init(name: "count", source: #"rule r { when count(text has any ["spam", "promo"]) >= 3 then hide "spam" }"#),
    .init(
        name: "comparisons, numbers, percents, durations",
        source: #"rule r { when caps(text) > 70% and author.age < 7d and author.age >= 90m and meta.score <= -1.5 and author.age != 1.5h and meta.x < 250ms and links(text) == 0 then flag q }"#),
    .init(name: "booleans and null", source: #"rule r { when author.verified == true and author.name != null and meta.flagged == false then tag ok }"#),
    .init(name: "in and not in", source: #"rule r { when channel in ["twitter", "facebook"] and author.id not in bannis then hide }"#),
    .init(name: "exists", source: #"rule r { when author.name exists and not meta.x exists then tag x }"#),
    .init(name: "constants", source: #"rule r { when true then tag tout }"#),
    .init(name: "string escapes", source: #"rule r { when text has "a\"b\\c\n\td" then hide "raison \{x\}" }"#),
    .init(name: "all actions", source: #"rule r { when text has "x" then hide "insulte", escalate crise severity critical, reply excuses, flag moderation, tag sav, allow }"#),
    .init(name: "actions without optional parts", source: #"rule r { when text has "x" then hide, escalate juridique }"#),
    .init(
        name: "examples block",
        source: """
            rule r {
              when text has "colis"
              then tag sav
              examples {
                match "mon colis"
                no match "ma colissimo"
              }
            }
            """),
    .init(
        name: "test blocks",
        source: """
            test "nested given" {
              given { text: "Colis toujours pas reçu", author: { name: "Julie", age: 3d, verified: true, karma: -2 }, meta: { tags: ["a", 1, null, false], ratio: 50% }, "lang": "fr" }
              expect reply excuses, tag sav, not hide
            }
            test "nothing" todo { given { text: "bonjour" } expect nothing }
            test "escalation" { given { text: "avocat" } expect escalate juridique severity high }
            test "by rule" { given { text: "connard" } expect hide by insulte }
            """),
    .init(name: "CRLF line ends", source: "lang fr\r\nlist l = [\"a\"]\r\nrule r {\r\n  when text has any l\r\n  then hide\r\n}\r\n"),
    .init(name: "byte order mark", source: "\u{FEFF}lang fr\nrule r { when text has \"a\" then hide }\n"),
    .init(name: "tabs", source: "rule r {\n\twhen\ttext has \"a\"\n\tthen\thide\n}\n"),
    .init(name: "rule keyword at line start inside a condition", source: "rule a { when text has \"a\" then tag a }\nrule b {\n  when text has \"b\"\n  and not\n  rule a\n  then tag b\n}\n"),
]

@Test(arguments: acceptedSnippets)
func acceptedSnippetParsesCleanly(_ s: AcceptedSnippet) {
    let (_, ds) = parse(s.source)
    #expect(ds.isEmpty, "unexpected diagnostics:\n\(rendered(ds))")
}

@Test func parsedTreeKeepsWhatWasWritten() throws {
    let (tree, ds) = parse(
        """
        lang fr, en
        list retard = ["retard", "pas reçu"]
        list insultes = file "lists/insultes.txt"
        template t { fr: ["a", "b"] en: "c" }
        rule urgent priority 100 shadow {
          when text has any ["colis"] near all retard within 6 words and text matches /porter\\s+plainte/i
          then escalate juridique severity high, reply t
          examples { match "x" no match "y" }
        }
        test "t" todo { given { text: "x", n: 3 } expect not hide, tag sav }
        """)
    #expect(ds.isEmpty, "\(rendered(ds))")
    #expect(tree.langs.map(\.text) == ["fr", "en"])
    #expect(tree.lists.map(\.name.text) == ["retard", "insultes"])
    if case .inline(let items) = tree.lists[0].source {
        #expect(items.map(\.value) == ["retard", "pas reçu"])
    } else {
        Issue.record("list retard should be inline")
    }
    if case .file(let p) = tree.lists[1].source { #expect(p.value == "lists/insultes.txt") } else { Issue.record("list insultes should be a file list") }
    #expect(tree.templates.first?.variants.map(\.lang.text) == ["fr", "en"])
    #expect(tree.templates.first?.variants.first?.texts.map(\.value) == ["a", "b"])
    let rule = try #require(tree.rules.first)
    #expect(rule.name.text == "urgent")
    #expect(rule.priority == 100)
    #expect(rule.shadow)
    #expect(rule.actions.map(\.kind) == [.escalate, .reply])
    #expect(rule.actions[0].argument?.text == "juridique")
    #expect(rule.actions[0].severity?.text == "high")
    #expect(rule.matchExamples.map(\.value) == ["x"])
    #expect(rule.noMatchExamples.map(\.value) == ["y"])
    guard case .and(let lhs, let rhs) = rule.condition else {
        Issue.record("condition should be an `and`, got \(rule.condition)")
        return
    }
    guard case .text(_, let op, let q, _, let near, _) = lhs, let near else {
        Issue.record("left side should be a near predicate, got \(lhs)")
        return
    }
    #expect(op == .has)
    #expect(q == .any)
    #expect(near.quantifier == .all)
    #expect(near.within == 6)
    guard case .matches(_, let pattern, let flags, let patternStart, _) = rhs else {
        Issue.record("right side should be a regex, got \(rhs)")
        return
    }
    #expect(pattern == "porter\\s+plainte")
    #expect(flags == "i")
    #expect(tree.file.text(Span(patternStart, patternStart + 6)) == "porter")
    let test = try #require(tree.tests.first)
    #expect(test.todo)
    #expect(test.expectations.map(\.kind) == [.hide, .tag])
    #expect(test.expectations.map(\.negated) == [true, false])
}

@Test func precedenceOfAndOverOr() throws {
    let (tree, ds) = parse(#"rule r { when text has "a" or text has "b" and text has "c" then hide }"#)
    #expect(ds.isEmpty)
    let cond = try #require(tree.rules.first?.condition)
    guard case .or(_, let right) = cond, case .and = right else {
        Issue.record("`a or b and c` should parse as `a or (b and c)`, got \(cond)")
        return
    }
}

// MARK: - Rejected inputs

/// A snippet with mistakes: the diagnostic ids it must produce, in order, and where.
struct RejectedSnippet: Sendable, CustomTestStringConvertible {
    var name: String
    var source: String
    /// Expected error ids, in order.
    var ids: [String]
    /// Expected `line:column` of each diagnostic (same order), when checked.
    var at: [String] = []
    /// Text the (first) diagnostic's help must contain.
    var help: String? = nil
    /// A known engine bug that makes this case fail today (see the report).
    var knownIssue: String? = nil
    var testDescription: String { "\(ids.joined(separator: ",")) \(name)" }
}

let rejectedSnippets: [RejectedSnippet] = [
    .init(name: "unexpected character", source: #"rule a { when text has "x" ! then hide }"#, ids: ["E001"], at: ["1:28"], help: "`not`"),
    .init(name: "unknown escape", source: #"rule a { when text has "a\q" then hide }"#, ids: ["E003"], at: ["1:26"]),
    .init(name: "unterminated string", source: "template t {\n  fr: \"Bonjour\n}\n", ids: ["E004"], at: ["2:7"]),
    .init(name: "unknown regex flag", source: #"rule a { when text matches /abc/iq then hide }"#, ids: ["E006"], at: ["1:34"]),
    .init(name: "missing closing brace", source: #"rule a { when text has "x" then hide"#, ids: ["E010"], at: ["1:37"]),
    .init(name: "missing closing parenthesis", source: #"rule a { when (text has "x" then hide }"#, ids: ["E010"], at: ["1:29"]),
    .init(name: "missing colon in template", source: #"template t { fr "x" }"#, ids: ["E010"], at: ["1:17"]),
    .init(name: "priority not a number", source: #"rule a priority high { when text has "x" then hide }"#, ids: ["E010"], at: ["1:17"]),
    .init(name: "missing rule name", source: #"rule { when text has "x" then hide }"#, ids: ["E011"], at: ["1:6"]),
    .init(name: "missing language", source: "lang\n", ids: ["E011"]),
    .init(name: "file path not a string", source: "list x = file foo", ids: ["E012"], at: ["1:15"]),
    .init(name: "misspelled declaration", source: #"rul a { when text has "x" then hide }"#, ids: ["E013"], at: ["1:1"], help: "did you mean `rule`?"),
    .init(name: "junk at top level", source: "42\n", ids: ["E013"], at: ["1:1"]),
    .init(name: "unknown word in rule header", source: #"rule a urgent { when text has "x" then hide }"#, ids: ["E014"], at: ["1:8"]),
    .init(name: "misspelled shadow", source: #"rule a shadw { when text has "x" then hide }"#, ids: ["E014"], at: ["1:8"], help: "did you mean `shadow`?"),
    .init(name: "bad examples", source: #"rule a { when text has "x" then hide examples { maybe "x" } }"#, ids: ["E015"], at: ["1:49"]),
    .init(name: "misspelled action", source: #"rule a { when text has "x" then hid }"#, ids: ["E016"], at: ["1:33"], help: "did you mean `hide`?"),
    .init(name: "missing action", source: #"rule a { when text has "x" then }"#, ids: ["E016"], at: ["1:33"]),
    .init(name: "count of a comparison", source: #"rule a { when count(author.age < 3) > 2 then hide }"#, ids: ["E017"], at: ["1:21"]),
    .init(name: "count without comparison", source: #"rule a { when count(text has "x") then hide }"#, ids: ["E018"], at: ["1:35"]),
    .init(name: "missing operator", source: #"rule a { when text "x" then hide }"#, ids: ["E019"], at: ["1:20"]),
    .init(name: "misspelled operator", source: #"rule a { when text hass "x" then hide }"#, ids: ["E019"], at: ["1:20"], help: "did you mean `has`?"),
    .init(
        name: "misspelled operator (transposed letters)", source: #"rule a { when text hsa "x" then hide }"#, ids: ["E019"], at: ["1:20"], help: "did you mean `has`?"),
    .init(name: "single equals", source: #"rule a { when author.role = "staff" then allow }"#, ids: ["E020"], at: ["1:27"], help: "`==`"),
    .init(name: "matches a string", source: #"rule a { when text matches "x" then hide }"#, ids: ["E021"], at: ["1:28"]),
    .init(name: "near without has", source: #"rule a { when text contains "x" near "y" within 3 words then hide }"#, ids: ["E022"], at: ["1:33"]),
    .init(name: "terms not a string", source: #"rule a { when text has 3 then hide }"#, ids: ["E023"], at: ["1:24"]),
    .init(name: "missing condition", source: #"rule a { when == 3 then hide }"#, ids: ["E024"], at: ["1:15"]),
    .init(name: "test without expect", source: #"test "t" { given { text: "x" } }"#, ids: ["E025"], at: ["1:32"]),
    .init(name: "bad given value", source: #"test "t" { given { text: } expect hide }"#, ids: ["E026"], at: ["1:26"]),
    .init(name: "missing within", source: #"rule a { when text has "x" near "y" 3 words then hide }"#, ids: ["E010"], at: ["1:37"]),
    // Known gaps: one mistake gives a cascade, or the documented id is never emitted.
    .init(
        name: "unterminated regex (one mistake, one diagnostic)", source: #"rule a { when text matches /abc then hide }"#, ids: ["E005"], at: ["1:28"]),
    .init(
        name: "unknown duration unit (one mistake, one diagnostic)", source: #"rule a { when author.age < 7y then hide }"#, ids: ["E002"], at: ["1:29"]),
    .init(
        name: "unterminated string in a list (one mistake, one diagnostic)", source: "list x = [\"a\", \"b\nrule a { when text has x then hide }", ids: ["E004"], at: ["1:16"]),
    .init(
        name: "unexpected character in given (one mistake, one diagnostic)", source: #"test "t" { given { text: @ } expect hide }"#, ids: ["E001"], at: ["1:26"]),
    .init(
        name: "fractional priority", source: #"rule a priority 1.5 { when text has "x" then hide }"#, ids: ["E045"], at: ["1:17"]),
    .init(
        name: "fractional distance", source: #"rule a { when text has "x" near "y" within 2.5 words then hide }"#, ids: ["E045"], at: ["1:44"]),
    .init(
        name: "action without its argument", source: #"rule a { when text has "x" then tag }"#, ids: ["E046"], at: ["1:37"]),
]

@Test(arguments: rejectedSnippets)
func rejectedSnippetGivesExpectedDiagnostics(_ s: RejectedSnippet) {
    let check = {
        let (_, ds) = parse(s.source)
        #expect(ids(ds) == s.ids, "diagnostics:\n\(rendered(ds))")
        if !s.at.isEmpty {
            #expect(ds.map { position($0) ?? "?" } == s.at, "diagnostics:\n\(rendered(ds))")
        }
        if let h = s.help {
            #expect(ds.first?.help?.contains(h) == true, "help of \(ds.first?.id ?? "-"): \(ds.first?.help ?? "none")")
        }
    }
    if let k = s.knownIssue {
        withKnownIssue(Comment(rawValue: k)) { check() }
    } else {
        check()
    }
}

@Test(arguments: rejectedSnippets)
func everyDiagnosticIdIsInTheCatalog(_ s: RejectedSnippet) {
    let (_, ds) = parse(s.source)
    for d in ds {
        #expect(ErrorCatalog.entries[d.id] != nil, "\(d.id) is emitted but has no ErrorCatalog entry")
    }
    for id in s.ids {
        #expect(ErrorCatalog.explain(id)?.hasPrefix("\(id): ") == true)
    }
}

// MARK: - Error recovery and rendering

/// A file with four independent mistakes, each on its own line.
private let fourMistakes = """
    lang fr
    rule ok { when text has "x" then hide }
    rule b { when text hass "y" then hide }
    rule c { when author.role = "x" then flag q }
    rul oops
    rule d { when text has "réçu" then hid }
    rule e { when text has "z" then tag fine }
    """

@Test func everyMistakeGetsOneDiagnosticAtItsPlace() {
    let (tree, ds) = parse(fourMistakes, path: "rules/four.vigie")
    #expect(ids(ds) == ["E019", "E020", "E013", "E016"], "\(rendered(ds))")
    #expect(ds.compactMap(position) == ["3:20", "4:27", "5:1", "6:36"], "\(rendered(ds))")
    // Recovery keeps the declarations around the mistakes.
    #expect(tree.rules.map(\.name.text).contains("ok"))
    #expect(tree.rules.map(\.name.text).contains("e"))
    #expect(tree.langs.map(\.text) == ["fr"])
}

@Test func renderedDiagnosticShowsLocationSourceLineAndCarets() throws {
    let (_, ds) = parse(fourMistakes, path: "rules/four.vigie")
    let text = DiagnosticRenderer.text(ds)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let sourceLines = fourMistakes.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for (d, word) in zip(ds, ["hass", "=", "rul", "hid"]) {
        let pos = try #require(position(d))
        let lineNo = Int(pos.split(separator: ":")[0])!
        let header = "rules/four.vigie:\(pos): error[\(d.id)]: "
        let h = try #require(lines.firstIndex { $0.hasPrefix(header) }, "no header `\(header)` in:\n\(text)")
        // The source line follows, with its line number in the gutter.
        let source = sourceLines[lineNo - 1]
        let s = try #require(lines[h...].firstIndex { $0.hasPrefix("\(lineNo) |") && $0.hasSuffix(source) }, "no source line for \(pos) in:\n\(text)")
        // Then the carets, under the mistake, as wide as the offending token.
        let caretLine = lines[s + 1]
        let gutter = lines[s].count - source.count  // "6 | "
        let caretColumn = try #require(caretLine.firstIndex(of: "^"), "no caret in `\(caretLine)`")
        let caretOffset = caretLine.distance(from: caretLine.startIndex, to: caretColumn) - gutter
        let expectedOffset = source.distance(from: source.startIndex, to: source.range(of: word == "=" ? " = " : word)!.lowerBound) + (word == "=" ? 1 : 0)
        #expect(caretOffset == expectedOffset, "caret of \(d.id) at offset \(caretOffset), expected \(expectedOffset):\n\(lines[s])\n\(caretLine)")
        let carets = caretLine[caretColumn...].prefix { $0 == "^" }.count
        #expect(carets == word.count, "\(d.id): \(carets) carets for `\(word)`")
    }
    #expect(text.contains("4 errors found"), "\(text)")
}

@Test func columnsCountCharactersNotBytes() throws {
    // `réçu` holds two 2-byte letters before `hid`.
    let source = "rule réçu { when text has \"éé\" then hid }"
    let (_, ds) = parse(source)
    let d = try #require(ds.first)
    #expect(d.id == "E016")
    // 37 characters before `hid`, but 40 bytes.
    let column = source.distance(from: source.startIndex, to: source.range(of: "hid")!.lowerBound) + 1
    #expect(column == 37)
    #expect(position(d) == "1:\(column)")
}

@Test func byteOrderMarkDoesNotShiftColumns() throws {
    let (_, ds) = parse("\u{FEFF}rul a { when text has \"x\" then hide }")
    let d = try #require(ds.first)
    #expect(d.id == "E013")
    #expect(position(d) == "1:1")
}

@Test func crlfFileReportsSameLinesAndColumnsAsLF() {
    let lf = "lang fr\nrule a {\n  when text hass \"x\"\n  then hide\n}\nrule b { when text has \"y\" then hid }\n"
    let crlf = lf.replacingOccurrences(of: "\n", with: "\r\n")
    let (_, a) = parse(lf)
    let (_, b) = parse(crlf)
    #expect(ids(a) == ["E019", "E016"])
    #expect(ids(b) == ids(a))
    #expect(b.compactMap(position) == a.compactMap(position))
    // The rendered source line has no carriage return.
    #expect(!DiagnosticRenderer.text(b).contains("\r"))
}

@Test func jsonRenderingHasLinesAndColumns() throws {
    let (_, ds) = parse(fourMistakes, path: "four.vigie")
    let json = JSONReporter.report(ds, context: ReportContext(toolVersion: "0.0.0-test"))
    let o = try #require(parseObject(json.trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(o["version"] as? Int == 1)
    let list = try #require(o["findings"] as? [[String: Any]])
    #expect(list.compactMap { $0["id"] as? String } == ["E019", "E020", "E013", "E016"])
    #expect(list.compactMap { d in (d["line"] as? Int).map { "\($0):\(d["column"] as? Int ?? 0)" } } == ["3:20", "4:27", "5:1", "6:36"])
    #expect(list.allSatisfy { ($0["file"] as? String) == "four.vigie" && ($0["severity"] as? String) == "error" && ($0["source"] as? String) == "compiler" })
}
