import Foundation
import VigieCore
import VigieLanguage
import VigieEngine

/// Confusion counts of one predictor against the label.
public struct Confusion: Sendable {
    /// Predicted and labelled.
    public var tp = 0
    /// Predicted, not labelled.
    public var fp = 0
    /// Labelled, not predicted.
    public var fn = 0
    /// Neither.
    public var tn = 0
    /// Up to 3 false positives: (line, id, text).
    public var fpExamples: [(Int, String, String)] = []
    /// Up to 3 false negatives.
    public var fnExamples: [(Int, String, String)] = []

    /// TP / (TP + FP), nil when nothing was predicted.
    public var precision: Double? { tp + fp == 0 ? nil : Double(tp) / Double(tp + fp) }
    /// TP / (TP + FN), nil when nothing is labelled.
    public var recall: Double? { tp + fn == 0 ? nil : Double(tp) / Double(tp + fn) }

    package mutating func add(predicted: Bool, label: Bool, _ example: @autoclosure () -> (Int, String, String)) {
        switch (predicted, label) {
        case (true, true): tp += 1
        case (true, false):
            fp += 1
            if fpExamples.count < 3 { fpExamples.append(example()) }
        case (false, true):
            fn += 1
            if fnExamples.count < 3 { fnExamples.append(example()) }
        case (false, false): tn += 1
        }
    }
}

/// The result of `vigie eval`.
public struct EvalReport: Sendable {
    /// Lines read.
    public var lines = 0
    /// Lines that could not be evaluated.
    public var errors = 0
    /// Lines where the label holds.
    public var positives = 0
    /// Per action kind (`any`, `hide`, `escalate`, `flag`, `reply`), in that order.
    public var actions: [(String, Confusion)] = []
    /// Per rule, in evaluation order (shadow rules included: what they would have done).
    public var rules: [(String, Confusion)] = []
}

/// Backtesting: rules against a labelled corpus (`eval`) and two rule versions against each other (`diff`).
public enum Backtest {
    /// Calls `body(line, number)` for every line of a file (without line ends); `-` is standard
    /// input, and pipes such as `<(grep …)` work too.
    public static func forEachLine(_ path: String, _ body: (ArraySlice<UInt8>, Int) -> Void) throws {
        let handle = path == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: path)
        guard let handle, let data = try handle.readToEnd() ?? Data() as Data? else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        let bytes = [UInt8](data)
        var start = 0
        var n = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            n += 1
            var e = end
            if e > start, bytes[e - 1] == 0x0D { e -= 1 }
            body(bytes[start..<e], n)
            start = end + 1
        }
    }

    /// Compiles a label expression (any Vigie condition, e.g. `label == "1"`) into a program.
    public static func compileLabel(_ expr: String) -> (Program?, [Diagnostic]) {
        let src = SourceFile(path: "--label", text: "rule label { when \(expr) then tag label }")
        let rs = RuleSetLoader.build(sources: [src], root: ".")
        return (Compiler.compile(rs), rs.diagnostics.filter { $0.severity == .error })
    }

    /// Runs `program` over a labelled corpus and measures precision and recall; `fields` says
    /// where the comments' fields are (`--map`).
    public static func eval(program: Program, label: Program, corpus: String, textField: String = "text", fields: FieldMap = FieldMap(),
                            progress: ((Int) -> Void)? = nil) throws -> EvalReport {
        let ev = Evaluator(program: program, textField: textField, fields: fields)
        let lab = Evaluator(program: label, textField: textField, fields: fields)
        var report = EvalReport()
        // `any`, then every action that acts on a comment, in decision-line order.
        let kinds: [ActionKind?] = [nil] + ActionKind.applied.filter(\.actsOn)
        var actionConf = [Confusion](repeating: Confusion(), count: kinds.count)
        var hideOrFlag = Confusion()
        var ruleConf = [Confusion](repeating: Confusion(), count: program.rules.count)
        try forEachLine(corpus) { line, n in
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return }
            report.lines += 1
            if report.lines & 0x3FF == 0 { progress?(report.lines) }
            let trace = Trace()
            guard case .decision(let d) = ev.evaluate(line: line, trace: trace), case .decision(let l) = lab.evaluate(line: line) else {
                report.errors += 1
                return
            }
            let truth = !l.matchedRules.isEmpty
            if truth { report.positives += 1 }
            let example = { () -> (Int, String, String) in
                let id = ev.idNode(ev.doc).map { String(decoding: ev.doc.raw($0), as: UTF8.self) } ?? "-"
                return (n, id, String(decoding: ev.text.prefix(160), as: UTF8.self))
            }
            for (k, kind) in kinds.enumerated() {
                let predicted = kind.map { d.has($0) } ?? d.actions.contains { $0.kind.actsOn }
                actionConf[k].add(predicted: predicted, label: truth, example())
            }
            hideOrFlag.add(predicted: d.has(.hide) || d.has(.flag), label: truth, example())
            for i in program.rules.indices { ruleConf[i].add(predicted: trace.rules[i] == true, label: truth, example()) }
        }
        report.actions = zip(kinds.map { $0?.keyword ?? "any" }, actionConf).map { ($0, $1) }
        report.actions.insert(("hide or flag", hideOrFlag), at: 2)
        report.rules = zip(program.rules.map { $0.name + ($0.shadow ? " (shadow)" : "") }, ruleConf).map { ($0, $1) }
        return report
    }

    /// One comment whose decision differs between two rule versions.
    public struct Change: Sendable {
        /// Line in the corpus.
        public var line: Int
        /// The comment's id as JSON.
        public var id: String
        /// The start of its text.
        public var text: String
        /// Decision before and after, in words.
        public var before: String
        public var after: String
        /// Rules that match only in the new version.
        public var started: [String]
        /// Rules that match only in the old version.
        public var stopped: [String]
    }

    /// The result of `vigie diff`.
    public struct DiffReport: Sendable {
        /// Lines compared.
        public var lines = 0
        /// Every changed comment, in corpus order.
        public var changes: [Change] = []
    }

    /// Runs two versions of a rule set over a corpus and lists the comments whose decision
    /// (applied actions and tags) changed; `fields` says where the comments' fields are (`--map`).
    public static func diff(old: Program, new: Program, corpus: String, textField: String = "text", fields: FieldMap = FieldMap(),
                            progress: ((Int) -> Void)? = nil) throws -> DiffReport {
        let a = Evaluator(program: old, textField: textField, fields: fields)
        let b = Evaluator(program: new, textField: textField, fields: fields)
        var report = DiffReport()
        try forEachLine(corpus) { line, n in
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return }
            report.lines += 1
            if report.lines & 0x3FF == 0 { progress?(report.lines) }
            guard case .decision(let x) = a.evaluate(line: line), case .decision(let y) = b.evaluate(line: line) else { return }
            let before = RuleTestRunner.actualDescription(x)
            let after = RuleTestRunner.actualDescription(y)
            guard signature(x) != signature(y) else { return }
            let id = b.idNode(b.doc).map { String(decoding: b.doc.raw($0), as: UTF8.self) } ?? "-"
            report.changes.append(Change(line: n, id: id, text: String(decoding: b.text.prefix(160), as: UTF8.self), before: before, after: after,
                                         started: y.matchedRules.filter { !x.matchedRules.contains($0) },
                                         stopped: x.matchedRules.filter { !y.matchedRules.contains($0) }))
        }
        return report
    }

    /// What a decision does, independent of which rule asked: actions with their arguments, and tags.
    package static func signature(_ d: Decision) -> [String] {
        (d.actions.map { "\($0.kind.keyword) \($0.argument ?? "") \($0.severity ?? "") \($0.reason ?? "")" } + d.tags.map { "tag \($0)" }).sorted()
    }
}
