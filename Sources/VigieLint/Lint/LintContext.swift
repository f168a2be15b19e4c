import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// Everything a lint rule may look at: the checked rule set, its compiled program when it
/// compiles, the options of the run, and indexes of the places where terms and regexes are used.
///
/// The context is built once per run and shared by every rule; the test run that
/// `rule/untested` needs is computed on first use.
public final class LintContext {
    /// The checked rule set.
    public let ruleSet: RuleSet
    /// The compiled program, or nil when the rule set has compile errors.
    public let program: Program?
    /// `--require-tests`: rules without tests are warnings rather than infos.
    public let requireTests: Bool
    /// The normalizer of the rule set (its stages), as used for terms of ordinary rules.
    public let normalizer: Normalizer
    /// The normalizer of `exact` rules.
    public let exactNormalizer = Normalizer(stages: .minimal)

    /// Creates a context; compiles the rule set when it has no errors.
    public init(ruleSet: RuleSet, requireTests: Bool = false) {
        self.ruleSet = ruleSet
        self.program = Compiler.compile(ruleSet)
        self.requireTests = requireTests
        self.normalizer = Normalizer(stages: ruleSet.stages)
    }

    /// The normalizer a rule's terms go through.
    public func normalizer(for rule: RuleDecl) -> Normalizer { rule.exact ? exactNormalizer : normalizer }

    /// The result of running every test and example of the rule set (nil when it does not compile).
    public private(set) lazy var testReport: RuleTestReport? = {
        guard let program = self.program else { return nil }
        let (cases, _) = RuleTestDiscovery.discover(self.ruleSet)
        return RuleTestRunner.run(program, cases)
    }()

    /// A finding of `rule`, with its id and default severity.
    public func finding(
        _ rule: LintRuleDescription, _ message: String, file: SourceFile?, span: Span?, label: String? = nil,
        labels: [DiagnosticLabel] = [], notes: [String] = [], help: String? = nil
    ) -> Diagnostic {
        Diagnostic(rule.id, rule.severity, message, file: file, span: span, label: label, labels: labels, notes: notes, help: help)
    }

    // MARK: - Indexes

    /// Every text predicate of every rule (`has`, `contains`, `starts with`, `ends with`, with
    /// `near` and inside `count(...)`), in declaration order.
    public private(set) lazy var termUses: [TermUse] = {
        var out: [TermUse] = []
        for r in self.ruleSet.rules {
            ConditionWalk.forEach(r.decl.condition) { e in
                guard case .text(let subject, let op, let q, let terms, let near, let span) = e else { return }
                out.append(TermUse(rule: r, subject: subject, op: op, quantifier: q, terms: self.resolve(terms, r.file), span: span))
                if let near {
                    out.append(
                        TermUse(rule: r, subject: subject, op: .has, quantifier: near.quantifier, terms: self.resolve(near.terms, r.file), span: near.span))
                }
            }
        }
        return out
    }()

    /// Every `matches /.../` of every rule, in declaration order.
    public private(set) lazy var regexUses: [RegexUse] = {
        var out: [RegexUse] = []
        for r in self.ruleSet.rules {
            ConditionWalk.forEach(r.decl.condition) { e in
                guard case .matches(let subject, let pattern, let flags, let patternStart, let span) = e else { return }
                out.append(RegexUse(rule: r, subject: subject, pattern: pattern, flags: flags, patternStart: patternStart, span: span))
            }
        }
        return out
    }()

    /// The terms a `TermsSyntax` stands for, with where each is written.
    public func resolve(_ t: TermsSyntax, _ file: SourceFile) -> TermSource {
        switch t {
        case .single(let s): return TermSource(list: nil, terms: [TermRef(value: s.value, file: file, span: s.span)], except: [])
        case .inline(let items, _): return TermSource(list: nil, terms: items.map { TermRef(value: $0.value, file: file, span: $0.span) }, except: [])
        case .list(let n):
            guard let l = ruleSet.lists[n.text] else { return TermSource(list: n.text, terms: [], except: []) }
            let terms = zip(l.terms, l.termSpans).map { TermRef(value: $0.0, file: l.termFile, span: $0.1) }
            return TermSource(list: n.text, terms: terms, except: l.decl.except.map { TermRef(value: $0.value, file: l.file, span: $0.span) })
        case .inflected(let inner, _), .fuzzy(let inner, _): return resolve(inner, file)  // the words as written
        }
    }
}

/// One term as written, in a rule file or a list file.
public struct TermRef {
    /// The term as written (decoded).
    public var value: String
    /// The file it is written in.
    public var file: SourceFile
    /// Where.
    public var span: Span
}

/// The terms of one predicate operand: a single string, an inline list or a named list.
public struct TermSource {
    /// The list's name, for named lists.
    public var list: String?
    /// The terms.
    public var terms: [TermRef]
    /// The named list's `except [...]` words.
    public var except: [TermRef]
}

/// A text predicate of a rule.
public struct TermUse {
    /// The rule.
    public var rule: Located<RuleDecl>
    /// What it looks at (`text`, `author.name`).
    public var subject: ValueSyntax
    /// How terms must sit in the text (`near` terms count as `has`).
    public var op: TextOp
    /// `any` or `all`.
    public var quantifier: Quantifier
    /// Its terms.
    public var terms: TermSource
    /// The predicate (or its `near` clause).
    public var span: Span
}

/// A `matches /.../` of a rule.
public struct RegexUse {
    /// The rule.
    public var rule: Located<RuleDecl>
    /// What it looks at.
    public var subject: ValueSyntax
    /// The pattern as written between the slashes.
    public var pattern: String
    /// Its flags.
    public var flags: String
    /// Byte offset of the pattern's first byte in the rule file.
    public var patternStart: Int
    /// The whole predicate.
    public var span: Span

    /// Whether it looks at the comment's main text.
    public var onText: Bool {
        if case .field(let path, _) = subject { return path.map(\.text) == ["text"] }
        return false
    }

    /// The span of bytes `range` of the pattern, in the rule file.
    public func span(of range: Range<Int>) -> Span { Span(patternStart + range.lowerBound, patternStart + max(range.upperBound, range.lowerBound + 1)) }
}

/// Walks conditions without depending on every case of ``Expr``: cases it does not know are
/// leaves, so a new kind of condition never breaks lint (it is only not looked into).
public enum ConditionWalk {
    /// The direct sub-conditions of `e`.
    public static func children(_ e: Expr) -> [Expr] {
        switch e {
        case .and(let a, let b), .or(let a, let b): return [a, b]
        case .not(let a, _): return [a]
        case .count(let a, _, _, _): return [a]
        case .windowCount(let a, _, _, _, _): return [a]
        case .qualified(let a, _, _): return [a]
        default: return []
        }
    }

    /// Calls `body` on `e` and every condition inside it, parents first.
    public static func forEach(_ e: Expr, _ body: (Expr) -> Void) {
        body(e)
        for c in children(e) { forEach(c, body) }
    }
}
