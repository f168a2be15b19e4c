import Dispatch
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// What the explain trace records about one condition node.
public struct NodeTrace: Sendable {
    /// The node's value.
    public var value: Bool
    /// Original byte ranges of the matches, in the subject field.
    public var spans: [Range<Int>] = []
    /// Normalized byte ranges of the matches.
    public var normalizedSpans: [Range<Int>] = []
    /// Extra facts ("field author.role is missing", "count = 3").
    public var note: String?
}

/// The full trace of one comment's evaluation, for `vigie explain` and `run --explain`.
public final class Trace {
    /// Node values, for nodes that were evaluated.
    @exclusivity(unchecked) public var nodes: [Int32: NodeTrace] = [:]
    /// Rules that were evaluated (index in ``Program/rules``) with their result; rules skipped
    /// because no atom fired are absent.
    @exclusivity(unchecked) public var rules: [Int: Bool] = [:]
    /// Creates an empty trace.
    public init() {}
}

/// How much regex work one comment may cost. PCRE2's match limit stops one regex; this stops a
/// rule set whose many regexes would each run up to their limit on the same hostile comment.
/// When it is spent, the comment's remaining regexes are not run and count as not matched, and
/// its output line gets a warning saying how many were skipped.
public struct RegexBudget: Sendable, Equatable {
    /// Regexes that may be cut off by the match limit on one comment before the rest are skipped.
    /// Deterministic: the same input always gives the same decisions.
    public var maxCutoffs = 3
    /// Wall-clock time from the comment's first regex after which no other regex starts, in
    /// milliseconds (0: none). A safety net for regexes that stay just under the match limit;
    /// only a hostile rule set on a hostile comment ever reaches it.
    public var milliseconds = 100
    /// The default budget.
    public init(maxCutoffs: Int = 3, milliseconds: Int = 100) {
        self.maxCutoffs = maxCutoffs
        self.milliseconds = milliseconds
    }
}

/// The outcome of evaluating one input line.
public enum LineResult {
    /// A decision for a comment.
    case decision(Decision)
    /// The line could not be used: its error message and a short code.
    case error(code: String, message: String)
}

/// Evaluates comments against a ``Program``. One evaluator per worker: it owns all the scratch
/// space (normalized text, automaton hits, node memo), reused from one comment to the next.
public final class Evaluator {
    /// The program it runs.
    public let program: Program
    /// The field holding the comment's text (the first of ``textFallbacks`` when a field map
    /// gives several).
    public let textPath: [[UInt8]]
    /// The other paths of the text, tried in order when `textPath` is missing (a field map
    /// such as Discourse's `raw`, then `cooked`).
    package let textFallbacks: [[[UInt8]]]
    /// The paths of the comment's time, tried in order; nil for the default, `timestamp` then
    /// `created_at` (read without building paths).
    package let timePaths: [[[UInt8]]]?
    /// The paths of the comment's id, when a field map names them.
    package let idPaths: [[[UInt8]]]?
    /// The fields a field map names, split at dots, with the paths that hold them (empty without
    /// a map: then every field is read where it is named).
    package let mapped: [[String]: [[String]]]
    /// The fields that hold the text, as written in messages (`text`, `raw or cooked`).
    package let textFieldName: String
    /// The fields that hold the time, as written in messages.
    public let timeFieldName: String
    /// The time at which the line being evaluated was read, for a comment without a time of
    /// its own (live input, see ``RunOptions/arrivalClock``); nil: such a comment has no time.
    @exclusivity(unchecked) public var arrivalTime: Double?
    /// The text node of the comment being evaluated.
    @exclusivity(unchecked) package var textNode = -1
    /// The same path as raw bytes, read on every comment without reference counting (freed
    /// with the evaluator).
    package let textKeys: UnsafeMutableBufferPointer<UnsafeBufferPointer<UInt8>>
    /// The parsed line (valid after `evaluate`).
    @exclusivity(unchecked) public private(set) var doc = JSONDocument()
    /// The text field's decoded bytes, copied from the document the first time they are read
    /// after a comment (most comments never need them: the normalizer reads the document).
    public var text: [UInt8] {
        if let node = textPending {
            textStorage.removeAll(keepingCapacity: true)
            doc.withStringBytes(node) { textStorage.append(contentsOf: $0) }
            textPending = nil
        }
        return textStorage
    }
    @exclusivity(unchecked) package var textStorage: [UInt8] = []
    /// The text node of `doc` that `textStorage` is not filled from yet.
    @exclusivity(unchecked) package var textPending: Int?
    /// The normalized text of the last comment. Its arrays are filled from the normalizer's room
    /// the first time they are read after a comment: most comments never need them (the engine
    /// reads the room), and filling them is two copies.
    public var normalized: NormalizedText {
        if normalizedPending {
            normalizedStorage.fill(from: normalizedView)
            normalizedPending = false
        }
        return normalizedStorage
    }
    @exclusivity(unchecked) package var normalizedStorage = NormalizedText()
    /// Whether `normalizedStorage`'s arrays are behind `normalizedView`: the normalized bytes
    /// and runs of the comment in the normalizer's room, where the engine reads them.
    @exclusivity(unchecked) package var normalizedPending = false
    @exclusivity(unchecked) package var normalizedView = (bytes: UnsafeBufferPointer<UInt8>(start: nil, count: 0), runs: UnsafeBufferPointer<UInt8>(start: nil, count: 0))
    package let regexScratch = RegexScratch()
    package let normalizer: Normalizer
    package lazy var exactNormalizer = Normalizer(stages: .minimal)

    // Automaton hits, as per-pattern linked lists (reset by stamping). The per-pattern, per-rule
    // and per-node arrays are raw buffers owned by the evaluator: written on every comment, they
    // must not pay Swift arrays' uniqueness checks.
    @exclusivity(unchecked) package var serial: UInt32 = 0
    package let patternStamp: UnsafeMutablePointer<UInt32>
    package let patternHead: UnsafeMutablePointer<Int32>
    package let patternTail: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) package var hitEnd = RawVec<Int32>(capacity: 256)
    @exclusivity(unchecked) package var hitNext = RawVec<Int32>(capacity: 256)
    @exclusivity(unchecked) package var fired = RawVec<Int32>(capacity: 64)
    @exclusivity(unchecked) package var candidates = RawVec<Int32>(capacity: 64)
    /// The automaton's reporting steps (see ``AhoCorasick/walk(_:_:)``).
    @exclusivity(unchecked) package var steps = RawVec<Int64>(capacity: 1024)
    /// Per-rule counts and time, when profiling (`vigie run --profile`).
    @exclusivity(unchecked) public var profile: [RuleProfile]?
    package let ruleStamp: UnsafeMutablePointer<UInt32>
    package let nodeStamp: UnsafeMutablePointer<UInt32>
    package let nodeValue: UnsafeMutablePointer<Bool>
    /// The program's flat graph (as raw pointers) and automaton, read on every comment. The
    /// evaluator holds the program, which holds them; reading them must not touch their
    /// reference counts, which every worker shares (the atomic updates would bounce one cache
    /// line between cores): `let` properties of the evaluator are borrowed, not retained, for
    /// the length of a call.
    package let flat: FlatGraph.View
    package let automaton: AhoCorasick
    /// The program's regexes (see `flat`).
    package let regexes: [Regex]
    /// This evaluator's own copy (see `flat`).
    package let statefulReplyRules: [Int32]
    /// Whether each rule has a `reply` action (the others have no template to render).
    package let replies: [Bool]
    /// Field paths read on every comment, this evaluator's own copies (see above).
    package let idPath: [[UInt8]] = [Array("id".utf8)]
    package let namePath: [[UInt8]] = [Array("name".utf8)]
    package let langs: [String]
    /// Each of `langs` as its place in ``LanguageScore`` (0 French, 1 English, 2 Spanish, -1 other).
    package let langSlots: [Int]
    /// Whether `trace` is set (known without reading the reference).
    @exclusivity(unchecked) package var tracing = false
    @exclusivity(unchecked) package var wordStarts: [Int32] = []
    @exclusivity(unchecked) package var wordStartsReady = false
    @exclusivity(unchecked) package var trace: Trace?
    @exclusivity(unchecked) package var warnings: [String] = []
    /// Whether this comment has a warning (known without reading `warnings`, which would retain
    /// and release the array on every comment).
    @exclusivity(unchecked) package var warned = false

    /// Adds a warning to the comment's line.
    package func warn(_ message: String) {
        warnings.append(message)
        warned = true
    }
    @exclusivity(unchecked) package var commentTime: Double?
    @exclusivity(unchecked) package var lang = ""
    /// The regex budget of each comment.
    @exclusivity(unchecked) public var budget = RegexBudget()
    @exclusivity(unchecked) package var cutoffs = 0
    @exclusivity(unchecked) package var skippedRegexes = 0
    @exclusivity(unchecked) package var budgetSpent = false
    @exclusivity(unchecked) package var firstRegexAt: UInt64 = 0
    /// Derived values of the main text computed for this comment (see ``TextMetrics/names``).
    @exclusivity(unchecked) package var metricStamp = [UInt32](repeating: 0, count: TextMetrics.names.count)
    @exclusivity(unchecked) package var metricValue = [Double](repeating: 0, count: TextMetrics.names.count)
    /// Largest number of automaton hits kept per comment (protects memory on huge texts).
    @exclusivity(unchecked) public var maxHits = 1_000_000

    /// Creates an evaluator; `textField` is the dotted path of the text field, and `fields`
    /// says where the other fields are (a `textField` other than `text` wins over the map's).
    public init(program: Program, textField: String = "text", fields: FieldMap = FieldMap()) {
        self.program = program
        self.state = StateStage(program: program)
        self.normalizer = Normalizer(stages: program.stages)
        func bytes(_ path: [String]) -> [[UInt8]] { path.map { Array($0.utf8) } }
        let ownText = textField.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let textPaths: [[String]] = textField != "text" ? [ownText] : fields.paths("text") ?? [ownText]
        self.textPath = bytes(textPaths[0])
        self.textFallbacks = textPaths.dropFirst().map(bytes)
        self.textFieldName = textPaths.map { $0.joined(separator: ".") }.joined(separator: " or ")
        self.timePaths = fields.paths("timestamp").map { $0.map(bytes) }
        self.timeFieldName = fields.fields["timestamp"]?.joined(separator: " or ") ?? "timestamp or created_at"
        self.idPaths = fields.paths("id").map { $0.map(bytes) }
        var mapped: [[String]: [[String]]] = [:]
        for (k, _) in fields.fields { mapped[k.split(separator: ".", omittingEmptySubsequences: false).map(String.init)] = fields.paths(k) }
        mapped[["text"]] = nil
        self.mapped = mapped
        textKeys = .allocate(capacity: textPath.count)
        for (i, k) in textPath.enumerated() {
            let p = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: k.count)
            _ = p.initialize(from: k)
            textKeys[i] = UnsafeBufferPointer(p)
        }
        func buffer<T>(_ n: Int, _ v: T) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, n))
            p.initialize(repeating: v, count: max(1, n))
            return p
        }
        patternStamp = buffer(program.patterns.count, 0)
        patternHead = buffer(program.patterns.count, -1)
        patternTail = buffer(program.patterns.count, -1)
        ruleStamp = buffer(program.rules.count, 0)
        nodeStamp = buffer(program.nodes.count, 0)
        nodeValue = buffer(program.nodes.count, false)
        flat = program.flat.view
        automaton = program.automaton
        regexes = program.regexes.map(\.regex)
        statefulReplyRules = program.statefulReplyRules.map { $0 }
        replies = program.rules.map { r in r.actions.contains { $0.kind == .reply } }
        langs = program.langs.map { String($0) }
        langSlots = LanguageDetector.slots(of: langs)
    }

    deinit {
        patternStamp.deallocate()
        patternHead.deallocate()
        patternTail.deallocate()
        ruleStamp.deallocate()
        nodeStamp.deallocate()
        nodeValue.deallocate()
        for k in textKeys { k.deallocate() }
        textKeys.deallocate()
    }

    /// The sequential state stage used by ``evaluate(line:trace:)`` (windows, once per, cooldowns).
    public let state: StateStage

    /// Evaluates one JSON line in order, state included. With `trace`, records every condition's
    /// value and matches.
    public func evaluate<C: Collection>(line: C, trace: Trace? = nil) -> LineResult where C.Element == UInt8 {
        let p = partial(line: line, trace: trace)
        if let e = p.error { return .error(code: e.code, message: e.message) }
        return .decision(state.finish(p, trace: trace))
    }

    /// The first, stateless phase of a comment's evaluation: everything that does not depend on
    /// the comments before it. Safe to run on several workers at once (one evaluator each);
    /// ``StateStage/finish(_:trace:)`` completes it in input order.
    public func partial<C: Collection>(line: C, trace: Trace? = nil) -> Partial where C.Element == UInt8 {
        var p = Partial()
        partial(line: line, trace: trace, into: &p)
        return p
    }

    /// ``partial(line:trace:)`` into `p`, emptied first: a caller that keeps one `Partial` from
    /// one line to the next reuses its room.
    package func partial<C: Collection>(line: C, trace: Trace?, into p: inout Partial) where C.Element == UInt8 {
        p.reset()
        textPending = nil
        // The document is parsed and read as a local value, moved out of `doc` and back (a copy
        // of the stored property would retain and release its arrays on every comment, atomic
        // operations shared between cores); it is back in `doc` before any rule reads it.
        var d = JSONDocument()
        swap(&d, &doc)
        do {
            try d.parse(line)
        } catch {
            swap(&d, &doc)
            p.id = nil
            p.error = (error.message.hasPrefix("a comment must be") ? "not_object" : "invalid_json", error.description)
            return
        }
        if let n = idNode(d) { d.withRaw(n) { p.setID($0) } } else { p.setID(nil) }
        var found = d.lookup(UnsafeBufferPointer(textKeys))
        if found == nil, !textFallbacks.isEmpty {
            for path in textFallbacks {
                found = d.lookup(path)
                if found != nil { break }
            }
        }
        guard let t = found, d.kind(t) == .string else {
            let kind = found.map { d.kind($0) }
            swap(&d, &doc)
            p.error = ("no_text", kind.map { "the `\(textFieldName)` field is \($0), not a string" } ?? "the comment has no `\(textFieldName)` field")
            return
        }
        decide(textNode: t, in: &d, trace: trace, into: &p)
    }

    /// Decides the comment whose document is `doc`, moved out of ``doc``: it goes back there
    /// before the rules are evaluated (`doc` is left empty).
    package func decide(textNode: Int, in doc: inout JSONDocument, trace: Trace?, into p: inout Partial) {
        if trace != nil || tracing {
            self.trace = trace
            tracing = trace != nil
        }
        if warned {
            warnings.removeAll(keepingCapacity: true)
            warned = false
        }
        cutoffs = 0
        skippedRegexes = 0
        budgetSpent = false
        firstRegexAt = 0
        serial &+= 1
        if serial == 0 {
            // Stamps wrapped around: clear them once every 4 billion comments.
            patternStamp.update(repeating: 0, count: max(1, program.patterns.count))
            ruleStamp.update(repeating: 0, count: max(1, program.rules.count))
            nodeStamp.update(repeating: 0, count: max(1, program.nodes.count))
            serial = 1
        }
        // The comment's own `lang` field, else the language the normalizer finds evidence for.
        let langNode = (mapped.isEmpty ? doc.member(doc.root, "lang") : field(["lang"], in: doc)).flatMap { doc.kind($0) == .string && !doc.withStringBytes($0, \.isEmpty) ? $0 : nil }
        // Origins (the map back to the original bytes) only for a trace; `{match}` makes its own.
        // The text is normalized from the document's bytes (`text` is copied only if read), and
        // the normalized bytes and runs are read where the normalizer wrote them (reading the
        // arrays of `normalized` from here would retain and release them).
        let languages = langNode == nil && langs.count > 1
        let view = doc.withStringBytes(textNode) { bytes in
            return normalizer.normalize(buffer: bytes, into: &normalizedStorage, origins: trace != nil, languages: languages, arrays: false)
        }
        normalizedView = view
        normalizedPending = trace == nil
        wordStartsReady = false
        scan()
        commentTime = readCommentTime(doc) ?? arrivalTime
        p.time = commentTime
        self.textNode = textNode

        if let l = langNode {
            lang = doc.string(l).lowercased()
        } else {
            lang = chooseLanguage(normalizedStorage.languages)
            p.langDetected = true
        }
        p.lang = lang
        swap(&doc, &self.doc)
        textPending = textNode

        // Wake the rules gated by a fired pattern, plus the ungated ones; evaluate them in order.
        candidates.removeAll()
        let g = flat
        candidates.append(contentsOf: UnsafeBufferPointer(start: g.ungated, count: g.ungatedCount))
        for f in fired.buffer {
            let first = Int(g.wakeFirst[Int(f)])
            for j in first..<(first + Int(g.wakeCount[Int(f)])) {
                let r = g.list[j]
                if ruleStamp[Int(r)] != serial {
                    ruleStamp[Int(r)] = serial
                    candidates.append(r)
                }
            }
        }
        if candidates.count > g.ungatedCount {
            var all = UnsafeMutableBufferPointer(start: candidates.base, count: candidates.count)
            all.sort()
        }
        evaluateCandidates(&p)
        // Render the replies that may go out: those of matched rules and of stateful rules.
        if !p.matched.isEmpty {
            for i in p.matched where replies[Int(i)] { renderReplies(Int(i), &p) }
        }
        if !statefulReplyRules.isEmpty {
            for i in statefulReplyRules { renderReplies(Int(i), &p) }
        }
        if skippedRegexes > 0 {
            let why = cutoffs >= budget.maxCutoffs
                ? "\(cutoffs) regexes were cut off by their limit" : "its regexes ran for more than \(budget.milliseconds) ms"
            warn("regex budget spent (\(why)): \(skippedRegexes) more regex\(skippedRegexes == 1 ? " was" : "es were") skipped and count\(skippedRegexes == 1 ? "s" : "") as not matched")
        }
        if warned { p.warnings = warnings }
    }

    /// ``LanguageDetector/choose(_:candidates:)`` over `langs`, by their places in the score.
    package func chooseLanguage(_ score: LanguageScore) -> String {
        guard langs.count > 1 else { return langs.first ?? "und" }
        return langs[LanguageDetector.best(score, slots: langSlots)]
    }

    package func evaluateCandidates(_ p: inout Partial) {
        for i in candidates.buffer {
            let started = profile == nil ? 0 : DispatchTime.now().uptimeNanoseconds
            let v = eval(flat.ruleCondition[Int(i)])
            if profile != nil {
                profile![Int(i)].evaluated += 1
                profile![Int(i)].nanoseconds += DispatchTime.now().uptimeNanoseconds - started
                if v { profile![Int(i)].matched += 1 }
            }
            trace?.rules[Int(i)] = v
            if v { p.matched.append(i) }
        }
        if program.isStateful {
            p.frontier = program.frontier.map { eval($0) }
            p.keys = program.keyPaths.map { keyValue($0) }
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in normalized.bytes {
                h ^= UInt64(b)
                h = h &* 0x100_0000_01b3
            }
            p.textHash = h
        }
    }

    package func renderReplies(_ rule: Int, _ p: inout Partial) {
        for a in program.rules[rule].actions where a.kind == .reply {
            if let name = a.argument, p.replies[name] == nil { p.replies[name] = renderTemplate(name, rule: rule) }
        }
    }

    /// The value of a key field as text: strings and numbers as written; for an object (such as
    /// `author`), its `id` or else its `name`.
    package func keyValue(_ path: [String]) -> String? {
        // A map may name the key's parts and not the object itself (YouTube's author is
        // `authorChannelId.value` and `authorDisplayName`).
        if !mapped.isEmpty, mapped[path] == nil, let n = field(path + ["id"]) ?? field(path + ["name"]) {
            switch doc.kind(n) {
            case .string: return doc.string(n)
            case .number, .bool: return String(decoding: doc.raw(n), as: UTF8.self)
            default: return nil
            }
        }
        guard var n = field(path) else { return nil }
        if doc.kind(n) == .object {
            guard let inner = doc.member(n, idPath[0]) ?? doc.member(n, namePath[0]) else { return nil }
            n = inner
        }
        switch doc.kind(n) {
        case .string: return doc.string(n)
        case .number, .bool: return String(decoding: doc.raw(n), as: UTF8.self)
        default: return nil
        }
    }

    /// The node of Vigie field `path` in the parsed comment: where the field map says, else at
    /// `path` itself.
    @inline(__always) package func field(_ path: [String]) -> Int? { field(path, in: doc) }

    /// ``field(_:)`` in `doc` (the comment's document while it is moved out of ``doc``).
    package func field(_ path: [String], in doc: JSONDocument) -> Int? {
        if !mapped.isEmpty, let alternatives = mapped[path] {
            for a in alternatives { if let n = doc.lookup(names: a) { return n } }
            return nil
        }
        if path.count == 1, path[0] == "text", textNode >= 0 { return textNode }
        return doc.lookup(names: path)
    }

    /// The node of the comment's id: `id`, or where the field map says.
    package func idNode(_ doc: JSONDocument) -> Int? {
        guard let idPaths else { return doc.member(doc.root, "id") }
        for path in idPaths { if let n = doc.lookup(path) { return n } }
        return nil
    }

    /// Runs the shared automaton once over the normalized text.
    package func scan() {
        fired.removeAll()
        hitEnd.removeAll()
        hitNext.removeAll()
        let s = serial
        let cap = maxHits
        // A local function, not a closure value: passed only where it cannot escape, it needs
        // no context allocated per comment.
        func hit(_ p: Int32, _ end: Int) {
            let pi = Int(p)
            guard self.hitEnd.count < cap else { return }
            let h = Int32(self.hitEnd.count)
            self.hitEnd.append(Int32(end))
            self.hitNext.append(-1)
            if self.patternStamp[pi] != s {
                self.patternStamp[pi] = s
                self.patternHead[pi] = h
                self.fired.append(p)
            } else {
                self.hitNext[Int(self.patternTail[pi])] = h
            }
            self.patternTail[pi] = h
        }
        do {
            let buf = normalizedView.bytes
            do {
                let ac = automaton
                if ac.isDense, buf.count <= AhoCorasick.walkLimit {
                    let w = ac.walk(buf, &steps)
                    ac.reportSteps(steps, w, hit)
                } else {
                    ac.scan(buf, hit)
                }
            }
        }
    }

    // MARK: - Conditions

    /// A node's value, computed once per comment. With a trace, the node's evidence (spans,
    /// notes) is recorded as the walk passes: the same walk decides with and without a trace.
    package func eval(_ n: Int32) -> Bool {
        let i = Int(n)
        if nodeStamp[i] == serial { return nodeValue[i] }
        let v: Bool
        if trace == nil {
            var t: NodeTrace? = nil
            v = node(i, &t)
        } else {
            var t: NodeTrace? = NodeTrace(value: false)
            v = node(i, &t)
            t!.value = v
            trace?.nodes[n] = t
        }
        nodeStamp[i] = serial
        nodeValue[i] = v
        return v
    }

    /// The one interpreter of the condition graph: the common nodes read the flat graph without
    /// touching the enum, the others go through ``general(_:_:)``. `t` is nil when nothing is
    /// traced; the only thing a trace changes is how much evidence is gathered (every occurrence
    /// instead of the first), never the value.
    package func node(_ i: Int, _ t: inout NodeTrace?) -> Bool {
        let g = flat
        switch g.kind[i] {
        case .constantFalse: return false
        case .constantTrue: return true
        case .and:
            let s = Int(g.first[i])
            for j in s..<(s + Int(g.count[i])) where !eval(g.list[j]) { return false }
            return true
        case .or:
            let s = Int(g.first[i])
            for j in s..<(s + Int(g.count[i])) where eval(g.list[j]) { return true }
            return false
        case .not: return !eval(g.first[i])
        case .rule:
            let r = Int(g.first[i])
            guard anyFired(g.gateFirst[r], g.gateCount[r]) else {
                if t != nil { t!.note = "no term of rule \(program.rules[r].name) appears" }
                return false
            }
            return eval(g.ruleCondition[r])
        case .termsAny:
            if t != nil { return general(i, &t) }
            let s = Int(g.first[i])
            for j in s..<(s + Int(g.count[i])) where occursInText(Int(g.list[j])) { return true }
            return false
        case .termsAll:
            if t != nil { return general(i, &t) }
            let s = Int(g.first[i])
            for j in s..<(s + Int(g.count[i])) where !occursInText(Int(g.list[j])) { return false }
            return true
        case .regexText:
            let r = Int(g.first[i])
            guard anyFired(g.prefilterFirst[r], g.prefilterCount[r]) else {
                if t != nil, let pre = program.regexes[r].prefilter {
                    t!.note = "skipped: none of its required words (\(pre.map { String(decoding: program.patterns[Int($0)], as: UTF8.self) }.joined(separator: ", "))) appears"
                }
                return false
            }
            return runRegex(r, on: text, isText: true, &t)
        case .other:
            return general(i, &t)
        }
    }

    /// Whether one of the `count` patterns at `first` in the flat list fired on this comment;
    /// true when `count` is -1 (no gate, no prefilter).
    @inline(__always) package func anyFired(_ first: Int32, _ count: Int32) -> Bool {
        guard count >= 0 else { return true }
        let s = Int(first)
        for j in s..<(s + Int(count)) where patternStamp[Int(flat.list[j])] == serial { return true }
        return false
    }

    /// Whether atom `a` occurs in the main text with its boundaries and letter runs (the
    /// allocation-free form of ``occurrences(atoms:subject:_:limit:)`` with limit 1).
    @inline(__always) package func occursInText(_ a: Int) -> Bool {
        let p = Int(flat.atomPattern[a])
        guard patternStamp[p] == serial else { return false }
        let len = Int(flat.patternLength[p])
        var h = Int(patternHead[p])
        while h >= 0 {
            let e = Int(hitEnd[h])
            if accepts(a, e - len, e, normalizedView.bytes, normalizedView.runs) { return true }
            h = Int(hitNext[h])
        }
        return false
    }

    /// The nodes the flat graph does not lay out (terms of fields or with exceptions, `near`,
    /// `count`, regexes on fields, comparisons, lists, existence), and the terms of the text when
    /// a trace asks for every occurrence. Called only by ``node(_:_:)``.
    package func general(_ i: Int, _ t: inout NodeTrace?) -> Bool {
        switch program.nodes[i] {
        case .constant, .and, .or, .not, .rule:
            assertionFailure("node \(i) is laid out in the flat graph")
            return false
        case .terms(let subject, _, let q, let atoms, let except):
            return terms(subject, q, atoms, except, nil, &t)
        case .near(let subject, let q1, let a1, let q2, let a2, let within, let order):
            guard let subj = subjectText(subject, &t) else { return false }
            let o1 = occurrences(atoms: a1, subject: subject, subj, limit: 10_000)
            return near(o1, subject, subj, q1, a1, q2, a2, within, order, &t)
        case .qualified(let inner, let qualifiers):
            return qualified(inner, qualifiers, &t)
        case .count(let subject, let atoms, let op, let rhs):
            guard let subj = subjectText(subject, &t) else { return false }
            let occ = occurrences(atoms: atoms, subject: subject, subj, limit: 100_000)
            record(Array(occ.prefix(16)), subj, &t)
            t?.note = "count = \(occ.count)"
            return compareNumbers(Double(occ.count), op, rhs)
        case .regex(let subject, let index):
            let re = program.regexes[Int(index)]
            if case .text = subject, let pre = re.prefilter, !pre.contains(where: { patternStamp[Int($0)] == serial }) {
                t?.note = "skipped: none of its required words (\(pre.map { String(decoding: program.patterns[Int($0)], as: UTF8.self) }.joined(separator: ", "))) appears"
                return false
            }
            switch subject {
            case .text, .exactText: return runRegex(Int(index), on: text, isText: subject == .text, &t)
            case .field(let path), .exactField(let path):
                guard let node = field(path), doc.kind(node) == .string else {
                    t?.note = "field \(path.joined(separator: ".")) is missing or not a string"
                    return false
                }
                return runRegex(Int(index), on: Array(doc.stringBytes(node)), isText: false, &t)
            }
        case .compare(let a, let op, let b):
            let va = value(a)
            let vb = value(b)
            return compareValues(va, op, vb, &t)
        case .isIn(let a, let list, let negated):
            let v = value(a)
            let s: String
            switch v {
            case .string(let x): s = x.lowercased()
            case .number(let x): s = x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
            case .bool(let x): s = String(x)
            case .missing(let why):
                t?.note = why
                return false
            default:
                t?.note = "value is \(v.typeName)"
                return false
            }
            return list.contains(s) != negated
        case .window, .repeats:
            // Decided by the state stage, never in the stateless phase.
            return false
        case .exists(let a):
            switch value(a) {
            case .missing, .null: return false
            default: return true
            }
        }
    }

    /// Runs regex `index` on `bytes` within the comment's budget; a cut-off or an error counts as
    /// not matched and is reported in the comment's warnings.
    package func runRegex(_ index: Int, on bytes: [UInt8], isText: Bool, _ t: inout NodeTrace?) -> Bool {
        guard budgetAllowsRegex() else {
            t?.note = "skipped: this comment's regex budget is spent; counts as not matched"
            return false
        }
        let regex = regexes[index]
        let r = bytes.withUnsafeBufferPointer { buf in regex.firstMatch(in: buf, scratch: regexScratch) }
        switch r {
        case .match(let range):
            if t != nil {
                t!.spans = [range]
                if isText { t!.normalizedSpans = normalizedRange(of: range).map { [$0] } ?? [] }
            }
            return true
        case .noMatch: return false
        case .limitExceeded(let why):
            cutoffs += 1
            let limit = why == .steps ? "match limit" : "time limit"
            let msg = "regex /\(regex.pattern)/ was cut off by its \(limit) and counts as not matched"
            if !warnings.contains(msg) { warn(msg) }
            t?.note = msg
            return false
        case .error(let code):
            warn("regex /\(regex.pattern)/ failed with PCRE2 error \(code)")
            return false
        }
    }

    /// Whether one more regex may run on this comment (see ``RegexBudget``); counts it as
    /// skipped when not.
    package func budgetAllowsRegex() -> Bool {
        if !budgetSpent, cutoffs >= budget.maxCutoffs { budgetSpent = true }
        if !budgetSpent, budget.milliseconds > 0 {
            let now = DispatchTime.now().uptimeNanoseconds
            if firstRegexAt == 0 {
                firstRegexAt = now
            } else if now &- firstRegexAt > UInt64(budget.milliseconds) * 1_000_000 {
                budgetSpent = true
            }
        }
        if budgetSpent { skippedRegexes += 1 }
        return !budgetSpent
    }

    // MARK: - Text subjects

    /// A subject's original and normalized text.
    package struct SubjectText {
        package var original: [UInt8]
        package var normalized: NormalizedText
        package var isMain: Bool
    }

    @exclusivity(unchecked) package var otherSubject = NormalizedText()

    package func subjectText(_ s: Subject, _ t: inout NodeTrace?) -> SubjectText? {
        switch s {
        case .text: return SubjectText(original: [], normalized: NormalizedText(), isMain: true)
        case .exactText:
            var n = NormalizedText()
            exactNormalizer.normalize(text, into: &n)
            return SubjectText(original: text, normalized: n, isMain: false)
        case .field(let path), .exactField(let path):
            guard let node = field(path) else {
                t?.note = "field \(path.joined(separator: ".")) is missing"
                return nil
            }
            guard doc.kind(node) == .string else {
                t?.note = "field \(path.joined(separator: ".")) is \(doc.kind(node)), not a string"
                return nil
            }
            let bytes = Array(doc.stringBytes(node))
            var n = NormalizedText()
            if case .exactField = s { exactNormalizer.normalize(bytes, into: &n) } else { normalizer.normalize(bytes, into: &n) }
            return SubjectText(original: bytes, normalized: n, isMain: false)
        }
    }

    /// Whether the terms `atoms` occur in `subject` (`any` or `all` of them), outside the
    /// occurrences of `except`, and — when `keep` is given — where `keep` keeps an occurrence.
    package func terms(_ subject: Subject, _ q: Quantifier, _ atoms: [Int32], _ except: [Int32],
                       _ keep: ((_ occ: [Range<Int>], _ subj: SubjectText) -> [Range<Int>])?, _ t: inout NodeTrace?) -> Bool {
        guard let subj = subjectText(subject, &t) else { return false }
        let excluded = except.isEmpty ? [] : occurrences(atoms: except, subject: subject, subj, limit: 10_000)
        var found = 0
        for a in atoms {
            var occ = occurrences(atoms: [a], subject: subject, subj, limit: excluded.isEmpty && t == nil && keep == nil ? 1 : 10_000)
            if !excluded.isEmpty {
                occ.removeAll { o in excluded.contains { $0.lowerBound <= o.lowerBound && o.upperBound <= $0.upperBound } }
            }
            if let keep { occ = keep(occ, subj) }
            occ = Array(occ.prefix(16))
            if !occ.isEmpty {
                found += 1
                record(occ, subj, &t)
                if t != nil, let why = program.derivations[a] {
                    let spelling = "`\(String(decoding: program.patterns[Int(program.atoms[Int(a)].pattern)], as: UTF8.self))` is \(why)"
                    t!.note = t!.note.map { $0 + "; " + spelling } ?? spelling
                }
                if q == .any, t == nil { return true }
            } else if q == .all {
                return false
            }
        }
        return q == .all ? found == atoms.count : found > 0
    }

    /// Whether an occurrence of `o1` (the first terms, `a1`) and one of `a2` are at most `within`
    /// words apart, in the `order` asked.
    package func near(_ o1: [Range<Int>], _ subject: Subject, _ subj: SubjectText, _ q1: Quantifier, _ a1: [Int32], _ q2: Quantifier, _ a2: [Int32],
                      _ within: Int32, _ order: NearOrder, _ t: inout NodeTrace?) -> Bool {
        let o2 = occurrences(atoms: a2, subject: subject, subj, limit: 10_000)
        if q1 == .all, !a1.allSatisfy({ !occurrences(atoms: [$0], subject: subject, subj, limit: 1).isEmpty }) { return false }
        if q2 == .all, !a2.allSatisfy({ !occurrences(atoms: [$0], subject: subject, subj, limit: 1).isEmpty }) { return false }
        for x in o1 {
            for y in o2 {
                switch order {
                case .either: break
                case .before: if x.lowerBound >= y.lowerBound { continue }
                case .after: if x.lowerBound <= y.lowerBound { continue }
                }
                let (first, second) = x.lowerBound <= y.lowerBound ? (x, y) : (y, x)
                let d = wordIndex(second.lowerBound, subj.normalized) - wordIndex(max(first.lowerBound, first.upperBound - 1), subj.normalized)
                if d <= Int(within) {
                    record([x, y], subj, &t)
                    let apart = "\(max(0, d)) word\(d == 1 ? "" : "s") apart"
                    if t != nil {
                        let before = t!.note
                        t!.note = before.map { $0 + "; " + apart } ?? apart
                    }
                    return true
                }
            }
        }
        return false
    }

    /// The context of the main text, built at most once per comment (`serial`).
    @exclusivity(unchecked) package var mainContext: (serial: UInt32, context: TextContext)?
    /// The reporting frames: the built-in ones and the rule set's `reporting_frames` list.
    package lazy var frames: [[String]] = {
        var out = ContextWords.frames
        for term in program.ruleSet.lists["reporting_frames"]?.terms ?? [] {
            let words = normalizer.normalize(term).split(separator: " ").map(String.init)
            if !words.isEmpty, !out.contains(words) { out.append(words) }
        }
        return out
    }()

    /// The context of a subject's text (see ``TextContext``).
    package func context(_ subj: SubjectText) -> TextContext {
        if !subj.isMain { return TextContext(original: subj.original, normalized: subj.normalized, frames: frames) }
        if let c = mainContext, c.serial == serial { return c.context }
        var n = normalized
        if !n.hasOrigins {
            n = NormalizedText()
            normalizer.normalize(text, into: &n)
        }
        let c = TextContext(original: text, normalized: n, frames: frames)
        mainContext = (serial, c)
        return c
    }

    /// Whether the occurrence `r` satisfies every qualifier, and what decided it (for `explain`).
    package func satisfies(_ r: Range<Int>, _ qualifiers: [Qualifier], _ ctx: TextContext) -> (ok: Bool, why: String) {
        var why: [String] = []
        for q in qualifiers {
            let cue: String?
            switch q.kind {
            case .quoted: cue = ctx.quoted(r)
            case .negated: cue = ctx.negation(r).map { "by `\($0)`" }
            case .addressed: cue = ctx.addressee(r).map { "by `\($0)`" }
            case .selfDirected: cue = ctx.selfDirected(r).map { "by `\($0)`" }
            }
            let name = q.kind.rawValue
            if (cue != nil) == q.negated {
                return (false, cue.map { "\(name) \($0)" } ?? "not \(name)")
            }
            why.append(cue.map { "\(name) \($0)" } ?? "not \(name)")
        }
        return (true, why.joined(separator: ", "))
    }

    /// A `terms` or `near` node whose first terms count only where every qualifier holds.
    package func qualified(_ inner: Int32, _ qualifiers: [Qualifier], _ t: inout NodeTrace?) -> Bool {
        var notes: [String] = []
        let tracing = t != nil
        defer {
            if tracing, !notes.isEmpty {
                let spellings = t!.note
                t!.note = ([notes.joined(separator: "; ")] + [spellings].compactMap { $0 }).joined(separator: "; ")
            }
        }
        func keep(_ occ: [Range<Int>], _ subj: SubjectText) -> [Range<Int>] {
            let ctx = context(subj)
            let text = subj.isMain ? normalized : subj.normalized
            return occ.filter { r in
                let (ok, why) = satisfies(r, qualifiers, ctx)
                if tracing, notes.count < 8 {
                    let word = r.upperBound <= text.bytes.count ? String(decoding: text.bytes[r], as: UTF8.self) : "?"
                    notes.append("`\(word)`: \(why)\(ok ? "" : " — left out")")
                }
                return ok
            }
        }
        switch program.nodes[Int(inner)] {
        case .terms(let subject, _, let q, let atoms, let except):
            return terms(subject, q, atoms, except, keep, &t)
        case .near(let subject, let q1, let a1, let q2, let a2, let within, let order):
            guard let subj = subjectText(subject, &t) else { return false }
            let o1 = keep(occurrences(atoms: a1, subject: subject, subj, limit: 10_000), subj)
            return near(o1, subject, subj, q1, a1, q2, a2, within, order, &t)
        default:
            return eval(inner)
        }
    }

    /// Normalized ranges where any of `atoms` occurs with its operator's boundary rule, in text order.
    package func occurrences(atoms: [Int32], subject: Subject, _ subj: SubjectText, limit: Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        let text = subj.isMain ? normalized : subj.normalized
        text.bytes.withUnsafeBufferPointer { bytes in
            text.runs.withUnsafeBufferPointer { runs in
                for a in atoms {
                    let p = Int(flat.atomPattern[Int(a)])
                    let len = Int(flat.patternLength[p])
                    if subj.isMain {
                        guard patternStamp[p] == serial else { continue }
                        var h = patternHead[p]
                        while h >= 0, out.count < limit {
                            let e = Int(hitEnd[Int(h)])
                            if accepts(Int(a), e - len, e, bytes, runs) { out.append((e - len)..<e) }
                            h = hitNext[Int(h)]
                        }
                    } else {
                        let needle = program.patterns[p]
                        guard len > 0, bytes.count >= len else { continue }
                        var s = 0
                        while s + len <= bytes.count, out.count < limit {
                            if bytes[s] == needle[0], bytes[s..<(s + len)].elementsEqual(needle), accepts(Int(a), s, s + len, bytes, runs) {
                                out.append(s..<(s + len))
                            }
                            s += 1
                        }
                    }
                }
            }
        }
        if atoms.count > 1 { out.sort { $0.lowerBound < $1.lowerBound } }
        return out
    }

    /// Whether an occurrence `s..<e` of atom `a`'s pattern in normalized `bytes` (with their
    /// `runs`) counts: the operator's boundaries, and letter runs that agree — a doubled letter
    /// in the text matches a single one in the term (and back) only when the word is obfuscated
    /// or the run is an elongation of three or more.
    @inline(__always) package func accepts(_ a: Int, _ s: Int, _ e: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ runs: UnsafeBufferPointer<UInt8>) -> Bool {
        let op = flat.atomOp[a]
        switch op {
        case 0: if !((s == 0 || bytes[s - 1] == 0x20) && (e == bytes.count || bytes[e] == 0x20)) { return false }  // has
        case 2: if s != 0 { return false }  // starts with
        case 3: if e != bytes.count { return false }  // ends with
        default: break  // contains
        }
        let want = flat.runs + Int(flat.atomRuns[a])
        let last = e - s - 1
        var k = 0
        while k <= last {
            let tr = runs[s + k]
            let t = tr & 0x7F
            // A substring may start or end inside a run of the text (`scam` in `scammer`).
            let edge = op != 0 && (k == 0 || k == last) && t > want[k]
            if t != want[k], !edge, tr & NormalizedText.evasive == 0, t < 3, want[k] < 3 { return false }
            k += 1
        }
        return true
    }

    package func record(_ occ: [Range<Int>], _ subj: SubjectText, _ t: inout NodeTrace?) {
        guard t != nil else { return }
        let n = subj.isMain ? normalized : subj.normalized
        for r in occ {
            t!.normalizedSpans.append(r)
            t!.spans.append(n.originalRange(r.lowerBound, r.upperBound))
        }
    }

    package func wordIndex(_ offset: Int, _ n: NormalizedText) -> Int {
        let bytes = n.bytes.isEmpty ? normalized.bytes : n.bytes
        var count = 0
        var i = 0
        while i < offset, i < bytes.count {
            if bytes[i] == 0x20 { count += 1 }
            i += 1
        }
        return count
    }

    package func normalizedRange(of original: Range<Int>) -> Range<Int>? {
        var s: Int?
        var e = 0
        for (i, o) in normalized.origin.enumerated() where Int(o) >= original.lowerBound && Int(normalized.originEnd[i]) <= original.upperBound {
            if s == nil { s = i }
            e = i + 1
        }
        return s.map { $0..<e }
    }
}
