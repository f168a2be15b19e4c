import VigieCore
import VigieText
import VigieRegex

/// Parses one rule file into a ``RuleFileSyntax``.
///
/// The parser is recursive descent over the token list. On an error it reports a diagnostic and
/// skips to the next declaration (a top-level keyword at the start of a line), or within a rule to
/// the next `then` or closing brace, so one run reports every mistake in a file.
public struct Parser {
    private let file: SourceFile
    private var tokens: [Token]
    private var pos = 0
    private var diagnostics: [Diagnostic] = []
    /// Offsets of lexical errors: a parse error in the same declaration is their consequence.
    private var lexErrors: [Int] = []
    private var declarationStart = 0

    package static let topLevelKeywords: Set<String> = ["lang", "list", "template", "rule", "test", "normalize"]
    package static let textOps: Set<String> = ["has", "contains", "starts", "ends", "matches"]

    private struct ParseError: Error {}

    /// Parses a file and returns its syntax tree and the diagnostics found on the way.
    public static func parse(_ file: SourceFile) -> (RuleFileSyntax, [Diagnostic]) {
        var lexer = Lexer(file: file)
        let tokens = lexer.tokenize()
        var p = Parser(file: file, tokens: tokens.filter { $0.kind != .invalid })
        p.diagnostics = lexer.diagnostics
        p.lexErrors = lexer.diagnostics.compactMap { $0.span?.start }
        let tree = p.parseFile()
        return (tree, p.diagnostics)
    }

    /// Parses the text of an `expect` clause (`hide, not reply, tag sav` or `nothing`), as used
    /// in JSON-lines test files. Returns nil expectations and diagnostics on error.
    public static func parseExpectations(_ file: SourceFile) -> (actions: [ActionSyntax], nothing: Bool, diagnostics: [Diagnostic]) {
        var lexer = Lexer(file: file)
        let tokens = lexer.tokenize()
        var p = Parser(file: file, tokens: tokens.filter { $0.kind != .invalid })
        p.diagnostics = lexer.diagnostics
        if p.tok.isWord("nothing") {
            p.advance()
            if p.tok.kind != .eof {
                p.diagnostics.append(Diagnostic("E010", .error, "unexpected \(p.describe(p.tok)) after `nothing`", file: file, span: p.tok.span))
            }
            return ([], true, p.diagnostics)
        }
        let actions = (try? p.parseActions(allowNegation: true)) ?? []
        if p.tok.kind != .eof, p.diagnostics.isEmpty {
            p.diagnostics.append(Diagnostic("E010", .error, "unexpected \(p.describe(p.tok)) after the expectations", file: file, span: p.tok.span))
        }
        return (actions, false, p.diagnostics)
    }

    private init(file: SourceFile, tokens: [Token]) {
        self.file = file
        self.tokens = tokens
    }

    // MARK: - Token helpers

    private var tok: Token { tokens[pos] }
    private func peek(_ k: Int) -> Token { tokens[min(pos + k, tokens.count - 1)] }
    private var previousEnd: Int { pos > 0 ? tokens[pos - 1].span.end : 0 }

    @discardableResult
    private mutating func advance() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    private mutating func eat(_ kind: TokenKind) -> Bool {
        if tok.kind == kind {
            advance()
            return true
        }
        return false
    }

    private mutating func eatWord(_ w: String) -> Bool {
        if tok.isWord(w) {
            advance()
            return true
        }
        return false
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .eof: return "end of file"
        case .string: return "string \"\(t.text)\""
        case .regex: return "regular expression"
        default: return "`\(t.text)`"
        }
    }

    private mutating func fail(_ id: String, _ message: String, at span: Span? = nil, label: String? = nil, help: String? = nil) -> ParseError {
        // One mistake, one diagnostic: the lexer already reported this declaration's problem.
        let here = (span ?? tok.span).end
        if lexErrors.contains(where: { $0 >= declarationStart && $0 <= here }) { return ParseError() }
        diagnostics.append(Diagnostic(id, .error, message, file: file, span: span ?? tok.span, label: label, help: help))
        return ParseError()
    }

    private mutating func expect(_ kind: TokenKind, _ what: String, help: String? = nil) throws -> Token {
        if tok.kind == kind { return advance() }
        throw fail("E010", "expected \(what), found \(describe(tok))", label: "expected \(what)", help: help)
    }

    private mutating func expectWord(_ w: String, help: String? = nil) throws {
        if eatWord(w) { return }
        throw fail("E010", "expected `\(w)`, found \(describe(tok))", label: "expected `\(w)`", help: help)
    }

    private mutating func name(_ what: String) throws -> Name {
        guard tok.kind == .identifier else {
            throw fail("E011", "expected \(what), found \(describe(tok))", label: "expected \(what)")
        }
        let t = advance()
        return Name(text: t.text, span: t.span)
    }

    /// The help of E046: one example per action that takes an argument.
    private static let argumentHelp = "write for example "
        + ActionKind.allCases.compactMap { k in k.argument.example.map { "`\(k.keyword) \($0)`" } }.joined(separator: ", ")

    /// An action's argument; a missing one is E046.
    private mutating func argument(_ what: String) throws -> Name {
        guard tok.kind == .identifier, ActionKind(rawValue: tok.text) == nil else {
            throw fail("E046", "expected \(what), found \(describe(tok))", label: "missing argument", help: Parser.argumentHelp)
        }
        let t = advance()
        return Name(text: t.text, span: t.span)
    }

    private mutating func string(_ what: String) throws -> StringLit {
        guard tok.kind == .string else {
            throw fail("E012", "expected \(what) (a string in double quotes), found \(describe(tok))", label: "expected a string")
        }
        let t = advance()
        return StringLit(value: t.text, span: t.span)
    }

    /// Skips to the next top-level declaration.
    private mutating func syncTopLevel() {
        while tok.kind != .eof {
            if tok.startsLine, tok.kind == .identifier, Parser.topLevelKeywords.contains(tok.text), !isInsideKeywordUse() { return }
            advance()
        }
    }

    /// `rule NAME` inside a condition also starts a line sometimes; a declaration is followed by
    /// a name and then `{`, `priority`, `shadow` or `=`.
    private func isInsideKeywordUse() -> Bool {
        guard tok.isWord("rule") else { return false }
        let after = peek(2)
        return !(after.kind == .lbrace || after.isWord("priority") || after.isWord("shadow") || after.isWord("exact"))
    }

    // MARK: - File

    private mutating func parseFile() -> RuleFileSyntax {
        var out = RuleFileSyntax(file: file)
        while tok.kind != .eof {
            let t = tok
            declarationStart = t.span.start
            do {
                switch t.kind == .identifier ? t.text : "" {
                case "lang":
                    advance()
                    out.langs.append(try name("a language code such as fr, en or es"))
                    while eat(.comma) { out.langs.append(try name("a language code")) }
                case "list": out.lists.append(try parseList())
                case "normalize":
                    advance()
                    try expectWord("except", help: "write `normalize except leetspeak, repeats` to turn stages off")
                    out.normalizeExcept.append(try name("a normalization stage"))
                    while eat(.comma) { out.normalizeExcept.append(try name("a normalization stage")) }
                case "template": out.templates.append(try parseTemplate())
                case "rule": out.rules.append(try parseRule())
                case "test": out.tests.append(try parseTest())
                default:
                    throw fail(
                        "E013", "expected a declaration (`lang`, `list`, `template`, `rule`, `test` or `normalize`), found \(describe(t))",
                        label: "not a declaration", help: suggestionHelp(for: t, among: Array(Parser.topLevelKeywords)))
                }
            } catch {
                if pos == 0 || tokens[pos].span == t.span { advance() }
                syncTopLevel()
            }
        }
        return out
    }

    private func suggestionHelp(for t: Token, among: [String]) -> String? {
        guard t.kind == .identifier, let s = closestName(to: t.text, among: among) else { return nil }
        return "did you mean `\(s)`?"
    }

    /// Words people write for a duration unit, with the unit Vigie uses (`7 days` is `7d`).
    package static let durationWords: [String: String] = {
        var m: [String: String] = [:]
        for (unit, words) in [
            ("s", ["s", "sec", "secs", "second", "seconds", "seconde", "secondes"]),
            ("m", ["m", "min", "mins", "minute", "minutes"]),
            ("h", ["h", "hr", "hrs", "hour", "hours", "heure", "heures"]),
            ("d", ["d", "j", "day", "days", "jour", "jours"]),
            ("w", ["w", "week", "weeks", "semaine", "semaines"]),
        ] {
            for w in words { m[w] = unit }
        }
        return m
    }()

    /// The help for a number followed by a unit word (`7 days`): the duration meant, or nil.
    private func durationHelp(_ number: Token, _ unit: Token) -> String? {
        guard number.kind == .number, unit.kind == .identifier, let u = Parser.durationWords[unit.text.lowercased()] else { return nil }
        return "did you mean `\(number.text)\(u)`? a duration is a number and a unit with no space between them: s, m, h, d or w"
    }

    /// Expects the `}` that closes `open`. When the next token starts another declaration or
    /// ends the file, the `{` was never closed: the diagnostic also points at it.
    private mutating func expectClosing(_ open: Token, _ what: String, help: String? = nil) throws -> Token {
        if tok.kind == .rbrace { return advance() }
        let unclosed = tok.kind == .eof || (tok.startsLine && tok.kind == .identifier && Parser.topLevelKeywords.contains(tok.text) && !isInsideKeywordUse())
        let before = diagnostics.count
        let e = fail("E010", "expected \(what), found \(describe(tok))", label: "expected \(what)", help: help)
        if unclosed, diagnostics.count > before {
            diagnostics[diagnostics.count - 1].labels.append(DiagnosticLabel(file: file, span: open.span, message: "this `{` is never closed"))
        }
        throw e
    }

    /// After `has` (or `near`), a word that is not `any` or `all` but is followed by terms is a
    /// misspelt quantifier (`has ani [...]`).
    private mutating func checkQuantifierTypo() throws {
        guard tok.kind == .identifier, !tok.isWord("any"), !tok.isWord("all"), !tok.isWord("inflected"), !tok.isWord("fuzzy") else { return }
        let next = peek(1)
        let suggestion = closestName(to: tok.text, among: ["any", "all"])
        let termsFollow = next.kind == .lbracket || next.kind == .string
            || (suggestion != nil && next.kind == .identifier && !["and", "or", "then", "near", "not", "within"].contains(next.text))
        guard termsFollow, !(next.startsLine && Parser.topLevelKeywords.contains(next.text)) else { return }
        throw fail("E010", "expected `any`, `all` or terms, found \(describe(tok))", label: "not `any` or `all`",
                   help: suggestion.map { "did you mean `\($0)`?" } ?? "write `has any [\"...\"]` (one of the terms) or `has all [\"...\"]` (every term)")
    }

    private mutating func parseList() throws -> ListDecl {
        let start = advance().span.start
        let n = try name("a list name")
        _ = try expect(.assign, "`=`", help: "write `list \(n.text) = [\"term\", ...]` or `list \(n.text) = file \"path.txt\"`")
        let source: ListDecl.Source
        if eatWord("file") {
            source = .file(try string("a file path"))
        } else {
            source = .inline(try stringArray().0)
        }
        var except: [StringLit] = []
        if eatWord("except") { except = try stringArray().0 }
        return ListDecl(name: n, source: source, except: except, span: Span(start, previousEnd))
    }

    private mutating func stringArray() throws -> ([StringLit], Span) {
        let open = try expect(.lbracket, "`[`")
        var items: [StringLit] = []
        while tok.kind != .rbracket {
            items.append(try string("a term"))
            if !eat(.comma) { break }
        }
        let close = try expect(.rbracket, "`]` or `,`")
        return (items, open.span.merged(with: close.span))
    }

    private mutating func parseTemplate() throws -> TemplateDecl {
        let start = advance().span.start
        let n = try name("a template name")
        let open = try expect(.lbrace, "`{`")
        var variants: [TemplateDecl.Variant] = []
        while tok.kind != .rbrace, tok.kind != .eof, !(tok.startsLine && Parser.topLevelKeywords.contains(tok.text) && !isInsideKeywordUse()) {
            let lang = try name("a language code followed by `:`")
            _ = try expect(.colon, "`:`", help: "write each variant as `fr: \"Bonjour {author.name}\"`")
            if tok.kind == .lbracket {
                variants.append(.init(lang: lang, texts: try stringArray().0))
            } else {
                variants.append(.init(lang: lang, texts: [try string("a reply text")]))
            }
            _ = eat(.comma)
        }
        _ = try expectClosing(open, "`}`")
        return TemplateDecl(name: n, variants: variants, span: Span(start, previousEnd))
    }

    private mutating func parseRule() throws -> RuleDecl {
        let start = advance().span.start
        let n = try name("a rule name")
        var priority = 0
        var shadow = false
        var exact = false
        while tok.kind == .identifier {
            if eatWord("priority") {
                let t = try expect(.number, "a number after `priority`")
                if t.number != t.number.rounded() || abs(t.number) > 1_000_000 {
                    diagnostics.append(Diagnostic("E045", .error, "a priority is a whole number", file: file, span: t.span, help: "write for example `priority 100`"))
                }
                priority = Int(t.number)
            } else if eatWord("shadow") {
                shadow = true
            } else if eatWord("exact") {
                exact = true
            } else {
                throw fail("E014", "unexpected \(describe(tok)) in rule header", label: "expected `priority`, `shadow` or `{`",
                           help: suggestionHelp(for: tok, among: ["priority", "shadow", "exact"]))
            }
        }
        let open = try expect(.lbrace, "`{` to open the rule")
        var condition = Expr.constant(false, tok.span)
        var actions: [ActionSyntax] = []
        var matchExamples: [StringLit] = []
        var noMatchExamples: [StringLit] = []
        var failed = false
        do {
            try expectWord("when", help: "a rule reads `rule NAME { when CONDITION then ACTIONS }`")
            condition = try parseCondition()
        } catch {
            failed = true
            while tok.kind != .eof, !tok.isWord("then"), tok.kind != .rbrace, !(tok.startsLine && Parser.topLevelKeywords.contains(tok.text) && !isInsideKeywordUse()) {
                advance()
            }
        }
        if tok.isWord("then") || !failed {
            do {
                if !failed, tok.kind == .identifier, !tok.isWord("then"), let s = closestName(to: tok.text, among: ["then", "and", "or", "near"]) {
                    throw fail("E010", "expected `then`, found \(describe(tok))", label: "not a keyword",
                               help: "did you mean `\(s)`?" + (s == "near" ? " write `text has any colis near any retard within 6 words`" : ""))
                }
                try expectWord("then", help: failed ? nil : "after the condition, write `then` and the actions, as in `then hide \"spam\"`")
                actions = try parseActions()
            } catch {
                failed = true
                while tok.kind != .eof, tok.kind != .rbrace, !tok.isWord("examples"), !(tok.startsLine && Parser.topLevelKeywords.contains(tok.text) && !isInsideKeywordUse()) {
                    advance()
                }
            }
        }
        if eatWord("examples") {
            _ = try expect(.lbrace, "`{`")
            while tok.kind != .rbrace, tok.kind != .eof {
                if eatWord("match") {
                    matchExamples.append(try string("an example text"))
                } else if tok.isWord("no"), peek(1).isWord("match") {
                    advance()
                    advance()
                    noMatchExamples.append(try string("an example text"))
                } else {
                    throw fail("E015", "expected `match \"...\"` or `no match \"...\"` in examples, found \(describe(tok))")
                }
            }
            _ = try expect(.rbrace, "`}`")
        }
        if tok.kind != .rbrace, failed {
            return RuleDecl(name: n, priority: priority, shadow: shadow, exact: exact, condition: condition, actions: actions, matchExamples: [], noMatchExamples: [], span: Span(start, previousEnd))
        }
        _ = try expectClosing(open, "`}` to close rule `\(n.text)`", help: "a rule holds one `when` condition and one `then` list of actions")
        return RuleDecl(
            name: n, priority: priority, shadow: shadow, exact: exact, condition: condition, actions: actions,
            matchExamples: matchExamples, noMatchExamples: noMatchExamples, span: Span(start, previousEnd))
    }

    // MARK: - Actions

    private mutating func parseActions(allowNegation: Bool = false) throws -> [ActionSyntax] {
        var out = [try parseAction(allowNegation: allowNegation)]
        while eat(.comma) { out.append(try parseAction(allowNegation: allowNegation)) }
        return out
    }

    /// In an `expect` clause, arguments are optional: is the next token one?
    private var argumentFollows: Bool {
        tok.kind == .identifier && !["not", "by", "severity", "expect"].contains(tok.text) && ActionKind(rawValue: tok.text) == nil
    }

    /// One action: its keyword, then its argument and options as the action table says
    /// (``ActionKind/argument``, ``ActionKind/options``). In a test's `expect` (`allowNegation`),
    /// `not` and `by RULE` are allowed, arguments may be left out where the table allows it,
    /// and `once per` and `cooldown` do not apply.
    private mutating func parseAction(allowNegation: Bool) throws -> ActionSyntax {
        let start = tok.span.start
        var negated = false
        if allowNegation, eatWord("not") { negated = true }
        guard tok.kind == .identifier, let kind = ActionKind(rawValue: tok.text) else {
            let names = ActionKind.allCases.map(\.keyword)
            throw fail("E016", "expected an action (\(names.joined(separator: ", "))), found \(describe(tok))",
                       label: "not an action", help: suggestionHelp(for: tok, among: names))
        }
        advance()
        var a = ActionSyntax(kind: kind, argument: nil, reason: nil, severity: nil, negated: negated, span: tok.span)
        if let noun = kind.argument.noun, !allowNegation || !kind.argumentOptionalInExpectations || argumentFollows {
            a.argument = try argument("\(noun) after `\(kind.keyword)`")
        }
        let options = kind.options
        if options.contains(.reason), tok.kind == .string { a.reason = try string("a reason") }
        if options.contains(.severity), eatWord("severity") { a.severity = try name("a severity (low, normal, high, critical)") }
        if options.contains(.oncePer), !allowNegation, tok.isWord("once") {
            advance()
            try expectWord("per", help: "write `once per 1h`")
            a.oncePer = try parsePeriod(keyWord: "per")
        }
        if options.contains(.cooldown), !allowNegation, eatWord("cooldown") { a.cooldown = try parsePeriod(keyWord: "per") }
        if allowNegation, eatWord("by") { a.byRule = try name("a rule name after `by`") }
        a.span = Span(start, previousEnd)
        return a
    }

    // MARK: - Conditions

    private mutating func parseCondition() throws -> Expr {
        var lhs = try parseAnd()
        while eatWord("or") { lhs = .or(lhs, try parseAnd()) }
        return lhs
    }

    private mutating func parseAnd() throws -> Expr {
        var lhs = try parseNot()
        while eatWord("and") { lhs = .and(lhs, try parseNot()) }
        return lhs
    }

    private mutating func parseNot() throws -> Expr {
        if tok.isWord("not") {
            let start = advance().span.start
            let inner = try parseNot()
            return .not(inner, Span(start, previousEnd))
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws -> Expr {
        let start = tok.span.start
        if eat(.lparen) {
            let e = try parseCondition()
            _ = try expect(.rparen, "`)`")
            return e
        }
        if tok.isWord("rule") {
            advance()
            let n = try name("a rule name after `rule`")
            return .ruleRef(n, Span(start, previousEnd))
        }
        if tok.isWord("true") || tok.isWord("false") {
            let t = advance()
            return .constant(t.text == "true", t.span)
        }
        if tok.isWord("repeats"), peek(1).kind == .lparen {
            advance()
            advance()
            let window = try parseWindow()
            _ = try expect(.rparen, "`)`")
            guard let op = compareOp() else {
                throw fail("E018", "expected a comparison after `repeats(...)`, found \(describe(tok))", help: "write for example `repeats(window 10m by author) >= 3`")
            }
            let rhs = try parseValue()
            return .repeats(window: window, op, rhs, Span(start, previousEnd))
        }
        if tok.isWord("count"), peek(1).kind == .lparen {
            advance()
            advance()
            let inner = try parseCondition()
            if eat(.comma) {
                let window = try parseWindow()
                _ = try expect(.rparen, "`)`")
                guard let op = compareOp() else {
                    throw fail("E018", "expected a comparison after `count(...)`, found \(describe(tok))", help: "write for example `count(rule plainte, window 15m) >= 30`")
                }
                let rhs = try parseValue()
                return .windowCount(inner, window: window, op, rhs, Span(start, previousEnd))
            }
            guard case .text = inner else {
                throw fail("E017", "`count(...)` takes a text predicate such as `text has any insultes`", at: inner.span)
            }
            _ = try expect(.rparen, "`)`")
            guard let op = compareOp() else {
                throw fail("E018", "expected a comparison after `count(...)`, found \(describe(tok))", help: "write for example `count(text has any insultes) >= 2`")
            }
            let rhs = try parseValue()
            return .count(inner, op, rhs, Span(start, previousEnd))
        }
        let lhs = try parseValue()
        if tok.kind == .identifier, Parser.textOps.contains(tok.text) {
            return try parseTextPredicate(subject: lhs, start: start)
        }
        if let op = compareOp() {
            let rhs = try parseValue()
            return .compare(lhs, op, rhs, Span(start, previousEnd))
        }
        if tok.isWord("in") || (tok.isWord("not") && peek(1).isWord("in")) {
            let negated = eatWord("not")
            advance()
            let terms = try parseTerms()
            return .isIn(lhs, terms, negated: negated, Span(start, previousEnd))
        }
        if eatWord("exists") {
            return .exists(lhs, Span(start, previousEnd))
        }
        let ops = ["has", "contains", "starts with", "ends with", "matches", "in", "exists", "==", "!=", "<", "<=", ">", ">="]
        throw fail("E019", "expected an operator after this value, found \(describe(tok))", label: "expected an operator",
                   help: suggestionHelp(for: tok, among: ["has", "contains", "matches", "in", "exists", "starts", "ends"])
                       ?? "operators are: \(ops.joined(separator: ", "))")
    }

    /// `window DURATION [by FIELD.PATH]`.
    private mutating func parseWindow() throws -> WindowSyntax {
        let start = tok.span.start
        try expectWord("window", help: "write `window 15m` or `window 15m by author`")
        let d = try expect(.duration, "a duration such as `15m`", help: durationHelp(tok, peek(1)))
        var key: [Name]?
        if eatWord("by") { key = try fieldPath() }
        return WindowSyntax(seconds: d.number, key: key, span: Span(start, previousEnd))
    }

    /// `period DURATION [per FIELD.PATH]` after `once per` or `cooldown`.
    private mutating func parsePeriod(keyWord: String) throws -> WindowSyntax {
        let start = tok.span.start
        let d = try expect(.duration, "a duration such as `1h`", help: durationHelp(tok, peek(1)))
        var key: [Name]?
        if eatWord(keyWord) { key = try fieldPath() }
        return WindowSyntax(seconds: d.number, key: key, span: Span(start, previousEnd))
    }

    private mutating func fieldPath() throws -> [Name] {
        var path = [try name("a field such as `author` or `thread`")]
        while eat(.dot) { path.append(try name("a field name after `.`")) }
        return path
    }

    private mutating func compareOp() -> CompareOp? {
        let op: CompareOp?
        switch tok.kind {
        case .eq: op = .eq
        case .ne: op = .ne
        case .lt: op = .lt
        case .le: op = .le
        case .gt: op = .gt
        case .ge: op = .ge
        case .assign:
            diagnostics.append(Diagnostic("E020", .error, "`=` is not a comparison", file: file, span: tok.span, label: "use `==`", help: "write `==` to compare two values"))
            op = .eq
        default: op = nil
        }
        if op != nil { advance() }
        return op
    }

    private mutating func parseTextPredicate(subject: ValueSyntax, start: Int) throws -> Expr {
        let word = advance().text
        if word == "matches" {
            guard tok.kind == .regex else {
                throw fail("E021", "expected a regular expression after `matches`, found \(describe(tok))", help: "write the pattern between slashes, as in `matches /\\bporter\\s+plainte\\b/i`")
            }
            let t = advance()
            return .matches(subject: subject, pattern: t.text, flags: t.flags, patternStart: t.patternStart, span: Span(start, previousEnd))
        }
        let op: TextOp
        switch word {
        case "has": op = .has
        case "contains": op = .contains
        case "starts":
            try expectWord("with", help: "write `starts with \"...\"`")
            op = .startsWith
        default:
            try expectWord("with", help: "write `ends with \"...\"`")
            op = .endsWith
        }
        var quantifier = Quantifier.any
        try checkQuantifierTypo()
        if eatWord("any") { quantifier = .any } else if eatWord("all") { quantifier = .all }
        let terms = try parseSpelledTerms(op)
        var near: NearSyntax?
        if tok.isWord("near") || ((tok.isWord("before") || tok.isWord("after"))
            && (peek(1).kind == .string || peek(1).kind == .lbracket || peek(1).kind == .identifier)) {
            let order = NearOrder(rawValue: tok.text) ?? .either
            let nearStart = advance().span.start
            guard op == .has else { throw fail("E022", "`\(order.rawValue)` works with `has` only", at: Span(nearStart, previousEnd)) }
            var q2 = Quantifier.any
            try checkQuantifierTypo()
            if eatWord("any") { q2 = .any } else if eatWord("all") { q2 = .all }
            let terms2 = try parseSpelledTerms(.has)
            try expectWord("within", help: "write `near TERMS within 6 words`")
            let n = try expect(.number, "a number of words")
            if n.number != n.number.rounded() || n.number < 0 {
                diagnostics.append(Diagnostic("E045", .error, "a distance is a whole number of words, 0 or more", file: file, span: n.span))
            }
            try expectWord("words", help: "the distance is counted in words: `within 6 words`")
            near = NearSyntax(quantifier: q2, terms: terms2, within: Int(n.number), order: order, span: Span(nearStart, previousEnd))
        }
        let test = Expr.text(subject: subject, op: op, quantifier: quantifier, terms: terms, near: near, span: Span(start, previousEnd))
        guard tok.isWord("where") else { return test }
        let whereSpan = advance().span
        guard op == .has else {
            throw fail("E057", "`where` works with `has` only", at: whereSpan,
                       help: "write `text has any insultes where not quoted`: a qualifier asks about each occurrence of a whole word")
        }
        var qualifiers: [QualifierSyntax] = []
        repeat {
            let qStart = tok.span.start
            let negated = eatWord("not")
            guard tok.kind == .identifier, let kind = QualifierKind(rawValue: tok.text) else {
                let names = QualifierKind.allCases.map(\.rawValue)
                let suggestion = tok.kind == .identifier ? closestName(to: tok.text, among: names) : nil
                throw fail("E057", "expected a qualifier (\(names.joined(separator: ", "))), found \(describe(tok))", label: "not a qualifier",
                           help: suggestion.map { "did you mean `\($0)`?" } ?? "write `where not quoted, not negated` or `where addressed`")
            }
            advance()
            qualifiers.append(QualifierSyntax(kind: kind, negated: negated, span: Span(qStart, previousEnd)))
        } while eat(.comma)
        return .qualified(test, qualifiers, Span(start, previousEnd))
    }

    /// Terms with their `inflected` and `fuzzy` modifiers (not a list named so, followed by `and`,
    /// `or`, `near`...); `op` is the test's operator (the modifiers go with `has` only).
    private mutating func parseSpelledTerms(_ op: TextOp) throws -> TermsSyntax {
        var modifiers: [(word: String, span: Span)] = []
        while tok.isWord("inflected") || tok.isWord("fuzzy"), peek(1).kind == .string || peek(1).kind == .lbracket
            || (peek(1).kind == .identifier && !["and", "or", "near", "then"].contains(peek(1).text)) {
            let word = tok.text
            let keyword = advance().span
            guard op == .has else {
                throw fail("E054", "`\(word)` works with `has` only", at: keyword,
                           help: "write `text has \(word) \"tuer\"`: it matches \(word == "fuzzy" ? "the word and its one-typo spellings" : "every form of the word") as a whole word")
            }
            if modifiers.contains(where: { $0.word == word }) {
                throw fail("E054", "`\(word)` is written twice", at: keyword, help: "write it once: `has \(word) [...]`")
            }
            modifiers.append((word, keyword))
        }
        var terms = try parseTerms()
        // `inflected` applies first whatever the order written: `fuzzy` then accepts a typo in every form.
        for m in modifiers.sorted(by: { $0.word == "inflected" && $1.word != "inflected" }) {
            terms = m.word == "fuzzy" ? .fuzzy(terms, keyword: m.span) : .inflected(terms, keyword: m.span)
        }
        return terms
    }

    private mutating func parseTerms() throws -> TermsSyntax {
        switch tok.kind {
        case .string:
            let t = advance()
            return .single(StringLit(value: t.text, span: t.span))
        case .lbracket:
            let (items, span) = try stringArray()
            return .inline(items, span)
        case .identifier:
            let t = advance()
            return .list(Name(text: t.text, span: t.span))
        default:
            throw fail("E023", "expected a string, a list name or `[...]`, found \(describe(tok))", label: "expected terms")
        }
    }

    private mutating func parseValue() throws -> ValueSyntax {
        let t = tok
        switch t.kind {
        case .string:
            advance()
            return .string(StringLit(value: t.text, span: t.span))
        case .number, .percent:
            advance()
            if let help = durationHelp(t, tok) {
                let unit = advance()
                diagnostics.append(Diagnostic("E002", .error, "`\(t.text) \(unit.text)` is not a duration", file: file, span: t.span.merged(with: unit.span),
                                              label: "write `\(t.text)\(Parser.durationWords[unit.text.lowercased()]!)`", help: help))
                return .duration(t.number * (["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800][Parser.durationWords[unit.text.lowercased()]!] ?? 1), Span(t.span.start, unit.span.end))
            }
            return .number(t.number, t.span)
        case .duration:
            advance()
            return .duration(t.number, t.span)
        case .identifier:
            if t.text == "true" || t.text == "false" {
                advance()
                return .bool(t.text == "true", t.span)
            }
            if t.text == "null" {
                advance()
                return .null(t.span)
            }
            advance()
            let n = Name(text: t.text, span: t.span)
            if eat(.lparen) {
                var args: [ValueSyntax] = []
                while tok.kind != .rparen {
                    args.append(try parseValue())
                    if !eat(.comma) { break }
                }
                _ = try expect(.rparen, "`)`")
                return .call(n, args, Span(t.span.start, previousEnd))
            }
            var path = [n]
            while tok.kind == .dot {
                advance()
                path.append(try name("a field name after `.`"))
            }
            return .field(path, Span(t.span.start, previousEnd))
        default:
            throw fail("E024", "expected a condition, found \(describe(t))", label: "expected a field, a value or `(`",
                       help: "a condition looks like `text has \"colis\"`, `author.age < 7d` or `rule insulte`")
        }
    }

    // MARK: - Tests

    private mutating func parseTest() throws -> TestDecl {
        let start = advance().span.start
        let n = try string("a test name")
        let todo = eatWord("todo")
        let open = try expect(.lbrace, "`{`")
        try expectWord("given", help: "a test reads `test \"name\" { given { text: \"...\" } expect ... }`")
        var history: [GivenValue] = []
        let given: GivenValue
        if tok.kind == .lbracket {
            // Several comments in order; the expectation is about the last one.
            let open = advance()
            var items: [GivenValue] = []
            while tok.kind == .lbrace {
                items.append(try parseGivenObject())
                if !eat(.comma) { break }
            }
            _ = try expect(.rbracket, "`]`")
            guard let last = items.popLast() else { throw fail("E026", "`given [...]` needs at least one comment", at: open.span) }
            history = items
            given = last
        } else {
            given = try parseGivenObject()
        }
        var expectations: [ActionSyntax] = []
        var nothing = false
        while eatWord("expect") {
            if eatWord("nothing") {
                nothing = true
            } else {
                expectations += try parseActions(allowNegation: true)
            }
        }
        if expectations.isEmpty, !nothing {
            throw fail("E025", "expected `expect` in test, found \(describe(tok))", help: "write `expect hide`, `expect reply TEMPLATE, tag LABEL` or `expect nothing`")
        }
        _ = try expectClosing(open, "`}` to close the test")
        return TestDecl(name: n, todo: todo, given: given, history: history, expectations: expectations, expectNothing: nothing, span: Span(start, previousEnd))
    }

    private mutating func parseGivenObject() throws -> GivenValue {
        _ = try expect(.lbrace, "`{`")
        var fields: [(String, GivenValue)] = []
        while tok.kind != .rbrace, tok.kind != .eof {
            let key: String
            if tok.kind == .string { key = advance().text } else { key = try name("a field name").text }
            _ = try expect(.colon, "`:`")
            fields.append((key, try parseGivenValue()))
            _ = eat(.comma)
        }
        _ = try expect(.rbrace, "`}`")
        return .object(fields)
    }

    private mutating func parseGivenValue() throws -> GivenValue {
        let t = tok
        switch t.kind {
        case .lbrace: return try parseGivenObject()
        case .lbracket:
            advance()
            var items: [GivenValue] = []
            while tok.kind != .rbracket, tok.kind != .eof {
                items.append(try parseGivenValue())
                if !eat(.comma) { break }
            }
            _ = try expect(.rbracket, "`]`")
            return .array(items)
        case .string:
            advance()
            return .string(t.text)
        case .number, .percent, .duration:
            advance()
            return .number(t.number)
        case .identifier where t.text == "true" || t.text == "false":
            advance()
            return .bool(t.text == "true")
        case .identifier where t.text == "null":
            advance()
            return .null
        default:
            throw fail("E026", "expected a value (string, number, true, false, null, `{...}` or `[...]`), found \(describe(t))")
        }
    }
}

/// The closest of `candidates` to `name` by edit distance, if close enough to suggest.
public func closestName(to name: String, among candidates: [String]) -> String? {
    let limit = max(1, name.count / 3)
    var best: (String, Int)?
    for c in candidates where c != name {
        let d = editDistance(name, c)
        if d <= limit, best == nil || d < best!.1 { best = (c, d) }
    }
    return best?.0
}

/// Edit distance over Unicode scalars, counting a swap of two neighbours as one edit
/// (optimal string alignment), so `hsa` suggests `has`.
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased().unicodeScalars)
    let y = Array(b.lowercased().unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
    for i in 0...x.count { d[i][0] = i }
    for j in 0...y.count { d[0][j] = j }
    for i in 1...x.count {
        for j in 1...y.count {
            let cost = x[i - 1] == y[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
        }
    }
    return d[x.count][y.count]
}
