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

/// A `vigie` child process fed and read while it runs.
final class LiveVigie: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    private let readers = DispatchGroup()

    /// Starts `vigie args`; its standard output goes to `stdout` when given, else it is collected.
    init(_ args: [String], stdout: FileHandle? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        _ = CLI.ignoreBrokenPipes
        process.executableURL = try CLI.requireBinary(sourceLocation: sourceLocation)
        process.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = env
        process.standardInput = input
        let errPipe = Pipe()
        process.standardError = errPipe
        var outPipe: Pipe?
        if let stdout {
            process.standardOutput = stdout
        } else {
            outPipe = Pipe()
            process.standardOutput = outPipe
        }
        try process.run()
        collect(errPipe.fileHandleForReading) { self.err += $0 }
        if let outPipe { collect(outPipe.fileHandleForReading) { self.out += $0 } }
    }

    private func collect(_ h: FileHandle, _ add: @escaping (Data) -> Void) {
        DispatchQueue.global().async(group: readers) {
            while true {
                let d = h.availableData
                if d.isEmpty { return }
                self.lock.lock()
                add(d)
                self.lock.unlock()
            }
        }
    }

    /// What the child wrote so far.
    var output: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: out, as: UTF8.self)
    }
    var errors: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: err, as: UTF8.self)
    }

    func write(_ s: String) { try? input.fileHandleForWriting.write(contentsOf: Data(s.utf8)) }
    func closeInput() { try? input.fileHandleForWriting.close() }
    func signal(_ s: Int32) { kill(process.processIdentifier, s) }

    /// Waits up to `seconds` for `condition` on what the child wrote (output, errors). Long by
    /// default: under AddressSanitizer on 2 cores, with other suites running, the instrumented
    /// debug `vigie` took more than 30 s to answer 2,000 lines (CI); a wait that succeeds returns
    /// as soon as it does.
    @discardableResult
    func wait(seconds: Double = 120, until condition: (String, String) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(output, errors) { return true }
            usleep(20_000)
        }
        return condition(output, errors)
    }

    /// Waits for the child to end (killing it after `seconds`) and for its outputs to close.
    func finish(seconds: Double = 60) -> (reason: Process.TerminationReason, status: Int32, timedOut: Bool) {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        let timedOut = process.isRunning
        if timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        readers.wait()
        return (process.terminationReason, process.terminationStatus, timedOut)
    }
}

/// Output lines; the text must end with a line break (no half line).
private func wholeLines(_ s: String) -> [Substring]? {
    if s.isEmpty { return [] }
    guard s.hasSuffix("\n") else { return nil }
    return s.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
}

private let exampleRules = Paths.packageRoot.appendingPathComponent("examples/shop").path
private let cliRules = Paths.fixtures.appendingPathComponent("cli/rules").path

/// A comment with an author and a timestamp, so windows and cooldowns have something to keep.
private func timedComment(_ i: Int) -> String {
    let texts = ["Mon colis est toujours en retard", "Quel connard", "Merci pour la livraison", "commande pas reçue, toujours rien"]
    return #"{"id":"c\#(i)","text":"\#(texts[i % texts.count])","author":{"id":"u\#(i % 50)","name":"U\#(i)"},"timestamp":\#(1_767_225_600 + i * 5)}"#
}

@Suite("Process faults") struct ProcessFaultTests {
    /// `vigie run | head -1`: the reader goes away; vigie stops at once, quietly, with status 0.
    @Test(arguments: [1, 4])
    func closedOutputEndsQuietlyWithStatusZero(jobs: Int) throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.jsonl")
        try ((0..<20_000).map(timedComment).joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        _ = CLI.ignoreBrokenPipes
        let p = Process()
        p.executableURL = try CLI.requireBinary()
        p.arguments = ["run", "--rules", cliRules, "--input", input.path, "--jobs", "\(jobs)"]
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read the first line, like `head -1`, then close the pipe.
        var first = Data()
        while !first.contains(0x0A) {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            first += d
        }
        try out.fileHandleForReading.close()
        let errBox = DataBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let started = Date()
        while p.isRunning, Date().timeIntervalSince(started) < 60 { usleep(20_000) }
        let hung = p.isRunning
        if hung { p.terminate() }
        p.waitUntilExit()
        group.wait()
        #expect(!hung, "vigie did not stop after its output was closed")
        #expect(String(decoding: first, as: UTF8.self).hasPrefix(#"{"line":1,"id":"c0","#))
        #expect(p.terminationReason == .exit && p.terminationStatus == 0, "\(p.terminationReason.rawValue) \(p.terminationStatus)")
        #expect(errBox.data.isEmpty, "stderr: \(String(decoding: errBox.data, as: UTF8.self))")
    }

    /// SIGINT or SIGTERM on an idle stream: the lines read are answered, whole, the state is
    /// saved, and vigie ends by the signal; the half line it had read is said and not used.
    @Test(arguments: [(SIGTERM, 1), (SIGTERM, 4), (SIGINT, 2)])
    func stopSignalAnswersTheLinesReadAndSavesState(signal: Int32, jobs: Int) throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state.json").path
        let v = try LiveVigie(["run", "--rules", exampleRules, "--state", state, "--jobs", "\(jobs)"])
        let n = 300
        v.write((0..<n).map(timedComment).joined(separator: "\n") + "\n" + #"{"id":"half","te"#)
        let answered = v.wait { out, _ in out.filter { $0 == "\n" }.count >= n }
        #expect(answered, "no answer to \(n) lines; stderr: \(v.errors)")
        v.signal(signal)
        let end = v.finish()
        #expect(!end.timedOut, "vigie did not stop on signal \(signal)")
        #expect(end.reason == .uncaughtSignal && end.status == signal, "ended by \(end.reason.rawValue) \(end.status); stderr: \(v.errors)")
        let lines = try #require(wholeLines(v.output), "the output ends with half a line")
        #expect(lines.count == n)
        for (i, line) in lines.enumerated() {
            let o = try #require(parseObject(line), "line \(i + 1) is not JSON: \(line)")
            #expect(o["line"] as? Int == i + 1 && o["id"] as? String == "c\(i)")
        }
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        #expect(v.errors.contains("stopped by \(name) after line \(n); the next line, partly read (16 bytes), was not used"), "\(v.errors)")
        let saved = try #require(FileManager.default.contents(atPath: state), "no state file saved")
        let root = try #require(try JSONSerialization.jsonObject(with: saved) as? [String: Any])
        #expect(root["vigie_state"] as? Int == 1)
        let windows = try #require(root["windows"] as? [String: [String: Any]])
        #expect(windows.values.contains { !$0.isEmpty }, "the saved state has no window events")
    }

    /// SIGTERM while vigie is busy with an endless stream: it stops soon, after a whole line.
    @Test(arguments: [1, 4])
    func stopSignalWhileBusyWritesOnlyWholeLines(jobs: Int) throws {
        let v = try LiveVigie(["run", "--rules", exampleRules, "--jobs", "\(jobs)"])
        let feeding = DispatchGroup()
        let stopFeeding = DataBox()
        DispatchQueue.global().async(group: feeding) {
            var i = 0
            while stopFeeding.data.isEmpty {
                // Writes fail with EPIPE once vigie has gone: that ends the loop.
                guard
                    (try? v.input.fileHandleForWriting.write(contentsOf: Data(((i..<(i + 500)).map(timedComment).joined(separator: "\n") + "\n").utf8))) != nil
                else { break }
                i += 500
            }
        }
        #expect(v.wait { out, _ in out.filter { $0 == "\n" }.count >= 2000 }, "no output: \(v.errors)")
        v.signal(SIGTERM)
        let end = v.finish()
        stopFeeding.data = Data([1])
        v.closeInput()
        feeding.wait()
        #expect(!end.timedOut)
        #expect(end.reason == .uncaughtSignal && end.status == SIGTERM, "\(end.reason.rawValue) \(end.status): \(v.errors)")
        let lines = try #require(wholeLines(v.output), "the output ends with half a line")
        var bad = 0
        for (i, line) in lines.enumerated() where !(line.hasPrefix(#"{"line":\#(i + 1),"id":"c\#(i)","#) && parseObject(line) != nil) {
            bad += 1
            if bad < 3 { Issue.record("line \(i + 1): \(line.prefix(100))") }
        }
        #expect(bad == 0)
        #expect(v.errors.contains("stopped by SIGTERM after line \(lines.count)"), "\(lines.count) lines; \(v.errors)")
    }

    /// A write error (here a full device) is reported on stderr with status 2.
    @Test func writeErrorIsReportedWithStatusTwo() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"), "no /dev/full on this system")
        let v = try LiveVigie(["run", "--rules", cliRules], stdout: full)
        v.write((0..<100).map(timedComment).joined(separator: "\n") + "\n")
        v.closeInput()
        let end = v.finish()
        #expect(end.reason == .exit && end.status == 2, "\(end.reason.rawValue) \(end.status)")
        #expect(v.errors.contains("vigie: cannot write the output: No space left on device"), "\(v.errors)")
    }

    /// SIGHUP reloads the rules: the next line is decided by the new version; rules that do not
    /// compile are reported and the version in force stays.
    @Test(arguments: [1, 4])
    func hangUpReloadsTheRulesAndKeepsThemWhenTheNewOnesAreBroken(jobs: Int) throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.vigie")
        try #"rule r { when text has "colis" then hide }"#.write(to: file, atomically: true, encoding: .utf8)
        let v1 = RuleSetLoader.load(path: dir.path).version
        let v = try LiveVigie(["run", "--rules", dir.path, "--jobs", "\(jobs)"])
        func decide(_ i: Int) throws -> [String: Any] {
            v.write(comment("mon colis", ["id": i]) + "\n")
            #expect(v.wait { out, _ in out.filter { $0 == "\n" }.count >= i }, "no answer to line \(i): \(v.errors)")
            return try #require(parseObject(v.output.split(separator: "\n")[i - 1]))
        }
        let first = try decide(1)
        #expect(first["rules_version"] as? String == v1)
        #expect((first["actions"] as? [[String: Any]])?.first?["type"] as? String == "hide")

        try #"rule r { when text has "colis" then flag sav }"#.write(to: file, atomically: true, encoding: .utf8)
        let v2 = RuleSetLoader.load(path: dir.path).version
        v.signal(SIGHUP)
        #expect(v.wait { _, err in err.contains("SIGHUP: rules version \(v2) compiled") }, "\(v.errors)")
        let second = try decide(2)
        #expect(second["rules_version"] as? String == v2)
        #expect((second["actions"] as? [[String: Any]])?.first?["type"] as? String == "flag")
        #expect(v.errors.contains("rules version \(v2) decides from line 2 on (was \(v1))"), "\(v.errors)")

        try #"rule r { when text has "colis" then flag "#.write(to: file, atomically: true, encoding: .utf8)
        v.signal(SIGHUP)
        #expect(v.wait { _, err in err.contains("do not compile; version \(v2) stays in force") }, "\(v.errors)")
        #expect(v.errors.contains("error["), "the compile errors are shown: \(v.errors)")
        let third = try decide(3)
        #expect(third["rules_version"] as? String == v2)
        #expect((third["actions"] as? [[String: Any]])?.first?["type"] as? String == "flag")
        v.closeInput()
        let end = v.finish()
        #expect(end.reason == .exit && end.status == 0, "\(v.errors)")
    }

    /// `--watch` reloads when a list file changes.
    @Test func watchReloadsWhenAListFileChanges() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "colis\n".write(to: dir.appendingPathComponent("mots.txt"), atomically: true, encoding: .utf8)
        try #"list mots = file "mots.txt""#.appending("\nrule r { when text has any mots then hide }\n").write(
            to: dir.appendingPathComponent("r.vigie"), atomically: true, encoding: .utf8)
        let v = try LiveVigie(["run", "--rules", dir.path, "--watch", "--jobs", "2"])
        v.write(comment("retard", ["id": 1]) + "\n")
        #expect(v.wait { out, _ in out.contains("\n") })
        try "colis\nretard\n".write(to: dir.appendingPathComponent("mots.txt"), atomically: true, encoding: .utf8)
        let v2 = RuleSetLoader.load(path: dir.path).version
        #expect(v.wait(seconds: 60) { _, err in err.contains("rules version \(v2) compiled") }, "\(v.errors)")
        v.write(comment("retard", ["id": 2]) + "\n")
        v.closeInput()
        let end = v.finish()
        #expect(end.reason == .exit && end.status == 0, "\(v.errors)")
        let lines = v.output.split(separator: "\n").compactMap(parseObject)
        try #require(lines.count == 2, "\(v.output)")
        #expect((lines[0]["actions"] as? [Any])?.isEmpty == true)
        #expect(lines[1]["rules_version"] as? String == v2)
        #expect((lines[1]["actions"] as? [[String: Any]])?.first?["type"] as? String == "hide")
    }
}
