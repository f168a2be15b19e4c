import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// Turns a checked ``RuleSet`` into a ``Program``: interns every term once, hash-conses the
/// condition graph, compiles regexes with PCRE2 JIT, and works out which patterns gate each rule.
public enum Compiler {
    /// Compiles a rule set that has no errors. Returns nil when `ruleSet.hasErrors`.
    public static func compile(_ ruleSet: RuleSet) -> Program? {
        guard !ruleSet.hasErrors else { return nil }
        var b = Builder(ruleSet: ruleSet)
        return b.build()
    }

    package struct Builder {
        package let ruleSet: RuleSet
        package let normalizer: Normalizer
        /// The terms' normalizer without the repeats stage: a typo is looked for in the letters as
        /// written (`connard` → `conard` drops one of two letters).
        package let spellingNormalizer: Normalizer
        package lazy var exactNormalizer = Normalizer(stages: .minimal)
        package var exactRule = false
        package var patterns: [[UInt8]] = []
        package var patternIndex: [[UInt8]: Int32] = [:]
        package var atoms: [Atom] = []
        package var atomIndex: [Atom: Int32] = [:]
        package var regexes: [CompiledRegex] = []
        package var regexIndex: [String: Int32] = [:]
        package var nodes: [Node] = []
        package var nodeIndex: [Node: Int32] = [:]
        package var nodeSources: [(SourceFile, Span)] = []
        package var ruleOrder: [String: Int32] = [:]
        package var keyPaths: [[String]] = []
        /// Why each atom that is a generated spelling counts (`a form of \`tuer\``); atoms also
        /// written as such have no entry.
        package var derivations: [Int32: String] = [:]

        package mutating func key(_ w: WindowSyntax?) -> Int32 {
            guard let path = w?.key?.map(\.text) else { return -1 }
            if let i = keyPaths.firstIndex(of: path) { return Int32(i) }
            keyPaths.append(path)
            return Int32(keyPaths.count - 1)
        }

        package init(ruleSet: RuleSet) {
            self.ruleSet = ruleSet
            self.normalizer = Normalizer(stages: ruleSet.stages)
            self.spellingNormalizer = Normalizer(stages: ruleSet.stages.subtracting(.repeats))
        }

        package mutating func build() -> Program {
            let ordered = ruleSet.rules.enumerated().sorted { a, b in
                a.element.decl.priority != b.element.decl.priority ? a.element.decl.priority > b.element.decl.priority : a.offset < b.offset
            }.map(\.element)
            for (i, r) in ordered.enumerated() { ruleOrder[r.decl.name.text] = Int32(i) }
            var rules: [CompiledRule] = []
            for r in ordered {
                exactRule = r.decl.exact
                let cond = lower(r.decl.condition, r.file)
                var actions: [Action] = []
                for a in r.decl.actions {
                    actions.append(Action(kind: a.kind, argument: a.argument?.text, reason: a.reason?.value,
                                          severity: a.kind.options.contains(.severity) ? (Checker.severities.firstIndex(of: a.severity?.text ?? "normal") ?? 1) : 0,
                                          oncePer: a.oncePer?.seconds, oncePerKey: key(a.oncePer), cooldown: a.cooldown?.seconds, cooldownKey: key(a.cooldown)))
                }
                rules.append(CompiledRule(name: r.decl.name.text, priority: r.decl.priority, shadow: r.decl.shadow, condition: cond,
                                          actions: actions, gate: nil, file: r.file, decl: r.decl))
            }
            var gateMemo: [Int32: [Int32]?] = [:]
            for i in rules.indices { rules[i].gate = gate(rules[i].condition, rules, &gateMemo) }
            var templates: [String: CompiledTemplate] = [:]
            for (name, t) in ruleSet.templates {
                let variants = t.decl.variants.map { v in
                    (lang: v.lang.text, texts: v.texts.map { (try? TemplateText.parse($0.value).get()) ?? TemplateText(parts: [.literal($0.value)]) })
                }
                templates[name] = CompiledTemplate(name: name, variants: variants)
            }
            return Program(ruleSet: ruleSet, patterns: patterns, atoms: atoms, regexes: regexes, nodes: nodes, nodeSources: nodeSources,
                           rules: rules, templates: templates, keyPaths: keyPaths, derivations: derivations)
        }

        package mutating func intern(_ n: Node, _ file: SourceFile, _ span: Span) -> Int32 {
            if let i = nodeIndex[n] { return i }
            let i = Int32(nodes.count)
            nodes.append(n)
            nodeSources.append((file, span))
            nodeIndex[n] = i
            return i
        }

        package mutating func pattern(_ term: String) -> Int32 { pattern(bytes: Array((exactRule ? exactNormalizer : normalizer).normalize(term).utf8)) }

        package mutating func pattern(bytes: [UInt8]) -> Int32 {
            if let i = patternIndex[bytes] { return i }
            let i = Int32(patterns.count)
            patterns.append(bytes)
            patternIndex[bytes] = i
            return i
        }

        package mutating func atom(_ term: String, _ op: TextOp) -> Int32 {
            var n = NormalizedText()
            (exactRule ? exactNormalizer : normalizer).normalize(Array(term.utf8), into: &n)
            let a = Atom(pattern: pattern(bytes: n.bytes), op: op, runs: n.runs.map { $0 & 0x7F })
            if let i = atomIndex[a] { return i }
            let i = Int32(atoms.count)
            atoms.append(a)
            atomIndex[a] = i
            return i
        }

        /// The terms as written (a list's terms, the lemmas of `inflected`).
        package func terms(_ t: TermsSyntax) -> [String] {
            switch t {
            case .single(let s): return [s.value]
            case .inline(let items, _): return items.map(\.value)
            case .list(let n): return ruleSet.lists[n.text]?.terms ?? []
            case .inflected(let inner, _), .fuzzy(let inner, _): return terms(inner)
            }
        }

        /// Each written term with every spelling that counts as it — its inflected forms, its
        /// one-typo spellings, its texting and glued spellings — and why each counts (nil for the
        /// term itself). Every spelling becomes an ordinary pattern of the automaton: nothing runs
        /// per comment.
        package func termGroups(_ t: TermsSyntax, _ op: TextOp) -> [[(term: String, why: String?)]] {
            let stages = op == .has && !exactRule ? ruleSet.stages.intersection([.texting, .glued]) : []
            return spellings(t, stages)
        }

        /// ``termGroups(_:_:)`` with the texting and glued `stages` (a typo is not looked for in a
        /// texting or glued spelling: the term's own spellings are enough).
        package func spellings(_ t: TermsSyntax, _ stages: NormalizationStages) -> [[(term: String, why: String?)]] {
            var groups: [[(term: String, why: String?)]]
            switch t {
            case .single, .inline, .list: groups = terms(t).map { [($0, nil)] }
            case .inflected(let inner, _):
                groups = terms(inner).map { lemma in
                    let forms = Inflector.shared.forms(of: lemma)
                    return [(lemma, nil)] + forms.filter { $0.form != lemma }.map { ($0.form, "a form of `\(lemma)` (\($0.language))") }
                }
            case .fuzzy(let inner, _):
                let own = spellings(inner, [])
                let staged = spellings(inner, stages)
                return zip(own, staged).map { group, withStages in
                    withStages + group.flatMap { member in
                        WordVariants.typos(of: spellingNormalizer.normalize(member.term)).map { ($0.variant, member.why.map { w in "one typo from \(w)" } ?? $0.reason) }
                    }
                }
            }
            guard !stages.isEmpty else { return groups }
            return groups.map { group in
                group + group.flatMap { member -> [(term: String, why: String?)] in
                    let folded = normalizer.normalize(member.term)
                    var out: [(term: String, why: String?)] = []
                    if stages.contains(.texting) { out += WordVariants.texting(of: folded).map { ($0.variant, $0.reason) } }
                    if stages.contains(.glued) { out += WordVariants.glued(of: folded).map { ($0.variant, $0.reason) } }
                    return out
                }
            }
        }

        /// The atoms of each written term's spellings (see ``termGroups(_:_:)``).
        package mutating func atomGroups(_ t: TermsSyntax, _ op: TextOp) -> [[Int32]] {
            termGroups(t, op).map { group in
                var out: [Int32] = []
                for (term, why) in group {
                    let known = atoms.count
                    let a = atom(term, op)
                    if let why {
                        if Int(a) >= known { derivations[a] = why }
                    } else {
                        derivations[a] = nil
                    }
                    if !out.contains(a) { out.append(a) }
                }
                return out
            }
        }

        package func subject(_ v: ValueSyntax) -> Subject {
            if case .field(let path, _) = v {
                let p = path.map(\.text)
                if p == ["text"] { return exactRule ? .exactText : .text }
                return exactRule ? .exactField(p) : .field(p)
            }
            return exactRule ? .exactText : .text
        }

        package func operand(_ v: ValueSyntax) -> Operand {
            switch v {
            case .field(let path, _):
                let p = path.map(\.text)
                return p == ["lang"] ? .lang : .field(p)
            case .string(let s): return .string(s.value)
            case .number(let n, _): return .number(n)
            case .duration(let d, _): return .duration(d)
            case .bool(let b, _): return .bool(b)
            case .null: return .null
            case .call(let n, let args, _): return .call(n.text, args.first.map(subject) ?? .text)
            }
        }

        package mutating func lower(_ e: Expr, _ file: SourceFile) -> Int32 {
            switch e {
            case .and(let a, let b):
                var kids: [Int32] = []
                for x in [a, b] {
                    let k = lower(x, file)
                    if case .and(let inner) = nodes[Int(k)] { kids += inner } else { kids.append(k) }
                }
                return intern(.and(kids), file, e.span)
            case .or(let a, let b):
                var kids: [Int32] = []
                for x in [a, b] {
                    let k = lower(x, file)
                    if case .or(let inner) = nodes[Int(k)] { kids += inner } else { kids.append(k) }
                }
                return intern(.or(kids), file, e.span)
            case .not(let a, let span): return intern(.not(lower(a, file)), file, span)
            case .ruleRef(let n, let span): return intern(.rule(ruleOrder[n.text] ?? 0), file, span)
            case .constant(let v, let span): return intern(.constant(v), file, span)
            case .text(let subj, let op, let q, let t, let near, let span):
                let groups = atomGroups(t, op)
                let a = groups.flatMap { $0 }
                if let near {
                    let groups2 = atomGroups(near.terms, .has)
                    let b2 = groups2.flatMap { $0 }
                    // `all` asks for each written term, any of its spellings: one `near` per term.
                    if (q == .all && groups.count < a.count) || (near.quantifier == .all && groups2.count < b2.count) {
                        var kids: [Int32] = []
                        for g in q == .all ? groups : [a] {
                            for g2 in near.quantifier == .all ? groups2 : [b2] {
                                kids.append(intern(.near(subject(subj), .any, g, .any, g2, Int32(near.within), near.order), file, span))
                            }
                        }
                        return intern(.and(kids), file, span)
                    }
                    return intern(.near(subject(subj), q, a, near.quantifier, b2, Int32(near.within), near.order), file, span)
                }
                var except: [Int32] = []
                if case .list(let n) = t.base { except = (ruleSet.lists[n.text]?.decl.except ?? []).map { atom($0.value, .contains) } }
                if q == .all && groups.count < a.count {
                    return intern(.and(groups.map { intern(.terms(subject(subj), op, .any, $0, except: except), file, span) }), file, span)
                }
                return intern(.terms(subject(subj), op, q, a, except: except), file, span)
            case .qualified(let inner, let qualifiers, let span):
                // `all` is an `and` of one node per term: each is qualified on its own.
                let test = lower(inner, file)
                let q = qualifiers.map { Qualifier(kind: $0.kind, negated: $0.negated) }
                func qualify(_ n: Int32) -> Int32 {
                    switch nodes[Int(n)] {
                    case .and(let kids): return intern(.and(kids.map(qualify)), file, span)
                    case .terms, .near: return intern(.qualified(n, q), file, span)
                    default: return n
                    }
                }
                return qualify(test)
            case .matches(let subj, let pattern, let flags, _, let span):
                let key = flags + "/" + pattern
                let index: Int32
                if let i = regexIndex[key] {
                    index = i
                } else {
                    let re = try! Regex(pattern, flags: flags)  // the checker compiled it already
                    let pre = RegexLiterals.required(pattern, flags: flags, stages: ruleSet.stages)?.map { self.pattern($0) }
                    index = Int32(regexes.count)
                    regexes.append(CompiledRegex(regex: re, prefilter: pre))
                    regexIndex[key] = index
                }
                return intern(.regex(subject(subj), index), file, span)
            case .count(let inner, let op, let rhs, let span):
                guard case .text(let subj, let textOp, _, let t, _, _) = inner else { return intern(.constant(false), file, span) }
                let a = atomGroups(t, textOp).flatMap { $0 }
                var n = 0.0
                if case .number(let v, _) = rhs { n = v }
                return intern(.count(subject(subj), a, op, n), file, span)
            case .compare(let a, let op, let b, let span):
                return intern(.compare(operand(a), op, operand(b)), file, span)
            case .isIn(let v, let t, let negated, let span):
                return intern(.isIn(operand(v), terms(t).map { $0.lowercased() }, negated), file, span)
            case .exists(let v, let span):
                return intern(.exists(operand(v)), file, span)
            case .windowCount(let inner, let w, let op, let rhs, let span):
                var n = 0.0
                if case .number(let v, _) = rhs { n = v }
                let cond = lower(inner, file)
                return intern(.window(cond, w.seconds, key(w), op, n), file, span)
            case .repeats(let w, let op, let rhs, let span):
                var n = 0.0
                if case .number(let v, _) = rhs { n = v }
                return intern(.repeats(w.seconds, key(w), op, n), file, span)
            }
        }

        /// The patterns one of which must fire for node `n` to be true, or nil if `n` can be true without any.
        package func gate(_ n: Int32, _ rules: [CompiledRule], _ memo: inout [Int32: [Int32]?]) -> [Int32]? {
            if let m = memo[n] { return m }
            let result: [Int32]?
            switch nodes[Int(n)] {
            case .terms(.text, _, _, let a, _), .near(.text, _, let a, _, _, _, _):
                result = Array(Set(a.map { atoms[Int($0)].pattern })).sorted()
            case .count(.text, let a, let op, let v):
                let needsOne: Bool
                switch op {
                case .ge: needsOne = v >= 1
                case .gt: needsOne = v >= 0
                case .eq: needsOne = v >= 1
                default: needsOne = false
                }
                result = needsOne ? Array(Set(a.map { atoms[Int($0)].pattern })).sorted() : nil
            case .regex(.text, let r): result = regexes[Int(r)].prefilter
            case .and(let kids):
                var best: [Int32]? = nil
                for k in kids {
                    if let g = gate(k, rules, &memo), best == nil || g.count < best!.count { best = g }
                }
                result = best
            case .or(let kids):
                var all = Set<Int32>()
                var ok = true
                for k in kids {
                    guard let g = gate(k, rules, &memo) else {
                        ok = false
                        break
                    }
                    all.formUnion(g)
                }
                result = ok ? all.sorted() : nil
            case .rule(let r): result = gate(rules[Int(r)].condition, rules, &memo)
            case .qualified(let inner, _): result = gate(inner, rules, &memo)
            case .constant(false): result = []
            default: result = nil
            }
            memo[n] = result
            return result
        }
    }
}
