import Foundation
import VigieCore
import VigieRegex
import VigieLanguage
import VigieFormat

/// Translates one AutoModerator rule into one Vigie rule (and its reply template), collecting
/// what is not carried over. See ``AutoModeratorImporter`` for the principles.
package struct RuleTranslator {
    package let rule: AMRule
    package let file: SourceFile
    package let configName: String
    /// The report entries for this rule.
    package private(set) var diagnostics: [Diagnostic] = []
    /// Whether a condition reads the `title` field.
    package private(set) var usesTitle = false
    /// What was lost while reading the section (a key written twice), written as comments.
    package var readingLosses: [String] = []

    /// What kind of Reddit item a rule applies to.
    package enum Kind: Hashable { case comment, textPost, linkPost }

    private var conjuncts: [VCond] = []
    /// Carried checks (a check is one key of the rule that tests the item).
    private var checks = 0
    /// The checks that were dropped and make the rule hold more often, in words.
    private var widened: [String] = []
    private var actions: [String] = []
    private var comments: [String] = []
    private var templateText: String?
    private var whyNotCarried: String?
    private var priority = 0
    private var kinds: Set<Kind> = [.comment, .textPost, .linkPost]
    private var nameHint: String?
    /// Term lists used on several fields, declared as named lists; conditions refer to list k
    /// as `\0k\0` until the rule has a name.
    private var lists: [String] = []
    /// Labels of the Reddit-only actions, written as `tag` actions.
    private var tags: [String] = []
    /// `meta.` fields already reported as read.
    private var mappedFields: Set<String> = []
    /// A comment the rule should match, built from its own terms (for the generated test).
    private var sample: [String: SampleValue] = [:]

    package init(rule: AMRule, file: SourceFile, configName: String) {
        self.rule = rule
        self.file = file
        self.configName = configName
    }

    // MARK: tables

    /// Where an AutoModerator field goes.
    package enum FieldTarget {
        /// A Vigie field path (Reddit-only values go under `meta.`, which the caller fills).
        case field(String)
        /// A Reddit-only field, with the reason in words.
        case reddit(String)
    }

    /// The item's search fields. Reddit-only ones are read from `meta.` under Reddit's own names:
    /// the caller gives them (a missing one reads as empty text, as AutoModerator reads a post
    /// without flair).
    package static let itemFields: [String: FieldTarget] = [
        "body": .field("text"), "title": .field("title"), "id": .field("id"), "url": .field("meta.url"),
        "domain": .field("meta.domain"), "media_author": .field("meta.media_author"), "media_author_url": .field("meta.media_author_url"),
        "media_title": .field("meta.media_title"), "media_description": .field("meta.media_description"),
        "flair_text": .field("meta.flair_text"), "flair_css_class": .field("meta.flair_css_class"),
        "flair_template_id": .field("meta.flair_template_id"),
    ]
    package static let commentFields: Set = ["body", "id"]
    package static let authorFields: [String: FieldTarget] = [
        "name": .field("author.name"), "id": .field("author.id"),
        "flair_text": .field("meta.author_flair_text"), "flair_css_class": .field("meta.author_flair_css_class"),
        "flair_template_id": .field("meta.author_flair_template_id"),
    ]
    /// AutoModerator's match modes and the regex each wraps around the values.
    package static let modes = ["full-exact", "full-text", "includes", "includes-word", "starts-with", "ends-with"]
    package static let modifiers = Set(modes + ["case-sensitive", "regex"])
    package static let fieldDefaultModes = [
        "id": "full-exact", "url": "includes", "media_author": "full-exact", "media_author_url": "includes", "flair_text": "full-exact",
        "flair_css_class": "full-exact", "flair_template_id": "full-exact",
    ]

    /// Item checks that are true/false marks on Reddit: read from `meta.KEY == true`.
    package static let itemMarks: Set = ["is_edited", "is_original_content", "is_poll", "is_gallery", "is_meta_discussion"]
    /// Item checks Vigie cannot read at all.
    package static let redditChecks: [String: String] = [
        "crowd_control_level": "crowd control is Reddit's",
        "standard": "Reddit's standard conditions are a list kept on Reddit's side (its wiki page `automoderator_standards`), not known outside Reddit",
    ]
    /// Author checks that are true/false marks on Reddit: read from `meta.author_KEY == true`.
    package static let authorMarks: Set = ["is_contributor", "is_gold", "is_submitter", "has_verified_email", "is_banned", "is_trusted"]
    /// Actions that only Reddit can take: each becomes a `tag` of the same name, which the caller
    /// acts on (`set_flair` → `tag set_flair`); the value is kept as a comment above the rule.
    package static let taggedActions: Set = [
        "set_flair", "set_sticky", "set_locked", "set_nsfw", "set_spoiler", "set_contest_mode", "set_suggested_sort",
        "set_original_content", "message", "ban",
    ]
    /// Keys that only say how a tagged action is done (kept as a comment with the rule).
    package static let actionDetails: Set = [
        "overwrite_flair", "message_subject", "ban_duration", "ban_message", "ban_reason", "comment_stickied", "comment_locked",
        "comment_subject", "ignore_reports",
    ]
    /// Actions valid on posts only: a rule that has one does not apply to comments.
    package static let postOnlyActions: Set = [
        "set_flair", "set_sticky", "set_locked", "set_nsfw", "set_spoiler", "set_contest_mode", "set_suggested_sort", "set_original_content",
    ]
    /// The actions of the item itself, for `parent_submission:`.
    package static let redditActions = taggedActions.union(actionDetails)
    /// Words that make a report or a modmail urgent: threats and doxxing are escalated.
    package static let urgentWords = ["threat", "death", "kill", "suicid", "self-harm", "self harm", "selfharm", "dox", "personal information"]

    // MARK: translation

    /// Translates the rule; the result is read with ``render(names:imported:)``.
    package mutating func run() {
        // A rule whose keys were written twice is usually two rules without `---` between them:
        // its comment names the first one, and AutoModerator keeps the second.
        nameHint = rule.hasDuplicateKeys ? nil : rule.leadingComments.first
        let exempt = typeAndTopLevel()
        if whyNotCarried != nil { return }
        var base: [AMEntry] = []
        var author: [AMEntry] = []
        for e in rule.entries {
            switch e.key {
            case "type", "priority", "moderators_exempt", "comment", "modmail", "modmail_subject", "parent_submission":
                continue
            case "author":
                switch e.value.value {
                case .map(let entries): author += entries
                case .string, .list, .int: author.append(AMEntry(key: "name", rawKey: "author", line: e.line, column: e.column, value: e.value))
                default: break
                }
            case "~author":
                switch e.value.value {
                case .string, .list, .int: author.append(AMEntry(key: "~name", rawKey: "~author", line: e.line, column: e.column, value: e.value))
                default: break
                }
            default:
                base.append(e)
            }
        }
        let ignoreQuotes = base.first { $0.key == "ignore_blockquotes" }.map { $0.value.value.isTrue } ?? false
        for e in base { itemEntry(e, ignoreBlockquotes: ignoreQuotes) }
        authorEntries(author)
        if let p = rule["parent_submission"] { parentSubmission(p) }
        restrictKinds()
        if whyNotCarried != nil { return }
        actionsOf(base: base, exempt: exempt)
    }

    /// `type`, `priority`, `moderators_exempt`, `comment`, `modmail`; returns whether moderators
    /// are exempt when the rule says so explicitly (nil: AutoModerator's default).
    private mutating func typeAndTopLevel() -> Bool? {
        if let t = rule["type"] {
            switch t.value.value.text?.lowercased() {
            case "comment": kinds = [.comment]
            case "submission": kinds = [.textPost, .linkPost]
            case "text submission": kinds = [.textPost]
            case "link submission": kinds = [.linkPost]
            case "any": break
            default:
                whyNotCarried = "AutoModerator does not know the type `\(t.value.value.text ?? "?")`"
                report(t, "import/rule-not-carried-over", "rule not carried over: `type` must be comment, submission, text submission, link submission or any")
                return nil
            }
            if kinds.count < 3 { checks += 1 }
        }
        if let p = rule["priority"] {
            if case .int(let n) = p.value.value {
                priority = n
            } else {
                report(p, "import/not-carried-over", "`priority` is not a whole number; AutoModerator refuses it, the rule keeps priority 0")
            }
        }
        if let m = rule["moderators_exempt"] {
            if case .bool(let b) = m.value.value { return b }
        }
        return nil
    }

    /// One key of the item (`body`, `title+body (regex)`, `reports`, `action`...).
    private mutating func itemEntry(_ e: AMEntry, ignoreBlockquotes: Bool) {
        switch e.key {
        case "action", "action_reason", "report_reason", "ignore_blockquotes":
            return
        case "body_longer_than", "body_shorter_than":
            guard case .int(let n) = e.value.value else {
                drop(e, "AutoModerator wants a whole number here")
                return
            }
            let longer = e.key == "body_longer_than"
            // The body without non-word characters at either end, longer than N ⟺ a word
            // character and another at least N further; anchored so that PCRE2 tries one start.
            let minimum = longer ? n : n - 1
            let test: VCond
            if minimum < 0 {
                test = .atom("true")
            } else if minimum == 0 {
                test = .atom("text matches /\\w/")
            } else {
                test = .atom("text matches /^\\W*+\\w.{\(minimum - 1),}\\w/s")
            }
            conjuncts.append(longer ? test : (minimum < 0 ? .atom("false") : .not(test)))
            if longer { sampleText("text", String(repeating: "a", count: n + 1), mode: "includes-word") }
            comments.append("\(e.rawKey): \(n) — the text, without punctuation at either end, is \(longer ? "longer" : "shorter") than \(n) characters")
            checks += 1
        case "is_top_level":
            guard case .bool(let b) = e.value.value else {
                drop(e, "AutoModerator wants true or false here")
                return
            }
            kinds.subtract([.textPost, .linkPost])
            conjuncts.append(b ? .not(.atom("parent_id exists")) : .atom("parent_id exists"))
            if !b { sample["parent_id"] = .string("t1_parent") }
            checks += 1
        case "reports":
            guard case .int(let n) = e.value.value else {
                drop(e, "AutoModerator wants a whole number here")
                return
            }
            conjuncts.append(.atom("meta.reports >= \(n)"))
            sample["meta.reports"] = .int(max(n, 0))
            mapped(e, "meta.reports", "the number of reports")
            checks += 1
        default:
            if Self.itemMarks.contains(e.key) {
                mark(e, field: "meta.\(e.key)")
            } else if let why = Self.redditChecks[e.key] {
                drop(e, why)
            } else if Self.taggedActions.contains(e.key) {
                if Self.postOnlyActions.contains(e.key) { kinds.remove(.comment) }
                tagAction(e)
            } else if Self.actionDetails.contains(e.key) {
                detail(e)
            } else if let key = MatchKey(e.key) {
                match(e, key, fields: Self.itemFields, ignoreBlockquotes: ignoreBlockquotes)
            } else {
                drop(e, "AutoModerator does not know this key")
            }
        }
    }

    /// The `author:` sub-group: thresholds, moderator status, name.
    private mutating func authorEntries(_ entries: [AMEntry]) {
        var thresholds: [VCond] = []
        var any = false
        for e in entries {
            switch e.key {
            case "satisfy_any_threshold":
                any = e.value.value.isTrue
            case "comment_karma", "post_karma", "link_karma", "combined_karma":
                let field = e.key == "comment_karma" ? "author.karma" : e.key == "combined_karma" ? "meta.combined_karma" : "meta.post_karma"
                if let c = karma(e, field: field) { thresholds.append(c) }
            case "comment_subreddit_karma", "post_subreddit_karma", "combined_subreddit_karma":
                // Karma in this subreddit only (AutoModerator's newer thresholds).
                if let c = karma(e, field: "meta.author_" + e.key) { thresholds.append(c) }
            case "account_age":
                if let c = accountAge(e) { thresholds.append(c) }
            case "is_moderator":
                guard case .bool(let b) = e.value.value else {
                    drop(e, "AutoModerator wants true or false here")
                    continue
                }
                let c = VCond.atom("author.role == \"moderator\"")
                conjuncts.append(b ? c : .not(c))
                if b { sample["author.role"] = .string("moderator") }
                checks += 1
            case "set_flair":
                tagAction(e, label: "set_author_flair")
            case "overwrite_flair":
                detail(e)
            default:
                if Self.authorMarks.contains(e.key) {
                    mark(e, field: "meta.author_\(e.key)")
                } else if let key = MatchKey(e.key) {
                    match(e, key, fields: Self.authorFields, ignoreBlockquotes: false)
                } else {
                    drop(e, "AutoModerator does not know this author key")
                }
            }
        }
        if !thresholds.isEmpty {
            conjuncts.append(any ? .or(thresholds) : .and(thresholds))
            checks += 1
        }
    }

    /// `parent_submission:` checks and acts on the post a comment answers: its checks are
    /// Reddit-only, its actions become tags (`parent_submission_set_flair`, `parent_submission_remove`).
    private mutating func parentSubmission(_ e: AMEntry) {
        kinds.subtract([.textPost, .linkPost])
        guard case .map(let entries) = e.value.value else { return }
        for p in entries {
            if p.key == "action", let a = p.value.value.text?.lowercased() {
                tagAction(p, label: "parent_submission_" + a)
            } else if Self.taggedActions.contains(p.key) {
                tagAction(p, label: "parent_submission_" + p.key)
            } else if Self.actionDetails.contains(p.key) || p.key == "action_reason" || p.key == "report_reason" {
                detail(p)
            } else {
                drop(p, "Vigie's input does not carry the post a comment answers")
            }
        }
    }

    /// Removes the item kinds for which AutoModerator itself would reject this rule.
    private mutating func restrictKinds() {
        if kinds.isEmpty {
            whyNotCarried = "AutoModerator applies it to no item (its keys need both a comment and a post)"
            report(rule.entries.first, "import/rule-not-carried-over", "rule not carried over: \(whyNotCarried!)")
        }
    }

    /// A Reddit-only value read from `meta.`: reported once per field (the caller must give it).
    private mutating func mapped(_ e: AMEntry, _ field: String, _ what: String) {
        guard !mappedFields.contains(field) else { return }
        mappedFields.insert(field)
        report(e, "import/mapped", "\(what) is read from `\(field)`: give it in the input", severity: .info)
    }

    /// A Reddit true/false mark (`is_edited: true`) → `meta.is_edited == true`.
    private mutating func mark(_ e: AMEntry, field: String) {
        guard case .bool(let b) = e.value.value else {
            drop(e, "AutoModerator wants true or false here")
            return
        }
        let c = VCond.atom("\(field) == true")
        conjuncts.append(b ? c : .not(c))
        sample[field] = .bool(b)
        mapped(e, field, "`\(e.key)`")
        checks += 1
    }

    /// An action only Reddit can take: a tag of the same name, its value kept as a comment.
    private mutating func tagAction(_ e: AMEntry, label: String? = nil) {
        var label = label ?? (e.key == "message" ? "message_author" : e.key)
        if case .bool(false) = e.value.value { label += "_off" }
        // The flair set is part of the label (`set_flair_news`), so that the caller knows which.
        if e.key == "set_flair", let first = (e.value.value.items?.first?.value.text).flatMap({ $0.isEmpty ? nil : $0 }) {
            var names = NameTable()
            label += "_" + names.make(from: first, fallback: "flair")
        }
        label = String(label.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        if !tags.contains(label) { tags.append(label) }
        if e.key == "message", let text = e.value.value.text {
            let subject = rule["message_subject"]?.value.value.text ?? "AutoModerator notification"
            comments.append("message \"\(subject)\" → tag \(label); the message to send the author:")
            comments += Self.indented(text)
        } else {
            comments.append("\(e.rawKey): \(Self.describe(e.value.value)) → tag \(label)")
        }
        report(
            e, "import/approximated", "`\(e.rawKey)` is Reddit's: the rule sets the tag `\(label)` for the caller to act on", severity: .info,
            notes: ["the value is kept as a comment above the rule"])
    }

    /// A key that says how a tagged action is done: kept as a comment.
    private mutating func detail(_ e: AMEntry) {
        comments.append("\(e.rawKey): \(Self.describe(e.value.value))")
    }

    /// A YAML value on one line, for comments.
    package static func describe(_ v: AMValue) -> String {
        switch v {
        case .list(let l): return "[" + l.map { describe($0.value) }.joined(separator: ", ") + "]"
        case .map(let m): return "{" + m.map { "\($0.rawKey): \(describe($0.value.value))" }.joined(separator: ", ") + "}"
        case .null: return "null"
        case .string(let t): return "\"" + t.replacingOccurrences(of: "\n", with: "\\n") + "\""
        default: return v.text ?? ""
        }
    }

    // MARK: match keys

    /// A parsed match key: `~title+body#name (includes-word, regex)`.
    package struct MatchKey {
        package var negated: Bool
        package var fields: [String]
        package var modifiers: [String]

        package init?(_ key: String) {
            var k = Substring(key)
            negated = k.hasPrefix("~")
            if negated { k = k.dropFirst() }
            let end = k.firstIndex { $0.isWhitespace || $0 == "(" } ?? k.endIndex
            let name = k[..<end]
            let rest = k[end...].trimmingCharacters(in: .whitespaces)
            if rest.isEmpty {
                modifiers = []
            } else {
                guard rest.hasPrefix("("), rest.hasSuffix(")"), rest.count > 2 else { return nil }
                modifiers = rest.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
            fields = name.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].split(separator: "+").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard !fields.isEmpty, !fields.contains(where: \.isEmpty) else { return nil }
        }
    }

    /// A match key: the values tested on each field, any of them (`or`), negated with `~`.
    private mutating func match(_ e: AMEntry, _ key: MatchKey, fields table: [String: FieldTarget], ignoreBlockquotes: Bool) {
        guard let items = e.value.value.items else {
            drop(e, "AutoModerator wants a value or a list of values here")
            return
        }
        var values: [String] = []
        for item in items {
            if let t = item.value.text {
                values.append(t)
            } else if case .null = item.value {
            } else {
                report(e, "import/not-carried-over", "a value of `\(e.rawKey)` is itself a list or a mapping; it is not carried over")
            }
        }
        if table["body"] != nil, !key.fields.contains(where: { Self.commentFields.contains($0) }), key.fields.allSatisfy({ table[$0] != nil }) {
            kinds.remove(.comment)
        }
        guard !values.isEmpty else { return }  // AutoModerator skips a key without values
        if let bad = key.modifiers.first(where: { !Self.modifiers.contains($0) }) {
            drop(e, "AutoModerator does not know the modifier `\(bad)`")
            return
        }
        var targets: [String] = []
        var redditFields: [String] = []
        var reasons: [String] = []
        for f in key.fields {
            switch table[f] {
            case .field(let v)?: targets.append(v)
            case .reddit(let why)?:
                redditFields.append("`\(f)`")
                if !reasons.contains(why) { reasons.append(why) }
            case nil:
                redditFields.append("`\(f)`")
                reasons.append("AutoModerator does not know the field `\(f)`")
            }
        }
        if table["body"] != nil, key.fields.allSatisfy({ $0 == "url" }) {
            kinds.remove(.textPost)  // AutoModerator reads `url` on link posts only
        }
        for f in key.fields {
            if case .field(let v)? = table[f], v.hasPrefix("meta.") { mapped(e, v, "`\(f)`") }
        }
        if targets.isEmpty {
            drop(e, reasons.joined(separator: "; "))
            return
        }
        if !redditFields.isEmpty {
            report(
                e, "import/not-carried-over",
                "\(redditFields.joined(separator: ", ")) in `\(e.rawKey)` \(redditFields.count == 1 ? "is" : "are") not carried over (\(reasons.joined(separator: "; "))); the other fields are tested"
            )
            if key.negated { widened.append("`\(e.rawKey)` without \(redditFields.joined(separator: ", "))") }
        }
        if key.modifiers.contains("regex"), case .list(let l) = e.value.value, l.count == 1, let only = l[0].value.text,
            !only.contains("["), only.contains("-"), only.count <= 24,
            file.text(AutoModeratorImporter.span(file, e.value.line, e.value.column)).hasPrefix("[")
        {
            report(
                e, "import/yaml-list",
                "`[\(only)]` is a YAML list of one regex, `\(only)`: the brackets are not part of the pattern, which is not a character class",
                severity: .info, notes: ["AutoModerator reads it the same way; the import keeps that meaning"],
                help: "write `['[\(only)]']` if a character class was meant")
        }
        if ignoreBlockquotes, targets.contains("text") {
            report(e, "import/not-carried-over", "`ignore_blockquotes` is not carried over: `\(e.rawKey)` also reads quoted lines")
            if key.negated { widened.append("`\(e.rawKey)` reading quoted lines") }
        }
        if targets.contains("title") { usesTitle = true }
        let isRegex = key.modifiers.contains("regex")
        if !key.negated, let first = values.first {
            let text = isRegex ? RegexSample.sample(PythonRegex.toPCRE2(first).pattern) : first
            let mode = key.modifiers.first { Self.modes.contains($0) } ?? (key.fields.count == 1 ? Self.fieldDefaultModes[key.fields[0]] : nil) ?? "includes-word"
            let field = targets.first { $0 == "text" } ?? targets.first { $0 != "title" || !kinds.contains(.comment) } ?? targets[0]
            if let text { sampleText(field, text, mode: mode) }
        }
        let caseSensitive = key.modifiers.contains("case-sensitive")
        var mode = key.modifiers.first { Self.modes.contains($0) }
        // AutoModerator accepts subdomains when `domain` is the key's only field and no mode is given.
        var prefix = ""
        if mode == nil {
            let valid = key.fields.filter { table[$0] != nil }
            mode = valid.count == 1 ? Self.fieldDefaultModes[valid[0]] ?? "includes-word" : "includes-word"
            if valid == ["domain"], table["body"] != nil { prefix = "(?:.*?\\.)?" }
        }
        // Reddit's own fields are compared exactly as AutoModerator does (no normalization).
        let exact = !prefix.isEmpty || targets.contains { $0.hasPrefix("meta.") }
        guard
            let tests = tests(
                e, values: values, mode: mode!, regex: isRegex, caseSensitive: caseSensitive, negated: key.negated, prefix: prefix, exact: exact)
        else { return }
        var alternatives: [VCond] = []
        var shared = tests
        if targets.count > 1 {
            for (k, t) in tests.enumerated() {
                if let open = t.firstIndex(of: "["), !t.hasPrefix("matches") {
                    lists.append(String(t[open...]))
                    shared[k] = t[..<open] + "\u{0}\(lists.count - 1)\u{0}"
                }
            }
        }
        for field in targets {
            for t in shared { alternatives.append(.atom("\(field) \(t)")) }
        }
        let c = VCond.or(alternatives)
        conjuncts.append(key.negated ? .not(c) : c)
        checks += 1
    }

    /// The Vigie tests (without their field) for AutoModerator's values: terms where Vigie's
    /// word matching means the same, a regular expression otherwise.
    private mutating func tests(
        _ e: AMEntry, values: [String], mode: String, regex: Bool, caseSensitive: Bool, negated: Bool, prefix: String = "", exact: Bool = false
    ) -> [String]? {
        let flags = caseSensitive ? "s" : "is"
        if !regex, exact {
            let joined = values.map(PythonRegex.escape).joined(separator: "|")
            return ["matches /\(Self.wrap(prefix.isEmpty ? joined : prefix + "(" + joined + ")", mode: mode))/\(flags)"]
        }
        if !regex {
            if mode == "full-exact", !caseSensitive {
                return ["in " + termList(values)]
            }
            // `starts with` and `ends with` skip punctuation at the edges of the normalized text,
            // where AutoModerator's `^` and `$` do not: those modes stay regular expressions.
            let op = ["includes-word": "has", "includes": "contains"][mode]
            if let op, !caseSensitive {
                let plain = values.filter(Self.isPlainTerm)
                let others = values.filter { !Self.isPlainTerm($0) }
                var out: [String] = []
                if !plain.isEmpty { out.append("\(op) " + (plain.count == 1 ? vigieString(plain[0]) : "any " + termList(plain))) }
                if !others.isEmpty {
                    out.append("matches /\(Self.wrap(others.map(PythonRegex.escape).joined(separator: "|"), mode: mode))/\(flags)")
                }
                return out
            }
            return ["matches /\(Self.wrap(values.map(PythonRegex.escape).joined(separator: "|"), mode: mode))/\(flags)"]
        }
        var alternatives: [String] = []
        var changes: Set<String> = []
        for v in values {
            let (p, c) = PythonRegex.toPCRE2(v)
            alternatives.append(p)
            changes.formUnion(c)
        }
        for c in changes.sorted() { report(e, "import/regex", "in `\(e.rawKey)`: \(c)", severity: .info) }
        if (try? Regex(Self.wrap(alternatives.joined(separator: "|"), mode: mode), flags: flags)) == nil {
            var kept: [String] = []
            for (k, a) in alternatives.enumerated() {
                do {
                    _ = try Regex("(\(a))", flags: flags)
                    kept.append(a)
                } catch {
                    report(
                        e, "import/not-carried-over", "the regex `\(values[k])` of `\(e.rawKey)` does not compile in PCRE2 (\(error.message)); it is left out",
                        notes: [negated ? "the rule holds more often without it" : "the rule holds less often without it"])
                    if negated { widened.append("`\(e.rawKey)` without a regex that does not compile") }
                }
            }
            alternatives = kept
            if alternatives.isEmpty || (try? Regex(Self.wrap(alternatives.joined(separator: "|"), mode: mode), flags: flags)) == nil {
                drop(e, "its regular expressions do not compile in PCRE2")
                return nil
            }
        }
        if !prefix.isEmpty { return ["matches /\(Self.wrap(prefix + "(" + alternatives.joined(separator: "|") + ")", mode: mode))/\(flags)"] }
        return ["matches /\(Self.wrap(alternatives.joined(separator: "|"), mode: mode))/\(flags)"]
    }

    /// AutoModerator's pattern for a match mode, around the values joined by `|`.
    ///
    /// `includes-word` is `(?:^|\W|\b)(...)(?:$|\W|\b)` in AutoModerator; the lookarounds below
    /// accept the same positions without taking the neighbouring character into the match, so
    /// `{match}` is what AutoModerator's `{{match}}` is.
    package static func wrap(_ alternatives: String, mode: String) -> String {
        switch mode {
        case "full-exact": return "^(\(alternatives))$"
        case "full-text": return "^\\W*(\(alternatives))\\W*$"
        case "includes": return "(\(alternatives))"
        case "starts-with": return "^(\(alternatives))"
        case "ends-with": return "(\(alternatives))$"
        default: return "(?:(?<!\\w)|\\b)(\(alternatives))(?:(?!\\w)|\\b)"
        }
    }

    /// Whether a literal value means the same as a Vigie term: it starts and ends with a letter or
    /// a digit (so word edges fall where AutoModerator puts them) and has no control character.
    /// Words mixing digits and letters (`221b`) are left to a regex: Vigie reads their digits as
    /// leetspeak.
    package static func isPlainTerm(_ s: String) -> Bool {
        guard let f = s.first, let l = s.last else { return false }
        let alnum = { (c: Character) in c.isLetter || c.isNumber }
        guard alnum(f), alnum(l), !s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        return !s.split(whereSeparator: { !alnum($0) }).contains { w in w.contains(where: \.isNumber) && w.contains(where: \.isLetter) }
    }

    private func termList(_ values: [String]) -> String { "[" + values.map { vigieString($0) }.joined(separator: ", ") + "]" }

    // MARK: thresholds

    /// `comment_karma: "< -10"` → `author.karma < -10` (no operator means `==`).
    private mutating func karma(_ e: AMEntry, field: String) -> VCond? {
        guard let text = e.value.value.text?.trimmingCharacters(in: .whitespaces) else {
            drop(e, "AutoModerator wants a number, with `<`, `>` or `==` before it")
            return nil
        }
        let (op, rest) = Self.splitOperator(text)
        guard let n = Int(rest.trimmingCharacters(in: .whitespaces)) else {
            drop(e, "AutoModerator wants a whole number here")
            return nil
        }
        if field.hasPrefix("meta.") {
            report(e, "import/mapped", "`\(e.key)` is read from `\(field)`: give it in the input's `meta`", severity: .info)
        }
        sample[field] = .int(op == "<" ? n - 1 : op == ">" ? n + 1 : n)
        return .atom("\(field) \(op) \(n)")
    }

    /// `account_age: "< 1 day"` → `author.age < 1d` (a bare number is days; a month is 30 days, a
    /// year 365).
    private mutating func accountAge(_ e: AMEntry) -> VCond? {
        guard let text = e.value.value.text?.trimmingCharacters(in: .whitespaces) else {
            drop(e, "AutoModerator wants a period such as `< 30 days`")
            return nil
        }
        let (op, rest) = Self.splitOperator(text)
        let parts = rest.split(separator: " ", omittingEmptySubsequences: true)
        var digits = Substring(parts.first ?? "")
        var unit = parts.count > 1 ? String(parts[1]) : ""
        if unit.isEmpty, let k = digits.firstIndex(where: { !$0.isNumber }) {
            unit = String(digits[k...])
            digits = digits[..<k]
        }
        guard let n = Int(digits), parts.count <= 2 else {
            drop(e, "AutoModerator wants a period such as `< 30 days`")
            return nil
        }
        if unit.hasSuffix("s") { unit.removeLast() }
        let duration: String
        switch unit.lowercased() {
        case "minute": duration = "\(n)m"
        case "hour": duration = "\(n)h"
        case "", "day": duration = "\(n)d"
        case "week": duration = "\(n)w"
        case "month": duration = "\(30 * n)d"
        case "year": duration = "\(365 * n)d"
        default:
            drop(e, "AutoModerator does not know the unit `\(unit)`")
            return nil
        }
        let seconds = ["m": 60, "h": 3600, "d": 86400, "w": 604_800][String(duration.last!)]! * Int(duration.dropLast())!
        sample["author.age"] = .int(op == "<" ? max(seconds - 3600, 0) : op == ">" ? seconds + 3600 : seconds)
        return .atom("author.age \(op) \(duration)")
    }

    /// The comparison operator in front of a threshold (`<`, `>`, `=` or `==`; `==` by default).
    package static func splitOperator(_ s: String) -> (String, String) {
        for (prefix, op) in [("==", "=="), ("<", "<"), (">", ">"), ("=", "==")] where s.hasPrefix(prefix) {
            return (op, String(s.dropFirst(prefix.count)))
        }
        return ("==", s)
    }

    // MARK: actions

    private mutating func actionsOf(base: [AMEntry], exempt: Bool?) {
        let actionEntry = base.first { $0.key == "action" }
        let action = actionEntry?.value.value.text?.lowercased()
        let reasonEntry = base.first { $0.key == "action_reason" } ?? base.first { $0.key == "report_reason" }
        let modmailSubject = rule["modmail"] == nil ? nil : rule["modmail_subject"]?.value.value.text
        let reason = reasonEntry?.value.value.text.flatMap(Self.cleanReason) ?? modmailSubject.flatMap(Self.cleanReason)
        nameHint = nameHint ?? reason
        var hides = false
        switch action {
        case "remove"?, "spam"?:
            hides = true
            actions.append("hide " + vigieString(reason ?? action!))
        case "filter"?:
            actions.append("flag modqueue")
            if let r = reasonEntry?.value.value.text { comments.append("filter reason: \(r)") }
        case "report"?:
            if let r = reasonEntry?.value.value.text, Self.isUrgent(r) {
                actions.append("escalate safety severity high")
            } else {
                actions.append("flag reports")
            }
            if let r = reasonEntry?.value.value.text { comments.append("report reason: \(r)") }
        case "approve"?:
            actions.append("allow")
        case nil:
            break
        default:
            if let a = actionEntry { dropAction(a, "AutoModerator does not know the action `\(action!)`") }
        }
        if let m = rule["modmail"], let text = m.value.value.text {
            let subject = rule["modmail_subject"]?.value.value.text ?? "AutoModerator notification"
            actions.append(Self.isUrgent(subject + " " + text) ? "escalate mods severity high" : "escalate mods")
            comments.append("modmail \"\(subject)\": escalated to the `mods` team; the message, for your alerting pipeline:")
            comments += Self.indented(text)
            report(
                m, "import/approximated", "`modmail` is an escalation to `mods`: an escalation carries no message, its text is kept as a comment above the rule",
                severity: .info)
        }
        if let c = rule["comment"], let text = c.value.value.text {
            if hides {
                report(
                    c, "import/approximated",
                    "`comment` on a removed item becomes the tag `removal_comment`: Vigie never replies publicly to a comment it hides",
                    severity: .info, notes: ["its text is kept as a comment above the rule, for the caller to send"])
                comments.append("comment → tag removal_comment (Vigie does not reply to a hidden comment); its text:")
                comments += Self.indented(text)
                tags.append("removal_comment")
            } else {
                templateText = template(text, entry: c)
            }
        }
        actions += tags.map { "tag " + $0 }
        if actions.isEmpty && templateText == nil {
            whyNotCarried = "it has no action Vigie can take"
            report(rule.entries.first, "import/rule-not-carried-over", "rule not carried over: it has no action Vigie can take")
            return
        }
        let removalOrReport = ["remove", "spam", "filter", "report"].contains(action ?? "")
        if exempt ?? removalOrReport {
            conjuncts.append(.not(.atom("author.role == \"moderator\"")))
            if exempt == nil { comments.append("AutoModerator does not apply \(action!) rules to moderators") }
        }
        if checks == 0 {
            whyNotCarried =
                widened.isEmpty ? "it has no check: it would act on every comment" : "none of its checks can be carried over: it would act on every comment"
            report(rule.entries.first, "import/rule-not-carried-over", "rule not carried over: \(whyNotCarried!)")
            return
        }
        // A comment has no title; a link post has its link in `meta.url`.
        switch kinds {
        case [.comment]: conjuncts.insert(.not(.atom("title exists")), at: 0)
        case [.textPost]: conjuncts.insert(contentsOf: [.atom("title exists"), .not(.atom("meta.url exists"))], at: 0)
        case [.linkPost]: conjuncts.insert(contentsOf: [.atom("title exists"), .atom("meta.url exists")], at: 0)
        case [.textPost, .linkPost]: conjuncts.insert(.atom("title exists"), at: 0)
        case [.comment, .textPost]: conjuncts.insert(.not(.atom("meta.url exists")), at: 0)
        case [.comment, .linkPost]: conjuncts.insert(.or([.not(.atom("title exists")), .atom("meta.url exists")]), at: 0)
        default: break
        }
        if kinds != [.comment, .textPost, .linkPost] { usesTitle = true }
    }

    /// A reply template's text from a `comment:`: AutoModerator's placeholders become Vigie's
    /// where there is one, the others are left out (and reported).
    private mutating func template(_ text: String, entry: AMEntry) -> String {
        let kind = kinds == [.comment] ? "comment" : kinds.contains(.comment) ? "post" : "submission"
        var out = ""
        var lost: [String] = []
        var rest = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        while let open = rest.range(of: "{{") {
            out += String(vigieString(String(rest[..<open.lowerBound]), template: true).dropFirst().dropLast())
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[close.upperBound...]
            switch name {
            case "author": out += "{author.name}"
            case "body": out += "{text}"
            case "title": out += "{title}"
            case "permalink": out += "{url}"
            case "subreddit": out += "{channel}"
            case "kind": out += kind
            default:
                if name == "match" || name.range(of: #"^match-([^\d-]+-)?1$"#, options: .regularExpression) != nil
                    || name.range(of: #"^match-[^\d-]+$"#, options: .regularExpression) != nil
                {
                    out += "{match}"
                } else if name.hasPrefix("match") || name.hasPrefix("media_")
                    || ["author_flair_text", "author_flair_css_class", "url", "domain"].contains(name)
                {
                    lost.append("{{\(name)}}")
                } else {
                    out += "\\{\\{" + String(vigieString(name, template: true).dropFirst().dropLast()) + "\\}\\}"
                }
            }
        }
        out += String(vigieString(String(rest), template: true).dropFirst().dropLast())
        if !lost.isEmpty {
            report(
                entry, "import/not-carried-over",
                "in `comment`: \(lost.joined(separator: ", ")) \(lost.count == 1 ? "has" : "have") no Vigie placeholder and \(lost.count == 1 ? "is" : "are") left out"
            )
        }
        if text.count > 1000 {
            report(entry, "import/not-carried-over", "`comment` is \(text.count) characters long; Vigie cuts a reply at 1000")
        }
        return "\"" + out + "\""
    }

    /// Puts a text a key matches into the sample comment, where the match mode wants it.
    private mutating func sampleText(_ field: String, _ text: String, mode: String) {
        let old: String
        if case .string(let s)? = sample[field] { old = s } else { old = "" }
        switch mode {
        case "full-exact", "full-text": sample[field] = .string(text)
        case "starts-with": sample[field] = .string(old.isEmpty ? text : text + " " + old)
        default: sample[field] = .string(old.isEmpty ? text : old + " " + text)
        }
    }

    /// The sample comment for the generated test, with what the rule's kind needs.
    package var sampleComment: [String: SampleValue] {
        var out = sample
        if out["text"] == nil { out["text"] = .string("") }
        if !kinds.contains(.comment) {
            if out["title"] == nil { out["title"] = .string("a post") }
            if !kinds.contains(.textPost), out["meta.url"] == nil { out["meta.url"] = .string("https://example.com/a-link") }
        }
        if out["author.name"] == nil { out["author.name"] = .string("someone") }
        return out
    }

    /// A multi-line text as indented comment lines.
    package static func indented(_ text: String) -> [String] {
        text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
    }

    /// An `action_reason` without placeholders, for `hide "..."` and rule names.
    package static func cleanReason(_ s: String) -> String? {
        let noPlaceholders = s.replacingOccurrences(of: #"\{\{[^}]*\}\}"#, with: " ", options: .regularExpression)
        let words = noPlaceholders.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let trimmed = words.trimmingCharacters(in: CharacterSet(charactersIn: " -–—:[](){}|,"))
        return trimmed.isEmpty ? nil : trimmed
    }

    package static func isUrgent(_ s: String) -> Bool {
        let l = s.lowercased()
        return urgentWords.contains { l.contains($0) }
    }

    // MARK: report

    private mutating func report(_ e: AMEntry?, _ id: String, _ message: String, severity: Severity = .warning, notes: [String] = [], help: String? = nil) {
        let line = e?.line ?? rule.line
        let column = e?.column ?? 1
        diagnostics.append(Diagnostic(id, severity, message, file: file, span: AutoModeratorImporter.span(file, line, column), notes: notes, help: help))
    }

    /// A check that is not carried over: the rule holds more often without it.
    private mutating func drop(_ e: AMEntry, _ why: String) {
        report(e, "import/not-carried-over", "`\(e.rawKey)` is not carried over: \(why)")
        widened.append("`\(e.rawKey)`")
    }

    /// An action that is not carried over.
    private mutating func dropAction(_ e: AMEntry, _ why: String) {
        report(e, "import/not-carried-over", "`\(e.rawKey)` is not carried over: \(why)")
    }

    // MARK: output

    /// The Vigie text for this rule: comments, the rule (or its YAML as a comment when it is not
    /// carried over), and its template.
    package mutating func render(names: inout NameTable, imported: inout [ImportedRule]) -> String {
        var lines: [String] = []
        let origin = "\(configName):\(rule.line) (section \(rule.section))"
        if let why = whyNotCarried {
            lines.append("# Not carried over, \(origin): \(why).")
            for l in readingLosses { lines.append("# dropped: " + l) }
            for d in diagnostics where d.id == "import/not-carried-over" { lines.append("# dropped: " + d.message) }
            for n in rule.firstLine...rule.lastLine {
                var l = file.lineText(n)
                if n == rule.firstLine, rule.section > 1 { l = String(l.dropFirst(3)) }
                lines += AutoModeratorImporter.commentedOut(l)
            }
            while let last = lines.last, last.trimmingCharacters(in: .whitespaces) == "#" { lines.removeLast() }
            while lines.count > 1, lines[1].trimmingCharacters(in: .whitespaces) == "#" { lines.remove(at: 1) }
            return lines.joined(separator: "\n") + "\n"
        }
        let name = names.make(from: nameHint, fallback: "\(rule["action"]?.value.value.text ?? tags.first ?? "rule")_line_\(rule.line)")
        let shadow = !widened.isEmpty
        lines.append("# From \(origin)\(rule.leadingComments.isEmpty ? "" : ": " + rule.leadingComments.joined(separator: " / "))")
        for c in comments { lines.append("# " + c) }
        for l in readingLosses { lines.append("# dropped: " + l) }
        for d in diagnostics where d.id == "import/not-carried-over" { lines.append("# dropped: " + d.message) }
        if shadow {
            lines.append("# shadow: without \(widened.joined(separator: ", ")), this rule would hold on more comments than on Reddit;")
            lines.append("# check what it would have done (`shadow` in the output) before removing `shadow`.")
            diagnostics.append(
                Diagnostic(
                    "import/shadow", .warning,
                    "rule `\(name)` is imported in shadow mode: without \(widened.joined(separator: ", ")), it would hold on more comments than on Reddit",
                    file: file, span: AutoModeratorImporter.span(file, rule.line, 1),
                    help: "check what it would have done (`shadow` in `vigie run`'s output) before removing `shadow`"))
        }
        var templateName: String?
        if templateText != nil {
            templateName = name + "_reply"
            actions.append("reply \(templateName!)")
        }
        for (k, terms) in lists.enumerated() {
            lines.append("list \(name)_\(lists.count == 1 ? "terms" : "terms_\(k + 1)") = \(terms)")
        }
        var header = "rule \(name)"
        if priority != 0 { header += " priority \(priority)" }
        if shadow { header += " shadow" }
        lines.append(header + " {")
        var condition = VCond.and(conjuncts).text
        for k in lists.indices {
            condition = condition.replacingOccurrences(of: "\u{0}\(k)\u{0}", with: "\(name)_\(lists.count == 1 ? "terms" : "terms_\(k + 1)")")
        }
        lines.append("  when " + condition)
        lines.append("  then " + actions.joined(separator: ", "))
        lines.append("}")
        if let t = templateText, let tn = templateName {
            lines.append("")
            lines.append("template \(tn) {")
            lines.append("  en: \(t)")
            lines.append("}")
        }
        imported.append(
            ImportedRule(
                name: name, section: rule.section, line: rule.line, shadow: shadow, template: templateName, sample: sampleComment, tags: tags))
        return lines.joined(separator: "\n") + "\n"
    }
}

extension AMValue {
    /// Whether the value is YAML's `true`.
    package var isTrue: Bool {
        if case .bool(true) = self { return true }
        return false
    }
}
