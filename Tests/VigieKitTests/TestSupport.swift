import Foundation
import Testing

@testable import VigieCore
@testable import VigieText
@testable import VigieRegex
@testable import VigieLanguage
@testable import VigieEngine
@testable import VigieRuleTests
@testable import VigieLint
@testable import VigieFormat
@testable import VigieImport
@testable import VigieReport
@testable import VigieBench

/// Where the package and the test fixtures are, found from this file's path so the tests work
/// whatever the build folder (`swift test`, `--scratch-path`, Xcode).
enum Paths {
    /// The package root (the folder holding `Package.swift`).
    static let packageRoot: URL = {
        var u = URL(fileURLWithPath: #filePath)
        while u.path != "/" {
            u.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: u.appendingPathComponent("Package.swift").path) { return u }
        }
        // Tests/VigieKitTests/TestSupport.swift: three levels up.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// `Tests/VigieKitTests/Fixtures`.
    static let fixtures = packageRoot.appendingPathComponent("Tests/VigieKitTests/Fixtures")

    /// Every file under `dir` (recursively) whose name ends with `suffix`, sorted.
    static func files(under dir: URL, suffix: String) -> [URL] {
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return [] }
        var out: [URL] = []
        for case let u as URL in e where u.lastPathComponent.hasSuffix(suffix) { out.append(u) }
        return out.sorted { $0.path < $1.path }
    }
}

/// Parses and checks one rule file given in memory.
func buildRuleSet(_ text: String, path: String = "/virtual/rules.vigie", root: String = "/virtual") -> RuleSet {
    RuleSetLoader.build(sources: [SourceFile(path: path, text: text)], root: root)
}

/// The ids of the diagnostics with the given severity, in order.
func ids(_ ds: [Diagnostic], _ severity: Severity = .error) -> [String] {
    ds.filter { $0.severity == severity }.map(\.id)
}

/// `line:column` of a diagnostic's primary span.
func position(_ d: Diagnostic) -> String? {
    guard let f = d.file, let s = d.span else { return nil }
    let (l, c) = f.location(of: s.start)
    return "\(l):\(c)"
}

/// Every diagnostic rendered, for failure messages.
func rendered(_ ds: [Diagnostic]) -> String { DiagnosticRenderer.text(ds) }

/// Compiles rules that must have no error; records an issue (with the rendered diagnostics) otherwise.
func compileRules(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Program {
    let rs = buildRuleSet(text)
    let errors = rs.diagnostics.filter { $0.severity == .error }
    #expect(errors.isEmpty, "rules do not compile:\n\(rendered(errors))", sourceLocation: sourceLocation)
    return try #require(Compiler.compile(rs), sourceLocation: sourceLocation)
}

struct LineError: Error, CustomStringConvertible {
    var code: String
    var message: String
    var description: String { "\(code): \(message)" }
}

/// Evaluates one JSON line and returns its decision; an error record becomes a thrown error.
func decide(_ program: Program, _ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Decision {
    switch Evaluator(program: program).evaluate(line: Array(json.utf8)) {
    case .decision(let d): return d
    case .error(let code, let message):
        Issue.record("line \(json) gave error record \(code): \(message)", sourceLocation: sourceLocation)
        throw LineError(code: code, message: message)
    }
}

/// A JSON object as one line (keys sorted, so the output is deterministic).
func jsonLine(_ object: [String: Any]) -> String {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
}

/// A comment with a text and optional extra fields.
func comment(_ text: String, _ extra: [String: Any] = [:]) -> String {
    var o = extra
    o["text"] = text
    return jsonLine(o)
}

/// Parses one JSON object line.
func parseObject(_ line: some StringProtocol) -> [String: Any]? {
    guard let data = String(line).data(using: .utf8),
        let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return nil }
    return o
}
