/// The long explanation of every diagnostic id (`vigie explain-error E031`).
public enum ErrorCatalog {
    /// Each id with a title and a longer explanation with an example.
    public static let entries: [String: (title: String, explanation: String)] = [
        "E001": ("unexpected character", "The rule file contains a character that is not part of the language outside strings and regular expressions. Put text inside double quotes, and negate conditions with `not`."),
        "E002": ("unknown duration unit", "Durations are a number followed by a unit: `s` seconds, `m` minutes, `h` hours, `d` days, `w` weeks. Example: `author.age < 7d`."),
        "E003": ("unknown escape in string", "Strings accept the escapes `\\n`, `\\t`, `\\\\`, `\\\"`, and `\\{` `\\}` (a literal brace in a template)."),
        "E004": ("unterminated string", "A string opened with `\"` must close on the same line."),
        "E005": ("unterminated regular expression", "A regular expression is written `/pattern/flags` on one line. Escape a slash inside it as `\\/`."),
        "E006": ("unknown regex flag", "Regex flags are `i` (ignore case), `m` (multi-line anchors), `s` (dot matches newline), `x` (extended: spaces ignored). `u` is accepted and always on: Vigie matches Unicode text."),
        "E010": ("unexpected token", "The parser expected something else at this spot; the message says what. Check the declaration's shape in the language reference (Grammar/REFERENCE.md)."),
        "E011": ("expected a name", "Names of rules, lists, templates, teams, queues and labels are identifiers: letters, digits, `_` and inner `-`."),
        "E012": ("expected a string", "Terms, reasons, paths and reply texts are strings in double quotes."),
        "E013": ("expected a declaration", "A rule file holds `lang`, `list`, `template`, `rule`, `test` and `normalize` declarations, each starting on its own line."),
        "E014": ("unexpected word in rule header", "A rule header is `rule NAME [priority N] [shadow] {`."),
        "E015": ("bad examples block", "A rule's `examples { ... }` holds lines `match \"text\"` (must trigger) and `no match \"text\"` (must not trigger)."),
        "E016": ("expected an action", "Actions are `hide [\"reason\"]`, `escalate TEAM [severity low|normal|high|critical]`, `reply TEMPLATE`, `flag QUEUE`, `tag LABEL` and `allow`, separated by commas."),
        "E017": ("count takes a text predicate", "`count(text has any insultes) >= 2` counts how many times the terms occur in the comment."),
        "E018": ("count needs a comparison", "Compare a count with a number: `count(text has any insultes) >= 2`."),
        "E019": ("expected an operator", "After a value comes an operator: `has`, `contains`, `starts with`, `ends with`, `matches`, `in`, `exists`, or a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)."),
        "E020": ("`=` used to compare", "Comparisons use `==`; a single `=` only appears in `list NAME = ...`."),
        "E021": ("expected a regular expression", "`matches` takes a pattern between slashes: `text matches /\\bporter\\s+plainte\\b/i`."),
        "E022": ("near without has", "`near ... within N words` extends a `has` predicate: `text has any colis near any retard within 6 words`."),
        "E023": ("expected terms", "Terms are a string, an inline list `[\"a\", \"b\"]` or the name of a declared list."),
        "E024": ("expected a condition", "A condition compares values (`author.age < 7d`), tests text (`text has \"colis\"`), or refers to another rule (`rule insulte`)."),
        "E025": ("test without expect", "A test declares what it expects: `expect hide`, `expect reply TEMPLATE, tag LABEL`, `expect not hide` or `expect nothing`."),
        "E026": ("bad value in given", "A test's `given { ... }` is a comment as an object: strings, numbers, booleans, null, nested `{...}` and `[...]`."),
        "E030": ("unknown rule", "`rule NAME` in a condition must name a rule declared in the rule set (in any file)."),
        "E031": ("unknown list", "A list used by `has`, `contains` or `in` must be declared with `list NAME = [...]` or `list NAME = file \"path\"`."),
        "E032": ("unknown template", "`reply NAME` must name a declared `template`."),
        "E033": ("duplicate name", "Rules, lists and templates each have their own namespace across the whole rule set; a name may be declared once."),
        "E034": ("cycle in rule references", "Rules may refer to other rules (`not rule insulte`), but references must not loop back: Vigie evaluates rules as a directed acyclic graph."),
        "E035": ("list file problem", "A list file is read relative to the rule file, must stay inside the rules folder, and holds one term per line (`#` starts a comment)."),
        "E036": ("regular expression does not compile", "PCRE2 rejected the pattern; the caret points at the spot it reported. Vigie compiles patterns with UTF and Unicode properties on."),
        "E037": ("unknown severity", "Severities are `low`, `normal`, `high` and `critical`."),
        "E038": ("type mismatch", "The two sides of a comparison cannot be compared: numbers compare with numbers and durations, strings with strings, booleans with `==`/`!=`."),
        "E039": ("unknown function", "Derived values are `length(F)`, `links(F)`, `mentions(F)`, `hashtags(F)`, `emojis(F)`, `caps(F)` (share of capital letters, 0 to 1), `words(F)` and `age(F)` (time since a timestamp)."),
        "E040": ("empty term", "A term that is empty after normalization (only spaces or punctuation) would match nothing; use `matches` for punctuation."),
        "E041": ("bad placeholder", "Template placeholders are `{field.path}` (any field of the comment), `{field.path|fallback}`, `{lang}` or `{match}` (what the author wrote where the rule matched); write `\\{` for a literal brace."),
        "W004": ("language cannot be detected", "Vigie knows the languages `fr`, `en` and `es` for detection; other codes are accepted when the input carries a `lang` field."),
        "E043": ("no rule files", "The path given to `--rules` holds no `.vigie` file."),
        "E044": ("cannot read file", "A rule file or list file could not be read."),
        "E045": ("bad number", "A priority or a distance is a whole number."),
        "E046": ("missing argument", "This action needs an argument: `escalate TEAM`, `reply TEMPLATE`, `flag QUEUE`, `tag LABEL`."),
        "E047": ("bad test line", "A JSON-lines test file (`*.tests.jsonl`, next to the rule files) holds one test per line: `{\"name\": \"...\", \"comment\": {\"text\": \"...\"}, \"expect\": \"hide, flag moderation\"}`; `expect` uses the language's `expect` syntax, `\"todo\": true` marks a known gap."),
        "E048": ("unknown normalization stage", "`normalize except ...` turns stages off for the rule set. Stages: compatibility, invisible, confusables, case, accents, leetspeak, repeats, spacing."),
        "E049": ("nested window", "A windowed count counts comments that satisfy a plain condition or rule; that condition cannot itself use a window or `repeats`."),
        "E050": ("empty window", "Windows, `once per` periods and cooldowns are positive durations such as `15m`, `1h`, `24h`."),
        "E051": ("template without text", "Every template variant needs at least one text: `fr: \"Bonjour {author.name}\"` or `fr: [\"Bonjour\", \"Salut\"]`."),
        "E052": ("text operator on a value", "`has`, `contains`, `starts with`, `ends with` and `matches` read a field of the comment, such as `text` or `author.name`."),
        "E053": ("regular expression refused", "Vigie refuses patterns whose cost no limit can bound. A backreference (`\\1`, `\\k<name>`, `\\g{-1}`, `(?P=name)`, also inside a lookaround) compares, in one step of the matcher, as many characters as its group took, so the match limit, which counts steps, does not stop it: `(.*)\\1$` takes 0.16 s on a comment of 1,000 `a` and no answer in 15 minutes on 30,000, and a stop signal waits for it. Match the repeated text another way: `(?:aa)+` instead of `(a+)\\1`, a list of the doubled forms with `has any [\"haha\", \"hahaha\"]`, or, for a letter said four times or more (`(\\w)\\1{3,}`), the letters you care about: `(?:a{4,}|e{4,}|o{4,})`. Every other pattern is bounded: its match limit grows with the comment's length (20,000 steps plus 4 per byte, per start position) and one call stops after 5 ms plus 1 ms per 64 KB of text; a cut-off counts as not matched and is reported as a warning (Grammar/RELIABILITY.md, Regex cost)."),
        "E054": ("inflected without has", "`inflected` asks for every form of a word as a whole word, so it goes with `has`: `text has any inflected [\"tuer\", \"matar\"]`."),
        "E055": ("word not in the dictionaries", "`inflected` finds a word's forms in the Hunspell dictionaries (French fr, Spanish es_ES, English en_US, under /usr/share/hunspell or VIGIE_HUNSPELL_DIR). Write the word as the dictionary lists it: the infinitive of a verb (`tuer`, not `tué`), the masculine singular of a noun or adjective (`abruti`). A word no dictionary has (slang, a name) has no forms to find: list its spellings with `has any [...]`. `scripts/bootstrap.sh` installs the dictionaries."),
        "W001": ("unknown field", "The field is not one of Vigie's documented input fields (see Grammar/input.schema.json). It may still be present in your comments; a missing field makes every comparison on it false."),
        "W002": ("template misses a language", "The rule set declares a language that this template has no variant for; comments in that language get the first variant."),
        "W003": ("rule hides and replies", "A hidden comment gets no public reply, so the reply of this rule never goes out."),
    ]

    /// The explanation text for an id, or nil if unknown.
    public static func explain(_ id: String) -> String? {
        guard let e = entries[id.uppercased()] else { return nil }
        return "\(id.uppercased()): \(e.title)\n\n\(e.explanation)\n"
    }
}
