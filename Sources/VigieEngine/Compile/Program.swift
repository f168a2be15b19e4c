import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// Where a text predicate looks.
public enum Subject: Hashable, Sendable {
    /// The comment's main text field (scanned once by the shared automaton).
    case text
    /// The main text with minimal normalization, for `exact` rules.
    case exactText
    /// Another field with minimal normalization, for `exact` rules.
    case exactField([String])
    /// Another field, by path.
    case field([String])
}

/// A value a comparison reads.
public enum Operand: Hashable, Sendable {
    /// A field of the comment, by path.
    case field([String])
    /// The comment's language (given or detected).
    case lang
    /// A derived value of a field: `length`, `links`, `mentions`, `hashtags`, `emojis`, `caps`, `words`, `age`.
    case call(String, Subject)
    /// A string literal.
    case string(String)
    /// A number literal.
    case number(Double)
    /// A duration literal, in seconds.
    case duration(Double)
    /// A boolean literal.
    case bool(Bool)
    /// `null`.
    case null
}

/// One node of the condition graph. Nodes are hash-consed: the same sub-condition written in
/// several rules is one node, evaluated at most once per comment.
public enum Node: Hashable, Sendable {
    case constant(Bool)
    case and([Int32])
    case or([Int32])
    case not(Int32)
    /// The condition of rule `index` (in ``Program/rules``).
    case rule(Int32)
    /// Text terms: `atoms` index ``Program/atoms``; an occurrence inside one of the `except`
    /// atoms' occurrences does not count.
    case terms(Subject, TextOp, Quantifier, [Int32], except: [Int32])
    /// `has A near B within N words` (or `before`, `after`).
    case near(Subject, Quantifier, [Int32], Quantifier, [Int32], Int32, NearOrder)
    /// A `terms` or `near` node whose occurrences (of its first terms) count only when they
    /// satisfy every qualifier (`where not quoted, not negated`).
    case qualified(Int32, [Qualifier])
    /// `count(terms) OP N`.
    case count(Subject, [Int32], CompareOp, Double)
    /// `matches /re/`: index in ``Program/regexes``.
    case regex(Subject, Int32)
    case compare(Operand, CompareOp, Operand)
    case isIn(Operand, [String], Bool)
    case exists(Operand)
    /// `count(cond, window W by key) OP N`; `key` indexes ``Program/keyPaths`` (-1: global).
    case window(Int32, Double, Int32, CompareOp, Double)
    /// `repeats(window W by key) OP N`.
    case repeats(Double, Int32, CompareOp, Double)
}

/// One qualifier of a `where` clause: what it asks, and whether it is written `not`.
public struct Qualifier: Hashable, Sendable {
    /// The qualifier.
    public var kind: QualifierKind
    /// Whether it is written `not ...`.
    public var negated: Bool
}

/// A term after normalization, and how it must sit in the text.
public struct Atom: Hashable, Sendable {
    /// Index of its bytes in ``Program/patterns`` (and pattern id in the automaton).
    public var pattern: Int32
    /// Word match, substring, prefix or suffix.
    public var op: TextOp
    /// How many identical letters each byte of the term stands for (see ``NormalizedText/runs``):
    /// `perro` and `pero` share a pattern but not their runs.
    public var runs: [UInt8]
}

/// A regular expression of the rule set.
public struct CompiledRegex: Sendable {
    /// The compiled pattern.
    public var regex: Regex
    /// Patterns (automaton ids) one of which appears in every match, or nil: always run.
    public var prefilter: [Int32]?
}

/// An action after name resolution.
public struct Action: Sendable, Equatable {
    /// The action's kind.
    public var kind: ActionKind
    /// Team, template, queue or label.
    public var argument: String?
    /// `hide "reason"`.
    public var reason: String?
    /// Severity rank for escalations (0 low ... 3 critical).
    public var severity: Int
    /// `once per` period in seconds, and its key (index in ``Program/keyPaths``, -1: global).
    public var oncePer: Double? = nil
    public var oncePerKey: Int32 = -1
    /// `cooldown` period in seconds, and its key.
    public var cooldown: Double? = nil
    public var cooldownKey: Int32 = -1
}

/// A rule ready to run.
public struct CompiledRule: Sendable {
    /// Its name.
    public var name: String
    /// Its priority.
    public var priority: Int
    /// Shadow mode: reported as "would have", not applied.
    public var shadow: Bool
    /// The root of its condition.
    public var condition: Int32
    /// Its actions.
    public var actions: [Action]
    /// Patterns one of which must fire for the condition to hold; nil when the rule must be
    /// evaluated on every comment.
    public var gate: [Int32]?
    /// Where it is declared.
    public var file: SourceFile
    /// Its declaration.
    public var decl: RuleDecl
}

/// A reply template ready to render.
public struct CompiledTemplate: Sendable {
    /// Its name.
    public var name: String
    /// Variants per language, in declaration order.
    public var variants: [(lang: String, texts: [TemplateText])]
}

/// The compiled matcher graph of a rule set: one automaton over every term, PCRE2 programs for
/// regexes, and the condition DAG. Immutable and shared by all workers.
public final class Program: @unchecked Sendable {
    /// The checked rule set it comes from.
    public let ruleSet: RuleSet
    /// Normalized bytes of every distinct term.
    public let patterns: [[UInt8]]
    /// The automaton over `patterns`.
    public let automaton: AhoCorasick
    /// Distinct (pattern, operator) pairs.
    public let atoms: [Atom]
    /// Regular expressions.
    public let regexes: [CompiledRegex]
    /// The condition graph.
    public let nodes: [Node]
    /// Source location of each node (first place it was written).
    public let nodeSources: [(SourceFile, Span)]
    /// Rules in evaluation order: priority (highest first), then declaration order.
    public let rules: [CompiledRule]
    /// Rule index by name.
    public let ruleIndex: [String: Int]
    /// For each pattern, the rules it may wake up.
    public let patternRules: [[Int32]]
    /// Templates by name.
    public let templates: [String: CompiledTemplate]
    /// Languages of the rule set.
    public let langs: [String]
    /// Normalization stages of the rule set.
    public var stages: NormalizationStages { ruleSet.stages }

    /// Field paths used as keys by windows, `once per` and cooldowns.
    public let keyPaths: [[String]]
    /// Whether each node depends on state (a window, `repeats`, or a rule that does).
    public let nodeStateful: [Bool]
    /// Whether each rule depends on state: such rules are decided in the sequential state stage.
    public let ruleStateful: [Bool]
    /// Stateless nodes whose values the state stage needs (children of stateful nodes, counted conditions).
    public let frontier: [Int32]
    /// Window and repeats nodes.
    public let windowNodes: [Int32]
    /// Whether any rule uses state (windows, once per, cooldowns).
    public let isStateful: Bool
    /// Stateless rules without a gate: evaluated on every comment.
    public let ungatedRules: [Int32]
    /// Stateful rules that reply (their replies are rendered in the stateless phase, just in case).
    public let statefulReplyRules: [Int32]
    /// Why each atom that is a generated spelling (an inflected form, a typo, a texting or glued
    /// spelling) counts, for `explain`; atoms written in a rule have no entry.
    public let derivations: [Int32: String]
    /// The hot part of the condition graph in flat arrays.
    package let flat: FlatGraph

    package init(ruleSet: RuleSet, patterns: [[UInt8]], atoms: [Atom], regexes: [CompiledRegex], nodes: [Node], nodeSources: [(SourceFile, Span)],
         rules: [CompiledRule], templates: [String: CompiledTemplate], keyPaths: [[String]], derivations: [Int32: String] = [:]) {
        self.keyPaths = keyPaths
        self.derivations = derivations
        self.ruleSet = ruleSet
        self.patterns = patterns
        self.automaton = AhoCorasick(patterns: patterns)
        self.atoms = atoms
        self.regexes = regexes
        self.nodes = nodes
        self.nodeSources = nodeSources
        self.rules = rules
        var idx: [String: Int] = [:]
        for (i, r) in rules.enumerated() { idx[r.name] = i }
        ruleIndex = idx
        var pr = [[Int32]](repeating: [], count: patterns.count)
        for (i, r) in rules.enumerated() {
            for p in r.gate ?? [] where !pr[Int(p)].contains(Int32(i)) { pr[Int(p)].append(Int32(i)) }
        }
        patternRules = pr
        self.templates = templates
        self.langs = ruleSet.langs
        var stateful = [Bool?](repeating: nil, count: nodes.count)
        func dependsOnState(_ n: Int32) -> Bool {
            if let v = stateful[Int(n)] { return v }
            let v: Bool
            switch nodes[Int(n)] {
            case .window, .repeats: v = true
            case .and(let kids), .or(let kids): v = kids.contains { dependsOnState($0) }
            case .not(let k): v = dependsOnState(k)
            case .rule(let r): v = dependsOnState(rules[Int(r)].condition)
            default: v = false
            }
            stateful[Int(n)] = v
            return v
        }
        nodeStateful = nodes.indices.map { dependsOnState(Int32($0)) }
        ruleStateful = rules.map { dependsOnState($0.condition) }
        var frontier: [Int32] = []
        var seen = Set<Int32>()
        func collect(_ n: Int32) {
            guard seen.insert(n).inserted else { return }
            switch nodes[Int(n)] {
            case .and(let kids), .or(let kids): for k in kids { dependsOnState(k) ? collect(k) : frontier.append(k) }
            case .not(let k): dependsOnState(k) ? collect(k) : frontier.append(k)
            case .rule(let r): collect(rules[Int(r)].condition)
            case .window(let cond, _, _, _, _): frontier.append(cond)
            default: break
            }
        }
        for (i, r) in rules.enumerated() where ruleStateful[i] { collect(r.condition) }
        var unique: [Int32] = []
        for f in frontier where !unique.contains(f) { unique.append(f) }
        self.frontier = unique
        windowNodes = nodes.indices.compactMap { i in
            switch nodes[i] {
            case .window, .repeats: return Int32(i)
            default: return nil
            }
        }
        isStateful = !windowNodes.isEmpty || rules.contains { $0.actions.contains { $0.oncePer != nil || $0.cooldown != nil } }
        let statefulRules = ruleStateful
        ungatedRules = rules.indices.filter { rules[$0].gate == nil && !statefulRules[$0] }.map { Int32($0) }
        statefulReplyRules = rules.indices.filter { statefulRules[$0] && rules[$0].actions.contains { $0.kind == .reply } }.map { Int32($0) }
        flat = FlatGraph(nodes: nodes, atoms: atoms, patterns: patterns, rules: rules, regexes: regexes, patternRules: patternRules,
                         ruleStateful: ruleStateful, ungatedRules: ungatedRules)
    }

    /// Number of rules that run on every comment (no text atom gates them).
    public var ungatedRuleCount: Int { rules.filter { $0.gate == nil }.count }
}
