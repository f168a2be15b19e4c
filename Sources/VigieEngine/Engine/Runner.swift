import Foundation
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// Counts kept while a stream runs, printed by `vigie run --stats`.
public struct RunStats: Sendable {
    /// Lines read.
    public var lines = 0
    /// Lines that got an error record.
    public var errors = 0
    /// Error records by code.
    public var errorCodes: [String: Int] = [:]
    /// Applied actions by type.
    public var actions: [String: Int] = [:]
    /// Times each rule's condition held.
    public var rules: [String: Int] = [:]
    /// What shadow rules would have done, by action type.
    public var shadowActions: [String: Int] = [:]
    /// Tags by label.
    public var tags: [String: Int] = [:]
    /// Regex evaluations cut off by the match limit.
    public var regexLimits = 0
    /// Comments whose regex budget was spent (some of their regexes skipped).
    public var overBudget = 0
    /// Comments where at least one rule's condition held.
    public var matchedComments = 0
    /// Comments without a time while the rules have windows: the windows left them out.
    public var untimed = 0

    /// Creates empty counts.
    public init() {}

    /// Adds another worker's counts.
    public mutating func merge(_ o: RunStats) {
        lines += o.lines
        errors += o.errors
        errorCodes.merge(o.errorCodes, uniquingKeysWith: +)
        actions.merge(o.actions, uniquingKeysWith: +)
        rules.merge(o.rules, uniquingKeysWith: +)
        shadowActions.merge(o.shadowActions, uniquingKeysWith: +)
        tags.merge(o.tags, uniquingKeysWith: +)
        regexLimits += o.regexLimits
        overBudget += o.overBudget
        matchedComments += o.matchedComments
        untimed += o.untimed
    }

    /// Counts one decision.
    package mutating func count(_ d: Decision) {
        if !d.matchedRules.isEmpty { matchedComments += 1 }
        for a in d.actions { actions[a.kind.rawValue, default: 0] += 1 }
        for r in d.matchedRules { rules[r, default: 0] += 1 }
        for a in d.shadow { shadowActions[a.kind.rawValue, default: 0] += 1 }
        for t in d.tags { tags[t, default: 0] += 1 }
        regexLimits += d.warnings.filter { $0.contains("match limit") }.count
        if d.warnings.contains(where: { $0.hasPrefix("regex budget spent") }) { overBudget += 1 }
    }

    /// Counts one error record.
    package mutating func countError(_ code: String) {
        errors += 1
        errorCodes[code, default: 0] += 1
    }

    /// A human-readable summary.
    public func render(seconds: Double) -> String {
        var out = "vigie: \(lines) line\(lines == 1 ? "" : "s"), \(errors) error record\(errors == 1 ? "" : "s")"
        if seconds > 0 { out += String(format: ", %.2f s (%.0f lines/s)", seconds, Double(lines) / seconds) }
        out += "\n"
        if !errorCodes.isEmpty {
            out += "errors:\n"
            for (k, v) in errorCodes.sorted(by: { $0.key < $1.key }) { out += "  \(k): \(v)\n" }
        }
        out += "actions:\n"
        for k in ActionKind.applied { out += "  \(k.keyword): \(actions[k.keyword] ?? 0)\n" }
        if !shadowActions.isEmpty {
            out += "shadow (would have):\n"
            for (k, v) in shadowActions.sorted(by: { $0.key < $1.key }) { out += "  \(k): \(v)\n" }
        }
        if !tags.isEmpty {
            out += "tags:\n"
            for (k, v) in tags.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) { out += "  \(k): \(v)\n" }
        }
        if !rules.isEmpty {
            out += "rules:\n"
            for (k, v) in rules.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) { out += "  \(k): \(v)\n" }
        }
        if regexLimits > 0 { out += "regex match limits hit: \(regexLimits)\n" }
        if overBudget > 0 { out += "comments over their regex budget: \(overBudget)\n" }
        if untimed > 0 { out += "\(untimed) comment\(untimed == 1 ? "" : "s") had no time: windows ignored \(untimed == 1 ? "it" : "them")\n" }
        return out
    }
}

/// What one rule cost during a run (`vigie run --profile`). Time spent in a sub-condition
/// shared by several rules is counted for the first rule that evaluated it.
public struct RuleProfile: Sendable {
    /// Comments on which the rule's condition was evaluated (its atoms fired, or it has none).
    public var evaluated = 0
    /// Comments on which it held.
    public var matched = 0
    /// Time spent evaluating it.
    public var nanoseconds: UInt64 = 0

    /// Creates empty counts.
    public init() {}
}

/// Options for running a stream.
public struct RunOptions: Sendable {
    /// The dotted path of the text field.
    public var textField = "text"
    /// Where the comment's fields are, for comments written by another tool (`--map`).
    public var fields = FieldMap()
    /// The clock that gives a comment without a time of its own the time its line was read
    /// (seconds since 1970), for live input: a pipe, a terminal, a socket. Nil (the default, and
    /// `vigie run` on a regular file): such a comment has no time, and windows leave it out.
    /// Called once per read of the input; every line completed by that read gets its time.
    public var arrivalClock: (@Sendable () -> Double)?
    /// Add the explain trace to each output line.
    public var explain = false
    /// Lines longer than this get an error record (their bytes are skipped, not kept in memory).
    public var maxLineBytes = 16 << 20
    /// Worker threads (1: everything on the calling thread).
    public var jobs = 1
    /// Lines per batch handed to a worker.
    public var batchLines = 1024
    /// Bytes asked for by each read of the input. Lines are evaluated where they were read (a
    /// batch shares the block), so a block small enough for the core's second-level cache is
    /// still there when its lines are parsed. A line longer than a block gets a bigger one.
    public var readBlockBytes = 1 << 18
    /// Measure per-rule counts and time.
    public var profile = false
    /// The regex budget of each comment.
    public var budget = RegexBudget()
    /// Creates default options.
    public init() {}
}

/// How a stream run ended.
public enum RunEnd: Equatable, Sendable {
    /// The input ended; every line got its output line.
    case endOfInput
    /// A stop was asked for (``RunControl/requestStop(signal:)``, SIGINT or SIGTERM in `vigie
    /// run`): every whole line read before it got its output line; `partialBytes` bytes of an
    /// unfinished last line (no line break yet) were not used.
    case stopped(signal: Int32, partialBytes: Int)
    /// The output's reader went away (EPIPE: `vigie run | head -1`). Nothing more can be written.
    case outputClosed
    /// Writing the output failed with this `errno` (a full disk, `/dev/full`, an I/O error).
    case writeFailed(errno: Int32)
    /// Reading the input failed with this `errno`; the lines read before it were answered.
    case readFailed(errno: Int32)
}

/// A rule set in force: its program, its version, and the evaluator whose state stage the
/// writer uses while it is in force.
package final class Generation: @unchecked Sendable {
    package let program: Program
    package let version: String
    package let evaluator: Evaluator

    package init(program: Program, options: RunOptions) {
        self.program = program
        self.version = program.ruleSet.version
        self.evaluator = Evaluator(program: program, textField: options.textField, fields: options.fields)
        evaluator.budget = options.budget
        if options.profile { evaluator.profile = Array(repeating: RuleProfile(), count: program.rules.count) }
    }
}

/// What the reader, the workers and the writer share, behind one lock.
package final class Pipeline: @unchecked Sendable {
    package let lock = NSCondition()
    /// Batches waiting for a worker.
    @exclusivity(unchecked) package var queue: [Batch] = []
    /// Batches in input order, waiting to be written.
    @exclusivity(unchecked) package var inFlight: [Batch] = []
    /// The reader reached the end of the input (or stopped), and why.
    @exclusivity(unchecked) package var finished = false
    @exclusivity(unchecked) package var readEnd = RunEnd.endOfInput
    /// The writer cannot go on (closed output): stop reading, skip the work left.
    @exclusivity(unchecked) package var stop = false
    /// Reader and worker threads still running.
    @exclusivity(unchecked) package var running = 0
}

/// A run of input lines handed to a worker, and what it produced.
package final class Batch: @unchecked Sendable {
    @exclusivity(unchecked) package var data: [UInt8] = []
    @exclusivity(unchecked) package var ranges: [Range<Int>] = []
    /// Lines replaced by an error before evaluation (too long), by index in the batch.
    @exclusivity(unchecked) package var tooLong: [Int: Int] = [:]
    @exclusivity(unchecked) package var firstLine = 0
    /// When the read that completed its lines returned (``RunOptions/arrivalClock``), or nil.
    @exclusivity(unchecked) package var arrival: Double?
    /// The rules that decide this batch (set when the reader hands it over).
    @exclusivity(unchecked) package var generation: Generation
    @exclusivity(unchecked) package var partials: [Partial] = []
    @exclusivity(unchecked) package var explains: [[UInt8]?] = []
    /// For rules without state: each line's output line made by the worker,
    /// `encoded[encodedStart[i]..<encodedStart[i + 1]]` (empty where the writer must make it),
    /// and its decision for the counts (nil when there is nothing to count).
    @exclusivity(unchecked) package var decided: [Decision?] = []
    @exclusivity(unchecked) package var encoded: [UInt8] = []
    @exclusivity(unchecked) package var encodedStart: [Int] = []
    @exclusivity(unchecked) package var done = false

    package init(generation: Generation) { self.generation = generation }
}

/// Runs JSON lines through a program: one output line per input line, in order, flushed
/// whenever the input has no more data ready (so interactive pipes see each decision at once).
///
/// With `jobs > 1`, a reader thread cuts the input into batches, workers run the stateless
/// phase of evaluation (each with its own ``Evaluator`` and scratch space), and the calling
/// thread finishes each batch in input order through the single ``StateStage`` and writes it.
/// The output is the same for any number of workers.
///
/// Through ``control``, other threads can stop the run (the lines already read are still
/// answered, every output line is written whole) or hand it new rules, which take over between
/// two batches with the state carried over; every output line names the rule-set version that
/// decided it (`rules_version`).
///
/// It is `@unchecked Sendable` because its worker and reader threads share it: everything they
/// share after start-up (the queue, the flags, the current generation) is read and written under
/// its lock; evaluators are never shared, each worker owns its own.
public final class StreamRunner: @unchecked Sendable {
    package let options: RunOptions
    @exclusivity(unchecked) package var writer: DecisionWriter
    /// The rules in force at the writer (the state stage's side).
    @exclusivity(unchecked) package var current: Generation
    /// Stop and reload requests from other threads.
    public let control: RunControl
    /// The program in force.
    public var program: Program { current.program }
    /// The version of the rules in force (``RuleSet/version``), as written on each output line.
    public var rulesVersion: String { current.version }
    /// The evaluator of the rules in force (its state stage is the run's).
    package var evaluator: Evaluator { current.evaluator }
    /// The state stage (windows, once per, cooldowns) shared by every comment, in order.
    public var state: StateStage { current.evaluator.state }
    /// Counts so far.
    @exclusivity(unchecked) public private(set) var stats = RunStats()
    /// Called after each batch is written (used to save state periodically).
    @exclusivity(unchecked) public var afterBatch: (() -> Void)?
    /// Called when rules offered through ``control`` take over: the old version, the new one,
    /// and the first input line they decide. Runs on the thread that called ``run(input:output:)``.
    @exclusivity(unchecked) public var onSwap: ((_ old: String, _ new: String, _ line: Int) -> Void)?
    /// Called once, with its line number, for the first comment that has no time while the
    /// rules have windows (which leave it out). Runs on the thread that called ``run(input:output:)``.
    @exclusivity(unchecked) public var onFirstUntimed: ((_ line: Int) -> Void)?
    /// Called with each block of output lines just before it is written (`run --deliver` puts
    /// their escalations in its outbox there). Runs on the thread that called ``run(input:output:)``.
    @exclusivity(unchecked) public var onOutput: ((_ lines: [UInt8]) -> Void)?

    /// Evaluators that ran the stateless phase, for the profile (workers add theirs).
    @exclusivity(unchecked) package var evaluators: [Evaluator]
    package let evaluatorsLock = NSLock()

    /// Creates a runner.
    public init(program: Program, options: RunOptions, control: RunControl = RunControl()) {
        self.options = options
        self.control = control
        self.current = Generation(program: program, options: options)
        self.writer = DecisionWriter(explain: options.explain)
        writer.rulesVersion = current.version
        evaluators = [current.evaluator]
    }

    /// Per-rule counts and time over every evaluator of the rules in force, in evaluation order
    /// (with `profile`). Rules in force before a reload are not counted.
    public var profile: [(rule: String, RuleProfile)] {
        var total = Array(repeating: RuleProfile(), count: program.rules.count)
        evaluatorsLock.lock()
        let all = evaluators
        evaluatorsLock.unlock()
        for e in all where e.program === program {
            for (i, p) in (e.profile ?? []).enumerated() {
                total[i].evaluated += p.evaluated
                total[i].matched += p.matched
                total[i].nanoseconds += p.nanoseconds
            }
        }
        return zip(program.rules.map(\.name), total).map { ($0, $1) }
    }

    /// The profile as a table, slowest rules first.
    public func renderProfile(comments: Int) -> String {
        var out = "rule profile (\(comments) comments; time of shared sub-conditions goes to the first rule using them)\n"
        out += "rule                              evaluated    matched    total ms   µs/eval\n"
        for (name, p) in profile.sorted(by: { $0.1.nanoseconds > $1.1.nanoseconds }) {
            let ms = Double(p.nanoseconds) / 1e6
            let per = p.evaluated == 0 ? 0 : Double(p.nanoseconds) / 1e3 / Double(p.evaluated)
            let padded = name.count >= 32 ? name : name + String(repeating: " ", count: 32 - name.count)
            out += padded + String(format: "  %9d  %9d  %10.1f  %8.2f\n", p.evaluated, p.matched, ms, per)
        }
        return out
    }

    /// Processes one line (without its line end) and returns the output line.
    public func process(line: ArraySlice<UInt8>, number: Int) -> [UInt8] {
        var out: [UInt8] = []
        line.withUnsafeBufferPointer { decide(line: $0, number: number, into: &out) }
        return out
    }

    /// ``process(line:number:)``, appending the output line to `out`, with the rules in force
    /// (`ev`, taken once per batch: reading `evaluator` per line would retain and release it);
    /// `p` is room reused from one line to the next.
    package func decide(line: UnsafeBufferPointer<UInt8>, number: Int, _ ev: Evaluator, _ p: inout Partial, into out: inout [UInt8]) {
        let trace = options.explain ? Trace() : nil
        let explain = Self.phaseOne(ev, line, number, trace, into: &p)
        finish(p, number, explain, state: ev.state, into: &out)
    }

    /// ``process(line:number:)``, appending the output line to `out`.
    package func decide(line: UnsafeBufferPointer<UInt8>, number: Int, into out: inout [UInt8]) {
        var p = Partial()
        decide(line: line, number: number, evaluator, &p, into: &out)
    }

    /// The stateless phase for one line into `p`: error checks that need no JSON, then
    /// ``Evaluator/partial(line:trace:)``; returns the explain trace, if asked for. The line is
    /// read in place (a slice of an array would be reference counted per line).
    package static func phaseOne(_ ev: Evaluator, _ line: UnsafeBufferPointer<UInt8>, _ number: Int, _ trace: Trace?, into p: inout Partial) -> [UInt8]? {
        var body = line
        if body.last == 0x0D { body = UnsafeBufferPointer(rebasing: body.dropLast()) }
        if number == 1, body.starts(with: [0xEF, 0xBB, 0xBF]) { body = UnsafeBufferPointer(rebasing: body.dropFirst(3)) }
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            p = Partial()
            p.error = ("empty_line", "empty line")
            return nil
        }
        ev.partial(line: body, trace: trace, into: &p)
        guard let trace, p.error == nil else { return nil }
        // The explain trace of the stateless phase (stateful rules are decided later).
        var d = Decision()
        d.lang = p.lang
        d.langDetected = p.langDetected
        d.apply(p.matched, of: ev.program.rules)
        return Explainer(evaluator: ev, decision: d, trace: trace).json()
    }

    /// The sequential phase for one line: state, precedence, encoding, counts. `line` is the
    /// worker's output line for rules without state (and `decided` its decision, if it has
    /// anything to count), used unless the comment is late (the only thing such rules need the
    /// order of comments for).
    /// `state` is the state stage of the rules in force (``state``), passed in by callers that
    /// hold it.
    package func finish(_ p: Partial, _ number: Int, _ explain: [UInt8]?, decided: Decision? = nil, line: ArraySlice<UInt8>? = nil, state: StateStage,
                into out: inout [UInt8]) {
        stats.lines += 1
        if let line, !state.observe(p.time) {
            if let decided { stats.count(decided) }
            out += line
            return
        }
        if p.isQuiet, explain == nil, !state.program.isStateful, !state.observe(p.time) {
            // Nothing matched and nothing to report: the line needs no decision built (the
            // workers write such lines the same way).
            writer.quietLine(line: number, id: p.id, lang: p.lang, into: &out)
            return
        }
        if let e = p.error {
            stats.countError(e.code)
            out += writer.errorLine(line: number, id: e.code == "invalid_json" ? nil : p.id.map { $0[...] }, code: e.code, message: e.message)
            return
        }
        let untimedBefore = state.untimed
        let d = state.finish(p)
        if state.untimed > untimedBefore {
            stats.untimed += 1
            if stats.untimed == 1 { onFirstUntimed?(number) }
        }
        stats.count(d)
        out += writer.decisionLine(line: number, id: p.id.map { $0[...] }, decision: d, trace: explain)
    }

    package func tooLong(_ number: Int, _ size: Int) -> [UInt8] {
        stats.lines += 1
        stats.countError("line_too_long")
        return writer.errorLine(
            line: number, id: nil, code: "line_too_long", message: "line of \(size) bytes is longer than --max-line-bytes \(options.maxLineBytes)")
    }

    /// Puts a batch's rules in force at the writer, carrying the state over, before its first line.
    package func adopt(_ g: Generation, line: Int) {
        guard g !== current else { return }
        let old = current
        g.evaluator.state.carryOver(from: old.evaluator.state)
        current = g
        writer.rulesVersion = g.version
        onSwap?(old.version, g.version, line)
    }

    /// The output lines of a batch whose stateless phase is done (in `partials`), in order.
    package func finishBatch(_ b: Batch) -> [UInt8] {
        adopt(b.generation, line: b.firstLine)
        if let whole = wholeBatch(b) { return whole }
        var out: [UInt8] = []
        out.reserveCapacity(b.encoded.count + 256)
        let st = state
        var next = 0
        for k in b.ranges.indices {
            let n = b.firstLine + k
            if !b.tooLong.isEmpty, let size = b.tooLong[k] {
                out += tooLong(n, size)
            } else {
                let line = b.encodedStart.isEmpty ? nil : b.encoded[b.encodedStart[next]..<b.encodedStart[next + 1]]
                var p = b.partials[next]
                if p.slim, st.isLate(p.time) {
                    // A worker kept only the time of this line, which comes late: its decision
                    // is made here, from the line evaluated again (the stateless phase gives the
                    // same result on any evaluator of the same rules).
                    p = Partial()
                    evaluator.arrivalTime = b.arrival
                    _ = b.data.withUnsafeBufferPointer { Self.phaseOne(evaluator, UnsafeBufferPointer(rebasing: $0[b.ranges[k]]), n, nil, into: &p) }
                }
                finish(p, n, b.explains[next], decided: b.decided.isEmpty ? nil : b.decided[next], line: line?.isEmpty == false ? line : nil,
                       state: st, into: &out)
                next += 1
            }
        }
        return out
    }

    /// The output of a batch whose every line a worker wrote, none of them late (the usual
    /// case with rules without state): the workers' lines as they are, counted, without copying
    /// them line by line. Nil when some line needs the writer.
    package func wholeBatch(_ b: Batch) -> [UInt8]? {
        guard b.tooLong.isEmpty, b.encodedStart.count == b.partials.count + 1, b.partials.count == b.ranges.count else { return nil }
        // Lateness on a copy of the watermark first: nothing changes unless the batch goes whole.
        var watermark = state.watermark
        let lateness = state.lateness
        for k in b.partials.indices {
            guard b.encodedStart[k] < b.encodedStart[k + 1] else { return nil }
            guard let t = b.partials[k].time else { continue }
            if let w = watermark, t < w - lateness { return nil }
            watermark = max(watermark ?? t, t)
        }
        for k in b.partials.indices {
            _ = state.observe(b.partials[k].time)
            stats.lines += 1
            if let d = b.decided[k] { stats.count(d) }
        }
        return b.encoded
    }

    /// Reads `input` to its end (or until a stop is asked for through ``control``) and writes one
    /// line per input line read to `output`, each line whole. Returns why it ended; only
    /// ``RunEnd/writeFailed(errno:)`` and ``RunEnd/readFailed(errno:)`` mean something went wrong.
    @discardableResult
    public func run(input: Int32, output: Int32) -> RunEnd {
        options.jobs <= 1 ? runSerial(input: input, output: output) : runParallel(input: input, output: output)
    }

    package func runSerial(input: Int32, output: Int32) -> RunEnd {
        var failure: RunEnd?
        let end = readBatches(input, start: current, abandoned: { false }) { b in
            adopt(b.generation, line: b.firstLine)
            var out: [UInt8] = []
            out.reserveCapacity(max(0, b.ranges.last!.upperBound - b.ranges[0].lowerBound) / 2 + 4096)
            var p = Partial()
            let ev = evaluator
            ev.arrivalTime = b.arrival
            b.data.withUnsafeBufferPointer { data in
                for (k, r) in b.ranges.enumerated() {
                    let n = b.firstLine + k
                    if !b.tooLong.isEmpty, let size = b.tooLong[k] { out += tooLong(n, size) } else { decide(line: UnsafeBufferPointer(rebasing: data[r]), number: n, ev, &p, into: &out) }
                }
            }
            onOutput?(out)
            if let e = Self.writeAll(out, output) {
                failure = e
                return false
            }
            afterBatch?()
            return true
        }
        return failure ?? end
    }

    /// A worker's evaluator for `program`, registered for `--profile`. Its state stage only
    /// decides rules without state, so it never calls a comment late: that is the writer's call.
    package func workerEvaluator(_ program: Program) -> Evaluator {
        let ev = Evaluator(program: program, textField: options.textField, fields: options.fields)
        ev.budget = options.budget
        ev.state.lateness = .infinity
        if options.profile { ev.profile = Array(repeating: RuleProfile(), count: program.rules.count) }
        evaluatorsLock.lock()
        evaluators.append(ev)
        evaluatorsLock.unlock()
        return ev
    }

    package func runParallel(input: Int32, output: Int32) -> RunEnd {
        let sh = Pipeline()
        let lock = sh.lock
        let maxInFlight = options.jobs * 4
        let opts = options
        let start = current
        sh.running = options.jobs + 1
        for _ in 0..<options.jobs {
            // Handed over to the worker thread, which alone uses it from then on.
            nonisolated(unsafe) let first = workerEvaluator(start.program)
            let t = Thread { [self] in
                var ev = first
                var encoder = DecisionWriter()
                while true {
                    lock.lock()
                    while sh.queue.isEmpty && !sh.finished && !sh.stop { lock.wait() }
                    if sh.queue.isEmpty {
                        sh.running -= 1
                        lock.broadcast()
                        lock.unlock()
                        return
                    }
                    let b = sh.queue.removeFirst()
                    let skip = sh.stop
                    lock.unlock()
                    if !skip {
                        if b.generation.program !== ev.program {
                            // New rules: this worker gets an evaluator for them.
                            ev = workerEvaluator(b.generation.program)
                        }
                        // Rules without state are decided and encoded here, off the writer's thread.
                        let decideHere = !opts.explain && !ev.program.isStateful
                        if decideHere, encoder.rulesVersion != b.generation.version { encoder.rulesVersion = b.generation.version }
                        // The results go to local arrays, handed to the batch at the end.
                        var partials: [Partial] = [], explains: [[UInt8]?] = [], decided: [Decision?] = []
                        var encoded: [UInt8] = [], encodedStart: [Int] = []
                        partials.reserveCapacity(b.ranges.count)
                        explains.reserveCapacity(b.ranges.count)
                        if decideHere {
                            decided.reserveCapacity(b.ranges.count)
                            encodedStart.reserveCapacity(b.ranges.count + 1)
                            encoded.reserveCapacity(b.ranges.count * 96)
                        }
                        let data = b.data, tooLong = b.tooLong, firstLine = b.firstLine
                        ev.arrivalTime = b.arrival
                        var p = Partial()
                        for (k, r) in b.ranges.enumerated() where tooLong.isEmpty || tooLong[k] == nil {
                            let e = data.withUnsafeBufferPointer { StreamRunner.phaseOne(ev, UnsafeBufferPointer(rebasing: $0[r]), firstLine + k, opts.explain ? Trace() : nil, into: &p) }
                            if decideHere {
                                encodedStart.append(encoded.count)
                                if p.isQuiet {
                                    decided.append(nil)
                                    encoder.quietLine(line: firstLine + k, id: p.id, lang: p.lang, into: &encoded)
                                } else if p.error == nil {
                                    let d = ev.state.finish(p)
                                    decided.append(d)
                                    encoded += encoder.decisionLine(line: firstLine + k, id: p.id.map { $0[...] }, decision: d)
                                } else {
                                    decided.append(nil)
                                }
                            }
                            if decideHere, p.error == nil {
                                // Its line is written: the writer needs only its time, unless it
                                // comes late (then it evaluates the line again). Keeping `p`
                                // itself would share its arrays and cost copies on the next line.
                                partials.append(Partial(slimWithTime: p.time))
                            } else {
                                partials.append(p)
                            }
                            explains.append(e)
                        }
                        if decideHere { encodedStart.append(encoded.count) }
                        b.partials = partials
                        b.explains = explains
                        b.decided = decided
                        b.encoded = encoded
                        b.encodedStart = encodedStart
                    }
                    lock.lock()
                    b.done = true
                    lock.broadcast()
                    lock.unlock()
                }
            }
            t.stackSize = 8 << 20
            t.start()
        }
        // The reader runs on its own thread; this thread finishes and writes batches in order.
        let control = control
        let reader = Thread { [self] in
            let end = readBatches(
                input, start: start,
                abandoned: {
                    lock.lock()
                    defer { lock.unlock() }
                    return sh.stop
                }
            ) { b in
                lock.lock()
                while sh.inFlight.count >= maxInFlight && !sh.stop { lock.wait() }
                if sh.stop {
                    lock.unlock()
                    return false
                }
                sh.queue.append(b)
                sh.inFlight.append(b)
                lock.broadcast()
                lock.unlock()
                return true
            }
            lock.lock()
            sh.readEnd = end
            sh.finished = true
            sh.running -= 1
            lock.broadcast()
            lock.unlock()
        }
        reader.stackSize = 8 << 20
        reader.start()
        var failure: RunEnd?
        while true {
            lock.lock()
            while (sh.inFlight.isEmpty || !sh.inFlight[0].done) && !(sh.finished && sh.inFlight.isEmpty) { lock.wait() }
            if sh.inFlight.isEmpty {
                lock.unlock()
                break
            }
            let b = sh.inFlight.removeFirst()
            lock.broadcast()
            lock.unlock()
            if failure != nil { continue }
            let out = finishBatch(b)
            onOutput?(out)
            if let e = Self.writeAll(out, output) {
                failure = e
                lock.lock()
                sh.stop = true
                lock.broadcast()
                lock.unlock()
                control.wake()
            } else {
                afterBatch?()
            }
        }
        // Every thread ends before the run returns.
        lock.lock()
        sh.stop = true
        lock.broadcast()
        while sh.running > 0 { lock.wait() }
        let end = sh.readEnd
        lock.unlock()
        return failure ?? end
    }

    /// Waits until the input has data (or has ended), or a stop is asked for. Returns true when a
    /// stop is asked for (or the writer gave up) before any more data should be read.
    package func waitForInput(_ fd: Int32, _ abandoned: () -> Bool) -> Bool {
        while true {
            if control.stopRequest != nil || abandoned() { return true }
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: control.wakeRead, events: Int16(POLLIN), revents: 0)]
            let r = poll(&fds, 2, -1)
            if r < 0 {
                if errno == EINTR { continue }
                return false  // cannot poll this input: read it and let read say what is wrong
            }
            if fds[1].revents != 0 { control.drain() }
            if fds[0].revents != 0 { return control.stopRequest != nil || abandoned() }
        }
    }

    /// Cuts the input into batches of lines. A batch ends after `batchLines` lines, at the end
    /// of a read block, or when a read returned everything the input had ready. `body` returns
    /// false to stop reading. Rules offered through ``control`` are taken when a batch is handed
    /// over.
    ///
    /// Each read goes into a new block that the batches of its lines share: lines are not copied
    /// (only an unfinished last line is, to the start of the next block). In a serial run the
    /// block is freed before the next one is allocated, so the allocator hands the same memory
    /// back, still in cache.
    package func readBatches(_ fd: Int32, start: Generation, abandoned: () -> Bool, _ body: (Batch) -> Bool) -> RunEnd {
        let blockSize = max(1, options.readBlockBytes)
        var block: [UInt8] = []
        var carry: [UInt8] = []  // an unfinished line, moved to the start of the next block
        var skipping = false  // inside a line longer than the limit
        var skippedBytes = 0
        var lineNumber = 0
        var generation = start
        var batch = Batch(generation: generation)
        batch.firstLine = 1
        var readAt: Double?
        func emit() -> Bool {
            guard !batch.ranges.isEmpty else { return true }
            if let p = control.takeOffer() { generation = Generation(program: p, options: options) }
            batch.generation = generation
            batch.data = block
            batch.arrival = readAt
            let ok = body(batch)
            batch = Batch(generation: generation)
            batch.firstLine = lineNumber + 1
            return ok
        }
        func addTooLong(_ size: Int) {
            batch.tooLong[batch.ranges.count] = size
            batch.ranges.append(0..<0)
        }
        while true {
            if waitForInput(fd, abandoned) {
                // The lines already read are answered; an unfinished last line is not.
                _ = emit()
                return .stopped(signal: control.stopRequest ?? 0, partialBytes: skipping ? skippedBytes : carry.count)
            }
            // A new block (the last one may still be read by batches in flight), the unfinished
            // line first; at least twice that line, so a long line keeps making progress. The
            // read fills it in place: the block holds exactly the bytes carried and read.
            block = []
            let capacity = max(blockSize, carry.count * 2)
            let kept = carry.count
            var n = 0
            block = [UInt8](unsafeUninitializedCapacity: capacity) { b, count in
                _ = b.initialize(from: carry)
                repeat { n = read(fd, b.baseAddress! + kept, capacity - kept) } while n < 0 && errno == EINTR
                count = kept + max(0, n)
            }
            if n < 0 {
                let e = errno
                _ = emit()
                return .readFailed(errno: e)
            }
            if n == 0 { break }
            if let clock = options.arrivalClock { readAt = clock() }
            carry.removeAll(keepingCapacity: true)
            let end = kept + n
            var lineStart = 0
            var scanFrom = kept  // the carried bytes hold no line end
            while scanFrom < end {
                let newline: Int? = block.withUnsafeBytes { raw in
                    guard let hit = memchr(raw.baseAddress! + scanFrom, 0x0A, end - scanFrom) else { return nil }
                    return raw.baseAddress!.distance(to: UnsafeRawPointer(hit))
                }
                guard let nl = newline else { break }
                lineNumber += 1
                if skipping {
                    addTooLong(skippedBytes + nl - lineStart)
                    skipping = false
                    skippedBytes = 0
                } else if nl - lineStart > options.maxLineBytes {
                    addTooLong(nl - lineStart)
                } else {
                    batch.ranges.append(lineStart..<nl)
                }
                lineStart = nl + 1
                scanFrom = lineStart
                if batch.ranges.count >= options.batchLines, !emit() { return .endOfInput }
            }
            if skipping {
                skippedBytes += end - lineStart
            } else if end - lineStart > options.maxLineBytes {
                skipping = true
                skippedBytes = end - lineStart
            } else {
                carry += block[lineStart..<end]
            }
            // Every batch ends with its block (the next read goes into a new one).
            if !emit() { return .endOfInput }
        }
        if skipping {
            lineNumber += 1
            addTooLong(skippedBytes)
        } else if !carry.isEmpty {
            lineNumber += 1
            block = carry
            batch.ranges.append(0..<carry.count)
        }
        _ = emit()
        return .endOfInput
    }

    /// Writes all of `out`; returns how it failed, or nil.
    package static func writeAll(_ out: [UInt8], _ fd: Int32) -> RunEnd? {
        var off = 0
        while off < out.count {
            let w = out.withUnsafeBytes { write(fd, $0.baseAddress! + off, out.count - off) }
            if w < 0 {
                if errno == EINTR { continue }
                return errno == EPIPE ? .outputClosed : .writeFailed(errno: errno)
            }
            off += w
        }
        return nil
    }
}
