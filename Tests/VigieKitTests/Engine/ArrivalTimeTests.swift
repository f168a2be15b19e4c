import Foundation
import Testing

@testable import VigieCore
@testable import VigieEngine

/// Comments without a time, through the binary: a file is a replay (windows leave such comments
/// out, with one warning), a pipe is live (they take the time their line is read),
/// `--arrival-time` chooses, `--time-field` names the field that holds the time.
struct ArrivalTimeTests {
    static let rules = Paths.fixtures.appendingPathComponent("platforms/rules").path

    /// Five comments by one author, without a time: `again` (2 in an hour by author) flags the
    /// second to fifth only if they have times close together.
    static let untimed = (1...5).map { #"{"id":"c\#($0)","text":"Hello","author":{"id":"a1"}}"# }.joined(separator: "\n") + "\n"

    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-arrival-\(UUID().uuidString).jsonl").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func flags(_ r: CLI.Result) -> Int { r.out.split(separator: "\n").filter { $0.contains(#""type":"flag""#) }.count }

    static let warning = "has no time (no timestamp or created_at field): windows (`count(…, window …)`, `repeats`) leave out comments without a time"

    @Test func aFileWithoutTimesNeverFillsAWindow() throws {
        let path = try Self.file(Self.untimed)
        defer { unlink(path) }
        for jobs in ["1", "3"] {
            let r = try CLI.run(["run", "--rules", Self.rules, "--input", path, "--stats", "--jobs", jobs])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.split(separator: "\n").count == 5)
            #expect(Self.flags(r) == 0)
            // One warning, naming the first such line; the count in --stats.
            #expect(r.err.components(separatedBy: Self.warning).count == 2, "\(r.err)")
            #expect(r.err.contains("vigie: warning: line 1 has no time"))
            #expect(r.err.contains("5 comments had no time: windows ignored them"))
        }
    }

    @Test func aPipeIsLiveAndGivesTheTimeOfArrival() throws {
        // Written at once into a pipe: the comments arrive together, and count together.
        let live = try CLI.run(["run", "--rules", Self.rules, "--stats"], stdin: Data(Self.untimed.utf8))
        #expect(live.status == 0, "\(live.err)")
        #expect(Self.flags(live) == 4)
        #expect(!live.err.contains("had no time"), "\(live.err)")
        // `--arrival-time off`: the pipe is read like a file.
        let off = try CLI.run(["run", "--rules", Self.rules, "--arrival-time", "off"], stdin: Data(Self.untimed.utf8))
        #expect(Self.flags(off) == 0)
        #expect(off.err.contains(Self.warning))
        // `--arrival-time on`: a file is read as if live.
        let path = try Self.file(Self.untimed)
        defer { unlink(path) }
        let on = try CLI.run(["run", "--rules", Self.rules, "--arrival-time", "on", "--input", path])
        #expect(Self.flags(on) == 4)
    }

    /// `vigie run < file`: standard input is a regular file, a replay, not live.
    @Test func standardInputFromAFileIsAReplay() throws {
        let path = try Self.file(Self.untimed)
        defer { unlink(path) }
        let p = Process()
        p.executableURL = try CLI.requireBinary()
        p.arguments = ["run", "--rules", Self.rules]
        p.standardInput = FileHandle(forReadingAtPath: path)
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let r = CLI.Result(status: p.terminationStatus, stdout: stdout, stderr: stderr)
        #expect(r.status == 0)
        #expect(Self.flags(r) == 0)
        #expect(r.err.contains(Self.warning))
    }

    @Test func theTimeFieldNamesTheFieldThatHoldsTheTime() throws {
        let lines = ["10:00:00", "10:30:00", "13:00:00"].enumerated().map { #"{"id":\#($0),"text":"Hello","author":{"id":"a1"},"date":"2026-03-05T\#($1)Z"}"# }
        let path = try Self.file(lines.joined(separator: "\n") + "\n")
        defer { unlink(path) }
        let r = try CLI.run(["run", "--rules", Self.rules, "--input", path, "--time-field", "date", "--stats"])
        #expect(r.status == 0, "\(r.err)")
        let flagged = r.out.split(separator: "\n").map { $0.contains(#""type":"flag""#) }
        #expect(flagged == [false, true, false])
        #expect(!r.err.contains("had no time"))
        let bad = try CLI.run(["run", "--rules", Self.rules, "--input", path, "--time-field", "date..x"])
        #expect(bad.status == 2)
        #expect(bad.err.contains("--time-field takes a dotted path"))
    }

    /// The reported case: complaints without a time, read from a file through the bundled
    /// packs, once raised `crisis_complaint_spike` ("count": 20, "window": "15m").
    @Test func complaintsWithoutTimesRaiseNoCrisisFromAFile() throws {
        let lines = (0..<40).map { #"{"id":"k\#($0)","text":"Worst customer service, never again","author":{"id":"a\#($0)"}}"# }
        let path = try Self.file(lines.joined(separator: "\n") + "\n")
        defer { unlink(path) }
        let rules = Paths.packageRoot.appendingPathComponent("Rules").path
        let r = try CLI.run(["run", "--rules", rules, "--input", path, "--stats"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.split(separator: "\n").count == 40)
        #expect(!r.out.contains("crisis_complaint_spike"))
        #expect(r.out.contains("crisis_complaint"), "the complaints are still tagged")
        #expect(r.err.contains("40 comments had no time: windows ignored them"))
    }

    /// Streams whose comments all have times decide as before, whatever the input is.
    @Test func timedStreamsAreTheSameFromAFileAndAPipe() throws {
        let example = Paths.packageRoot.appendingPathComponent("examples/shop/comments.jsonl").path
        let rules = Paths.packageRoot.appendingPathComponent("Rules").path
        let file = try CLI.run(["run", "--rules", rules, "--input", example])
        let pipe = try CLI.run(["run", "--rules", rules], stdin: try Data(contentsOf: URL(fileURLWithPath: example)))
        #expect(file.status == 0)
        #expect(file.out == pipe.out)
        #expect(file.out.contains(#""type":"escalate""#))
        #expect(!file.err.contains("has no time") && !pipe.err.contains("has no time"))
    }
}
