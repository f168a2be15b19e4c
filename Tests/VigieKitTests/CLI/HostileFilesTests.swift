import Foundation
import Testing

@testable import VigieCore
@testable import VigieEngine
@testable import VigieLanguage

/// Issue 26, hostile files: state files with values out of range, state of another rule set, a
/// state folder that does not exist, FIFOs and links leading out of the rules folder, invisible
/// and line-breaking characters echoed in replies.
@Suite struct HostileFilesTests {
    static let windowed = "rule flood { when count(true, window 1m by author) >= 3 then flag flood }"

    func stage(_ rules: String = windowed) throws -> StateStage {
        let program = try #require(Compiler.compile(RuleSetLoader.build(sources: [SourceFile(path: "s.vigie", text: rules)], root: ".")))
        return StreamRunner(program: program, options: RunOptions()).state
    }

    func temp(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("vigie-hostile-\(UUID().uuidString)-\(name)").path
    }

    /// A valid state file of `windowed` with one value replaced.
    func stateFile(watermark: String = "1767225600", event: String = "1767225500", once: String = "1767225400") -> String {
        #"{"vigie_state":1,"watermark":\#(watermark),"windows":{"count(true, window 1m by author) >= 3":{"u":[[\#(event),"1f"]]}},"once":{"k":\#(once)},"cooldowns":{}}"#
    }

    @Test(arguments: [
        ("watermark", "1e300"), ("watermark", "-1e300"), ("watermark", "253402300800"), ("watermark", "\"soon\""),
        ("event", "1e300"), ("event", "-253402300801"), ("once", "1e300"),
    ])
    func outOfRangeTimesAreRefusedAndTheFileKept(_ field: String, _ value: String) throws {
        let path = temp("state.json")
        defer { unlink(path) }
        let text: String
        switch field {
        case "watermark": text = stateFile(watermark: value)
        case "event": text = stateFile(event: value)
        default: text = stateFile(once: value)
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let s = try stage()
        #expect(throws: StateStage.StateFileError.self) { try s.load(from: path) }
        #expect(s.watermark == nil, "nothing of a refused file is taken")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func aValidStateFileLoads() throws {
        let path = temp("state.json")
        defer { unlink(path) }
        try stateFile().write(toFile: path, atomically: true, encoding: .utf8)
        let s = try stage()
        #expect(try s.load(from: path).isEmpty)
        #expect(s.watermark == 1_767_225_600)
    }

    @Test func windowsOfAnotherRuleSetAreNamed() throws {
        let path = temp("state.json")
        defer { unlink(path) }
        try stateFile().write(toFile: path, atomically: true, encoding: .utf8)
        let other = try stage("rule burst { when count(true, window 5m by author) >= 9 then flag burst }")
        #expect(try other.load(from: path) == ["count(true, window 1m by author) >= 3"])
    }

    @Test func aStateFolderThatDoesNotExistIsFoundBeforeTheStream() throws {
        #expect(throws: StateStage.StateFileError.self) { try StateStage.checkWritable("/nonexistent-vigie-folder/state.json") }
        let ok = temp("state.json")
        try StateStage.checkWritable(ok)
        #expect(!FileManager.default.fileExists(atPath: ok), "the check leaves nothing behind")
    }

    @Test func runRefusesAStateItCannotSaveBeforeReadingInput() throws {
        let rules = temp("rules.vigie")
        defer { unlink(rules) }
        try Self.windowed.write(toFile: rules, atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "--rules", rules, "--state", "/nonexistent-vigie-folder/state.json"], stdin: Data(#"{"text":"x"}"#.utf8 + [0x0A]))
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty, "no line is decided when the state would be lost")
        #expect(r.err.contains("does not exist"), "\(r.err)")
    }

    @Test func runSaysWhenTheStateFileIsOfOtherRules() throws {
        let rules = temp("rules.vigie")
        let state = temp("state.json")
        defer {
            unlink(rules)
            unlink(state)
        }
        try "rule burst { when count(true, window 5m by author) >= 9 then flag burst }".write(toFile: rules, atomically: true, encoding: .utf8)
        try stateFile().write(toFile: state, atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "--rules", rules, "--state", state], stdin: Data(#"{"text":"x"}"#.utf8 + [0x0A]))
        #expect(r.status == 0)
        #expect(r.err.contains("1 window these rules do not have"), "\(r.err)")
    }

    @Test func aFIFOInTheRulesFolderIsRefusedWithoutBlocking() throws {
        let dir = temp("rules")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #"rule a { when text has "x" then hide }"#.write(toFile: dir + "/a.vigie", atomically: true, encoding: .utf8)
        #expect(mkfifo(dir + "/b.vigie", 0o644) == 0)
        let rs = RuleSetLoader.load(path: dir)
        let e = rs.diagnostics.filter { $0.id == "E044" }
        #expect(e.count == 1)
        #expect(e.first?.message.contains("not a regular file") == true, "\(e.map(\.message))")
    }

    @Test func aRuleFileLinkedFromOutsideTheFolderIsNotRead() throws {
        let dir = temp("rules")
        let outside = temp("secret.vigie")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: dir)
            unlink(outside)
        }
        try "root:x:0:0:secret line\n".write(toFile: outside, atomically: true, encoding: .utf8)
        try #"rule a { when text has "x" then hide }"#.write(toFile: dir + "/a.vigie", atomically: true, encoding: .utf8)
        #expect(symlink(outside, dir + "/b.vigie") == 0)
        let rs = RuleSetLoader.load(path: dir)
        let text = DiagnosticRenderer.text(rs.diagnostics)
        #expect(!text.contains("secret line"), "\(text)")
        #expect(rs.diagnostics.contains { $0.id == "E044" && $0.message.contains("outside the rules folder") }, "\(text)")
        // A link that stays inside is read.
        unlink(dir + "/b.vigie")
        try FileManager.default.createDirectory(atPath: dir + "/shared", withIntermediateDirectories: true)
        try #"rule b { when text has "y" then hide }"#.write(toFile: dir + "/shared/b.txt", atomically: true, encoding: .utf8)
        #expect(symlink(dir + "/shared/b.txt", dir + "/b.vigie") == 0)
        #expect(RuleSetLoader.load(path: dir).diagnostics.filter { $0.severity == .error }.isEmpty)
    }

    @Test(arguments: ["\u{2028}", "\u{2029}", "\u{034F}", "\u{115F}", "\u{3164}", "\u{FFA0}", "\u{200B}", "\n", "\u{85}"])
    func repliesHaveNoLineBreaksOrInvisibleFillers(_ c: String) {
        let s = Evaluator.sanitize("Ann\(c)a\(c)")
        #expect(s == "Anna", "\(s.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    /// SIGTERM while standard output is stalled, after the whole input was read: the run still
    /// ends by the signal (it used to exit 0 once the reader drained the output).
    @Test func stopSignalWhileOutputIsStalledEndsByTheSignal() throws {
        let out = Pipe()
        let v = try LiveVigie(["run", "--rules", Paths.packageRoot.appendingPathComponent("examples/shop").path, "--jobs", "1"], stdout: out.fileHandleForWriting)
        try out.fileHandleForWriting.close()
        // Far more output than a pipe holds: vigie blocks writing.
        // Written from another thread: once vigie blocks on its output it stops reading.
        let feeding = DispatchGroup()
        DispatchQueue.global().async(group: feeding) {
            v.write((0..<1500).map { #"{"id":"c\#($0)","text":"bonjour, une question sur ma commande numéro \#($0)"}"# }.joined(separator: "\n") + "\n")
            v.closeInput()
        }
        // All of the input read (the last write returns once vigie has taken all but what a
        // pipe holds), then standard output full: vigie waits to write.
        #expect(feeding.wait(timeout: .now() + 30) == .success, "vigie stopped reading")
        usleep(300_000)
        v.signal(SIGTERM)
        usleep(200_000)
        let drained = DataBox()
        let reading = DispatchGroup()
        DispatchQueue.global().async(group: reading) { drained.data = out.fileHandleForReading.readDataToEndOfFile() }
        let end = v.finish()
        reading.wait()
        feeding.wait()
        #expect(!end.timedOut)
        #expect(end.reason == .uncaughtSignal && end.status == SIGTERM, "\(end.reason.rawValue) \(end.status): \(v.errors)")
        #expect(v.errors.contains("stopped by SIGTERM"), "\(v.errors)")
        #expect(String(decoding: drained.data, as: UTF8.self).hasSuffix("\n"), "whole lines only: \(drained.data.count) bytes; \(v.errors)")
    }

    /// An id (or a language) that is not UTF-8 was copied byte for byte: the output line was
    /// rejected by strict JSON parsers. Every output line is UTF-8 JSON now.
    @Test func outputLinesAreUTF8JSONWhateverTheInput() throws {
        var input = Data()
        for line: [UInt8] in [
            Array(#"{"id":""#.utf8) + [0xFF, 0xFE] + Array(#"","text":"x"}"#.utf8),
            Array(#"{"id":{"a":[""#.utf8) + [0xC3] + Array(#""]},"text":"bonjour"}"#.utf8),
            Array(#"{"id":"ok","text":""#.utf8) + [0xFF] + Array(#" idiot","lang":""#.utf8) + [0xE9] + Array(#""}"#.utf8),
            Array(#"{"id":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#"","text":"#.utf8),
        ] {
            input.append(contentsOf: line + [0x0A])
        }
        let r = try CLI.run(["run", "--rules", Paths.packageRoot.appendingPathComponent("Rules").path], stdin: input)
        #expect(r.status == 0, "\(r.err)")
        let lines = r.stdout.split(separator: 0x0A)
        #expect(lines.count == 4)
        for l in lines {
            #expect(String(validating: Array(l), as: UTF8.self) != nil, "not UTF-8: \(Array(l))")
            #expect((try? JSONSerialization.jsonObject(with: Data(l))) != nil, "not JSON: \(String(decoding: l, as: UTF8.self))")
        }
        #expect(String(decoding: lines[0], as: UTF8.self).hasPrefix("{\"line\":1,\"id\":\"\u{FFFD}\u{FFFD}\","))
    }
}
