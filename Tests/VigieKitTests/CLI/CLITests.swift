import Dispatch
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

/// Runs the built `vigie` executable.
enum CLI {
    /// The `vigie` binary of this build: it sits in the same products folder as the test bundle,
    /// whatever `--scratch-path` was given. `VIGIE_BIN` overrides.
    static let binary: URL? = {
        let fm = FileManager.default
        func executable(in dir: URL) -> URL? {
            let u = dir.appendingPathComponent("vigie")
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: u.path, isDirectory: &isDir), !isDir.boolValue, fm.isExecutableFile(atPath: u.path) else { return nil }
            return u
        }
        if let env = ProcessInfo.processInfo.environment["VIGIE_BIN"], fm.isExecutableFile(atPath: env) {
            return URL(fileURLWithPath: env)
        }
        var starts: [URL] = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()]
        if let p = Bundle.main.executableURL { starts.append(p) }
        for b in Bundle.allBundles where b.bundleURL.pathExtension == "xctest" { starts.append(b.bundleURL) }
        // `.build/debug/X.xctest` (Linux: an executable; macOS: a bundle whose executable is in
        // `Contents/MacOS`): look in the parents, a few levels up, never higher.
        for s in starts {
            var dir = s.deletingLastPathComponent()
            for _ in 0..<4 {
                if let u = executable(in: dir) { return u }
                dir.deleteLastPathComponent()
            }
        }
        // Last resort: the default build folder of the package.
        return executable(in: Paths.packageRoot.appendingPathComponent(".build/debug"))
    }()

    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var out: String { String(decoding: stdout, as: UTF8.self) }
        var err: String { String(decoding: stderr, as: UTF8.self) }
    }

    static func requireBinary(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        try #require(binary, "the `vigie` executable was not found next to the test bundle (\(CommandLine.arguments[0])); build it with `swift build --build-tests`", sourceLocation: sourceLocation)
    }

    /// Writing to a child that has exited must fail with EPIPE, not kill the test process.
    static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Runs `vigie args`, feeding `stdin`, and collects both outputs.
    static func run(_ args: [String], stdin: Data = Data(), sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        _ = ignoreBrokenPipes
        let p = Process()
        p.executableURL = try requireBinary(sourceLocation: sourceLocation)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        p.environment = env
        let inPipe = Pipe()
        let outPipe = Pipe()
        let errPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = errPipe
        try p.run()
        let group = DispatchGroup()
        let errBox = DataBox()
        DispatchQueue.global().async(group: group) {
            // The child may exit without reading (broken rules): a failed write is not an error here.
            try? inPipe.fileHandleForWriting.write(contentsOf: stdin)
            try? inPipe.fileHandleForWriting.close()
        }
        DispatchQueue.global().async(group: group) {
            errBox.data = errPipe.fileHandleForReading.readDataToEndOfFile()
        }
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: outData, stderr: errBox.data)
    }
}

/// Bytes filled in by another thread (read only after it is done).
final class DataBox: @unchecked Sendable {
    var data = Data()
}

private let rulesDir = Paths.fixtures.appendingPathComponent("cli/rules").path

/// The output's lines (the output must end with a newline).
private func outputLines(_ r: CLI.Result) -> [Substring] {
    var s = Substring(r.out)
    if s.hasSuffix("\n") { s = s.dropLast() }
    return s.isEmpty ? [] : s.split(separator: "\n", omittingEmptySubsequences: false)
}

/// Texts cycled through by the generated stream: (text, expected first action type or nil).
private let streamTexts: [(String, String?)] = [
    ("Mon colis est toujours en retard", "reply"),
    ("Super produit, merci !", nil),
    ("Quel connard ce livreur", "hide"),
    ("Promo ici https://spam.example/x", "flag"),
    ("Hi, my order is late again", "reply"),
    ("Ça va, et vous ?", nil),
    ("C'est un IDIOT", "hide"),
]

/// The texts as JSON strings, encoded once (generating 100,000 lines must stay cheap).
private let streamTextsJSON: [String] = streamTexts.map { t in
    let o = jsonLine(["t": t.0])
    return String(o.dropFirst(5).dropLast())  // {"t":"..."} → "..."
}

private func streamLine(_ i: Int) -> String {
    #"{"id":"c\#(i)","text":\#(streamTextsJSON[i % streamTexts.count]),"author":{"name":"User \#(i)"}}"#
}

// MARK: - Streams

@Test func runOnOneHundredThousandCommentsKeepsCountAndOrder() throws {
    let n = 100_000
    var input = ""
    input.reserveCapacity(n * 90)
    for i in 0..<n { input += streamLine(i) + "\n" }
    let r = try CLI.run(["run", "--rules", rulesDir], stdin: Data(input.utf8))
    #expect(r.status == 0, "\(r.err)")
    let lines = outputLines(r)
    try #require(lines.count == n, "\(lines.count) output lines for \(n) comments")
    var badOrder = 0
    var badDecision = 0
    for (i, line) in lines.enumerated() {
        // Keys come in a fixed order: line, then id.
        if !line.hasPrefix(#"{"line":\#(i + 1),"id":"c\#(i)","#) {
            badOrder += 1
            if badOrder <= 3 { Issue.record("line \(i + 1): \(line.prefix(120))") }
            continue
        }
        if i % 997 == 0 || i < 20 {
            let o = try #require(parseObject(line), "not JSON: \(line)")
            let first = (o["actions"] as? [[String: Any]])?.first?["type"] as? String
            if first != streamTexts[i % streamTexts.count].1 {
                badDecision += 1
                Issue.record("line \(i + 1) \(streamTexts[i % streamTexts.count].0.debugDescription): \(line)")
            }
        }
    }
    #expect(badOrder == 0)
    #expect(badDecision == 0)
}

@Test func malformedLinesGetErrorRecordsInTheirPlace() throws {
    let n = 100_000
    let malformed: [String] = [
        "not json at all",
        "[1, 2, 3]",
        #"{"id":"x","body":"no text field"}"#,
        #"{"id":"x","text":42}"#,
        "",
        #"{"id":"x","text":"truncated"#,
        "\u{1}\u{2}binary",
        #""a string""#,
        "{}",
        "   ",
    ]
    var input = ""
    input.reserveCapacity(n * 90)
    var bad = Set<Int>()
    var k = 0
    for i in 0..<n {
        if i % 10 == 7 {
            input += malformed[k % malformed.count] + "\n"
            k += 1
            bad.insert(i)
        } else {
            input += streamLine(i) + "\n"
        }
    }
    // Several workers, whatever the machine: order must hold across batches.
    let r = try CLI.run(["run", "--rules", rulesDir, "--jobs", "4"], stdin: Data(input.utf8))
    #expect(r.status == 0, "\(r.err)")
    let lines = outputLines(r)
    try #require(lines.count == n, "\(lines.count) output lines for \(n) input lines")
    var wrong = 0
    for (i, line) in lines.enumerated() {
        let isError = line.contains(#""error_code":"#)
        let ok: Bool
        if bad.contains(i) {
            ok = isError && line.hasPrefix(#"{"line":\#(i + 1),"#)
        } else {
            ok = !isError && line.hasPrefix(#"{"line":\#(i + 1),"id":"c\#(i)","#)
        }
        if !ok {
            wrong += 1
            if wrong <= 5 { Issue.record("line \(i + 1) (\(bad.contains(i) ? "malformed" : "valid")): \(line.prefix(160))") }
        }
    }
    #expect(wrong == 0)
    // Every record is one JSON object, with a line number and, for errors, a code and a message.
    for i in [7, 17, 27, 37, 47, 57, 67, 77, 87, 97] {
        let o = try #require(parseObject(lines[i]), "not JSON: \(lines[i])")
        #expect(o["error_code"] is String)
        #expect(o["error"] is String)
        #expect(o["line"] as? Int == i + 1)
    }
}

@Test func runPrintsNothingButJSONLinesOnStdout() throws {
    let warningRules = Paths.fixtures.appendingPathComponent("cli/warning-rules").path
    var input = ""
    for i in 0..<200 { input += (i % 13 == 5 ? "garbage" : comment(i % 2 == 0 ? "mon colis" : "bonjour", ["id": i])) + "\n" }
    let r = try CLI.run(["run", "--rules", warningRules, "--stats"], stdin: Data(input.utf8))
    #expect(r.status == 0, "\(r.err)")
    let lines = outputLines(r)
    #expect(lines.count == 200)
    for (i, line) in lines.enumerated() {
        let o = parseObject(line)
        #expect(o != nil, "stdout line \(i + 1) is not a JSON object: \(line)")
        #expect(o?["line"] as? Int == i + 1)
    }
    // Warnings and statistics go to stderr.
    #expect(r.err.contains("W001"), "\(r.err)")
    #expect(r.err.contains("200 lines"), "\(r.err)")
    #expect(!r.out.contains("W001"))
}

@Test func runFlushesEachDecisionWithoutWaitingForTheEndOfInput() throws {
    _ = CLI.ignoreBrokenPipes
    let p = Process()
    p.executableURL = try CLI.requireBinary()
    p.arguments = ["run", "--rules", rulesDir]
    let inPipe = Pipe()
    let outPipe = Pipe()
    p.standardInput = inPipe
    p.standardOutput = outPipe
    p.standardError = FileHandle.nullDevice
    try p.run()
    defer {
        try? inPipe.fileHandleForWriting.close()
        p.waitUntilExit()
    }
    try inPipe.fileHandleForWriting.write(contentsOf: Data((comment("mon colis en retard", ["id": "live"]) + "\n").utf8))
    let got = DispatchSemaphore(value: 0)
    let box = DataBox()
    DispatchQueue.global().async {
        while !String(decoding: box.data, as: UTF8.self).contains("\n") {
            let d = outPipe.fileHandleForReading.availableData
            if d.isEmpty { break }
            box.data += d
        }
        got.signal()
    }
    let answered = got.wait(timeout: .now() + 20) == .success
    #expect(answered, "no decision within 20 s while stdin stays open")
    if answered {
        #expect(String(decoding: box.data, as: UTF8.self).hasPrefix(#"{"line":1,"id":"live","#))
    }
}

@Test func crlfInputAndByteOrderMarkWork() throws {
    let input = "\u{FEFF}" + comment("Quel connard", ["id": "a"]) + "\r\n" + comment("Mon colis est en retard", ["id": "b"]) + "\r\n" + comment("ok", ["id": "c"])
    let r = try CLI.run(["run", "--rules", rulesDir], stdin: Data(input.utf8))
    #expect(r.status == 0, "\(r.err)")
    let lines = outputLines(r)
    try #require(lines.count == 3, "\(r.out)")
    let objects = lines.compactMap(parseObject)
    try #require(objects.count == 3, "\(r.out)")
    #expect(objects.map { $0["id"] as? String } == ["a", "b", "c"])
    #expect(objects.allSatisfy { $0["error_code"] == nil }, "\(r.out)")
    #expect((objects[0]["actions"] as? [[String: Any]])?.first?["type"] as? String == "hide")
    #expect((objects[1]["actions"] as? [[String: Any]])?.first?["type"] as? String == "reply")
}

@Test func crlfRuleFileWithByteOrderMarkChecksAndRuns() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let source = try String(contentsOfFile: rulesDir + "/service.vigie", encoding: .utf8)
    let crlf = "\u{FEFF}" + source.replacingOccurrences(of: "\n", with: "\r\n")
    try crlf.write(to: dir.appendingPathComponent("service.vigie"), atomically: true, encoding: .utf8)
    let check = try CLI.run(["check", dir.path])
    #expect(check.status == 0, "\(check.err)")
    let r = try CLI.run(["run", "--rules", dir.path], stdin: Data((comment("idiot", ["id": 1]) + "\n").utf8))
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains(#""type":"hide""#), "\(r.out)")
}

// MARK: - check

@Test func checkReportsEveryMistakeWithLocationSnippetAndCaret() throws {
    let path = Paths.fixtures.appendingPathComponent("errors/several-mistakes.vigie").path
    let r = try CLI.run(["check", path])
    #expect(r.status == 2, "exit status \(r.status)\n\(r.err)")
    #expect(r.out.isEmpty, "stdout: \(r.out)")
    // The same diagnostics as the library finds, each rendered in full on stderr.
    let rs = RuleSetLoader.load(path: path)
    let errors = rs.diagnostics.filter { $0.severity == .error }
    #expect(errors.map(\.id).sorted() == ["E016", "E019", "E031", "E037"])
    let lines = r.err.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for d in errors {
        let pos = try #require(position(d))
        let header = "\(path):\(pos): error[\(d.id)]: \(d.message)"
        let h = try #require(lines.firstIndex(of: header), "missing `\(header)` in:\n\(r.err)")
        let lineNo = Int(pos.split(separator: ":")[0])!
        let col = Int(pos.split(separator: ":")[1])!
        let sourceLine = "\(lineNo) | \(d.file!.lineText(lineNo))"
        let s = try #require(lines[h...].firstIndex(of: sourceLine), "missing source line `\(sourceLine)` after \(header)")
        let caret = lines[s + 1]
        let gutter = sourceLine.count - d.file!.lineText(lineNo).count
        let expected = String(repeating: " ", count: gutter - 2) + "| " + String(repeating: " ", count: col - 1) + "^"
        #expect(caret.hasPrefix(expected), "caret line `\(caret)` for \(d.id) at \(pos)")
    }
    #expect(r.err.contains("4 errors"), "\(r.err)")
}

@Test func checkAcceptsGoodRulesAndRunRefusesBrokenOnes() throws {
    let ok = try CLI.run(["check", rulesDir])
    #expect(ok.status == 0, "\(ok.err)")
    #expect(ok.err.contains("ok:"), "\(ok.err)")
    let broken = Paths.fixtures.appendingPathComponent("errors/several-mistakes.vigie").path
    let r = try CLI.run(["run", "--rules", broken], stdin: Data((comment("x") + "\n").utf8))
    #expect(r.status == 2)
    #expect(r.out.isEmpty, "a run with broken rules printed decisions: \(r.out)")
    #expect(r.err.contains("error[E019]"))
    let missing = try CLI.run(["check", "/nonexistent/rules"])
    #expect(missing.status == 2)
    #expect(missing.err.contains("E044"))
}

@Test func checkJSONFormatIsMachineReadable() throws {
    let path = Paths.fixtures.appendingPathComponent("errors/several-mistakes.vigie").path
    let r = try CLI.run(["check", "--format", "json", path])
    #expect(r.status == 2)
    #expect(r.err.isEmpty, "\(r.err)")
    let o = try #require(parseObject(r.out.trimmingCharacters(in: .whitespacesAndNewlines)), "stdout is not one JSON document: \(r.out)")
    let ds = try #require(o["findings"] as? [[String: Any]])
    #expect(ds.compactMap { $0["id"] as? String }.sorted() == ["E016", "E019", "E031", "E037"])
    #expect(ds.allSatisfy { $0["line"] is Int && $0["column"] is Int })
    let schema = try SchemaCheck.diagnosticsSchema()
    try SchemaCheck.validate(o, against: schema, root: schema, path: "$")
}

/// `path` as the reporters print it: relative to the working directory (which the CLI inherits)
/// when inside it.
private func relativeToWorkingDirectory(_ path: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath
    let base = cwd.hasSuffix("/") ? cwd : cwd + "/"
    return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
}

/// One JSON document printed by the CLI, as an object.
private func document(_ r: CLI.Result, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    try #require(
        try? JSONSerialization.jsonObject(with: r.stdout) as? [String: Any], "stdout is not one JSON object:\n\(r.out)\nstderr:\n\(r.err)",
        sourceLocation: sourceLocation)
}

@Test func checkAndLintWriteTheSameJSONDocumentFollowingTheOneSchema() throws {
    let broken = Paths.fixtures.appendingPathComponent("lint/broken").path
    let check = try CLI.run(["check", "--format", "json", broken])
    let lint = try CLI.run(["lint", "--format", "json", broken])
    #expect(check.status == 2, "\(check.err)")
    #expect(lint.status == 2, "\(lint.err)")
    let c = try document(check)
    let l = try document(lint)
    let schema = try SchemaCheck.diagnosticsSchema()
    try SchemaCheck.validate(c, against: schema, root: schema, path: "check")
    try SchemaCheck.validate(l, against: schema, root: schema, path: "lint")
    // The same document: the same members, the same tool and unit.
    #expect(Set(c.keys) == Set(l.keys))
    #expect(jsonLine(c["tool"] as? [String: Any] ?? [:]) == jsonLine(l["tool"] as? [String: Any] ?? [:]))
    #expect(c["columnUnit"] as? String == l["columnUnit"] as? String)
    // lint reports check's diagnostics unchanged: the very same finding objects (lint sorts them).
    let checkFindings = try #require(c["findings"] as? [[String: Any]])
    let lintFindings = try #require(l["findings"] as? [[String: Any]])
    #expect(checkFindings.map { $0["id"] as? String } == ["E031", "E036"])
    #expect(checkFindings.allSatisfy { $0["source"] as? String == "compiler" })
    #expect(lintFindings.contains { $0["source"] as? String == "lint" })
    let fromLint = lintFindings.filter { $0["source"] as? String == "compiler" }
    #expect(Set(checkFindings.map { jsonLine($0) }) == Set(fromLint.map { jsonLine($0) }))
    // Paths are relative to the working directory in both.
    let file = relativeToWorkingDirectory(broken + "/rules.vigie")
    #expect(checkFindings.allSatisfy { $0["file"] as? String == file }, "\(check.out)")
    #expect(jsonLine(c["summary"] as? [String: Any] ?? [:]) == jsonLine(["error": 2, "warning": 0, "info": 0]))
}

@Test func checkWritesSARIFThroughTheLintReporter() throws {
    let broken = Paths.fixtures.appendingPathComponent("lint/broken").path
    let r = try CLI.run(["check", "--format", "sarif", broken])
    #expect(r.status == 2, "\(r.err)")
    #expect(r.err.isEmpty, "\(r.err)")
    let log = try document(r)
    #expect(log["version"] as? String == "2.1.0")
    let run = try #require((log["runs"] as? [[String: Any]])?.first)
    let results = try #require(run["results"] as? [[String: Any]])
    #expect(results.map { $0["ruleId"] as? String } == ["E031", "E036"])
    #expect(results.allSatisfy { $0["level"] as? String == "error" })
    let region = try #require(
        (((results[0]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any]))
    #expect(region["startLine"] as? Int == 7 && region["startColumn"] as? Int == 21)
}

@Test func checkWritesGitHubAnnotationsThroughTheLintReporter() throws {
    let broken = Paths.fixtures.appendingPathComponent("lint/broken").path
    let r = try CLI.run(["check", "--format", "github", broken])
    #expect(r.status == 2, "\(r.err)")
    #expect(r.err.isEmpty, "\(r.err)")
    let lines = r.out.split(separator: "\n").map(String.init)
    #expect(lines.count == 2, "\(r.out)")
    let file = relativeToWorkingDirectory(broken + "/rules.vigie")
    #expect(lines.allSatisfy { $0.hasPrefix("::error file=\(file),") }, "\(r.out)")
    #expect(lines.first?.contains("rules.vigie,line=7,col=21,endLine=7,endColumn=28,title=E031::unknown list `insulte`") == true, "\(r.out)")
}

@Test("check formats on rules that compile", arguments: [("json", 0), ("sarif", 0), ("github", 0), ("xml", 2)] as [(String, Int32)])
func checkFormatsOnGoodRules(_ format: String, _ status: Int32) throws {
    let r = try CLI.run(["check", "--format", format, rulesDir])
    #expect(r.status == status, "stdout:\n\(r.out)\nstderr:\n\(r.err)")
    if status == 0 {
        // The product on stdout, nothing on stderr: no `ok:` line in a machine format.
        #expect(r.err.isEmpty, "\(r.err)")
        #expect(!r.out.contains("::error"), "\(r.out)")
        if format != "github" { _ = try document(r) }
    } else {
        #expect(r.out.isEmpty)
        #expect(r.err.contains("unknown format `xml`; formats are text, json, sarif, github"), "\(r.err)")
    }
}

@Test func checkJSONOnAMissingPathStillFollowsTheSchema() throws {
    let r = try CLI.run(["check", "--format", "json", "/nonexistent/rules"])
    #expect(r.status == 2)
    let o = try document(r)
    let schema = try SchemaCheck.diagnosticsSchema()
    try SchemaCheck.validate(o, against: schema, root: schema, path: "$")
    let findings = try #require(o["findings"] as? [[String: Any]])
    #expect(findings.map { $0["id"] as? String } == ["E044"])
    #expect(findings.first?["file"] == nil)
}

@Test(arguments: ["check", "lint"])
func formatCompletionOffersEveryReporter(_ command: String) throws {
    let r = try CLI.run(["--generate-completion-script", "bash"])
    #expect(r.status == 0)
    let start = try #require(r.out.range(of: "_vigie_\(command)() {"), "no completion function for \(command)")
    let rest = r.out[start.upperBound...]
    let body = rest[..<(rest.range(of: "\n}\n")?.lowerBound ?? rest.endIndex)]
    for format in Reporters.all.map({ $0.identifier }) {
        #expect(body.contains("'\(format)'"), "`--format \(format)` is not offered:\n\(body)")
    }
}

/// Issue 20: `--rules Rules` loads the starter packs only. The example shop, once under
/// `Rules/example`, tagged an insult a second time (`insulte` next to the pack's `insult`).
@Test func bundledRulesLoadThePacksWithoutTheExampleShop() throws {
    let rules = Paths.packageRoot.appendingPathComponent("Rules").path
    let input = Data((#"{"id":"x1","text":"Bande de connards, ma commande n'est toujours pas arrivée","author":{"id":"a1"}}"# + "\n").utf8)
    let r = try CLI.run(["run", "--rules", rules], stdin: input)
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.contains(#""insult"#), "the insults pack still acts: \(r.out)")
    #expect(!r.out.contains(#""insulte""#), "a rule of the example shop was loaded: \(r.out)")
    let shop = try CLI.run(["run", "--rules", Paths.packageRoot.appendingPathComponent("examples/shop").path], stdin: input)
    #expect(shop.out.contains(#""insulte""#), "the example shop moved with its rules: \(shop.out)")
}

@Test func planPrintsEachRulesStateKeyAsJSON() throws {
    let r = try CLI.run(["plan", "--rules", Paths.packageRoot.appendingPathComponent("examples/shop").path, "--format", "json"])
    #expect(r.status == 0, "\(r.err)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
    let partitioning = try #require(json["partitioning"] as? [String: Any])
    #expect(partitioning["mode"] as? String == "single")
    #expect((partitioning["reason"] as? String)?.contains("`bad_buzz`") == true)
    let rules = try #require(json["rules"] as? [[String: Any]])
    let flood = try #require(rules.first { $0["name"] as? String == "flood" })
    let state = try #require(flood["state"] as? [[String: Any]])
    #expect(state.first?["key"] as? String == "author")
    #expect(state.first?["kind"] as? String == "window")
}

@Test func planOfRulesThatDoNotCompileExitsTwo() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-plan-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try "rule r { when text has then flag x }\n".write(to: dir.appendingPathComponent("r.vigie"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["plan", "--rules", dir.path])
    #expect(r.status == 2)
    #expect(r.out.isEmpty)
    #expect(r.err.contains("error"), "\(r.err)")
}
