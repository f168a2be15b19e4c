import Foundation
import Testing

@testable import VigieCore
@testable import VigieEngine

/// `vigie serve` as a process: it announces its port, reloads on SIGHUP, and on SIGTERM answers
/// the request in flight, saves its state and exits 0.
@Suite(.serialized) struct ServeProcessTests {
    final class Serving: @unchecked Sendable {
        let process = Process()
        let err = Pipe()
        var port = 0
        var stderrText = ""

        /// Starts `vigie serve ARGS --listen 127.0.0.1:0` and waits for its announcement.
        init(_ args: [String]) throws {
            _ = CLI.ignoreBrokenPipes
            process.executableURL = try CLI.requireBinary()
            process.arguments = ["serve", "--listen", "127.0.0.1:0"] + args
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            // Lines until "serving … on http://127.0.0.1:PORT".
            var text = ""
            while !text.contains("\n") || !text.contains("serving") {
                let d = err.fileHandleForReading.availableData
                if d.isEmpty { break }
                text += String(decoding: d, as: UTF8.self)
            }
            stderrText = text
            if let r = text.range(of: "http://127.0.0.1:") {
                port = Int(text[r.upperBound...].prefix { $0.isNumber }) ?? 0
            }
        }

        /// Waits for the end; returns the status and the rest of standard error.
        func finish() -> (Int32, String) {
            let rest = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, stderrText + String(decoding: rest, as: UTF8.self))
        }
    }

    @Test func sighupReloadsAndSigtermDrainsSavesStateAndExitsZero() async throws {
        let dir = try DeliveryFixtures.tempDir("serve-process")
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("r.vigie")
        let state = dir.appendingPathComponent("vigie.state").path
        try "rule flood {\n  when count(true, window 1h by author) >= 2\n  then flag flood\n}\n".write(to: rules, atomically: true, encoding: .utf8)
        let s = try await offPool { Result { try Serving(["--rules", dir.path, "--state", state]) } }.get()
        #expect(s.port > 0, "the server announced its port: \(s.stderrText)")
        let port = s.port
        func get(_ path: String) async -> RawHTTP.Reply? { await offPool { RawHTTP.request(port, "GET", path) } }
        let v1 = try #require(await get("/v1/rules")).text

        // SIGHUP: changed rules take over.
        try "rule flood {\n  when count(true, window 1h by author) >= 2\n  then flag flood, tag vu\n}\n".write(to: rules, atomically: true, encoding: .utf8)
        kill(s.process.processIdentifier, SIGHUP)
        var v2 = v1
        for _ in 0..<100 where v2 == v1 {
            try await Task.sleep(for: .milliseconds(100))
            v2 = await get("/v1/rules")?.text ?? v1
        }
        #expect(v2 != v1, "SIGHUP put the new rules in force")

        // A request in flight: its head and first line sent, the first decision received (so the
        // request is in flight whatever the machine's speed), then SIGTERM, then the rest.
        let first = Array("{\"id\":\"a\",\"text\":\"un\",\"author\":{\"id\":\"u1\"},\"timestamp\":\"2025-01-01T00:00:00Z\"}\n".utf8)
        let second = Array("{\"id\":\"b\",\"text\":\"deux\",\"author\":{\"id\":\"u1\"},\"timestamp\":\"2025-01-01T00:01:00Z\"}\n".utf8)
        let fd = RawHTTP.connect(port)
        RawHTTP.send(fd, RawHTTP.head("POST", "/v1/decide", ["Content-Type": "application/x-ndjson"], bodyCount: first.count + second.count) + first)
        let early = await offPool { RawHTTP.receive(fd, until: "\"id\":\"a\"") }
        kill(s.process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        RawHTTP.send(fd, second)
        let raw = await offPool { RawHTTP.readToEnd(fd) }.map { early + $0 }
        close(fd)
        let reply = try #require(raw.flatMap(RawHTTP.parse), "the request in flight was answered")
        let lines = reply.text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.count == 2 && lines[1].contains("\"queue\":\"flood\"") && lines[1].contains("\"vu\""))
        let (status, err) = await offPool { s.finish() }
        #expect(status == 0, "\(err)")
        #expect(err.contains("SIGTERM: draining"))
        let saved = try String(contentsOfFile: state, encoding: .utf8)
        #expect(saved.contains("vigie_state"))
    }
}
