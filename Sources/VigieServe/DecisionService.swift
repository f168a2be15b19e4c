import Foundation
import VigieCore
import VigieEngine
import VigieLanguage

/// The engine behind `vigie serve`: one ``StreamRunner`` shared by every request, used under a
/// lock, so that windows, `once per` and cooldowns count the comments of every request in the
/// order they were decided — as `vigie run` counts the lines of one stream.
///
/// A request's comments are numbered from 1 (`line` in each decision), as the lines of a stream
/// given to `vigie run`: the same lines sent as one NDJSON body get the same bytes back.
public final class DecisionService: @unchecked Sendable {
    private let lock = NSLock()
    @exclusivity(unchecked) package let runner: StreamRunner
    /// The rule file or folder (`--rules`), reloaded by ``reload(reason:)``.
    public let rulesPath: String
    /// Gives a comment without a time the time its request arrived (nil: such comments have no
    /// time, and windows leave them out).
    public let arrivalClock: (@Sendable () -> Double)?
    private let reloader: RulesReloader
    /// Where messages go (standard error in `vigie serve`).
    public let log: @Sendable (String) -> Void
    /// Called after each request's decisions with their output lines (the delivery tap), under
    /// the service's lock, in decision order.
    @exclusivity(unchecked) public var onDecided: (([UInt8]) -> Void)?

    /// Creates the service over compiled rules.
    public init(rulesPath: String, program: Program, options: RunOptions, lateness: Double = 300, log: @escaping @Sendable (String) -> Void) {
        var o = options
        o.jobs = 1
        o.explain = false
        self.runner = StreamRunner(program: program, options: o)
        runner.state.lateness = lateness
        self.rulesPath = rulesPath
        self.arrivalClock = o.arrivalClock
        self.log = log
        self.reloader = RulesReloader(path: rulesPath, program: program, control: runner.control, log: log)
    }

    /// The version of the rules in force.
    public var rulesVersion: String { withLock { runner.rulesVersion } }

    /// Runs `body` with the engine to itself.
    package func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Puts in force rules that ``reload(reason:)`` offered, between two requests.
    private func adoptOffer() {
        if let p = runner.control.takeOffer() {
            let old = runner.rulesVersion
            runner.adopt(Generation(program: p, options: runner.options), line: 0)
            log("vigie: rules version \(p.ruleSet.version) decides from the next request on (was \(old))\n")
        }
    }

    /// What one call decided: the output lines, and how many of them are error records.
    public struct Outcome: Sendable {
        /// The decision lines, each ending with a line break.
        public var bytes: [UInt8]
        /// Lines decided.
        public var lines: Int
        /// Lines that got an error record (bad JSON, empty, too long).
        public var errors: Int
    }

    /// Decides the lines of `data` (split at line breaks; the last line needs none), numbered
    /// from `firstLine`. `tooLong` holds lines replaced by an error record (their length in
    /// bytes) at their index in `lines`.
    public func decide(_ data: [UInt8], lines ranges: [Range<Int>], firstLine: Int, tooLong: [Int: Int] = [:]) -> Outcome {
        let now = arrivalClock?()
        return withLock {
            adoptOffer()
            let before = runner.stats
            var out: [UInt8] = []
            out.reserveCapacity(ranges.count * 128)
            let ev = runner.evaluator
            ev.arrivalTime = now
            var p = Partial()
            data.withUnsafeBufferPointer { buf in
                for (k, r) in ranges.enumerated() {
                    if let size = tooLong[k] {
                        out += runner.tooLong(firstLine + k, size)
                    } else {
                        runner.decide(line: UnsafeBufferPointer(rebasing: buf[r]), number: firstLine + k, ev, &p, into: &out)
                    }
                }
            }
            onDecided?(out)
            return Outcome(bytes: out, lines: runner.stats.lines - before.lines, errors: runner.stats.errors - before.errors)
        }
    }

    /// Decides one comment (a whole JSON document, line breaks inside it allowed as in any JSON
    /// whitespace): its line is number 1.
    public func decideOne(_ body: [UInt8]) -> Outcome {
        // A body is one comment: line breaks in it are JSON whitespace, made spaces so that the
        // engine reads it as one line.
        var line = body
        for i in line.indices where line[i] == 0x0A { line[i] = 0x20 }
        return decide(line, lines: [0..<line.count], firstLine: 1)
    }

    /// Counts so far (every request since the start).
    public var stats: RunStats { withLock { runner.stats } }

    /// The rules in force: version, rule names, languages.
    public var program: Program { withLock { runner.program } }

    /// Loads the rules again; rules that compile and differ take over before the next request.
    /// Returns the version in force after the call and whether it changed; rules that do not
    /// compile leave the running ones in force.
    @discardableResult
    public func reload(reason: String) -> (version: String, changed: Bool, compiled: Bool) {
        reloadLock.lock()
        defer { reloadLock.unlock() }
        let before = reloader.version
        let compiled = reloader.reload(reason: reason)
        withLock { adoptOffer() }
        return (reloader.version, reloader.version != before, compiled)
    }
    private let reloadLock = NSLock()

    /// Loads window and cooldown state from `path` (see ``StateStage/load(from:)``); returns the
    /// windows of the file that these rules do not have.
    public func loadState(from path: String) throws -> [String] { try withLock { try runner.state.load(from: path) } }

    /// Saves window and cooldown state to `path`, atomically.
    public func saveState(to path: String) throws { try withLock { try runner.state.save(to: path) } }
}
