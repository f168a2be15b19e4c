import VigieCore
import VigieText
import VigieRegex

/// The syntax tree of a rule file, as written (names unresolved).

/// An identifier with its span.
public struct Name: Sendable, Hashable {
    /// The identifier.
    public var text: String
    /// Where it is written.
    public var span: Span
}

/// A string literal with its span.
public struct StringLit: Sendable, Hashable {
    /// The decoded value.
    public var value: String
    /// Where it is written, quotes included.
    public var span: Span
}

/// One parsed rule file.
public struct RuleFileSyntax: Sendable {
    /// The file.
    public var file: SourceFile
    /// `lang fr, en` declarations.
    public var langs: [Name] = []
    /// `list` declarations.
    public var lists: [ListDecl] = []
    /// `template` declarations.
    public var templates: [TemplateDecl] = []
    /// `rule` declarations.
    public var rules: [RuleDecl] = []
    /// `normalize except STAGE, ...`: stages turned off for the whole rule set.
    public var normalizeExcept: [Name] = []
    /// `test` blocks.
    public var tests: [TestDecl] = []
}

/// `list NAME = [...]` or `list NAME = file "path"`.
public struct ListDecl: Sendable {
    /// Where the terms come from.
    public enum Source: Sendable {
        case inline([StringLit])
        case file(StringLit)
    }
    /// The list's name.
    public var name: Name
    /// Its terms or its file.
    public var source: Source
    /// `except [...]`: known good words inside which the list's terms do not count.
    public var except: [StringLit] = []
    /// The whole declaration.
    public var span: Span
}

/// `template NAME { fr: "..." en: ["...", "..."] }`.
public struct TemplateDecl: Sendable {
    /// One language's variants.
    public struct Variant: Sendable {
        /// The language code.
        public var lang: Name
        /// One or more texts, rotated deterministically.
        public var texts: [StringLit]
    }
    /// The template's name.
    public var name: Name
    /// Its per-language variants.
    public var variants: [Variant]
    /// The whole declaration.
    public var span: Span
}

/// `rule NAME [priority N] [shadow] { when ... then ... [examples { ... }] }`.
public struct RuleDecl: Sendable {
    /// The rule's name.
    public var name: Name
    /// Its priority (default 0); higher runs first.
    public var priority: Int
    /// Whether the rule runs in shadow mode (reported as "would have", not applied).
    public var shadow: Bool
    /// Whether the rule matches text with Unicode, case and accent folding only (no leetspeak,
    /// repeats, spacing or confusables).
    public var exact: Bool = false
    /// Its condition.
    public var condition: Expr
    /// Its actions.
    public var actions: [ActionSyntax]
    /// Texts that must trigger it.
    public var matchExamples: [StringLit]
    /// Texts that must not trigger it.
    public var noMatchExamples: [StringLit]
    /// The whole declaration.
    public var span: Span
}

/// How a list of terms is combined.
public enum Quantifier: String, Sendable {
    case any, all
}

/// The terms of a text predicate.
public indirect enum TermsSyntax: Sendable {
    /// A single string.
    case single(StringLit)
    /// An inline list.
    case inline([StringLit], Span)
    /// A named list.
    case list(Name)
    /// `inflected TERMS`: every inflected form of each term, from the Hunspell dictionaries.
    case inflected(TermsSyntax, keyword: Span)
    /// `fuzzy TERMS`: each term and every spelling one typo away from it.
    case fuzzy(TermsSyntax, keyword: Span)

    /// The terms under the `inflected` and `fuzzy` modifiers.
    public var base: TermsSyntax {
        switch self {
        case .inflected(let t, _), .fuzzy(let t, _): return t.base
        default: return self
        }
    }

    /// Where the terms are written.
    public var span: Span {
        switch self {
        case .single(let s): return s.span
        case .inline(_, let sp): return sp
        case .list(let n): return n.span
        case .inflected(let t, let keyword), .fuzzy(let t, let keyword): return Span(keyword.start, t.span.end)
        }
    }
}

/// The operator of a text predicate.
public enum TextOp: String, Sendable {
    case has, contains, startsWith = "starts with", endsWith = "ends with"
}

/// A comparison operator.
public enum CompareOp: String, Sendable {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
}

/// A value: a field path, a literal or a derived function.
public indirect enum ValueSyntax: Sendable {
    case field([Name], Span)
    case string(StringLit)
    case number(Double, Span)
    case duration(Double, Span)
    case bool(Bool, Span)
    case null(Span)
    case call(Name, [ValueSyntax], Span)

    /// Where the value is written.
    public var span: Span {
        switch self {
        case .field(_, let s), .number(_, let s), .duration(_, let s), .bool(_, let s), .null(let s), .call(_, _, let s):
            return s
        case .string(let s): return s.span
        }
    }
}

/// A condition.
public indirect enum Expr: Sendable {
    case and(Expr, Expr)
    case or(Expr, Expr)
    case not(Expr, Span)
    case ruleRef(Name, Span)
    /// `SUBJECT has|contains|starts with|ends with [any|all] TERMS [near [any|all] TERMS within N words]`.
    case text(subject: ValueSyntax, op: TextOp, quantifier: Quantifier, terms: TermsSyntax, near: NearSyntax?, span: Span)
    /// `TEXT-TEST where [not] quoted, [not] negated, ...`: the test holds for an occurrence that
    /// satisfies every qualifier.
    case qualified(Expr, [QualifierSyntax], Span)
    /// `SUBJECT matches /re/flags`.
    case matches(subject: ValueSyntax, pattern: String, flags: String, patternStart: Int, span: Span)
    /// `count(TEXT-PREDICATE) OP N`: how many times the terms occur.
    case count(Expr, CompareOp, ValueSyntax, Span)
    /// `count(CONDITION, window 15m [by KEY]) OP N`: comments satisfying the condition in the window.
    case windowCount(Expr, window: WindowSyntax, CompareOp, ValueSyntax, Span)
    /// `repeats(window 10m [by KEY]) OP N`: comments with the same normalized text in the window.
    case repeats(window: WindowSyntax, CompareOp, ValueSyntax, Span)
    /// `A OP B`.
    case compare(ValueSyntax, CompareOp, ValueSyntax, Span)
    /// `A [not] in [..] | LIST`.
    case isIn(ValueSyntax, TermsSyntax, negated: Bool, Span)
    /// `FIELD exists`.
    case exists(ValueSyntax, Span)
    /// `true` / `false`, or a parse error placeholder.
    case constant(Bool, Span)

    /// Where the condition is written.
    public var span: Span {
        switch self {
        case .and(let a, let b), .or(let a, let b): return a.span.merged(with: b.span)
        case .not(_, let s), .ruleRef(_, let s), .count(_, _, _, let s), .compare(_, _, _, let s), .isIn(_, _, _, let s),
            .exists(_, let s), .constant(_, let s), .windowCount(_, _, _, _, let s), .repeats(_, _, _, let s), .qualified(_, _, let s):
            return s
        case .text(_, _, _, _, _, let s), .matches(_, _, _, _, let s): return s
        }
    }
}

/// `window 15m [by author]`: an event-time window, global or per key.
public struct WindowSyntax: Sendable {
    /// Its length in seconds.
    public var seconds: Double
    /// The key's field path (`author`, `thread`), or nil for one global window.
    public var key: [Name]?
    /// Where it is written.
    public var span: Span
}

/// What a qualifier asks of an occurrence.
public enum QualifierKind: String, Sendable, CaseIterable {
    /// Inside quotation marks, or after a reporting frame in its clause.
    case quoted
    /// In the scope of a negation.
    case negated
    /// Aimed at the reader or a person (second person, vocative, @mention).
    case addressed
    /// About the writer (`je suis`, `I'm`, `soy`), aimed at nobody else.
    case selfDirected = "self"
}

/// `[not] quoted` in a `where` clause.
public struct QualifierSyntax: Sendable, Hashable {
    /// The qualifier.
    public var kind: QualifierKind
    /// Whether it is written `not ...`.
    public var negated: Bool
    /// Where it is written.
    public var span: Span
}

/// How the two sides of `near` must be ordered.
public enum NearOrder: String, Sendable {
    /// `near`: either order.
    case either = "near"
    /// `before`: the first terms come first.
    case before
    /// `after`: the first terms come after the second.
    case after
}

/// `near [any|all] TERMS within N words`, or `before` / `after` instead of `near`.
public struct NearSyntax: Sendable {
    /// How the second terms combine.
    public var quantifier: Quantifier
    /// The second terms.
    public var terms: TermsSyntax
    /// The largest distance in words.
    public var within: Int
    /// Either order, or `before` / `after`.
    public var order: NearOrder = .either
    /// Where it is written.
    public var span: Span
}

/// An action, as written in a rule or in a test's `expect`.
public struct ActionSyntax: Sendable {
    /// The action's kind: the table of actions in VigieCore.
    public typealias Kind = ActionKind
    /// Which action.
    public var kind: Kind
    /// The argument: team, template, queue or label (or nil).
    public var argument: Name?
    /// `hide "reason"`.
    public var reason: StringLit?
    /// `escalate TEAM severity LEVEL`.
    public var severity: Name?
    /// In tests: `not hide`.
    public var negated: Bool = false
    /// In tests: `hide by insulte`, the rule expected to ask for it.
    public var byRule: Name? = nil
    /// `escalate ... once per 1h [per KEY]`: at most one escalation per period.
    public var oncePer: WindowSyntax? = nil
    /// `reply ... cooldown 24h per author`: at most one reply per key and period.
    public var cooldown: WindowSyntax? = nil
    /// The whole action.
    public var span: Span
}

/// A value in a test's `given { ... }` object.
public indirect enum GivenValue: Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([GivenValue])
    case object([(String, GivenValue)])
}

/// `test "name" [todo] { given { ... } expect ... }`.
public struct TestDecl: Sendable {
    /// The test's name.
    public var name: StringLit
    /// A known gap: reported, not failed.
    public var todo: Bool
    /// The comment (the last one when the test gives several).
    public var given: GivenValue
    /// Earlier comments, in order, for tests of windows and cooldowns (`given [ {...}, {...} ]`).
    public var history: [GivenValue] = []
    /// Expected actions; empty with `expectNothing` for `expect nothing`.
    public var expectations: [ActionSyntax]
    /// `expect nothing`.
    public var expectNothing: Bool
    /// The whole block.
    public var span: Span
}
