import Foundation

@testable import VigieImport

/// AutoModerator's matching, written again from Reddit's `r2/r2/lib/automoderator.py`
/// (`RuleTarget`), with Foundation's regular expressions (ICU) rather than Vigie's PCRE2, so that
/// the comparison does not share an engine with what it checks. The facts it follows:
///
/// * each search key compiles one pattern: the values, `re.escape`d unless `regex`, joined as
///   `(v1|v2|...)` and put in the mode's pattern (`_match_regexes`); the mode is the first one among
///   the modifiers, else the field's default (`id`, `flair_*`, `media_author` full-exact; `url`,
///   `media_author_url` includes; `includes-word` otherwise, and for several fields); a key on
///   `domain` alone with no mode accepts subdomains (`(?:.*?\.)?` before the values);
/// * flags: DOTALL and UNICODE, IGNORECASE unless `case-sensitive`; `search`, not `match`;
/// * a key holds when any of its fields matches; `~` inverts it; a key without values is skipped;
///   the item's checks all hold (`and`), the author's too;
/// * fields by item: a comment has `id`, `body`; a post `id`, `title`, `domain`, `url`, `body`,
///   `flair_*`, `media_*`; a link post is not searched on `body`, a text post not on `url`; a rule
///   searching a field its item does not have is not applied to that item (type `any` tries
///   comments and posts separately);
/// * thresholds (`comment_karma`, `post_karma`/`link_karma`, `combined_karma`, `account_age`) all
///   hold, or any one with `satisfy_any_threshold`; `reports: N` holds from N reports;
/// * removal and report rules are not applied to moderators unless `moderators_exempt: false`.
///
/// Vigie's input carries what Reddit knows under the names the importer documents (`meta.domain`,
/// `meta.flair_text`, `meta.is_edited`...); a link post is a post with `meta.url`.
enum AutoModeratorModel {
    /// A comment or a post in Vigie's input form, read as AutoModerator sees it.
    struct Item {
        var object: [String: Any]
        var meta: [String: Any]
        var author: [String: Any]
        var isPost: Bool { object["title"] != nil }
        var isLink: Bool { isPost && meta["url"] != nil && !(meta["url"] is NSNull) }

        init(_ o: [String: Any]) {
            object = o
            meta = o["meta"] as? [String: Any] ?? [:]
            author = o["author"] as? [String: Any] ?? [:]
        }

        func string(_ d: [String: Any], _ k: String) -> String { d[k] as? String ?? "" }
        func number(_ d: [String: Any], _ k: String) -> Double? { (d[k] as? NSNumber).map(\.doubleValue) }
        func flag(_ d: [String: Any], _ k: String) -> Bool { (d[k] as? NSNumber)?.boolValue ?? false }

        /// The searchable fields of the item (`_match_fields_by_type`), without those AutoModerator
        /// discards for the kind of post.
        var fields: [String: String] {
            if !isPost { return ["id": string(object, "id"), "body": string(object, "text")] }
            var f = [
                "id": string(object, "id"), "title": string(object, "title"), "domain": string(meta, "domain"),
                "flair_text": string(meta, "flair_text"), "flair_css_class": string(meta, "flair_css_class"),
                "media_author": string(meta, "media_author"), "media_author_url": string(meta, "media_author_url"),
                "media_title": string(meta, "media_title"), "media_description": string(meta, "media_description"),
            ]
            if isLink { f["url"] = string(meta, "url") } else { f["body"] = string(object, "text") }
            return f
        }
        /// Fields that exist for the item's type even when discarded for its kind of post.
        var typeFields: Set<String> {
            isPost
                ? ["id", "title", "domain", "url", "body", "flair_text", "flair_css_class", "media_author", "media_author_url", "media_title", "media_description"]
                : ["id", "body"]
        }
        var authorFields: [String: String] {
            ["name": string(author, "name"), "id": string(author, "id"), "flair_text": string(meta, "author_flair_text"), "flair_css_class": string(meta, "author_flair_css_class")]
        }
        var isModerator: Bool { string(author, "role").lowercased() == "moderator" }
    }

    static let modes = [
        "full-exact": "^%@$", "full-text": #"^\W*%@\W*$"#, "includes": "%@", "includes-word": #"(?:^|\W|\b)%@(?:$|\W|\b)"#,
        "starts-with": "^%@", "ends-with": "%@$",
    ]
    static let fieldDefaults = [
        "id": "full-exact", "url": "includes", "media_author": "full-exact", "media_author_url": "includes", "flair_text": "full-exact",
        "flair_css_class": "full-exact",
    ]
    static let marks: Set = ["is_edited", "is_original_content", "is_poll", "is_gallery", "is_meta_discussion"]
    static let authorMarks: Set = ["is_contributor", "is_gold", "is_submitter", "has_verified_email", "is_banned", "is_trusted"]
    static let actionKeys: Set = [
        "type", "priority", "moderators_exempt", "comment", "modmail", "modmail_subject", "message", "message_subject", "action", "action_reason",
        "report_reason", "set_flair", "overwrite_flair", "set_sticky", "set_locked", "set_nsfw", "set_spoiler", "set_contest_mode",
        "set_suggested_sort", "ignore_blockquotes",
    ]

    /// Whether the rule's checks hold for the item; nil when the rule uses something this model
    /// does not know.
    static func matches(_ rule: AMRule, _ item: Item) -> Bool? {
        switch rule["type"]?.value.value.text ?? "any" {
        case "comment": if item.isPost { return false }
        case "submission": if !item.isPost { return false }
        case "text submission": if !item.isPost || item.isLink { return false }
        case "link submission": if !item.isLink { return false }
        case "any": break
        default: return nil
        }
        // Post-only actions make the rule a post rule (`valid_targets=Link`).
        if !item.isPost, rule.entries.contains(where: { ["set_flair", "set_sticky", "set_locked", "set_nsfw"].contains($0.key) }) { return false }
        let action = rule["action"]?.value.value.text ?? ""
        var exempt = ["remove", "spam", "filter", "report"].contains(action)
        if case .bool(let b)? = rule["moderators_exempt"]?.value.value { exempt = b }
        if exempt && item.isModerator { return false }
        for e in rule.entries {
            if actionKeys.contains(e.key) { continue }
            switch e.key {
            case "body_longer_than", "body_shorter_than":
                guard case .int(let n) = e.value.value else { return nil }
                let length = stripped(item.string(item.object, "text")).unicodeScalars.count
                if e.key == "body_longer_than" ? length <= n : length >= n { return false }
            case "is_top_level":
                guard case .bool(let b) = e.value.value else { return nil }
                if item.isPost { return false }
                if b != (item.object["parent_id"] == nil) { return false }
            case "reports":
                guard case .int(let n) = e.value.value else { return nil }
                if (item.number(item.meta, "reports") ?? 0) < Double(n) { return false }
            case _ where marks.contains(e.key):
                guard case .bool(let b) = e.value.value else { return nil }
                if b != item.flag(item.meta, e.key) { return false }
            case "author", "~author":
                guard let ok = authorMatches(e, item) else { return nil }
                if !ok { return false }
            default:
                guard let key = RuleTranslator.MatchKey(e.key) else { return nil }
                // No field of the key exists for this item's type: the rule is not applied to it.
                if !key.fields.contains(where: item.typeFields.contains) { return false }
                guard let ok = keyMatches(e, key, fields: item.fields, allDiscarded: key.fields.allSatisfy { item.fields[$0] == nil }) else { return nil }
                if !ok { return false }
            }
        }
        return true
    }

    /// A search key (`~title+body (regex)`); nil when its regex does not compile in ICU.
    static func keyMatches(_ e: AMEntry, _ key: RuleTranslator.MatchKey, fields: [String: String], allDiscarded: Bool) -> Bool? {
        let values = (e.value.value.items ?? []).compactMap { $0.value.text }
        if values.isEmpty { return true }
        // Every field discarded for this kind of post (`url` of a text post): nothing is searched,
        // so the key fails, and its `~` form holds.
        if allDiscarded { return key.negated }
        let regex = key.modifiers.contains("regex")
        var valueString = "(" + (regex ? values : values.map(NSRegularExpression.escapedPattern)).joined(separator: "|") + ")"
        var mode = key.modifiers.first { modes[$0] != nil }
        if mode == nil {
            if key.fields.count == 1 {
                if key.fields[0] == "domain" { valueString = #"(?:.*?\.)?"# + valueString }
                mode = fieldDefaults[key.fields[0]] ?? "includes-word"
            } else {
                mode = "includes-word"
            }
        }
        let pattern = String(format: modes[mode!]!, valueString)
        var options: NSRegularExpression.Options = [.dotMatchesLineSeparators]
        if !key.modifiers.contains("case-sensitive") { options.insert(.caseInsensitive) }
        guard let re = try? NSRegularExpression(pattern: pattern, options: options) else { return nil }
        let found = key.fields.contains { f in
            guard let s = fields[f] else { return false }
            return re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
        }
        return found != key.negated
    }

    /// The `author:` sub-group (or `author: [names]`, `~author: [names]`).
    static func authorMatches(_ e: AMEntry, _ item: Item) -> Bool? {
        let entries: [AMEntry]
        switch e.value.value {
        case .map(let m): entries = m
        default: entries = [AMEntry(key: e.key == "author" ? "name" : "~name", rawKey: e.rawKey, line: e.line, column: e.column, value: e.value)]
        }
        var thresholds: [Bool] = []
        var any = false
        for a in entries {
            switch a.key {
            case "satisfy_any_threshold": any = a.value.value.isTrue
            case "overwrite_flair", "set_flair": continue
            case "is_moderator":
                guard case .bool(let b) = a.value.value else { return nil }
                if b != item.isModerator { return false }
            case _ where authorMarks.contains(a.key):
                guard case .bool(let b) = a.value.value else { return nil }
                if b != item.flag(item.meta, "author_" + a.key) { return false }
            case "comment_karma", "combined_karma", "post_karma", "link_karma", "account_age":
                guard let text = a.value.value.text else { return nil }
                // Reddit always knows these values; in Vigie's input a missing one makes the
                // comparison false, and the model does the same.
                let value: Double? =
                    switch a.key {
                    case "account_age": item.number(item.author, "age")
                    case "comment_karma": item.number(item.author, "karma")
                    case "combined_karma": item.number(item.meta, "combined_karma")
                    default: item.number(item.meta, "post_karma")
                    }
                guard let v = value else {
                    thresholds.append(false)
                    continue
                }
                let (op, rest) = RuleTranslator.splitOperator(text.trimmingCharacters(in: .whitespaces))
                var limit: Double
                if a.key == "account_age" {
                    let parts = rest.split(separator: " ")
                    guard let n = Double(parts.first ?? "") else { return nil }
                    let unit = parts.count > 1 ? String(parts[1]) : "days"
                    let seconds: [String: Double] = ["minute": 60, "hour": 3600, "day": 86400, "week": 604800, "month": 2_592_000, "year": 31_536_000]
                    guard let s = seconds[unit.hasSuffix("s") ? String(unit.dropLast()) : unit] else { return nil }
                    limit = n * s
                } else {
                    guard let n = Double(rest.trimmingCharacters(in: .whitespaces)) else { return nil }
                    limit = n
                }
                thresholds.append(op == "<" ? v < limit : op == ">" ? v > limit : v == limit)
            default:
                guard let key = RuleTranslator.MatchKey(a.key) else { return nil }
                guard let ok = keyMatches(a, key, fields: item.authorFields, allDiscarded: false) else { return nil }
                if !ok { return false }
            }
        }
        if thresholds.isEmpty { return true }
        return any ? thresholds.contains(true) : !thresholds.contains(false)
    }

    /// The text without non-word characters at either end (AutoModerator's body length).
    static func stripped(_ s: String) -> String {
        let re = try! NSRegularExpression(pattern: #"^\W+|\W+$"#)
        return re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: "")
    }

    /// The Vigie actions the rule's AutoModerator actions map to (see the migration guide).
    static func vigieActions(_ rule: AMRule, template: String?) -> Set<String> {
        var out: Set<String> = []
        let reason = (rule["action_reason"] ?? rule["report_reason"])?.value.value.text ?? ""
        switch rule["action"]?.value.value.text {
        case "remove"?, "spam"?: out.insert("hide")
        case "filter"?: out.insert("flag modqueue")
        case "report"?: out.insert(RuleTranslator.isUrgent(reason) ? "escalate safety" : "flag reports")
        case "approve"?: out.insert("allow")
        default: break
        }
        if rule["modmail"] != nil { out.insert("escalate mods") }
        if let template, !out.contains("hide") { out.insert("reply \(template)") }
        return out
    }

    // MARK: generated comments

    /// Comments built around each rule's own sample (the one its generated test gives): the
    /// sample itself, then each text field changed (the term inside a longer word, at an edge, in
    /// other case, removed), each number moved past its threshold, each mark flipped, the item
    /// turned into a comment, a text post or a link post, the author made a moderator.
    static func generated(from samples: [[String: SampleValue]]) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        func add(_ s: [String: SampleValue]) {
            let line = GeneratedTests.json(s)
            if seen.insert(line).inserted { out.append(line) }
        }
        for base in samples {
            add(base)
            for (path, value) in base {
                var v = base
                switch value {
                case .string(let s):
                    for t in ["x" + s, s + "x", "say " + s + " now", s.uppercased(), s.lowercased(), "«" + s + "»", s + "\n" + s, "", "nothing here"] {
                        v[path] = .string(t)
                        add(v)
                    }
                case .int(let n):
                    for d in [-86_400, -3600, -1, 1, 3600, 86_400] {
                        v[path] = .int(n + d)
                        add(v)
                    }
                case .bool(let b):
                    v[path] = .bool(!b)
                    add(v)
                }
            }
            var v = base
            v["author.role"] = .string("moderator")
            add(v)
            v = base
            v["title"] = nil
            v["meta.url"] = nil
            add(v)
            v["parent_id"] = .string("t1_parent")
            add(v)
            v = base
            v["title"] = v["title"] ?? .string(base["text"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "a post")
            v["meta.url"] = nil
            add(v)
            // A link post has no body.
            v["meta.url"] = .string("https://spam.example/x")
            v["meta.domain"] = .string("www.spam.example")
            v["text"] = .string("")
            add(v)
        }
        return out
    }
}
