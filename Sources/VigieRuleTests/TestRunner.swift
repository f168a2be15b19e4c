import VigieCore
import VigieLanguage
import VigieEngine

/// The outcome of one test.
public struct RuleTestResult {
    /// Passed, failed, or a known gap.
    public enum Status: String { case passed, failed, todo }
    /// The test.
    public var test: RuleTestCase
    /// Its status.
    public var status: Status
    /// Why it failed, one line each (`- reply excuses (expected, not applied)`).
    public var problems: [String] = []
    /// What was expected, in words.
    public var expected: String = ""
    /// What happened, in words.
    public var actual: String = ""
    /// The explain trace of the comment (failures only).
    public var trace: String = ""
}

/// What a test run found, with coverage.
public struct RuleTestReport {
    /// Every result, in discovery order.
    public var results: [RuleTestResult] = []
    /// Rule names, in evaluation order.
    public var rules: [String] = []
    /// Rules whose condition held in at least one test or example.
    public var exercised: Set<String> = []
    /// Actions declared by rules that no test asserts (`escalate juridique`, `tag sav`).
    public var neverAsserted: [String] = []

    /// Passed tests.
    public var passed: Int { results.filter { $0.status == .passed }.count }
    /// Failed tests.
    public var failed: Int { results.filter { $0.status == .failed }.count }
    /// Known gaps.
    public var todo: Int { results.filter { $0.status == .todo }.count }
    /// Share of rules exercised, 0...100.
    public var coverage: Double { rules.isEmpty ? 100 : Double(exercised.count) * 100 / Double(rules.count) }
    /// Rules no test exercises.
    public var unexercised: [String] { rules.filter { !exercised.contains($0) } }
}

/// Runs rule tests and measures coverage.
public enum RuleTestRunner {
    /// Runs `cases` (those whose name contains `filter`, when given) against `program`.
    public static func run(_ program: Program, _ cases: [RuleTestCase], filter: String? = nil) -> RuleTestReport {
        var report = RuleTestReport()
        report.rules = program.rules.map(\.name)
        var evaluator = Evaluator(program: program)
        var asserted = Set<String>()
        var assertedKinds = Set<String>()
        for c in cases {
            if let filter, !filter.isEmpty, !c.name.localizedLowercase.contains(filter.lowercased()) { continue }
            for e in c.expectations {
                if let a = e.argument { asserted.insert("\(e.kind.keyword) \(a.text)") } else { assertedKinds.insert(e.kind.keyword) }
            }
            // Each test starts from empty state: windows and cooldowns see only its own comments.
            if program.isStateful { evaluator = Evaluator(program: program) }
            for h in c.history { _ = evaluator.evaluate(line: h) }
            let trace = Trace()
            var result = RuleTestResult(test: c, status: .passed)
            switch evaluator.evaluate(line: c.comment, trace: trace) {
            case .error(_, let message):
                result.problems = ["the test's comment cannot be evaluated: \(message)"]
            case .decision(let d):
                for (i, r) in program.rules.enumerated() where trace.rules[i] == true { report.exercised.insert(r.name) }
                if case .example(let rule, let should) = c.kind {
                    let index = program.ruleIndex[rule] ?? 0
                    let held = trace.rules[index] == true
                    result.expected = should ? "rule \(rule) matches" : "rule \(rule) does not match"
                    result.actual = held ? "rule \(rule) matches" : "rule \(rule) does not match"
                    if held != should { result.problems = [should ? "- rule \(rule) should match this text but does not" : "+ rule \(rule) matches this text but should not"] }
                } else {
                    result.expected = c.expectNothing ? "nothing" : c.expectations.map(describe).joined(separator: ", ")
                    result.actual = actualDescription(d)
                    result.problems = compare(c, d)
                }
                if !result.problems.isEmpty {
                    result.trace = Explainer(evaluator: evaluator, decision: d, trace: trace).text()
                }
            }
            if c.todo {
                result.status = .todo
            } else if !result.problems.isEmpty {
                result.status = .failed
            }
            report.results.append(result)
        }
        var declared: [String] = []
        for r in program.rules {
            for a in r.actions {
                let key = a.argument.map { "\(a.kind.keyword) \($0)" } ?? a.kind.keyword
                if !declared.contains(key) { declared.append(key) }
            }
        }
        report.neverAsserted = declared.filter { key in
            !asserted.contains(key) && !assertedKinds.contains(String(key.split(separator: " ")[0]))
        }
        return report
    }

    /// An expectation in the language's words.
    package static func describe(_ e: ActionSyntax) -> String {
        var s = e.negated ? "not " : ""
        s += e.kind.keyword
        if let a = e.argument { s += " \(a.text)" }
        if let r = e.reason { s += " \"\(r.value)\"" }
        if let sev = e.severity { s += " severity \(sev.text)" }
        if let by = e.byRule { s += " by \(by.text)" }
        return s
    }

    package static func describe(_ a: DecidedAction) -> String {
        var s = a.kind.keyword
        if let arg = a.argument { s += " \(arg)" }
        if let r = a.reason { s += " \"\(r)\"" }
        if let sev = a.severity { s += " severity \(sev)" }
        s += " by \(a.rules.joined(separator: ", "))"
        return s
    }

    package static func actualDescription(_ d: Decision) -> String {
        let parts = d.actions.map(describe) + d.tags.map { "tag \($0)" }
        return parts.isEmpty ? "nothing" : parts.joined(separator: ", ")
    }

    package static func matches(_ e: ActionSyntax, _ a: DecidedAction) -> Bool {
        guard e.kind == a.kind else { return false }
        if let arg = e.argument, arg.text != a.argument { return false }
        if let r = e.reason, r.value != a.reason { return false }
        if let s = e.severity, s.text != a.severity { return false }
        if let by = e.byRule, !a.rules.contains(by.text) { return false }
        return true
    }

    /// Differences between what a test expects and the decision, as diff lines: `- ...` expected
    /// but missing, `+ ...` present but not expected.
    package static func compare(_ c: RuleTestCase, _ d: Decision) -> [String] {
        var problems: [String] = []
        if c.expectNothing {
            for a in d.actions { problems.append("+ \(describe(a))") }
            for t in d.tags { problems.append("+ tag \(t)") }
            return problems
        }
        var used = [Bool](repeating: false, count: d.actions.count)
        var exhaustive = false
        for e in c.expectations {
            if !e.kind.isApplied {
                // A tag: checked against the decision's labels.
                let present = d.tags.contains(e.argument?.text ?? "")
                if present == e.negated { problems.append(e.negated ? "+ tag \(e.argument?.text ?? "") (expected absent)" : "- tag \(e.argument?.text ?? "")") }
                continue
            }
            if e.negated {
                for a in d.actions where matches(e, a) { problems.append("+ \(describe(a)) (expected `\(describe(e))`)") }
                continue
            }
            exhaustive = true
            if let i = d.actions.indices.first(where: { !used[$0] && matches(e, d.actions[$0]) }) {
                used[i] = true
            } else {
                let near = d.dropped.first { matches(e, $0.action) }
                problems.append("- \(describe(e))" + (near.map { " (dropped: \($0.why))" } ?? ""))
            }
        }
        if exhaustive {
            for (i, a) in d.actions.enumerated() where !used[i] { problems.append("+ \(describe(a))") }
        }
        return problems
    }
}
