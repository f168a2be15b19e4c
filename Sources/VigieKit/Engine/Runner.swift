import Foundation

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

    /// Creates empty counts.
    public init() {}

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
        for k in ["hide", "escalate", "flag", "reply", "allow"] { out += "  \(k): \(actions[k] ?? 0)\n" }
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
        return out
    }
}

/// Options for running a stream.
public struct RunOptions: Sendable {
    /// The dotted path of the text field.
    public var textField = "text"
    /// Add the explain trace to each output line.
    public var explain = false
    /// Lines longer than this get an error record (their bytes are skipped, not kept in memory).
    public var maxLineBytes = 16 << 20
    /// Creates default options.
    public init() {}
}

/// Runs JSON lines through a program: one output line per input line, in order, flushed
/// whenever the input has no more data ready (so interactive pipes see each decision at once).
public final class StreamRunner {
    let program: Program
    let options: RunOptions
    let evaluator: Evaluator
    var writer: DecisionWriter
    /// Counts so far.
    public private(set) var stats = RunStats()

    /// Creates a runner.
    public init(program: Program, options: RunOptions) {
        self.program = program
        self.options = options
        self.evaluator = Evaluator(program: program, textField: options.textField)
        self.writer = DecisionWriter(explain: options.explain)
    }

    /// Processes one line (without its line end) and returns the output line.
    public func process(line: ArraySlice<UInt8>, number: Int) -> [UInt8] {
        stats.lines += 1
        var body = line
        if body.last == 0x0D { body = body.dropLast() }
        if number == 1, body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            return error(number, nil, "empty_line", "empty line")
        }
        let trace = options.explain ? Trace() : nil
        switch evaluator.evaluate(line: body, trace: trace) {
        case .error(let code, let message):
            var id: ArraySlice<UInt8>?
            if code != "invalid_json", let n = evaluator.doc.lookup([Array("id".utf8)]) { id = evaluator.doc.raw(n) }
            return error(number, id, code, message)
        case .decision(let d):
            for a in d.actions { stats.actions[a.kind.rawValue, default: 0] += 1 }
            for r in d.matchedRules { stats.rules[r, default: 0] += 1 }
            for a in d.shadow { stats.shadowActions[a.kind.rawValue, default: 0] += 1 }
            for t in d.tags { stats.tags[t, default: 0] += 1 }
            stats.regexLimits += d.warnings.filter { $0.contains("match limit") }.count
            let id = evaluator.doc.lookup([Array("id".utf8)]).map { evaluator.doc.raw($0) }
            let traceJSON = trace.map { Explainer(evaluator: evaluator, decision: d, trace: $0).json() }
            return writer.decisionLine(line: number, id: id, decision: d, trace: traceJSON)
        }
    }

    func error(_ number: Int, _ id: ArraySlice<UInt8>?, _ code: String, _ message: String) -> [UInt8] {
        stats.errors += 1
        stats.errorCodes[code, default: 0] += 1
        return writer.errorLine(line: number, id: id, code: code, message: message)
    }

    /// Reads `input` to its end and writes one line per input line to `output`.
    public func run(input: Int32, output: Int32) {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var pending: [UInt8] = []
        var skipping = false  // inside a line longer than the limit
        var skippedBytes = 0
        var lineNumber = 0
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            if n == 0 { break }
            var start = 0
            var i = 0
            while i < n {
                guard let nl = buffer[i..<n].firstIndex(of: 0x0A) else { break }
                lineNumber += 1
                if skipping {
                    out += tooLong(lineNumber, skippedBytes + nl - start)
                    skipping = false
                    skippedBytes = 0
                } else if pending.isEmpty {
                    out += nl - start > options.maxLineBytes ? tooLong(lineNumber, nl - start) : process(line: buffer[start..<nl], number: lineNumber)
                } else {
                    pending += buffer[start..<nl]
                    out += pending.count > options.maxLineBytes ? tooLong(lineNumber, pending.count) : process(line: pending[...], number: lineNumber)
                    pending.removeAll(keepingCapacity: true)
                }
                start = nl + 1
                i = start
                if out.count >= 1 << 20 { flush(&out, output) }
            }
            if start < n {
                if skipping {
                    skippedBytes += n - start
                } else {
                    pending += buffer[start..<n]
                    if pending.count > options.maxLineBytes {
                        skipping = true
                        skippedBytes = pending.count
                        pending = []
                    }
                }
            }
            flush(&out, output)
        }
        if skipping {
            lineNumber += 1
            out += tooLong(lineNumber, skippedBytes)
        } else if !pending.isEmpty {
            lineNumber += 1
            out += process(line: pending[...], number: lineNumber)
        }
        flush(&out, output)
    }

    func tooLong(_ number: Int, _ size: Int) -> [UInt8] {
        stats.lines += 1
        return error(number, nil, "line_too_long", "line of \(size) bytes is longer than --max-line-bytes \(options.maxLineBytes)")
    }

    func flush(_ out: inout [UInt8], _ fd: Int32) {
        var off = 0
        while off < out.count {
            let w = out.withUnsafeBytes { write(fd, $0.baseAddress! + off, out.count - off) }
            if w < 0 {
                if errno == EINTR { continue }
                break
            }
            off += w
        }
        out.removeAll(keepingCapacity: true)
    }
}
