import Foundation
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// What the stateless phase of evaluation hands to the state stage for one comment.
public struct Partial: Sendable {
    /// Error code and message when the line could not be used.
    public var error: (code: String, message: String)?
    /// The comment's `id` as raw JSON.
    public var id: [UInt8]?
    /// Language, and whether it was detected.
    public var lang = ""
    public var langDetected = false
    /// Stateless rules whose condition held (indexes in evaluation order).
    public var matched: [Int32] = []
    /// Values of ``Program/frontier`` nodes.
    public var frontier: [Bool] = []
    /// Values of ``Program/keyPaths`` (nil when missing).
    public var keys: [String?] = []
    /// Event time (seconds since 1970) when the comment has one.
    public var time: Double?
    /// Hash of the normalized text (for `repeats`).
    public var textHash: UInt64 = 0
    /// Rendered replies by template name.
    public var replies: [String: (text: String, variant: Int)] = [:]
    /// Problems met while evaluating.
    public var warnings: [String] = []

    /// Whether the comment needs no decision built: no error, no rule matched, no warning. Its
    /// line is `DecisionWriter.quietLine`, unless it comes later than the lateness allows or
    /// rules with state are still to decide.
    package var isQuiet: Bool { error == nil && matched.isEmpty && warnings.isEmpty }

    /// Creates an empty partial result.
    public init() {}

    /// Only the time of a comment whose line a worker already wrote (see ``slim``).
    package init(slimWithTime time: Double?) {
        self.time = time
        slim = true
    }

    /// Whether this holds only the comment's time: its line was written by a worker, and the
    /// writer evaluates it again only if it comes late.
    package var slim = false

    /// Empties it for the next comment, keeping the room of its id and matched rules (a worker
    /// reuses one per line: no allocation, no reference counting in the steady state).
    package mutating func reset() {
        error = nil
        lang = ""
        langDetected = false
        matched.removeAll(keepingCapacity: true)
        if !frontier.isEmpty { frontier.removeAll(keepingCapacity: true) }
        if !keys.isEmpty { keys.removeAll(keepingCapacity: true) }
        time = nil
        textHash = 0
        if !replies.isEmpty { replies.removeAll(keepingCapacity: true) }
        if !warnings.isEmpty { warnings.removeAll() }
    }

    /// Sets ``id`` to `bytes`, the id's raw JSON (nil for none), reusing its room. The id is
    /// copied to the output line as it was written, so bytes that are not UTF-8 (which JSON
    /// allows only inside strings, where they make the line invalid for strict parsers) become
    /// U+FFFD; an id of ASCII bytes, the common case, is only scanned.
    package mutating func setID(_ bytes: UnsafeRawBufferPointer?) {
        guard let bytes else {
            id = nil
            return
        }
        if id == nil { id = [] }
        id!.removeAll(keepingCapacity: true)
        if bytes.contains(where: { $0 >= 0x80 }), String(validating: bytes, as: UTF8.self) == nil {
            id!.append(contentsOf: String(decoding: bytes, as: UTF8.self).utf8)
        } else {
            id!.append(contentsOf: bytes)
        }
    }
}

/// The sequential stage of evaluation: event-time windows, `repeats`, `once per` and reply
/// cooldowns. It sees comments in input order, so results do not depend on the number of
/// workers, and it never reads the wall clock.
///
/// Time: each comment's time is its `timestamp` (or `created_at`, or the field named by
/// `--time-field` or a field map), else, on live input, the time its line was read
/// (``Evaluator/arrivalTime``). A comment with no time at all is left out of every window: it is
/// not counted, and its own window conditions (`count(…, window …)`, `repeats`) are false — a
/// stream without times must not look like one where every comment came at once. Its `once
/// per` and cooldowns are still kept, at the latest time seen (0 before any), so that they err
/// on the side of fewer escalations and replies. A window counts the events in
/// `(latest − window, latest]`, where latest is the latest time seen including this comment.
/// Comments may arrive out of order by up to ``lateness`` and are recorded at their own time; an
/// older one is recorded at `latest − lateness` and the output says so.
///
/// Memory: events older than `latest − window − lateness` are dropped; each window keeps at most
/// ``maxKeys`` keys — past that, expired keys go first, then the least recently seen.
public final class StateStage {
    package let program: Program
    /// How far behind the latest time a comment may be and still be counted at its own time.
    @exclusivity(unchecked) public var lateness: Double = 300
    /// The most keys one window keeps.
    @exclusivity(unchecked) public var maxKeys = 1_000_000
    /// The most events one key keeps in one window.
    @exclusivity(unchecked) public var maxEventsPerKey = 100_000
    /// The latest event time seen.
    @exclusivity(unchecked) public internal(set) var watermark: Double?
    /// Comments that had no time while the rules have windows: the windows left them out.
    @exclusivity(unchecked) public internal(set) var untimed = 0
    /// Whether the comment being finished has a time (windows leave it out when not).
    @exclusivity(unchecked) package var timed = true

    package struct Events {
        package var times: [Double] = []
        package var hashes: [UInt64] = []
        package var head = 0
        package var lastSeen: Double = 0

        /// Records an event in time order, keeping at most `cap` (the oldest go first). The
        /// dropped prefix is cut off once it is larger than what is kept, so memory stays
        /// within twice the cap and each insert costs O(1) amortized when times come in order.
        package mutating func insert(_ t: Double, _ hash: UInt64, cap: Int) {
            if times.count - head >= cap { head += 1 }
            if head > 64, head * 2 > times.count {
                times.removeFirst(head)
                hashes.removeFirst(head)
                head = 0
            }
            var i = times.count
            while i > head, times[i - 1] > t { i -= 1 }
            if i == times.count {
                times.append(t)
                hashes.append(hash)
            } else {
                times.insert(t, at: i)
                hashes.insert(hash, at: i)
            }
            lastSeen = max(lastSeen, t)
        }
    }

    @exclusivity(unchecked) package var windows: [[String: Events]]
    @exclusivity(unchecked) package var once: [String: Double] = [:]
    @exclusivity(unchecked) package var cooldowns: [String: Double] = [:]
    /// Per node: its index in ``Program/frontier`` and in ``Program/windowNodes``, or -1.
    package let frontierIndex: [Int]
    package let windowIndex: [Int]
    /// Node values of the comment being finished (valid where `memoStamp` is `memoSerial`).
    @exclusivity(unchecked) package var memoStamp: [UInt32]
    @exclusivity(unchecked) package var memoValue: [Bool]
    @exclusivity(unchecked) package var memoSerial: UInt32 = 0
    @exclusivity(unchecked) package var sinceSweep = 0

    /// Creates an empty state for `program`.
    public init(program: Program) {
        self.program = program
        windows = Array(repeating: [:], count: program.windowNodes.count)
        var fi = [Int](repeating: -1, count: program.nodes.count)
        for (i, n) in program.frontier.enumerated() { fi[Int(n)] = i }
        frontierIndex = fi
        var wi = [Int](repeating: -1, count: program.nodes.count)
        for (i, n) in program.windowNodes.enumerated() { wi[Int(n)] = i }
        windowIndex = wi
        memoStamp = [UInt32](repeating: 0, count: program.nodes.count)
        memoValue = [Bool](repeating: false, count: program.nodes.count)
    }

    /// Number of keys held across all windows.
    public var keyCount: Int { windows.reduce(0) { $0 + $1.count } + once.count + cooldowns.count }

    /// Moves the watermark to a comment's time, and says whether the comment is later than
    /// ``lateness`` allows (then the watermark is left alone; ``finish(_:trace:)`` counts it at
    /// the latest time allowed and says so in its warnings).
    /// Whether ``observe(_:)`` would call a comment at `time` late (and change nothing).
    package func isLate(_ time: Double?) -> Bool {
        guard let t = time, let w = watermark else { return false }
        return t < w - lateness
    }

    package func observe(_ time: Double?) -> Bool {
        guard let t = time else { return false }
        if let w = watermark, t < w - lateness { return true }
        watermark = max(watermark ?? t, t)
        return false
    }

    /// Completes a comment's decision in input order.
    public func finish(_ p: Partial, trace: Trace? = nil) -> Decision {
        var d = Decision()
        d.lang = p.lang
        d.langDetected = p.langDetected
        d.warnings = p.warnings
        var now = watermark ?? 0
        if let t = p.time {
            if observe(t), let w = watermark {
                now = w - lateness
                d.warnings.append("timestamp is \(formatDuration(w - t)) behind the latest one (more than the \(formatDuration(lateness)) allowed): counted as \(formatDuration(w - now)) behind")
            } else {
                now = t
            }
        }
        var matched = p.matched
        timed = p.time != nil
        if !timed, !program.windowNodes.isEmpty { untimed += 1 }
        if program.isStateful {
            if timed { record(p, at: now) }
            memoSerial &+= 1
            if memoSerial == 0 {
                for i in memoStamp.indices { memoStamp[i] = 0 }
                memoSerial = 1
            }
            for (i, r) in program.rules.enumerated() where program.ruleStateful[i] {
                let v = value(r.condition, p, now, trace)
                trace?.rules[i] = v
                if v { matched.append(Int32(i)) }
            }
            matched.sort()
            sinceSweep += 1
            if sinceSweep >= 10_000 {
                sweep()
                sinceSweep = 0
            }
        }
        d.apply(matched, of: program.rules)
        fill(&d, p, now)
        return d
    }

    /// Adds the comment to every window it counts in.
    package func record(_ p: Partial, at now: Double) {
        for (wi, n) in program.windowNodes.enumerated() {
            switch program.nodes[Int(n)] {
            case .window(let cond, _, let key, _, _):
                let fi = frontierIndex[Int(cond)]
                guard fi >= 0, p.frontier[fi], let k = keyString(key, p) else { continue }
                insert(wi, k, now, 0)
            case .repeats(_, let key, _, _):
                guard let k = keyString(key, p) else { continue }
                insert(wi, k, now, p.textHash)
            default: break
            }
        }
    }

    package func keyString(_ key: Int32, _ p: Partial) -> String? { key < 0 ? "" : p.keys[Int(key)] }

    package func insert(_ wi: Int, _ key: String, _ t: Double, _ hash: UInt64) {
        // In place: copying the events out of the dictionary and back would copy every one of
        // them on each comment.
        windows[wi][key, default: Events()].insert(t, hash, cap: maxEventsPerKey)
        if windows[wi].count > maxKeys { evict(wi) }
    }

    /// How many events of window `wi`, key `key`, fall in `(now − seconds, now]` (with `hash` when given).
    package func count(_ wi: Int, _ key: String, _ now: Double, _ seconds: Double, hash: UInt64?) -> Int {
        guard let e = windows[wi][key] else { return 0 }
        var c = 0
        var i = e.times.count - 1
        while i >= e.head, e.times[i] > now - seconds {
            if e.times[i] <= now, hash == nil || e.hashes[i] == hash! { c += 1 }
            i -= 1
        }
        return c
    }

    package func value(_ n: Int32, _ p: Partial, _ now: Double, _ trace: Trace?) -> Bool {
        if memoStamp[Int(n)] == memoSerial { return memoValue[Int(n)] }
        guard program.nodeStateful[Int(n)] else {
            let fi = frontierIndex[Int(n)]
            return fi >= 0 ? p.frontier[fi] : false
        }
        let v: Bool
        switch program.nodes[Int(n)] {
        case .and(let kids): v = kids.allSatisfy { value($0, p, now, trace) }
        case .or(let kids): v = kids.contains { value($0, p, now, trace) }
        case .not(let k): v = !value(k, p, now, trace)
        case .rule(let r): v = value(program.rules[Int(r)].condition, p, now, trace)
        case .window where !timed, .repeats where !timed:
            trace?.nodes[n] = NodeTrace(value: false, note: "the comment has no time: windows leave it out")
            v = false
        case .window(_, let seconds, let key, let op, let rhs):
            guard let k = keyString(key, p) else {
                trace?.nodes[n] = NodeTrace(value: false, note: "key field \(program.keyPaths[Int(key)].joined(separator: ".")) is missing")
                remember(n, false)
                return false
            }
            let c = count(windowIndex[Int(n)], k, watermark ?? now, seconds, hash: nil)
            v = compareNumbers(Double(c), op, rhs)
            trace?.nodes[n] = NodeTrace(value: v, note: "count = \(c) in the last \(formatDuration(seconds))")
        case .repeats(let seconds, let key, let op, let rhs):
            guard let k = keyString(key, p) else {
                trace?.nodes[n] = NodeTrace(value: false, note: "key field \(program.keyPaths[Int(key)].joined(separator: ".")) is missing")
                remember(n, false)
                return false
            }
            let c = count(windowIndex[Int(n)], k, watermark ?? now, seconds, hash: p.textHash)
            v = compareNumbers(Double(c), op, rhs)
            trace?.nodes[n] = NodeTrace(value: v, note: "same text \(c) time\(c == 1 ? "" : "s") in the last \(formatDuration(seconds))")
        default: v = false
        }
        if trace != nil, trace?.nodes[n] == nil { trace?.nodes[n] = NodeTrace(value: v) }
        remember(n, v)
        return v
    }

    @inline(__always) package func remember(_ n: Int32, _ v: Bool) {
        memoStamp[Int(n)] = memoSerial
        memoValue[Int(n)] = v
    }

    /// The first window of a rule's condition, with its count now (for escalations).
    package func firstWindow(_ n: Int32, _ p: Partial, _ now: Double) -> (Int, Double)? {
        guard timed else { return nil }
        switch program.nodes[Int(n)] {
        case .window(_, let seconds, let key, _, _):
            guard let k = keyString(key, p) else { return nil }
            return (count(windowIndex[Int(n)], k, watermark ?? now, seconds, hash: nil), seconds)
        case .repeats(let seconds, let key, _, _):
            guard let k = keyString(key, p) else { return nil }
            return (count(windowIndex[Int(n)], k, watermark ?? now, seconds, hash: p.textHash), seconds)
        case .and(let kids), .or(let kids):
            for k in kids { if let w = firstWindow(k, p, now) { return w } }
            return nil
        case .not(let k): return firstWindow(k, p, now)
        case .rule(let r): return firstWindow(program.rules[Int(r)].condition, p, now)
        default: return nil
        }
    }

    /// Rendered replies, window counts on escalations, `once per` and cooldowns.
    package func fill(_ d: inout Decision, _ p: Partial, _ now: Double) {
        var kept: [DecidedAction] = []
        for var a in d.actions {
            guard let ri = program.ruleIndex[a.rule] else {
                kept.append(a)
                continue
            }
            // The fields one by one: copying a whole `CompiledRule` retains every one of them.
            let rule = (name: program.rules[ri].name, condition: program.rules[ri].condition)
            let action = program.rules[ri].actions.first { $0.kind == a.kind && $0.argument == a.argument }
            switch a.kind {
            case .escalate:
                if let (c, w) = firstWindow(rule.condition, p, now) {
                    a.count = c
                    a.window = formatDuration(w)
                }
            case .reply:
                if let r = a.argument.flatMap({ p.replies[$0] }) {
                    a.text = r.text
                    a.variant = r.variant
                }
            default: break
            }
            // `once per` and `cooldown`, for every action whose table entry accepts them.
            if let action, let period = action.oncePer, let k = keyString(action.oncePerKey, p) {
                let key = "\(rule.name)\u{0}\(a.argument ?? "")\u{0}\(k)"
                if let last = once[key], abs(now - last) < period {
                    d.dropped.append(DroppedAction(action: a, why: "once per \(formatDuration(period)): already \(a.kind.label), \(formatDuration(abs(now - last))) between the two comments"))
                    continue
                }
                once[key] = now
            }
            if let action, let period = action.cooldown, let k = keyString(action.cooldownKey, p) {
                let key = "\(rule.name)\u{0}\(a.argument ?? "")\u{0}\(k)"
                if let last = cooldowns[key], abs(now - last) < period {
                    d.dropped.append(DroppedAction(action: a, why: "cooldown \(formatDuration(period)): already \(a.kind.label), \(formatDuration(abs(now - last))) between the two comments"))
                    continue
                }
                cooldowns[key] = now
            }
            kept.append(a)
        }
        d.actions = kept
        for i in d.shadow.indices where d.shadow[i].kind == .reply {
            if let r = d.shadow[i].argument.flatMap({ p.replies[$0] }) {
                d.shadow[i].text = r.text
                d.shadow[i].variant = r.variant
            }
        }
        for i in d.dropped.indices where d.dropped[i].action.kind == .reply && d.dropped[i].action.text == nil {
            if let r = d.dropped[i].action.argument.flatMap({ p.replies[$0] }) {
                d.dropped[i].action.text = r.text
                d.dropped[i].action.variant = r.variant
            }
        }
    }

    /// Drops expired events and keys.
    package func sweep() {
        guard let w = watermark else { return }
        for (wi, n) in program.windowNodes.enumerated() {
            let seconds: Double
            switch program.nodes[Int(n)] {
            case .window(_, let s, _, _, _), .repeats(let s, _, _, _): seconds = s
            default: continue
            }
            let horizon = w - seconds - lateness
            for (k, var e) in windows[wi] {
                while e.head < e.times.count, e.times[e.head] <= horizon { e.head += 1 }
                if e.head == e.times.count {
                    windows[wi][k] = nil
                } else if e.head > 64, e.head * 2 > e.times.count {
                    e.times.removeFirst(e.head)
                    e.hashes.removeFirst(e.head)
                    e.head = 0
                    windows[wi][k] = e
                } else {
                    windows[wi][k] = e
                }
            }
        }
        let longest = program.rules.flatMap { $0.actions.compactMap { max($0.oncePer ?? 0, $0.cooldown ?? 0) } }.max() ?? 0
        once = once.filter { w - $0.value < longest + lateness }
        cooldowns = cooldowns.filter { w - $0.value < longest + lateness }
    }

    /// Keeps window `wi` under ``maxKeys``: expired keys first, then the least recently seen tenth.
    package func evict(_ wi: Int) {
        sweep()
        guard windows[wi].count > maxKeys else { return }
        let victims = windows[wi].sorted { $0.value.lastSeen < $1.value.lastSeen }.prefix(max(1, maxKeys / 10))
        for (k, _) in victims { windows[wi][k] = nil }
    }
}
