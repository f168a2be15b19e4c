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

/// `vigie import automoderator`: each construct on small YAML of our own, golden output for the
/// fixture, the real configurations of `../shared` when they are there, and a comparison of
/// AutoModerator's matching with the imported rules' decisions on the same comments.
@Suite struct ImportTests {
    static let fixtures = Paths.fixtures.appendingPathComponent("automod")

    /// Imports YAML given in memory.
    static func translate(_ yaml: String) throws -> AutoModeratorImport {
        try AutoModeratorImporter.translate(yaml: yaml, path: "automod.yaml")
    }

    /// The rule set of an import, checked like `vigie check` does.
    static func ruleSet(_ result: AutoModeratorImport) -> RuleSet {
        buildRuleSet(result.source, path: "/virtual/imported.vigie")
    }

    // MARK: constructs

    struct Construct: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        /// Fragments the Vigie output must contain.
        var expected: [String]
        /// Ids the report must contain.
        var reported: [String] = []
        var testDescription: String { name }
    }

    static let constructs: [Construct] = [
        Construct(
            name: "default match is whole words", yaml: "body: [refund, money back]\naction: filter",
            expected: [#"text has any ["refund", "money back"]"#, "then flag modqueue"]),
        Construct(name: "includes is contains", yaml: "body (includes): scam\naction: remove", expected: [#"text contains "scam""#, #"then hide "remove""#]),
        Construct(name: "includes-word", yaml: "body (includes-word): scam\naction: spam", expected: [#"text has "scam""#, #"hide "spam""#]),
        Construct(
            name: "starts-with is a regex: AutoModerator's ^ does not skip punctuation", yaml: "body+title (starts-with): hi\naction: report",
            expected: [#"(text matches /^(hi)/is or title matches /^(hi)/is)"#, "flag reports"]),
        Construct(name: "ends-with", yaml: "body (ends-with): [bye]\naction: report", expected: [#"text matches /(bye)$/is"#]),
        Construct(name: "full-exact", yaml: "body (full-exact): [first, \"first!\"]\naction: spam", expected: [#"text in ["first", "first!"]"#]),
        Construct(name: "full-text", yaml: "body (full-text): first\naction: spam", expected: [#"text matches /^\W*(first)\W*$/is"#]),
        Construct(
            name: "regex is whole words by default", yaml: "title+body (regex): [\"nsf[wl]\"]\naction: report",
            expected: [#"title matches /(?:(?<!\w)|\b)(nsf[wl])(?:(?!\w)|\b)/is"#, "or text matches"]),
        Construct(name: "regex with includes", yaml: "body (includes, regex): 'a\\d+'\naction: report", expected: [#"text matches /(a\d+)/is"#]),
        Construct(
            name: "case-sensitive", yaml: "body (case-sensitive): URGENT\naction: report", expected: [#"text matches /(?:(?<!\w)|\b)(URGENT)(?:(?!\w)|\b)/s"#]),
        Construct(
            name: "a value with punctuation at its edge becomes a regex", yaml: "body: [\"!sticky\", help]\naction: report",
            expected: [#"text has "help""#, #"text matches /(?:(?<!\w)|\b)(!sticky)(?:(?!\w)|\b)/is"#]),
        Construct(name: "negated key", yaml: "body: [spam]\n~body (includes): [not spam]\naction: remove", expected: [#"not text contains "not spam""#]),
        Construct(
            name: "account_age and karma", yaml: "author:\n  account_age: \"< 1 day\"\n  comment_karma: < -10\naction: filter",
            expected: ["author.age < 1d and author.karma < -10"]),
        Construct(
            name: "account_age in days by default, months",
            yaml: "author:\n  account_age: '> 8'\n  post_karma: '< 3'\nbody: x\naction: filter\n---\nauthor:\n  account_age: 2 months\nbody: y\naction: filter",
            expected: ["author.age > 8d and meta.post_karma < 3", "author.age == 60d"]),
        Construct(
            name: "satisfy_any_threshold", yaml: "author:\n  account_age: < 12 hours\n  combined_karma: < 10\n  satisfy_any_threshold: true\naction: filter",
            expected: ["(author.age < 12h or meta.combined_karma < 10)"]),
        Construct(
            name: "is_moderator and approve", yaml: "author:\n  is_moderator: true\nbody: [hello]\naction: approve",
            expected: [#"author.role == "moderator""#, "then allow"]),
        Construct(
            name: "author names", yaml: "author: [spambot]\naction: remove\n---\n~author: [goodbot]\nbody: x\naction: remove",
            expected: [#"author.name has "spambot""#, #"not author.name has "goodbot""#]),
        Construct(
            name: "moderators exempt by default from removals", yaml: "body: x\naction: remove",
            expected: [#"not author.role == "moderator""#, "AutoModerator does not apply remove rules to moderators"]),
        Construct(name: "moderators_exempt: false", yaml: "moderators_exempt: false\nbody: x\naction: remove", expected: [#"when text has "x""# + "\n"]),
        Construct(name: "priority", yaml: "priority: 5\nbody: x\naction: filter", expected: ["priority 5 {"]),
        Construct(
            name: "report of a threat escalates", yaml: "body: [kys]\naction: report\naction_reason: Death threat",
            expected: ["then escalate safety severity high"]),
        Construct(
            name: "modmail escalates to mods", yaml: "body: [x]\nmodmail: look at {{permalink}}\nmodmail_subject: Doxxing alert",
            expected: ["then escalate mods severity high", "#   look at {{permalink}}"], reported: ["import/approximated"]),
        Construct(
            name: "comment becomes a template and a reply",
            yaml: "type: comment\nbody: [help]\ncomment: \"Hi {{author}}, {{match}} in {{body}} at {{permalink}} ({{kind}})\"",
            expected: ["reply rule_line_1_reply", #"en: "Hi {author.name}, {match} in {text} at {url} (comment)""#, "not title exists"]),
        Construct(name: "type submission", yaml: "type: submission\ntitle: [question]\naction: filter", expected: ["title exists and title has \"question\""]),
        Construct(
            name: "type link submission: a post with meta.url", yaml: "type: link submission\ntitle: [x]\naction: filter",
            expected: [#"when title exists and meta.url exists and title has "x""#]),
        Construct(
            name: "type text submission: a post without meta.url", yaml: "type: text submission\ntitle: [x]\naction: filter",
            expected: [#"when title exists and not meta.url exists and title has "x""#]),
        Construct(
            name: "body length", yaml: "body_shorter_than: 7\nbody_longer_than: 2\naction: filter",
            expected: [#"not text matches /^\W*+\w.{5,}\w/s"#, #"text matches /^\W*+\w.{1,}\w/s"#]),
        Construct(name: "is_top_level", yaml: "type: comment\nis_top_level: true\nbody: x\naction: filter", expected: ["not parent_id exists"]),
        Construct(
            name: "a check Vigie cannot read gives a shadow rule, and the drop is written in the output", yaml: "body: [x]\nstandard: image hosting sites\naction: remove",
            expected: [" shadow {", "# shadow: without `standard`", "# dropped: `standard` is not carried over"],
            reported: ["import/shadow", "import/not-carried-over"]),
        Construct(
            name: "a rule whose only check Vigie cannot read is not carried over", yaml: "crowd_control_level: 2\naction: remove",
            expected: ["# Not carried over", "#   crowd_control_level: 2", "# dropped: `crowd_control_level` is not carried over"],
            reported: ["import/rule-not-carried-over"]),
        Construct(
            name: "reports and is_edited are read from meta", yaml: "reports: 2\nis_edited: false\naction: filter",
            expected: ["meta.reports >= 2", "not meta.is_edited == true", "then flag modqueue"], reported: ["import/mapped"]),
        Construct(
            name: "a hidden comment gets no reply: its text is kept with a tag", yaml: "body: [x]\naction: remove\ncomment: Removed.",
            expected: ["# comment → tag removal_comment", "#   Removed.", #"then hide "remove", tag removal_comment"#], reported: ["import/approximated"]),
        Construct(
            name: "domain accepts subdomains, as AutoModerator does", yaml: "domain: [youtube.com, youtu.be]\naction: remove",
            expected: [#"meta.domain matches /(?:(?<!\w)|\b)((?:.*?\.)?(youtube\.com|youtu\.be))(?:(?!\w)|\b)/is"#], reported: ["import/mapped"]),
        Construct(
            name: "domain with a mode has no subdomain prefix", yaml: "domain (full-exact): [imgur.com]\naction: remove",
            expected: [#"meta.domain matches /^(imgur\.com)$/is"#]),
        Construct(
            name: "flair is read from meta, full-exact by default", yaml: "flair_text: [Meta]\n~flair_css_class (includes): [mod]\naction: filter",
            expected: [#"meta.flair_text matches /^(Meta)$/is"#, #"not meta.flair_css_class matches /(mod)/is"#, "title exists"]),
        Construct(
            name: "author flair and marks", yaml: "author:\n  flair_text: [Verified]\n  is_contributor: false\n  is_gold: true\nbody: x\naction: filter",
            expected: [#"meta.author_flair_text matches /^(Verified)$/is"#, "not meta.author_is_contributor == true", "meta.author_is_gold == true"]),
        Construct(
            name: "subreddit karma thresholds are read from meta", yaml: "author:\n  comment_subreddit_karma: '< 5'\nbody: x\naction: filter",
            expected: ["meta.author_comment_subreddit_karma < 5"], reported: ["import/mapped"]),
        Construct(name: "id is full-exact", yaml: "id: [abc12]\naction: remove", expected: [#"id in ["abc12"]"#]),
        Construct(
            name: "Reddit-only actions become tags", yaml: "title: [news]\nset_flair: [News, news]\nset_locked: true\nset_sticky: false\nset_nsfw: true",
            expected: ["then tag set_flair_news, tag set_locked, tag set_sticky_off, tag set_nsfw", #"# set_flair: ["News", "news"] → tag set_flair_news"#],
            reported: ["import/approximated"]),
        Construct(
            name: "message to the author is a tag with its text kept", yaml: "body: [help]\nmessage_subject: Hello\nmessage: |\n  Write to us in private.\n  Thanks",
            expected: ["then tag message_author", #"# message "Hello" → tag message_author; the message to send the author:"#, "#   Write to us in private.", "#   Thanks"]),
        Construct(
            name: "actions on the parent post are tags", yaml: "type: comment\nbody: [repost]\nparent_submission:\n  action: report\n  set_flair: Repost",
            expected: ["then tag parent_submission_report, tag parent_submission_set_flair"]),
        Construct(
            name: "Python regex syntax", yaml: "body (regex): ['\\u0416\\Z', '(?u)a{,2}']\naction: filter", expected: [#"(\x{0416}\z|a{0,2})"#],
            reported: ["import/regex"]),
        Construct(
            name: "a regex PCRE2 rejects is left out", yaml: "body (regex): ['ok', '(unclosed']\naction: filter",
            expected: [#"/(?:(?<!\w)|\b)(ok)(?:(?!\w)|\b)/is"#], reported: ["import/not-carried-over"]),
        Construct(
            name: "url is the link of a link post, in meta.url", yaml: "~body+url (regex): 'https?://'\nbody: [free]\naction: filter",
            expected: [#"not (text matches /(?:(?<!\w)|\b)(https?:\/\/)(?:(?!\w)|\b)/is"#, #"or meta.url matches /(?:(?<!\w)|\b)(https?:\/\/)(?:(?!\w)|\b)/is)"#]),
        Construct(
            name: "a term list on two fields is declared once", yaml: "title+body: [a1b, free, money]\naction: filter",
            expected: [#"list filter_line_1_terms = ["free", "money"]"#, "title has any filter_line_1_terms", "text has any filter_line_1_terms", #"(a1b)"#]),
    ]

    @Test(arguments: constructs)
    func construct(_ c: Construct) throws {
        let r = try Self.translate(c.yaml)
        for e in c.expected {
            #expect(r.source.contains(e), "missing `\(e)` in:\n\(r.source)")
        }
        for id in c.reported {
            #expect(r.diagnostics.contains { $0.id == id }, "no \(id) in:\n\(AutoModeratorImporter.report(r))")
        }
        let rs = Self.ruleSet(r)
        #expect(!rs.hasErrors, "the imported rules do not compile:\n\(rendered(rs.diagnostics))\n\(r.source)")
        #expect(!r.hasErrors)
    }

    @Test func fixtureMatchesGoldenFiles() throws {
        let yaml = try String(contentsOf: Self.fixtures.appendingPathComponent("constructs.yaml"), encoding: .utf8)
        let r = try AutoModeratorImporter.translate(yaml: yaml, path: "constructs.yaml")
        try LintFixtures.compare(r.source, golden: Self.fixtures.appendingPathComponent("constructs.vigie"))
        try LintFixtures.compare(AutoModeratorImporter.report(r), golden: Self.fixtures.appendingPathComponent("constructs.report.txt"))
        #expect(!Self.ruleSet(r).hasErrors)
        #expect(try RuleFormatter.format(r.source) == r.source, "the import is not in `vigie fmt`'s layout")
    }

    @Test func invalidSectionIsReportedAndTheOthersImported() throws {
        let yaml = try String(contentsOf: Self.fixtures.appendingPathComponent("invalid.yaml"), encoding: .utf8)
        let r = try AutoModeratorImporter.translate(yaml: yaml, path: "invalid.yaml")
        let errors = r.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.id) == ["import/yaml"])
        #expect(errors.first.map { $0.locationText.hasPrefix("invalid.yaml:6:") } == true, "\(errors.map(\.locationText))")
        #expect(errors.first?.message.contains("section 3 (lines 4–6)") == true)
        #expect(r.rules.map(\.section) == [2, 4])
        #expect(r.hasErrors)
        #expect(!Self.ruleSet(r).hasErrors)
    }

    @Test func duplicateKeysKeepTheLastAsAutoModeratorDoes() throws {
        let yaml = try String(contentsOf: Self.fixtures.appendingPathComponent("duplicate.yaml"), encoding: .utf8)
        let r = try AutoModeratorImporter.translate(yaml: yaml, path: "duplicate.yaml")
        #expect(r.diagnostics.filter { $0.id == "import/duplicate-key" }.map(\.locationText) == ["duplicate.yaml:6:1", "duplicate.yaml:7:1"])
        #expect(r.source.contains(#"title contains "exam""#))
        #expect(!r.source.contains("sublease"))
        #expect(r.rules.map(\.name) == ["remove_line_6"], "a rule whose keys were written twice is not named after its first comment")
    }

    // MARK: regexes

    @Test(arguments: [
        (#"a\Z"#, #"a\z"#), (#"\u00e9t\u00E9"#, #"\x{00e9}t\x{00E9}"#), (#"(?iu)x"#, #"(?i)x"#), (#"(?u)x"#, "x"), ("a{,3}", "a{0,3}"),
        ("[{,3}]", "[{,3}]"), ("http://x", #"http:\/\/x"#), (#"[/]"#, #"[\/]"#), (#"\/"#, #"\/"#), ("a\nb", #"a\x{a}b"#),
        (#"(?P<n>a)(?P=n)"#, #"(?P<n>a)(?P=n)"#),
    ])
    func pythonRegex(_ python: String, _ pcre2: String) throws {
        #expect(PythonRegex.toPCRE2(python).pattern == pcre2)
        if !pcre2.contains("(?P=") { _ = try Regex(pcre2) }  // a backreference is refused (E053): RegexCostTests
    }

    // MARK: the real configurations

    static let shared = Paths.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/automoderator")

    /// The sections of the real configurations that are not valid YAML for Yams (libyaml), with
    /// why: they are reported, and the rest of the file is imported.
    static let knownYAMLErrors: [String: [String]] = [
        // `title: [question, help, ?]`: libyaml refuses a `?` ending a flow list (PyYAML reads
        // it as an empty mapping); `/*` (line 194) is not YAML for either parser.
        "r-deltarune.automod.yaml": ["r-deltarune.automod.yaml:165:5", "r-deltarune.automod.yaml:195:1"],
        "r-utdallas.automoderator.yaml": [],
    ]

    @Test(
        .enabled(if: FileManager.default.fileExists(atPath: shared.path), "../shared/data/automoderator is not there"),
        arguments: ["r-utdallas.automoderator.yaml", "r-deltarune.automod.yaml"])
    func realConfigurationImportsCompilesAndLints(_ name: String) throws {
        let yaml = try String(contentsOf: Self.shared.appendingPathComponent(name), encoding: .utf8)
        let r = try AutoModeratorImporter.translate(yaml: yaml, path: name)
        #expect(r.diagnostics.filter { $0.severity == .error }.map(\.locationText) == Self.knownYAMLErrors[name])
        let rs = Self.ruleSet(r)
        #expect(!rs.hasErrors, "\(rendered(rs.diagnostics))")
        let lint = Linter.lint(rs)
        #expect(!lint.contains { $0.severity == .error }, "\(rendered(lint))")
        #expect(try RuleFormatter.format(r.source) == r.source)
        // Every rule read is either written or reported as not carried over.
        let notCarried = r.diagnostics.filter { $0.id == "import/rule-not-carried-over" }.count
        #expect(r.rules.count + notCarried == r.ruleCount)
        #expect(r.source.components(separatedBy: "# Not carried over").count - 1 == notCarried)
        // Every shadow rule says why.
        #expect(r.diagnostics.filter { $0.id == "import/shadow" }.count == r.rules.filter(\.shadow).count)
        #expect(r.rules.count >= 15)
    }

    // MARK: semantics

    /// AutoModerator's matching and the imported rules agree on every comment of
    /// `comments.jsonl`: the same rules hold, and when one rule holds, the decision is the one
    /// its AutoModerator actions map to.
    /// Comments on which the engine is known to decide wrongly, with the bug.
    static let knownEngineBugs: [String: String] = [:]

    @Test func importedRulesDecideLikeAutoModerator() throws {
        let yaml = try String(contentsOf: Self.fixtures.appendingPathComponent("constructs.yaml"), encoding: .utf8)
        let r = try AutoModeratorImporter.translate(yaml: yaml, path: "constructs.yaml")
        let program = try compileRules(r.source)
        let amRules = AutoModeratorConfig.parse(yaml).rules
        let compared = r.rules.filter { !$0.shadow }
        let lines = try String(contentsOf: Self.fixtures.appendingPathComponent("comments.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 30)
        var singleRuleDecisions = 0
        for line in lines {
            let object = try #require(parseObject(line))
            let item = AutoModeratorModel.Item(object)
            var expectedRules: [String] = []
            var expectedActions: Set<String> = []
            for imported in compared {
                let am = try #require(amRules.first { $0.section == imported.section })
                let holds = try #require(AutoModeratorModel.matches(am, item), "rule \(imported.name) uses a construct the model does not know")
                if holds {
                    expectedRules.append(imported.name)
                    expectedActions = AutoModeratorModel.vigieActions(am, template: imported.template)
                }
            }
            let decision = try decide(program, String(line))
            let held = decision.matchedRules.filter { name in compared.contains { $0.name == name } }
            let id = object["id"] as? String ?? String(line)
            let actual = Set(decision.actions.map { a in [a.kind.rawValue, a.argument].compactMap { $0 }.joined(separator: " ") })
            let compare = {
                #expect(Set(held) == Set(expectedRules), "comment \(id): Vigie \(held), AutoModerator \(expectedRules)")
                if expectedRules.count == 1 {
                    #expect(actual == expectedActions, "comment \(id): Vigie \(actual.sorted()), AutoModerator \(expectedActions.sorted())")
                }
            }
            if let bug = Self.knownEngineBugs[id] {
                withKnownIssue(Comment(rawValue: bug)) { compare() }
            } else {
                compare()
            }
            if expectedRules.count == 1 { singleRuleDecisions += 1 }
        }
        #expect(singleRuleDecisions >= 20)
    }

    // MARK: command line

    @Test func commandWritesRulesAndReportsOnStandardError() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-import-\(UUID().uuidString).vigie")
        defer { try? FileManager.default.removeItem(at: out) }
        let fixture = Self.fixtures.appendingPathComponent("constructs.yaml").path
        let r = try CLI.run(["import", "automoderator", fixture, "-o", out.path])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.isEmpty)
        #expect(r.err.contains("imported 25 of 25 rules (1 in shadow mode); 1 item dropped (each is a comment in the output); 24 generated tests"))
        #expect(r.err.contains("constructs.yaml:137:1: warning[import/not-carried-over]: `standard` is not carried over"))
        let check = try CLI.run(["check", out.path])
        #expect(check.status == 0, "\(check.err)")
        let toStdout = try CLI.run(["import", "automoderator", fixture])
        #expect(toStdout.status == 0)
        #expect(toStdout.out == (try String(contentsOf: out, encoding: .utf8)))
    }

    /// `--strict` fails (code 1) when anything was dropped, and only then; the rules are still written.
    @Test func strictExitsOneWhenSomethingWasDropped() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-strict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let clean = dir.appendingPathComponent("clean.yaml")
        try "body: [refund]\naction: filter\n---\ntitle: [news]\nset_flair: News\n".write(to: clean, atomically: true, encoding: .utf8)
        let lossy = dir.appendingPathComponent("lossy.yaml")
        try "body: [refund]\ncrowd_control_level: 2\naction: filter\n".write(to: lossy, atomically: true, encoding: .utf8)
        let ok = try CLI.run(["import", "automoderator", "--strict", clean.path])
        #expect(ok.status == 0, "\(ok.err)")
        let lax = try CLI.run(["import", "automoderator", lossy.path])
        #expect(lax.status == 0)
        let strict = try CLI.run(["import", "automoderator", "--strict", lossy.path])
        #expect(strict.status == 1)
        #expect(strict.err.contains("--strict: 1 item was dropped"))
        #expect(strict.out.contains("# dropped: `crowd_control_level` is not carried over"))
        let invalid = try CLI.run(["import", "automoderator", "--strict", Self.fixtures.appendingPathComponent("invalid.yaml").path])
        #expect(invalid.status == 2, "a section that is not valid YAML is still an error")
    }

    /// A section that is not valid YAML is kept, as a comment, in the output file too.
    @Test func invalidSectionIsKeptAsACommentInTheOutput() throws {
        let r = try Self.translate("body: [a]\naction: filter\n---\ntitle: [x, y\naction: remove\n---\nbody: [b]\naction: filter\n")
        #expect(r.source.contains("# Not imported, automod.yaml:3 (section 2): section 2 (lines 3–5) is not valid YAML"))
        #expect(r.source.contains("#   title: [x, y"))
        let first = try #require(r.source.range(of: "From automod.yaml:1")).lowerBound
        let broken = try #require(r.source.range(of: "# Not imported")).lowerBound
        let last = try #require(r.source.range(of: "From automod.yaml:7")).lowerBound
        #expect(first < broken && broken < last, "the broken section stays where it was")
    }

    /// Every configuration of the fixture folder imports into rules whose generated tests pass
    /// under `vigie test`, one test per rule that is not in shadow mode.
    @Test func everyFixtureImportPassesVigieTest() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-import-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let configs = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(configs.count >= 3)
        for name in configs {
            let out = dir.appendingPathComponent(name + ".vigie")
            let imported = try CLI.run(["import", "automoderator", Self.fixtures.appendingPathComponent(name).path, "-o", out.path])
            #expect(imported.status == 0 || name == "invalid.yaml", "\(name): \(imported.err)")
            let text = try String(contentsOf: out, encoding: .utf8)
            let rules = text.components(separatedBy: "\nrule ").count - 1
            let shadow = text.components(separatedBy: " shadow {").count - 1
            #expect(text.components(separatedBy: "\ntest \"").count - 1 == rules - shadow, "\(name): one test per rule not in shadow mode")
            let test = try CLI.run(["test", out.path])
            #expect(test.status == 0, "\(name): \(test.out)\(test.err)")
            #expect(test.out.contains("\(rules - shadow) passed, 0 failed"), "\(name): \(test.out)")
        }
    }

    @Test func commandExitsTwoOnInvalidYAMLOrAMissingFile() throws {
        let invalid = try CLI.run(["import", "automoderator", Self.fixtures.appendingPathComponent("invalid.yaml").path])
        #expect(invalid.status == 2)
        #expect(invalid.err.contains("error[import/yaml]"))
        #expect(invalid.out.contains("rule "), "the valid sections are still written")
        let missing = try CLI.run(["import", "automoderator", "/nonexistent/automod.yaml"])
        #expect(missing.status == 2)
        #expect(missing.err.contains("cannot read"))
    }

    // MARK: generated tests

    /// The sample a generated test gives for a regex is a text the regex matches (checked with
    /// ICU, not the builder's own reading); a backreference is not followed.
    @Test(arguments: [
        #"free\s+v-?bucks"#, #"nsf[wl]"#, #"(?i)b[i1]tc[o0]in\s+doubl"#, #"[^\x{00}-\x{7F}]+"#, #"\b[0-9]{1,3}\.[0-9]{1,3}\b"#,
        #"(kill|hurt)\s*your(self|selves)"#, #"(?<!\w)promo(?=\s|$)"#, #"^\W*(first)\W*$"#, #"[a-z]{3,}\d+"#, #"\x{0416}+ok"#,
    ])
    func regexSampleMatches(_ pattern: String) throws {
        let sample = try #require(RegexSample.sample(pattern))
        let re = try NSRegularExpression(pattern: pattern)
        #expect(re.firstMatch(in: sample, range: NSRange(sample.startIndex..., in: sample)) != nil, "`\(sample)` does not match /\(pattern)/")
    }

    @Test func regexSampleDoesNotFollowBackreferences() {
        #expect(RegexSample.sample(#"(a)\1"#) == nil)
    }

    // MARK: differential test

    /// The imported rules and AutoModerator's matching (``AutoModeratorModel``, from Reddit's
    /// source) decide the same on comments generated around each rule's own terms: for every
    /// generated comment and every imported rule (shadow ones aside), the rule holds in Vigie
    /// exactly when it holds for AutoModerator.
    @Test func generatedCommentsDecideLikeAutoModerator() throws {
        let yaml = try String(contentsOf: Self.fixtures.appendingPathComponent("constructs.yaml"), encoding: .utf8)
        let r = try AutoModeratorImporter.translate(yaml: yaml, path: "constructs.yaml")
        let program = try compileRules(r.source)
        let amRules = AutoModeratorConfig.parse(yaml).rules
        let compared = r.rules.filter { !$0.shadow }
        let lines = AutoModeratorModel.generated(from: compared.map(\.sample))
        #expect(lines.count >= 300)
        var held = 0
        var disagreements: [String] = []
        for line in lines {
            let object = try #require(parseObject(Substring(line)))
            let item = AutoModeratorModel.Item(object)
            let decision = try decide(program, line)
            for imported in compared {
                let am = try #require(amRules.first { $0.section == imported.section })
                let expected = try #require(AutoModeratorModel.matches(am, item), "rule \(imported.name) uses a construct the model does not know")
                let actual = decision.matchedRules.contains(imported.name)
                if expected { held += 1 }
                if expected != actual { disagreements.append("\(imported.name) on \(line): AutoModerator \(expected), Vigie \(actual)") }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(disagreements.prefix(20).joined(separator: "\n"))")
        // Both sides of each rule are exercised: it holds on some comments, not on others.
        #expect(held >= compared.count * 3)
    }
}
