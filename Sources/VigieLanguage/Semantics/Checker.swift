import Foundation
import VigieCore
import VigieText
import VigieRegex

/// Resolves names across a rule set and reports what cannot work: unknown or duplicate names,
/// cycles between rules, bad severities, functions and placeholders, incompatible comparisons.
package enum Checker {
    /// The severities, lowest first.
    package static let severities = ["low", "normal", "high", "critical"]
    /// Derived-value functions and their arity.
    package static let functions: [String: Int] = ["length": 1, "links": 1, "mentions": 1, "hashtags": 1, "emojis": 1, "caps": 1, "words": 1, "age": 1]
    /// Fields documented in the input contract (Grammar/input.schema.json).
    package static let knownFields: Set<String> = [
        "id", "text", "lang", "timestamp", "created_at", "channel", "thread", "platform", "url", "parent_id", "title",
        "author", "author.id", "author.name", "author.role", "author.age", "author.created_at", "author.followers",
        "author.verified", "author.karma", "author.posts", "meta",
    ]
    /// The type Grammar/input.schema.json gives a documented field that has exactly one type a
    /// comparison can check (fields that may be a string or a number, and times, are left out).
    package static let fieldTypes: [String: StaticType] = [
        "text": .string, "lang": .string, "channel": .string, "platform": .string, "url": .string, "title": .string,
        "author.name": .string, "author.role": .string,
        "author.age": .number, "author.followers": .number, "author.karma": .number, "author.posts": .number,
        "author.verified": .bool,
    ]

    package static func check(_ rs: inout RuleSet) {
        var d: [Diagnostic] = []
        var listFirst: [String: (SourceFile, Span)] = [:]
        var templateFirst: [String: (SourceFile, Span)] = [:]
        var ruleFirst: [String: (SourceFile, Span)] = [:]
        func duplicate(_ kind: String, _ n: Name, _ f: SourceFile, _ first: (SourceFile, Span)) {
            d.append(Diagnostic("E033", .error, "\(kind) `\(n.text)` is declared twice", file: f, span: n.span, label: "declared again here",
                                labels: [DiagnosticLabel(file: first.0, span: first.1, message: "first declared here")],
                                help: "rename one of them; \(kind)s share one namespace across all rule files"))
        }
        for f in rs.files {
            for l in f.langs where !rs.langs.contains(l.text) {
                if !LanguageDetector.known.contains(l.text) {
                    d.append(Diagnostic("W004", .warning, "language `\(l.text)` cannot be detected", file: f.file, span: l.span,
                                        help: "Vigie detects fr, en and es; other languages work when comments carry a `lang` field"))
                }
                rs.langs.append(l.text)
            }
            for l in f.lists {
                if let first = listFirst[l.name.text] { duplicate("list", l.name, f.file, first); continue }
                listFirst[l.name.text] = (f.file, l.name.span)
                if let resolved = loadList(l, file: f.file, root: rs.root, into: &d) { rs.lists[l.name.text] = resolved }
            }
            for t in f.templates {
                if let first = templateFirst[t.name.text] { duplicate("template", t.name, f.file, first); continue }
                templateFirst[t.name.text] = (f.file, t.name.span)
                rs.templates[t.name.text] = Located(file: f.file, decl: t)
                if t.variants.isEmpty {
                    d.append(Diagnostic("E051", .error, "template `\(t.name.text)` has no text", file: f.file, span: t.name.span, help: "add a variant per language, as in `fr: \"Bonjour {author.name}\"`"))
                }
                for v in t.variants {
                    if v.texts.isEmpty {
                        d.append(Diagnostic("E051", .error, "the `\(v.lang.text)` variant of template `\(t.name.text)` has no text", file: f.file, span: v.lang.span, help: "give at least one text: `\(v.lang.text): [\"...\"]`"))
                    }
                    for text in v.texts {
                        checkPlaceholders(text, file: f.file, into: &d)
                        checkPlaceholderFields(text, file: f.file, into: &d)
                    }
                }
            }
            for r in f.rules {
                if let first = ruleFirst[r.name.text] { duplicate("rule", r.name, f.file, first); continue }
                ruleFirst[r.name.text] = (f.file, r.name.span)
                rs.rules.append(Located(file: f.file, decl: r))
            }
            for t in f.tests { rs.tests.append(Located(file: f.file, decl: t)) }
        }
        if rs.langs.isEmpty {
            rs.langs = ["fr", "en", "es"]
        } else {
            checkVariantLanguages(rs, into: &d)
        }
        let stageNames = NormalizationStages.named.map(\.0)
        for f in rs.files {
            for n in f.normalizeExcept {
                if let stage = NormalizationStages.named.first(where: { $0.0 == n.text })?.1 {
                    rs.stages.remove(stage)
                } else {
                    d.append(Diagnostic("E048", .error, "unknown normalization stage `\(n.text)`", file: f.file, span: n.span, label: "not a stage",
                                        help: closestName(to: n.text, among: stageNames).map { "did you mean `\($0)`?" } ?? "stages: \(stageNames.joined(separator: ", "))"))
                }
            }
        }
        let ruleNames = rs.rules.map(\.decl.name.text)
        let listNames = Array(rs.lists.keys).sorted()
        let templateNames = Array(rs.templates.keys).sorted()
        var usedTemplates = Set<String>()
        for r in rs.rules {
            checkExpr(r.decl.condition, file: r.file, rules: ruleNames, lists: listNames, listFirst: listFirst, into: &d)
            var hides = false
            var reply: ActionSyntax?
            for a in r.decl.actions {
                // W003 is about these two actions: a hidden comment gets no public reply.
                if a.kind == .hide { hides = true }
                if a.kind == .reply { reply = a }
                if let w = a.cooldown { checkWindow(w, file: r.file, into: &d) }
                if a.kind.argument == .template, let n = a.argument {
                    usedTemplates.insert(n.text)
                    if templateFirst[n.text] == nil {
                        d.append(unknown("E032", "template", n, r.file, templateNames))
                    }
                }
                if let w = a.oncePer { checkWindow(w, file: r.file, into: &d) }
                if let s = a.severity, !severities.contains(s.text) {
                    d.append(Diagnostic("E037", .error, "unknown severity `\(s.text)`", file: r.file, span: s.span, label: "not a severity",
                                        help: closestName(to: s.text, among: severities).map { "did you mean `\($0)`?" } ?? "severities are low, normal, high, critical"))
                }
            }
            if hides, let reply {
                d.append(Diagnostic("W003", .warning, "rule `\(r.decl.name.text)` hides the comment and replies to it", file: r.file, span: reply.span,
                                    label: "this reply is never sent", notes: ["a hidden comment gets no public reply"],
                                    help: "use `flag` to ask a person to answer, or split the rule"))
            }
        }
        for (name, t) in rs.templates where usedTemplates.contains(name) {
            let has = Set(t.decl.variants.map(\.lang.text))
            for lang in rs.langs where !has.contains(lang) && rs.files.contains(where: { !$0.langs.isEmpty }) {
                d.append(Diagnostic("W002", .warning, "template `\(name)` has no `\(lang)` variant", file: t.file, span: t.decl.name.span,
                                    help: "add `\(lang): \"...\"`; until then comments in \(lang) get the first variant"))
            }
        }
        for t in rs.tests {
            for a in t.decl.expectations where a.kind.argument == .template {
                if let n = a.argument, templateFirst[n.text] == nil { d.append(unknown("E032", "template", n, t.file, templateNames)) }
            }
        }
        checkCycles(rs, into: &d)
        if !d.contains(where: { $0.id == "E034" }) { checkNestedWindows(rs, into: &d) }
        rs.diagnostics += d
    }

    /// W005: a template variant in a language the rule set does not declare (only when some file
    /// declares languages with `lang`): comments are detected among the declared languages only,
    /// so the variant is used only for comments whose `lang` field names it.
    package static func checkVariantLanguages(_ rs: RuleSet, into d: inout [Diagnostic]) {
        let declared = rs.langs
        for name in rs.templates.keys.sorted() {
            let t = rs.templates[name]!
            let has = Set(t.decl.variants.map(\.lang.text))
            for (i, v) in t.decl.variants.enumerated() where !declared.contains(v.lang.text) {
                let list = declared.joined(separator: ", ")
                var notes = ["Vigie detects each comment's language among the declared ones (\(list)); this variant is used only for comments whose `lang` field says `\(v.lang.text)`"]
                let missing = declared.filter { !has.contains($0) }
                if i == 0, !missing.isEmpty {
                    notes.append("it is the template's first variant: comments in \(missing.joined(separator: ", ")), which \(missing.count == 1 ? "has" : "have") no variant, get it")
                }
                let help = closestName(to: v.lang.text, among: declared.filter { !has.contains($0) }).map { "did you mean `\($0)`?" }
                    ?? "declare the language (`lang \(list), \(v.lang.text)`), or rename or remove this variant"
                d.append(Diagnostic("W005", .warning, "template `\(name)` has a variant in `\(v.lang.text)`, a language the rule set does not declare (\(list))", file: t.file, span: v.lang.span,
                                    label: "not a declared language", notes: notes, help: help))
            }
        }
    }

    /// The names a placeholder may use besides the documented input fields and `meta.`.
    package static let placeholderNames: Set<String> = knownFields.union(["lang", "match"])

    /// W006: a placeholder naming a field that is not a documented input field, such as
    /// `{author.nmae}` (`vigie lint` reports it as `template/unknown-placeholder`).
    package static func checkPlaceholderFields(_ text: StringLit, file: SourceFile, into d: inout [Diagnostic]) {
        guard case .success(let parsed) = TemplateText.parse(text.value) else { return }  // E041
        for case .placeholder(let path, let fallback) in parsed.parts {
            let dotted = path.joined(separator: ".")
            guard !placeholderNames.contains(dotted), path.first != "meta" else { continue }
            let source = Array(file.text(text.span).utf8)
            let needle = Array("{\(dotted)".utf8)
            var span = text.span
            if let k = offset(of: needle, in: source) {
                span = Span(text.span.start + k + 1, text.span.start + k + needle.count)
            }
            let suggestion = closestName(to: dotted, among: Array(placeholderNames))
            d.append(Diagnostic("W006", .warning, "placeholder `{\(dotted)}` names a field that is not a documented input field", file: file, span: span,
                                label: "not an input field",
                                notes: [fallback.map { "a comment without this field gets the fallback \"\($0)\"" } ?? "a comment without this field gets nothing in its place"],
                                help: suggestion.map { "did you mean `\($0)`?" } ?? "custom fields belong under `meta.`, as in `{meta.\(dotted)}`"))
        }
    }

    /// The first offset of `needle` in `haystack`.
    package static func offset(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    package static func unknown(_ id: String, _ kind: String, _ n: Name, _ f: SourceFile, _ candidates: [String]) -> Diagnostic {
        let suggestion = closestName(to: n.text, among: candidates)
        return Diagnostic(id, .error, "unknown \(kind) `\(n.text)`", file: f, span: n.span, label: "no \(kind) has this name",
                          help: suggestion.map { "did you mean `\($0)`?" } ?? (candidates.isEmpty ? "no \(kind) is declared" : "declared \(kind)s: \(candidates.prefix(8).joined(separator: ", "))"))
    }

    package static func loadList(_ l: ListDecl, file: SourceFile, root: String, into d: inout [Diagnostic]) -> ResolvedList? {
        let norm = Normalizer()
        switch l.source {
        case .inline(let items):
            for t in items where norm.normalize(t.value).isEmpty {
                d.append(emptyTerm(t, file))
            }
            return ResolvedList(decl: l, file: file, terms: items.map(\.value), termFile: file, termSpans: items.map(\.span))
        case .file(let p):
            let real: String
            switch RuleSetLoader.resolveListPath(p.value, ruleFile: file.path, root: root) {
            case .failure(.absolute):
                d.append(Diagnostic("E035", .error, "list file path must be relative", file: file, span: p.span, help: "write the path relative to this rule file, inside the rules folder"))
                return nil
            case .failure(.outside(let resolved, let r)):
                d.append(Diagnostic("E035", .error, "list file `\(p.value)` is outside the rules folder", file: file, span: p.span,
                                    notes: ["the rules folder is `\(r)`", "`\(p.value)` leads to `\(resolved)`"], help: "keep list files inside the rules folder"))
                return nil
            case .success(let r): real = r
            }
            let bytes: [UInt8]
            switch RuleSetLoader.readFile(real) {
            case .success(let b): bytes = b
            case .failure(let m):
                let note = "`\(p.value)` is read as `\(real)`, relative to the folder of this rule file"
                if let (reason, help) = RuleSetLoader.unreadableReason(real) {
                    d.append(Diagnostic("E035", .error, "cannot read list file `\(p.value)`: \(reason)", file: file, span: p.span, label: "cannot be read",
                                        notes: [note], help: reason.hasPrefix("no such") ? (siblingSuggestion(real, written: p.value) ?? help) : help))
                } else {
                    d.append(Diagnostic("E035", .error, "cannot read list file `\(p.value)`: \(m)", file: file, span: p.span, notes: [note]))
                }
                return nil
            }
            let lf = SourceFile(path: real, bytes: bytes)
            var terms: [String] = []
            var spans: [Span] = []
            var start = 0
            let b = lf.bytes
            while start < b.count {
                var end = start
                while end < b.count, b[end] != 0x0A { end += 1 }
                var s = start
                var e = end
                if e > s, b[e - 1] == 0x0D { e -= 1 }
                if let hash = b[s..<e].firstIndex(of: UInt8(ascii: "#")) { e = hash }
                while s < e, b[s] == 0x20 || b[s] == 0x09 { s += 1 }
                while e > s, b[e - 1] == 0x20 || b[e - 1] == 0x09 { e -= 1 }
                if e > s {
                    let term = String(decoding: b[s..<e], as: UTF8.self)
                    if norm.normalize(term).isEmpty {
                        d.append(emptyTerm(StringLit(value: term, span: Span(s, e)), lf))
                    } else {
                        terms.append(term)
                        spans.append(Span(s, e))
                    }
                }
                start = end + 1
            }
            return ResolvedList(decl: l, file: file, terms: terms, termFile: lf, termSpans: spans)
        }
    }

    /// "did you mean" for a missing list file: the closest name among the files of its folder.
    package static func siblingSuggestion(_ real: String, written: String) -> String? {
        let dir = (real as NSString).deletingLastPathComponent
        let name = (real as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir), let best = closestName(to: name, among: names) else { return nil }
        let writtenDir = (written as NSString).deletingLastPathComponent
        return "did you mean `\(writtenDir.isEmpty ? best : (writtenDir as NSString).appendingPathComponent(best))`?"
    }

    package static func emptyTerm(_ t: StringLit, _ f: SourceFile) -> Diagnostic {
        Diagnostic("E040", .error, "term \"\(t.value)\" is empty once normalized", file: f, span: t.span, label: "matches nothing",
                   notes: ["terms are compared on letters and digits; spaces and punctuation only separate words"],
                   help: "use `matches /.../` to match punctuation or symbols")
    }

    package static func checkPlaceholders(_ s: StringLit, file: SourceFile, into d: inout [Diagnostic]) {
        switch TemplateText.parse(s.value) {
        case .success: break
        case .failure(let e):
            let at = sourceOffset(of: e.offset, in: s, file: file)
            d.append(Diagnostic("E041", .error, "bad placeholder in template: \(e.message)", file: file, span: Span(at, at + 1),
                                help: "placeholders are `{author.name}`, `{author.name|fallback}`, `{lang}`, `{match}`; write `\\{` for a literal brace"))
        }
    }

    /// The source offset of byte `offset` of a string literal's decoded value: escapes such as
    /// `\"` take two source bytes for one decoded byte (`\{` and `\}` are kept as written).
    package static func sourceOffset(of offset: Int, in s: StringLit, file: SourceFile) -> Int {
        var raw = s.span.start + 1
        var decoded = 0
        let b = file.bytes
        while decoded < offset, raw < s.span.end - 1 {
            if b[raw] == UInt8(ascii: "\\"), raw + 1 < b.count {
                let e = b[raw + 1]
                decoded += (e == UInt8(ascii: "{") || e == UInt8(ascii: "}")) ? 2 : 1
                raw += 2
            } else {
                decoded += 1
                raw += 1
            }
        }
        return raw
    }

    package static func checkTerms(_ t: TermsSyntax, file: SourceFile, lists: [String], listFirst: [String: (SourceFile, Span)], into d: inout [Diagnostic]) {
        let norm = Normalizer()
        switch t {
        case .list(let n):
            if listFirst[n.text] == nil { d.append(unknown("E031", "list", n, file, lists)) }
        case .single(let s):
            if norm.normalize(s.value).isEmpty { d.append(emptyTerm(s, file)) }
        case .inline(let items, _):
            for s in items where norm.normalize(s.value).isEmpty { d.append(emptyTerm(s, file)) }
        case .fuzzy(let inner, _):
            checkTerms(inner, file: file, lists: lists, listFirst: listFirst, into: &d)
            var words: [StringLit] = []
            if case .single(let s) = inner.base { words = [s] } else if case .inline(let items, _) = inner.base { words = items }
            let letters = Normalizer(stages: .all.subtracting(.repeats))  // `droop` has five letters to bear a typo
            for s in words {
                let folded = letters.normalize(s.value)
                guard !folded.isEmpty, !folded.split(separator: " ").contains(where: { $0.count >= WordVariants.fuzzyMinimumLength }) else { continue }
                d.append(Diagnostic("E056", .error, "\"\(s.value)\" has no word of \(WordVariants.fuzzyMinimumLength) letters or more, so `fuzzy` cannot accept a typo in it",
                                    file: file, span: s.span, label: "too short for a typo",
                                    help: "one typo in a short word reaches everyday words; list its spellings with `has any [...]`"))
            }
        case .inflected(let inner, _):
            checkTerms(inner, file: file, lists: lists, listFirst: listFirst, into: &d)
            var words: [StringLit] = []
            if case .single(let s) = inner.base { words = [s] } else if case .inline(let items, _) = inner.base { words = items }
            for s in words where !norm.normalize(s.value).isEmpty && Inflector.shared.forms(of: s.value).isEmpty {
                let found = Inflector.shared.languages
                d.append(Diagnostic("E055", .error, "no dictionary has \"\(s.value)\" as a word, so it has no inflected forms", file: file, span: s.span,
                                    label: "not a dictionary entry",
                                    help: found.isEmpty
                                        ? "no Hunspell dictionary was found (run scripts/bootstrap.sh, or set VIGIE_HUNSPELL_DIR)"
                                        : "write the infinitive or the masculine singular (`tuer`, `abruti`); dictionaries read: \(found.joined(separator: ", ")); for a word they lack, list its spellings with `has any [...]`"))
            }
        }
    }

    package enum StaticType: String { case string, number, duration, bool, null, unknown }

    package static func checkValue(_ v: ValueSyntax, file: SourceFile, into d: inout [Diagnostic]) -> StaticType {
        switch v {
        case .string: return .string
        case .number: return .number
        case .duration: return .duration
        case .bool: return .bool
        case .null: return .null
        case .field(let path, let span):
            let dotted = path.map(\.text).joined(separator: ".")
            if dotted == "lang" { return .string }
            if !knownFields.contains(dotted), path.first?.text != "meta" {
                let parentKnown = path.count > 1 && knownFields.contains(path.dropLast().map(\.text).joined(separator: "."))
                let suggestion = closestName(to: dotted, among: Array(knownFields))
                if parentKnown || suggestion != nil {
                    d.append(Diagnostic("W001", .warning, "field `\(dotted)` is not a documented input field", file: file, span: span,
                                        notes: ["a comment without this field makes every comparison on it false"],
                                        help: suggestion.map { "did you mean `\($0)`?" } ?? "custom fields belong under `meta.`"))
                }
            }
            return .unknown
        case .call(let n, let args, let span):
            guard let arity = functions[n.text] else {
                d.append(Diagnostic("E039", .error, "unknown function `\(n.text)`", file: file, span: n.span, label: "not a derived value",
                                    help: closestName(to: n.text, among: Array(functions.keys)).map { "did you mean `\($0)`?" } ?? "functions: \(functions.keys.sorted().joined(separator: ", "))"))
                return .unknown
            }
            if args.count != arity {
                d.append(Diagnostic("E039", .error, "`\(n.text)` takes \(arity) argument, found \(args.count)", file: file, span: span))
            }
            for a in args {
                if case .field = a { _ = checkValue(a, file: file, into: &d) } else {
                    d.append(Diagnostic("E039", .error, "`\(n.text)` takes a field, such as `\(n.text)(text)`", file: file, span: a.span))
                }
            }
            return n.text == "age" ? .duration : .number
        }
    }

    package static func checkExpr(_ e: Expr, file: SourceFile, rules: [String], lists: [String], listFirst: [String: (SourceFile, Span)], into d: inout [Diagnostic]) {
        func sub(_ x: Expr) { checkExpr(x, file: file, rules: rules, lists: lists, listFirst: listFirst, into: &d) }
        switch e {
        case .and(let a, let b), .or(let a, let b):
            sub(a)
            sub(b)
        case .not(let a, _): sub(a)
        case .ruleRef(let n, _):
            if !rules.contains(n.text) { d.append(unknown("E030", "rule", n, file, rules)) }
        case .text(let subject, _, _, let terms, let near, _):
            checkTextSubject(subject, file: file, into: &d)
            checkTerms(terms, file: file, lists: lists, listFirst: listFirst, into: &d)
            if let near { checkTerms(near.terms, file: file, lists: lists, listFirst: listFirst, into: &d) }
        case .qualified(let inner, let qualifiers, _):
            sub(inner)
            for (i, q) in qualifiers.enumerated() {
                for p in qualifiers[..<i] where p.kind == q.kind || (p.kind == .addressed && q.kind == .selfDirected && !p.negated && !q.negated)
                    || (p.kind == .selfDirected && q.kind == .addressed && !p.negated && !q.negated) {
                    let clash = p.kind == q.kind && p.negated != q.negated
                    d.append(Diagnostic("E058", .error,
                                        p.kind == q.kind && !clash ? "`\(q.kind.rawValue)` is written twice" : "`\(file.text(p.span))` and `\(file.text(q.span))` cannot both hold",
                                        file: file, span: q.span, label: p.kind == q.kind && !clash ? "again" : "contradicts the first",
                                        labels: [DiagnosticLabel(file: file, span: p.span, message: "first here")],
                                        help: p.kind == q.kind && !clash ? "write each qualifier once" : "an occurrence aimed at someone is not about the writer; keep one of them"))
                }
            }
        case .matches(let subject, let pattern, let flags, let patternStart, _):
            checkTextSubject(subject, file: file, into: &d)
            do {
                _ = try Regex(pattern, flags: flags)
            } catch {
                let at = patternStart + min(error.offset, pattern.utf8.count)
                if error.kind == .unboundedCost {
                    d.append(Diagnostic("E053", .error, "regular expression refused: \(error.message)", file: file, span: Span(at, at + 1),
                                        label: "refused", help: "match the repeated text another way: list the forms with `has any [...]`, or repeat a class (`(a+)\\1` becomes `(?:aa)+`)"))
                } else {
                    d.append(Diagnostic("E036", .error, "regular expression does not compile: \(error.message)", file: file, span: Span(at, at + 1),
                                        label: "here", help: "check the pattern's syntax; Vigie uses PCRE2 (Perl-compatible) regular expressions"))
                }
            }
        case .count(let inner, _, let rhs, _):
            sub(inner)
            if case .text(_, _, _, _, let near?, _) = inner {
                d.append(Diagnostic("E017", .error, "`count(...)` counts terms; it cannot count `near` pairs", file: file, span: near.span,
                                    help: "count the terms alone, or use `near` outside `count`"))
            }
            if checkValue(rhs, file: file, into: &d) != .number {
                d.append(Diagnostic("E038", .error, "a count compares with a number", file: file, span: rhs.span))
            }
        case .compare(let a, let op, let b, let span):
            let ta = checkValue(a, file: file, into: &d)
            let tb = checkValue(b, file: file, into: &d)
            if ta != .unknown, tb != .unknown, !compatible(ta, tb, op) {
                d.append(Diagnostic("E038", .error, "cannot compare \(ta.rawValue) with \(tb.rawValue) using `\(op.rawValue)`", file: file, span: span,
                                    help: "numbers compare with numbers and durations, strings with strings; `==` and `!=` also compare booleans and null"))
            } else if let m = schemaMismatch(a, ta, op, b, tb, file: file, span: span) {
                d.append(m)
            }
        case .isIn(let v, let terms, _, _):
            _ = checkValue(v, file: file, into: &d)
            if case .list(let n) = terms, listFirst[n.text] == nil { d.append(unknown("E031", "list", n, file, lists)) }
        case .exists(let v, _): _ = checkValue(v, file: file, into: &d)
        case .constant: break
        case .windowCount(let inner, let window, _, let rhs, _):
            sub(inner)
            if containsWindow(inner) {
                d.append(Diagnostic("E049", .error, "a windowed count cannot count another window", file: file, span: inner.span,
                                    help: "count a rule or a plain condition: `count(rule plainte, window 15m) >= 30`"))
            }
            checkWindow(window, file: file, into: &d)
            if checkValue(rhs, file: file, into: &d) != .number {
                d.append(Diagnostic("E038", .error, "a count compares with a number", file: file, span: rhs.span))
            }
        case .repeats(let window, _, let rhs, _):
            checkWindow(window, file: file, into: &d)
            if checkValue(rhs, file: file, into: &d) != .number {
                d.append(Diagnostic("E038", .error, "a count compares with a number", file: file, span: rhs.span))
            }
        }
    }

    /// Text predicates read a field (`text`, `author.name`), not a literal or a derived value.
    package static func checkTextSubject(_ v: ValueSyntax, file: SourceFile, into d: inout [Diagnostic]) {
        if case .field = v {
            _ = checkValue(v, file: file, into: &d)
        } else {
            d.append(Diagnostic("E052", .error, "text operators apply to a field of the comment", file: file, span: v.span, label: "not a field",
                                help: "write `text has \"...\"` or `author.name contains \"...\"`"))
        }
    }

    package static func checkWindow(_ w: WindowSyntax, file: SourceFile, into d: inout [Diagnostic]) {
        if w.seconds <= 0 {
            d.append(Diagnostic("E050", .error, "a window or period must be longer than zero", file: file, span: w.span))
        }
        if let key = w.key { _ = checkValue(.field(key, w.span), file: file, into: &d) }
    }

    /// Whether a condition uses a window (directly; rule references are checked at compile time).
    package static func containsWindow(_ e: Expr) -> Bool {
        switch e {
        case .windowCount, .repeats: return true
        case .and(let a, let b), .or(let a, let b): return containsWindow(a) || containsWindow(b)
        case .not(let a, _): return containsWindow(a)
        default: return false
        }
    }

    /// E038 for a comparison that reads a documented field with a type the other side cannot
    /// match (`author.age < "x"`: the schema says `author.age` is a number), or nil.
    package static func schemaMismatch(_ a: ValueSyntax, _ ta: StaticType, _ op: CompareOp, _ b: ValueSyntax, _ tb: StaticType, file: SourceFile, span: Span) -> Diagnostic? {
        func documented(_ v: ValueSyntax) -> (String, StaticType)? {
            guard case .field(let path, _) = v else { return nil }
            let dotted = path.map(\.text).joined(separator: ".")
            return fieldTypes[dotted].map { (dotted, $0) }
        }
        let fa = documented(a)
        let fb = documented(b)
        let sa = fa?.1 ?? ta
        let sb = fb?.1 ?? tb
        guard sa != .unknown, sb != .unknown, !compatible(sa, sb, op), let documentedSide = fa ?? fb else { return nil }
        let (field, type) = documentedSide
        let article = type == .string ? "a string" : type == .number ? "a number" : "a boolean"
        let help: String
        switch type {
        case .number where field == "author.age": help = "compare `author.age` with a number of seconds or a duration, as in `author.age < 7d`"
        case .number: help = "compare `\(field)` with a number, as in `\(field) >= 100`"
        case .bool: help = "compare `\(field)` with `true` or `false` using `==` or `!=`, as in `\(field) == true`"
        default: help = "compare `\(field)` with a string in double quotes, as in `\(field) == \"...\"`"
        }
        return Diagnostic("E038", .error, "cannot compare \(sa.rawValue) with \(sb.rawValue) using `\(op.rawValue)`", file: file, span: span,
                          label: "never true", notes: ["`\(field)` is \(article) in the input (Grammar/input.schema.json)"], help: help)
    }

    package static func compatible(_ a: StaticType, _ b: StaticType, _ op: CompareOp) -> Bool {
        let ordered = op != .eq && op != .ne
        switch (a, b) {
        case (.number, .number), (.duration, .duration), (.number, .duration), (.duration, .number): return true
        case (.string, .string): return true
        case (.bool, .bool), (.null, _), (_, .null): return !ordered
        default: return false
        }
    }

    package static func checkCycles(_ rs: RuleSet, into d: inout [Diagnostic]) {
        var refs: [String: [(Name, SourceFile)]] = [:]
        for r in rs.rules {
            var out: [(Name, SourceFile)] = []
            collectRefs(r.decl.condition) { out.append(($0, r.file)) }
            refs[r.decl.name.text] = out
        }
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        var reported = Set<String>()
        func visit(_ name: String) {
            state[name] = 1
            stack.append(name)
            for (ref, file) in refs[name] ?? [] {
                switch state[ref.text] {
                case 1:
                    let cycle = Array(stack[stack.firstIndex(of: ref.text)!...]) + [ref.text]
                    let key = Set(cycle).sorted().joined(separator: ",")
                    if !reported.contains(key) {
                        reported.insert(key)
                        d.append(Diagnostic("E034", .error, "rules refer to each other in a cycle", file: file, span: ref.span, label: "this reference closes the cycle",
                                            notes: ["cycle: " + cycle.joined(separator: " → ")], help: "rule references must form a tree (no loops); remove one of these references"))
                    }
                case nil: if refs[ref.text] != nil { visit(ref.text) }
                default: break
                }
            }
            stack.removeLast()
            state[name] = 2
        }
        for r in rs.rules where state[r.decl.name.text] == nil { visit(r.decl.name.text) }
    }

    /// A windowed count of a rule that itself uses a window (directly or through references).
    package static func checkNestedWindows(_ rs: RuleSet, into d: inout [Diagnostic]) {
        var byName: [String: Expr] = [:]
        for r in rs.rules { byName[r.decl.name.text] = r.decl.condition }
        var memo: [String: Bool] = [:]
        func usesWindow(_ e: Expr) -> Bool {
            switch e {
            case .windowCount, .repeats: return true
            case .and(let a, let b), .or(let a, let b): return usesWindow(a) || usesWindow(b)
            case .not(let a, _): return usesWindow(a)
            case .ruleRef(let n, _):
                if let m = memo[n.text] { return m }
                memo[n.text] = false
                let v = byName[n.text].map(usesWindow) ?? false
                memo[n.text] = v
                return v
            default: return false
            }
        }
        func visit(_ e: Expr, _ file: SourceFile) {
            switch e {
            case .windowCount(let inner, _, _, _, _):
                if !containsWindow(inner), usesWindow(inner) {
                    d.append(Diagnostic("E049", .error, "a windowed count cannot count a rule that uses a window", file: file, span: inner.span,
                                        help: "count the rule's plain condition instead"))
                }
            case .and(let a, let b), .or(let a, let b):
                visit(a, file)
                visit(b, file)
            case .not(let a, _): visit(a, file)
            default: break
            }
        }
        for r in rs.rules { visit(r.decl.condition, r.file) }
    }

    package static func collectRefs(_ e: Expr, _ f: (Name) -> Void) {
        switch e {
        case .and(let a, let b), .or(let a, let b):
            collectRefs(a, f)
            collectRefs(b, f)
        case .not(let a, _), .count(let a, _, _, _), .windowCount(let a, _, _, _, _): collectRefs(a, f)
        case .ruleRef(let n, _): f(n)
        default: break
        }
    }
}
