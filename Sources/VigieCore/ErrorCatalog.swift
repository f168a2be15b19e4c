/// The long explanation of every diagnostic id (`vigie explain-error E031`).
public enum ErrorCatalog {
    /// What an example shows.
    public enum ExampleKind: Sendable {
        /// A rule file: checking it reports the id (a test checks every one).
        case ruleFile
        /// A line of a `*.tests.jsonl` file next to the rule files.
        case testsFile
        /// A command line (`vigie check README.md`).
        case command
    }

    /// One diagnostic id: what it is and why (``explanation``), an example that triggers it and
    /// how to fix it.
    public struct Entry: Sendable {
        /// A few words.
        public var title: String
        /// What is wrong and why it matters.
        public var explanation: String
        /// Something that triggers the id (see ``kind``).
        public var example: String
        /// What ``example`` is.
        public var kind: ExampleKind
        /// What to do about it.
        public var fix: String

        /// Creates an entry.
        public init(_ title: String, _ explanation: String, example: String, kind: ExampleKind = .ruleFile, fix: String) {
            self.title = title
            self.explanation = explanation
            self.example = example
            self.kind = kind
            self.fix = fix
        }
    }

    /// Each id with a title, an explanation, an example and a fix.
    public static let entries: [String: Entry] = [
        "E001": Entry(
            "unexpected character",
            "The rule file contains a character that is not part of the language outside strings and regular expressions. Put text inside double quotes, and negate conditions with `not`.",
            example: "rule r { when ! text has \"merci\" then hide }",
            fix: "Negate a condition with `not` (`when not text has \"merci\"`), compare with `!=`, and put any other text inside double quotes."),
        "E002": Entry(
            "unknown duration unit",
            "Durations are a number followed by a unit: `s` seconds, `m` minutes, `h` hours, `d` days, `w` weeks. Example: `author.age < 7d`.",
            example: "rule r { when author.age < 7days then flag review }",
            fix: "Write the number and one of the units s, m, h, d or w with no space between them: `7d`, `90m`, `2w`."),
        "E003": Entry(
            "unknown escape in string",
            "Strings accept the escapes `\\n`, `\\t`, `\\\\`, `\\\"`, and `\\{` `\\}` (a literal brace in a template).",
            example: "rule r { when text has \"a\\q\" then hide }",
            fix: "Use one of the escapes `\\n`, `\\t`, `\\\\`, `\\\"`, `\\{`, `\\}`, or write the character itself."),
        "E004": Entry(
            "unterminated string",
            "A string opened with `\"` must close on the same line.",
            example: "rule r { when text has \"colis then hide }",
            fix: "Close the string with `\"` before the end of the line."),
        "E005": Entry(
            "unterminated regular expression",
            "A regular expression is written `/pattern/flags` on one line. Escape a slash inside it as `\\/`.",
            example: "rule r { when text matches /colis then hide }",
            fix: "Close the pattern with `/` on the same line: `matches /colis/`; write a slash inside it as `\\/`."),
        "E006": Entry(
            "unknown regex flag",
            "Regex flags are `i` (ignore case), `m` (multi-line anchors), `s` (dot matches newline), `x` (extended: spaces ignored). `u` is accepted and always on: Vigie matches Unicode text.",
            example: "rule r { when text matches /colis/z then hide }",
            fix: "Keep only the flags `i`, `m`, `s`, `x` (and `u`) after the closing `/`."),
        "E010": Entry(
            "unexpected token",
            "The parser expected something else at this spot; the message says what. Check the declaration's shape in the language reference (Grammar/REFERENCE.md).",
            example: "rule r { when text has \"colis\" hide }",
            fix: "Write what the message says was expected at the caret; here `then` before the actions: `when text has \"colis\" then hide`."),
        "E011": Entry(
            "expected a name",
            "Names of rules, lists, templates, teams, queues and labels are identifiers: letters, digits, `_` and inner `-`.",
            example: "list = [\"connard\", \"abruti\"]",
            fix: "Give the declaration a name made of letters, digits, `_` and inner `-`: `list insultes = [...]`."),
        "E012": Entry(
            "expected a string",
            "Terms, reasons, paths and reply texts are strings in double quotes.",
            example: "list insultes = file insultes.txt",
            fix: "Put the text in double quotes: `list insultes = file \"insultes.txt\"`."),
        "E013": Entry(
            "expected a declaration",
            "A rule file holds `lang`, `list`, `template`, `rule`, `test` and `normalize` declarations, each starting on its own line.",
            example: "rul insulte { when text has \"connard\" then hide }",
            fix: "Start each declaration with `lang`, `list`, `template`, `rule`, `test` or `normalize`; check the spelling of the first word."),
        "E014": Entry(
            "unexpected word in rule header",
            "A rule header is `rule NAME [priority N] [shadow] {`.",
            example: "rule insulte priorty 10 { when text has \"connard\" then hide }",
            fix: "Between the rule name and `{`, write only `priority N`, `shadow` or `exact`."),
        "E015": Entry(
            "bad examples block",
            "A rule's `examples { ... }` holds lines `match \"text\"` (must trigger) and `no match \"text\"` (must not trigger).",
            example: "rule r { when text has \"colis\" then flag sav examples { \"mon colis\" } }",
            fix: "Start each example line with `match` or `no match`: `examples { match \"mon colis\" }`."),
        "E016": Entry(
            "expected an action",
            "Actions are `hide [\"reason\"]`, `escalate TEAM [severity low|normal|high|critical]`, `reply TEMPLATE`, `flag QUEUE`, `tag LABEL` and `allow`, separated by commas.",
            example: "rule r { when text has \"connard\" then hid }",
            fix: "Use one of the actions `hide`, `escalate`, `reply`, `flag`, `tag` or `allow`; the help suggests the closest."),
        "E017": Entry(
            "count takes a text predicate",
            "`count(text has any insultes) >= 2` counts how many times the terms occur in the comment.",
            example: "rule r { when count(author.age < 7d) >= 2 then flag review }",
            fix: "Count a text predicate (`count(text has any insultes) >= 2`), or add a window to count comments: `count(rule r, window 1h) >= 2`."),
        "E018": Entry(
            "count needs a comparison",
            "Compare a count with a number: `count(text has any insultes) >= 2`.",
            example: "rule r { when count(text has \"!\") then flag review }",
            fix: "Compare the count with a number: `count(text has \"!\") >= 3`."),
        "E019": Entry(
            "expected an operator",
            "After a value comes an operator: `has`, `contains`, `starts with`, `ends with`, `matches`, `in`, `exists`, or a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`).",
            example: "rule r { when text hass \"colis\" then flag sav }",
            fix: "Write an operator after the value: `has`, `contains`, `starts with`, `ends with`, `matches`, `in`, `exists` or a comparison."),
        "E020": Entry(
            "`=` used to compare",
            "Comparisons use `==`; a single `=` only appears in `list NAME = ...`.",
            example: "rule staff { when author.role = \"staff\" then allow }",
            fix: "Compare with `==`: `author.role == \"staff\"`."),
        "E021": Entry(
            "expected a regular expression",
            "`matches` takes a pattern between slashes: `text matches /\\bporter\\s+plainte\\b/i`.",
            example: "rule r { when text matches \"colis\" then flag sav }",
            fix: "Write the pattern between slashes (`matches /colis/i`), or use `has \"colis\"` for a word."),
        "E022": Entry(
            "near without has",
            "`near ... within N words` extends a `has` predicate: `text has any colis near any retard within 6 words`.",
            example: "rule r { when text contains \"colis\" near \"retard\" within 5 words then flag sav }",
            fix: "Use `near` after `has`: `text has \"colis\" near \"retard\" within 5 words`."),
        "E023": Entry(
            "expected terms",
            "Terms are a string, an inline list `[\"a\", \"b\"]` or the name of a declared list.",
            example: "rule r { when text has 42 then flag review }",
            fix: "Give a string (`\"42\"`), an inline list (`[\"a\", \"b\"]`) or the name of a declared list."),
        "E024": Entry(
            "expected a condition",
            "A condition compares values (`author.age < 7d`), tests text (`text has \"colis\"`), or refers to another rule (`rule insulte`).",
            example: "rule r { when > 3 then flag review }",
            fix: "Start the condition with a field, a value, `not`, `(` or `rule NAME`: `when length(text) > 3`."),
        "E025": Entry(
            "test without expect",
            "A test declares what it expects: `expect hide`, `expect reply TEMPLATE, tag LABEL`, `expect not hide` or `expect nothing`.",
            example: "test \"colis\" { given { text: \"où est mon colis\" } }",
            fix: "Say what the rules must do: `expect flag sav`, `expect not hide` or `expect nothing`."),
        "E026": Entry(
            "bad value in given",
            "A test's `given { ... }` is a comment as an object: strings, numbers, booleans, null, nested `{...}` and `[...]`.",
            example: "test \"colis\" { given { text: mon colis } expect flag sav }",
            fix: "Write the values as JSON-like values: `text: \"mon colis\"`, numbers, `true`, `false`, `null`, `{...}`, `[...]`."),
        "E030": Entry(
            "unknown rule",
            "`rule NAME` in a condition must name a rule declared in the rule set (in any file).",
            example: "rule r { when rule insulte then hide }",
            fix: "Declare the rule, or fix the name; the help suggests the closest declared rule."),
        "E031": Entry(
            "unknown list",
            "A list used by `has`, `contains` or `in` must be declared with `list NAME = [...]` or `list NAME = file \"path\"`.",
            example: "rule r { when text has any insultes then hide }",
            fix: "Declare the list (`list insultes = [\"connard\"]` or `list insultes = file \"insultes.txt\"`), or fix the name; the help suggests the closest declared list."),
        "E032": Entry(
            "unknown template",
            "`reply NAME` must name a declared `template`.",
            example: "rule r { when text has \"retard\" then reply excuses }",
            fix: "Declare the template (`template excuses { fr: \"Désolés pour ce retard.\" }`), or fix the name."),
        "E033": Entry(
            "duplicate name",
            "Rules, lists and templates each have their own namespace across the whole rule set; a name may be declared once.",
            example: "rule r { when text has \"a\" then hide }\nrule r { when text has \"b\" then hide }",
            fix: "Rename one of the two declarations; the diagnostic points at both."),
        "E034": Entry(
            "cycle in rule references",
            "Rules may refer to other rules (`not rule insulte`), but references must not loop back: Vigie evaluates rules as a directed acyclic graph.",
            example: "rule a { when rule b then hide }\nrule b { when rule a then hide }",
            fix: "Remove one of the references of the cycle the note shows, usually by writing the shared condition in a third rule both use."),
        "E035": Entry(
            "list file problem",
            "A list file is read relative to the rule file, must stay inside the rules folder, and holds one term per line (`#` starts a comment).",
            example: "list mots = file \"/etc/words\"\nrule r { when text has any mots then hide }",
            fix: "Write the path relative to the rule file and keep the list file inside the rules folder; the message says the path it was read as and why it failed (ENOENT: no such file, EACCES: permission, EISDIR: a folder)."),
        "E036": Entry(
            "regular expression does not compile",
            "PCRE2 rejected the pattern; the caret points at the spot it reported. Vigie compiles patterns with UTF and Unicode properties on.",
            example: "rule r { when text matches /porter(\\s+plainte/ then escalate juridique }",
            fix: "Fix the pattern at the caret (here close the group: `/porter(\\s+plainte)/`); test it with `vigie test` examples."),
        "E037": Entry(
            "unknown severity",
            "Severities are `low`, `normal`, `high` and `critical`.",
            example: "rule r { when text has \"avocat\" then escalate juridique severity urgent }",
            fix: "Use one of `low`, `normal`, `high`, `critical`."),
        "E038": Entry(
            "type mismatch",
            "The two sides of a comparison cannot be compared: numbers compare with numbers and durations, strings with strings, booleans with `==`/`!=`.",
            example: "rule r { when author.age < \"récent\" then flag review }",
            fix: "Compare a value with one of its own kind: `author.age < 7d` (a number of seconds or a duration), `author.role == \"staff\"` (a string), `author.verified == true` (a boolean). The input schema (Grammar/input.schema.json) gives the type of each documented field."),
        "E039": Entry(
            "unknown function",
            "Derived values are `length(F)`, `links(F)`, `mentions(F)`, `hashtags(F)`, `emojis(F)`, `caps(F)` (share of capital letters, 0 to 1), `words(F)` and `age(F)` (time since a timestamp).",
            example: "rule r { when lenght(text) > 500 then flag review }",
            fix: "Use one of the functions listed above with one field argument: `length(text) > 500`."),
        "E040": Entry(
            "empty term",
            "A term that is empty after normalization (only spaces or punctuation) would match nothing; use `matches` for punctuation.",
            example: "rule r { when text has \"!!!\" then hide }",
            fix: "Match punctuation with a regular expression (`text matches /!{3}/`), or remove the term."),
        "E041": Entry(
            "bad placeholder",
            "Template placeholders are `{field.path}` (any field of the comment), `{field.path|fallback}`, `{lang}` or `{match}` (what the author wrote where the rule matched); write `\\{` for a literal brace.",
            example: "template t { fr: \"Bonjour {author..name}\" }\nrule r { when text has \"bonjour\" then reply t }",
            fix: "Write the placeholder as a dotted field path (`{author.name}`), and `\\{` for a literal brace."),
        "W004": Entry(
            "language cannot be detected",
            "Vigie knows the languages `fr`, `en` and `es` for detection; other codes are accepted when the input carries a `lang` field.",
            example: "lang fr, it",
            fix: "Keep the language if your comments carry a `lang` field; otherwise declare only fr, en and es."),
        "E043": Entry(
            "no rule files",
            "The path given to `--rules` holds no `.vigie` file.",
            example: "vigie check README.md", kind: .command,
            fix: "Pass a `.vigie` rule file or the folder that holds them: `vigie check Rules`."),
        "E044": Entry(
            "cannot read file",
            "A rule file or list file could not be read.",
            example: "vigie check Regles", kind: .command,
            fix: "Check the path (it is relative to the working directory) and that the user running Vigie can read it; the message says why it failed."),
        "E045": Entry(
            "bad number",
            "A priority or a distance is a whole number.",
            example: "rule r priority 1.5 { when text has \"x\" then hide }",
            fix: "Write a whole number: `priority 2`, `within 5 words`."),
        "E046": Entry(
            "missing argument",
            "This action needs an argument: `escalate TEAM`, `reply TEMPLATE`, `flag QUEUE`, `tag LABEL`.",
            example: "rule r { when text has \"avocat\" then escalate }",
            fix: "Give the action its argument: `escalate juridique`, `reply excuses`, `flag moderation`, `tag sav`."),
        "E047": Entry(
            "bad test line",
            "A JSON-lines test file (`*.tests.jsonl`, next to the rule files) holds one test per line: `{\"name\": \"...\", \"comment\": {\"text\": \"...\"}, \"expect\": \"hide, flag moderation\"}`; `expect` uses the language's `expect` syntax, `\"todo\": true` marks a known gap.",
            example: "{\"name\": \"colis\", \"expect\": \"flag sav\"}", kind: .testsFile,
            fix: "Give each line a `comment` object and an `expect`: `{\"name\": \"colis\", \"comment\": {\"text\": \"mon colis\"}, \"expect\": \"flag sav\"}`."),
        "E048": Entry(
            "unknown normalization stage",
            "`normalize except ...` turns stages off for the rule set. Stages: compatibility, invisible, confusables, case, accents, leetspeak, repeats, spacing.",
            example: "normalize except leet",
            fix: "Use a stage name from the list above; the help suggests the closest (`leetspeak`)."),
        "E049": Entry(
            "nested window",
            "A windowed count counts comments that satisfy a plain condition or rule; that condition cannot itself use a window or `repeats`.",
            example: "rule r { when count(count(true, window 1m) >= 2, window 1h) >= 3 then flag review }",
            fix: "Count a plain condition or a rule without a window: `count(rule insulte, window 1h) >= 3`."),
        "E050": Entry(
            "empty window",
            "Windows, `once per` periods and cooldowns are positive durations such as `15m`, `1h`, `24h`.",
            example: "rule r { when count(true, window 0m) >= 3 then flag review }",
            fix: "Give a duration longer than zero: `window 15m`."),
        "E051": Entry(
            "template without text",
            "Every template variant needs at least one text: `fr: \"Bonjour {author.name}\"` or `fr: [\"Bonjour\", \"Salut\"]`.",
            example: "template merci { fr: [] }\nrule r { when text has \"merci\" then reply merci }",
            fix: "Give the variant at least one text: `fr: \"Merci !\"`."),
        "E052": Entry(
            "text operator on a value",
            "`has`, `contains`, `starts with`, `ends with` and `matches` read a field of the comment, such as `text` or `author.name`.",
            example: "rule r { when length(text) has \"x\" then hide }",
            fix: "Apply the text operator to a field (`text has \"x\"`), and compare derived values with numbers (`length(text) > 3`)."),
        "E053": Entry(
            "regular expression refused",
            "Vigie refuses patterns whose cost no limit can bound. A backreference (`\\1`, `\\k<name>`, `\\g{-1}`, `(?P=name)`, also inside a lookaround) compares, in one step of the matcher, as many characters as its group took, so the match limit, which counts steps, does not stop it: `(.*)\\1$` takes 0.16 s on a comment of 1,000 `a` and no answer in 15 minutes on 30,000, and a stop signal waits for it. Match the repeated text another way: `(?:aa)+` instead of `(a+)\\1`, a list of the doubled forms with `has any [\"haha\", \"hahaha\"]`, or, for a letter said four times or more (`(\\w)\\1{3,}`), the letters you care about: `(?:a{4,}|e{4,}|o{4,})`. Every other pattern is bounded: its match limit grows with the comment's length (20,000 steps plus 4 per byte, per start position) and one call stops after 5 ms plus 1 ms per 64 KB of text; a cut-off counts as not matched and is reported as a warning (Grammar/RELIABILITY.md, Regex cost).",
            example: "rule r { when text matches /(\\w+) \\1/ then flag review }",
            fix: "Match the repeated text another way, as explained above."),
        "E054": Entry(
            "inflected without has",
            "`inflected` asks for every form of a word as a whole word, so it goes with `has`: `text has any inflected [\"tuer\", \"matar\"]`.",
            example: "rule r { when text contains inflected \"tuer\" then flag review }",
            fix: "Write `text has inflected \"tuer\"` (or `has any inflected [...]`)."),
        "E055": Entry(
            "word not in the dictionaries",
            "`inflected` finds a word's forms in the Hunspell dictionaries (French fr, Spanish es_ES, English en_US, under /usr/share/hunspell or VIGIE_HUNSPELL_DIR). A word no dictionary has (slang, a name, a conjugated form) has no forms to find.",
            example: "rule r { when text has inflected \"zorglubiser\" then flag review }",
            fix: "Write the word as the dictionary lists it: the infinitive of a verb (`tuer`, not `tué`), the masculine singular of a noun or adjective (`abruti`); list slang and names with `has any [...]`. `scripts/bootstrap.sh` installs the dictionaries."),
        "E056": Entry(
            "word too short for a typo",
            "`fuzzy` accepts one typo in words of at least five letters. In a shorter word, one edit reaches everyday words (`con` → `bon`, `ton`, `mon`, `cou`), so the rule would fire on ordinary comments.",
            example: "rule r { when text has fuzzy \"con\" then hide }",
            fix: "List the short word's spellings with `has any [...]`, or use `fuzzy` on a longer word or phrase."),
        "E057": Entry(
            "misplaced or unknown qualifier",
            "`where` qualifies each occurrence of the terms of a `has` test: `quoted`, `negated`, `addressed` or `self`, each optionally after `not`, separated by commas.",
            example: "rule r { when text has \"idiot\" where adressed then hide }",
            fix: "Write `text has any insultes where not quoted, not self` (see the reference, section 8, `where`)."),
        "E058": Entry(
            "qualifiers that cannot hold together",
            "Every qualifier of a `where` clause must hold for the same occurrence, so `quoted` with `not quoted`, or `addressed` with `self`, can never match; a qualifier written twice is a slip.",
            example: "rule r { when text has \"idiot\" where addressed, self then hide }",
            fix: "Keep one of them; to accept either, write two tests joined by `or`."),
        "W001": Entry(
            "unknown field",
            "The field is not one of Vigie's documented input fields (see Grammar/input.schema.json). It may still be present in your comments; a missing field makes every comparison on it false.",
            example: "rule staff { when author.rol == \"staff\" then allow }",
            fix: "Fix the field name (the help suggests the closest documented field), or put your own fields under `meta.`."),
        "W002": Entry(
            "template misses a language",
            "The rule set declares a language that this template has no variant for; comments in that language get the first variant.",
            example: "lang fr, en\ntemplate merci { fr: \"Merci !\" }\nrule r { when text has any [\"merci\", \"thanks\"] then reply merci }",
            fix: "Add the missing variant (`en: \"Thanks!\"`), or remove the language from `lang`."),
        "W003": Entry(
            "rule hides and replies",
            "A hidden comment gets no public reply, so the reply of this rule never goes out.",
            example: "template t { fr: \"Merci\" }\nrule r { when text has \"x\" then hide, reply t }",
            fix: "Use `flag` to ask a person to answer, or split the rule into one that hides and one that replies."),
        "W005": Entry(
            "template variant in an undeclared language",
            "A template has a variant for a language the rule set does not declare with `lang`. Vigie detects each comment's language among the declared languages only, so the variant is used only for comments whose `lang` field names that language; when it is the template's first variant, comments in a declared language that has no variant get it (a reply in German to an English comment).",
            example: "lang fr, en\ntemplate merci { de: \"Danke!\" fr: \"Merci !\" }\nrule r { when text has any [\"merci\", \"thanks\"] then reply merci }",
            fix: "Declare the language with the others (`lang fr, en, de`) if your comments carry it in their `lang` field, or rename the variant to a declared language (`en: \"Thanks!\"`), or remove it."),
        "W006": Entry(
            "unknown placeholder field",
            "A template placeholder names a field that is not one of Vigie's documented input fields (Grammar/input.schema.json), `lang`, `match` or a field under `meta.`. A misspelt field (`{author.nam}`) renders as its fallback or as nothing, and nothing fails: the reply just has a hole in it. It is a warning, not an error, because a comment may carry other fields; `vigie lint` reports it as `template/unknown-placeholder`.",
            example: "template merci { fr: \"Merci {author.nam} !\" }\nrule r { when text has \"merci\" then reply merci }",
            fix: "Fix the field name (the help suggests the closest), or move your own field under `meta.` (`{meta.ticket}`). Give a fallback for fields that may be missing: `{author.name|à vous}`."),
    ]

    /// The explanation text for an id (`vigie explain-error E031`): its title, what and why, an
    /// example that triggers it and the fix; nil if unknown.
    public static func explain(_ id: String) -> String? {
        let upper = id.uppercased()
        guard let e = entries[upper] else { return nil }
        let intro: String
        switch e.kind {
        case .ruleFile: intro = "Example (a rule file that gives \(upper)):"
        case .testsFile: intro = "Example (a line of a `*.tests.jsonl` file that gives \(upper)):"
        case .command: intro = "Example (a command that gives \(upper)):"
        }
        let example = e.example.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        return "\(upper): \(e.title)\n\n\(e.explanation)\n\n\(intro)\n\n\(example)\n\nFix: \(e.fix)\n"
    }
}
