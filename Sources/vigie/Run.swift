import ArgumentParser
import Foundation
import VigieBench
import VigieCore
import VigieDelivery
import VigieEngine
import VigieFormat
import VigieImport
import VigieLanguage
import VigieLint
import VigieRegex
import VigieReport
import VigieRuleTests

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide for each comment of a JSON-lines stream: one decision line out per line in, in order.",
        discussion: """
            Reads standard input unless --input is given. Only decisions go to standard output; diagnostics and \
            --stats go to standard error. Every output line carries `rules_version`, the version of the rules that \
            decided it.

            Signals: SIGHUP reloads the rules (so does a changed file with --watch); rules that do not compile are \
            reported and the running ones stay. SIGINT or SIGTERM stops reading: the lines already read are decided \
            and written whole, --state is saved, then vigie ends by that signal (the shell shows 130 or 143).

            Exit codes: 0 the stream was processed (bad lines get error records), or the reader of the output \
            closed it (`vigie run | head`); 2 the rules do not compile, or the input, the output or the state file \
            cannot be used (a write error such as a full disk is reported on standard error).

            Examples:
              vigie run --rules Rules --input comments.jsonl > decisions.jsonl
              tail -f comments.jsonl | vigie run --rules Rules --state vigie.state
              vigie run --rules examples/shop --input examples/shop/comments.jsonl --stats
            """)

    @OptionGroup var options: RulesOptions

    @Option(name: .long, help: "Read comments from this file instead of standard input.")
    var input: String?

    @Flag(name: .long, help: "Print counts per action and per rule to standard error at the end.")
    var stats = false

    @Flag(name: .long, help: "Add the explain trace to each output line.")
    var explain = false

    @Flag(name: .long, help: "Print per rule how often it was evaluated and matched, and the time spent, to standard error.")
    var profile = false

    @Option(name: .customLong("max-line-bytes"), help: "Lines longer than this get an error record.")
    var maxLineBytes: Int = 16 << 20

    @Option(name: .customLong("regex-budget"), help: ArgumentHelp("Regexes one comment may lose to the match limit before its other regexes are skipped.", valueName: "n"))
    var regexBudget: Int = 3

    @Option(name: .customLong("regex-time"), help: ArgumentHelp("Milliseconds after a comment's first regex when no more of its regexes start (0: no limit).", valueName: "ms"))
    var regexTime: Int = 100

    @Option(name: .long, help: "Worker threads (default: the cores available).")
    var jobs: Int?

    /// Words given without an option name (`vigie run Rules`): refused in `validate()` with the
    /// command line that was meant.
    @Argument(help: .hidden)
    var stray: [String] = []

    @Option(name: .long, help: "Load window and cooldown state from this file at start, save it there periodically and at exit.")
    var state: String?

    @Option(name: .long, help: "How late (out of order) a comment's timestamp may be, e.g. 5m.")
    var lateness: String = "5m"

    @Option(name: .long, help: ArgumentHelp("Send escalations and flags to the endpoints this delivery file names (durable outbox, retries, dead-letter file).", valueName: "file"))
    var deliver: String?

    @Flag(name: .long, help: "Reload the rules when a rule or list file changes (checked every second), as SIGHUP does.")
    var watch = false

    /// When a comment without a time of its own takes the time its line is read.
    enum ArrivalTime: String, ExpressibleByArgument, CaseIterable {
        case auto, on, off
    }

    @Option(
        name: .customLong("arrival-time"),
        help: ArgumentHelp(
            "Give a comment without a time the time its line is read: auto (when the input is a pipe, a terminal or a socket, not a file), on, off. Windows leave out comments without a time.",
            valueName: "auto|on|off"))
    var arrivalTime: ArrivalTime = .auto

    func validate() throws {
        guard maxLineBytes > 0 else { throw ValidationError("--max-line-bytes must be positive") }
        guard regexBudget >= 0 else { throw ValidationError("--regex-budget must be 0 or more") }
        guard regexTime >= 0 else { throw ValidationError("--regex-time must be 0 or more") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let word = stray.first { throw ValidationError(Self.strayMessage(word)) }
        guard parseDuration(lateness) != nil else { throw ValidationError("--lateness takes a duration such as 5m or 30s") }
    }

    /// What to say for a word given without an option name: the rules (a `.vigie` file or a
    /// folder) go with --rules, a comments file with --input.
    static func strayMessage(_ word: String) -> String {
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: word, isDirectory: &isDir)
        let isRules = isDir.boolValue || word.hasSuffix(".vigie") || !exists && !word.contains(".")
        let option = isRules ? "--rules" : "--input"
        return "`vigie run` takes no argument without an option name (`\(word)`): did you mean `vigie run \(option) \(word)`?"
    }

    func run() throws {
        // A closed output is seen as EPIPE on write, and ends the run quietly.
        signal(SIGPIPE, SIG_IGN)
        let fields = try options.fieldMap()
        let (_, program) = RuleCompilation.load(options.rules)
        guard let program else { throw ExitCode(ExitStatus.usage.rawValue) }
        var fd: Int32 = 0
        if let input {
            fd = open(input, O_RDONLY)
            guard fd >= 0 else {
                Terminal.error("vigie: cannot open `\(input)`: \(String(cString: strerror(errno)))\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
        var o = RunOptions()
        o.textField = options.textField
        o.fields = fields
        let live = Run.usesArrivalTime(arrivalTime, input: fd)
        if live { o.arrivalClock = { Date().timeIntervalSince1970 } }
        o.explain = explain
        o.maxLineBytes = maxLineBytes
        o.budget = RegexBudget(maxCutoffs: regexBudget, milliseconds: regexTime)
        o.jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        o.profile = profile
        let runner = StreamRunner(program: program, options: o)
        runner.state.lateness = parseDuration(lateness) ?? 300
        if let state {
            do {
                try StateStage.checkWritable(state)
                let dropped = try runner.state.load(from: state)
                if !dropped.isEmpty {
                    Terminal.error("vigie: warning: the state file `\(state)` has \(dropped.count) window\(dropped.count == 1 ? "" : "s") these rules do not have (another rule set, or rules changed since); their events are not used and will not be saved: \(dropped.prefix(5).map { "`\($0)`" }.joined(separator: ", "))\(dropped.count > 5 ? ", …" : "")\n")
                }
            } catch {
                Terminal.error("vigie: \(error)\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            var last = Date()
            runner.afterBatch = {
                if Date().timeIntervalSince(last) >= 5 {
                    try? runner.state.save(to: state)
                    last = Date()
                }
            }
        }
        // Progress on a terminal when reading a file: lines decided and share of the file.
        let progress = ProgressLine("run")
        if input != nil, progress.enabled {
            let total = Double((try? FileManager.default.attributesOfItem(atPath: input!)[.size] as? Int) ?? 0)
            let previous = runner.afterBatch
            runner.afterBatch = {
                previous?()
                let done = Double(lseek(fd, 0, SEEK_CUR))
                progress.update(total > 0 ? String(format: "%d lines (%.0f%%)", runner.stats.lines, min(100, done / total * 100)) : "\(runner.stats.lines) lines")
            }
        }
        let timeField = runner.evaluator.timeFieldName
        runner.onFirstUntimed = { line in
            Terminal.error(
                "vigie: warning: line \(line) has no time (no \(timeField) field): windows (`count(…, window …)`, `repeats`) leave out comments without a time, here and in the rest of the input; name the field that holds the time with --time-field or --map (--stats counts them)\n")
        }
        runner.onSwap = { old, new, line in
            Terminal.error("vigie: rules version \(new) decides from line \(line) on (was \(old))\n")
        }
        let deliverer = try Delivery.open(deliver)
        if let deliverer {
            runner.onOutput = { deliverer.take(decisionLines: $0) }
            deliverer.start()
        }
        let sources = installSignalSources(runner: runner, program: program)
        let start = Date()
        let end = runner.run(input: fd, output: 1)
        progress.clear()
        if let deliverer { Delivery.finish(deliverer) }
        if let state {
            do {
                try runner.state.save(to: state)
            } catch {
                Terminal.error("vigie: \(error)\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
        if stats { Terminal.error(runner.stats.render(seconds: Date().timeIntervalSince(start)) + "rules version: \(runner.rulesVersion)\n") }
        if profile { Terminal.error(runner.renderProfile(comments: runner.stats.lines)) }
        // A SIGINT or SIGTERM that came at any time — after the end of input, while standard
        // output was stalled — ends the process by that signal, as documented. From here on a
        // new one kills at once (the state is saved); one that came before is acted on below.
        for sig in [SIGINT, SIGTERM] { signal(sig, SIG_DFL) }
        for s in sources { s.cancel() }
        if case .stopped = end {} else if let sig = runner.control.stopRequest, sig > 0 {
            Terminal.error("vigie: stopped by \(signalName(sig)) after line \(runner.stats.lines)\n")
            endBySignal(sig)
        }
        switch end {
        case .endOfInput, .outputClosed:
            return
        case .stopped(let signal, let partial):
            let unread = partial > 0 ? "; the next line, partly read (\(partial) bytes), was not used" : ""
            Terminal.error("vigie: stopped by \(signalName(signal)) after line \(runner.stats.lines)\(unread)\n")
            endBySignal(signal)
        case .writeFailed(let e):
            Terminal.error("vigie: cannot write the output: \(String(cString: strerror(e)))\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        case .readFailed(let e):
            Terminal.error("vigie: cannot read the input: \(String(cString: strerror(e)))\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }

    /// SIGINT and SIGTERM ask the runner to stop; SIGHUP (and, with --watch, a changed file)
    /// reloads the rules. Signals arrive as events on a queue, never in a signal handler.
    func installSignalSources(runner: StreamRunner, program: Program) -> [DispatchSourceProtocol] {
        let control = runner.control
        let stopQueue = DispatchQueue(label: "vigie.stop")
        let reloadQueue = DispatchQueue(label: "vigie.reload")
        var sources: [DispatchSourceProtocol] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: stopQueue)
            s.setEventHandler {
                control.requestStop(signal: sig)
                RegexStop.request(graceMilliseconds: 200)  // the lines read get 200 ms, then regexes are cut off
            }
            s.resume()
            sources.append(s)
        }
        let reloader = RulesReloader(path: options.rules, program: program, control: control) { Terminal.error($0) }
        signal(SIGHUP, SIG_IGN)
        let hup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: reloadQueue)
        hup.setEventHandler { reloader.reload(reason: "SIGHUP") }
        hup.resume()
        sources.append(hup)
        if watch {
            let timer = DispatchSource.makeTimerSource(queue: reloadQueue)
            timer.schedule(deadline: .now() + 1, repeating: 1)
            timer.setEventHandler { reloader.reloadIfChanged() }
            timer.resume()
            sources.append(timer)
        }
        return sources
    }
}

extension Run {
    /// Whether comments without a time take the time their line is read: with `auto`, when
    /// `input` is not a regular file (a pipe, a terminal, a socket: comments arrive as they are
    /// written); a file is a replay, where the time of reading says nothing about the comments.
    static func usesArrivalTime(_ choice: ArrivalTime, input: Int32) -> Bool {
        switch choice {
        case .on: return true
        case .off: return false
        case .auto:
            var st = stat()
            guard fstat(input, &st) == 0 else { return false }
            return st.st_mode & S_IFMT != S_IFREG
        }
    }
}

/// `SIGINT`, `SIGTERM`... for messages.
func signalName(_ s: Int32) -> String {
    switch s {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    case SIGHUP: return "SIGHUP"
    default: return "signal \(s)"
    }
}

/// Ends the process by `sig` with its default action, once the work is saved, so that shells
/// and supervisors see what stopped it (the shell's status is 128 + the signal number).
func endBySignal(_ sig: Int32) -> Never {
    if sig > 0 {
        signal(sig, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, sig)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(sig)
    }
    exit(128 + sig)
}

/// Parses `90s`, `5m`, `2h`, `1d`, `1w` into seconds.
func parseDuration(_ s: String) -> Double? {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]
    guard let u = s.last, let mult = units[u], let v = Double(s.dropLast()), v >= 0 else { return nil }
    return v * mult
}
