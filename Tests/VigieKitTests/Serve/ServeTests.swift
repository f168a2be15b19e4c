import Foundation
import Testing

@testable import VigieCore
@testable import VigieEngine
@testable import VigieLanguage
@testable import VigieServe

/// A `vigie serve` application in the test process, on a free loopback port.
final class TestServer: @unchecked Sendable {
    let server: VigieServer
    let port: Int
    let task: Task<Void, any Error>

    init(server: VigieServer, port: Int, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.task = task
    }

    static func start(rules: String, _ configure: (inout ServeOptions) -> Void = { _ in }) async throws -> TestServer {
        let program = try #require(RuleCompilation.load(rules, printWarnings: false).1, "the rules in \(rules) compile")
        let service = DecisionService(rulesPath: rules, program: program, options: RunOptions()) { _ in }
        var so = ServeOptions()
        so.port = 0
        configure(&so)
        let server = VigieServer(service: service, options: so)
        let (ports, cont) = AsyncStream.makeStream(of: Int.self)
        let app = server.application { cont.yield($0) }
        let task = Task { try await app.run() }
        var it = ports.makeAsyncIterator()
        let port = try #require(await it.next())
        return TestServer(server: server, port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }

    /// One request, made on a thread of its own: a blocking read on one of the few threads of
    /// Swift's cooperative pool, which the server's handlers also run on, could starve them.
    func request(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) async throws -> RawHTTP.Reply {
        let port = port
        let reply = await offPool { RawHTTP.request(port, method, path, headers: headers, body: body) }
        return try #require(reply, "\(method) \(path) got an answer")
    }
}

/// Runs blocking `work` (a socket read, a child process) on a thread outside Swift's cooperative pool.
func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { c in
        let t = Thread { c.resume(returning: work()) }
        t.stackSize = 8 << 20
        t.start()
    }
}

/// ``CLI/run(_:stdin:sourceLocation:)`` outside Swift's cooperative pool.
func cliRun(_ args: [String]) async throws -> CLI.Result {
    let r = await offPool { Result { try CLI.run(args) } }
    return try r.get()
}

enum ServeFixtures {
    static let rules = Paths.packageRoot.appendingPathComponent("Rules").path
    static let example = Paths.packageRoot.appendingPathComponent("examples/shop/comments.jsonl").path
    /// Every rule pack of Rules/ (each folder holding .vigie files), and Rules/ whole.
    static let packs: [String] = {
        let dirs = (try? FileManager.default.contentsOfDirectory(atPath: rules)) ?? []
        let packs = dirs.sorted().map { rules + "/" + $0 }.filter { d in
            ((try? FileManager.default.contentsOfDirectory(atPath: d)) ?? []).contains { $0.hasSuffix(".vigie") }
        }
        return [rules] + packs
    }()
}

@Suite(.serialized) struct ServeTests {
    /// The example stream sent as one NDJSON body gets back the bytes `vigie run` writes, with
    /// every pack and with Rules/ whole.
    @Test(arguments: ServeFixtures.packs)
    func ndjsonDecisionsAreTheBytesOfRun(_ pack: String) async throws {
        let run = try await cliRun(["run", "--rules", pack, "--input", ServeFixtures.example])
        #expect(run.status == 0)
        let s = try await TestServer.start(rules: pack)
        defer { Task { await s.stop() } }
        let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ServeFixtures.example)))
        let r = try await s.request("POST", "/v1/decide", headers: ["Content-Type": "application/x-ndjson"], body: input)
        #expect(r.status == 200)
        #expect(r.headers["content-type"] == "application/x-ndjson")
        #expect(r.text == run.out)
        await s.stop()
    }

    static let sharedComments = Paths.packageRoot.appendingPathComponent("../shared/data/comments").standardizedFileURL

    /// The real comments of `../shared/data` (when it is there; the first 2,000 of each file,
    /// the YouTube spam collection left out) through every pack at once: the bytes of `vigie run`.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: sharedComments.path), "../shared/data/comments is not there"))
    func sharedDataThroughServeIsTheBytesOfRun() async throws {
        let files = Paths.files(under: Self.sharedComments, suffix: ".jsonl").filter { !$0.lastPathComponent.hasPrefix("youtube_spam") }
        #expect(!files.isEmpty)
        let dir = try DeliveryFixtures.tempDir("serve-shared")
        defer { try? FileManager.default.removeItem(at: dir) }
        for f in files {
            let lines = try String(contentsOf: f, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).prefix(2000)
            let input = dir.appendingPathComponent(f.lastPathComponent)
            try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
            let run = try await cliRun(["run", "--rules", ServeFixtures.rules, "--input", input.path])
            let s = try await TestServer.start(rules: ServeFixtures.rules)
            let r = try await s.request("POST", "/v1/decide", headers: ["Content-Type": "application/x-ndjson"], body: try [UInt8](Data(contentsOf: input)))
            #expect(r.text == run.out, "\(f.lastPathComponent)")
            await s.stop()
        }
    }

    /// One request per comment: the same decisions as `vigie run` on the whole stream, each
    /// numbered line 1; a bad comment gets its error record with 400.
    @Test func singleRequestsGetTheDecisionsOfRun() async throws {
        let run = try await cliRun(["run", "--rules", ServeFixtures.rules, "--input", ServeFixtures.example])
        let expected = run.out.split(separator: "\n")
        let s = try await TestServer.start(rules: ServeFixtures.rules)
        let lines = try String(contentsOfFile: ServeFixtures.example, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == expected.count)
        for (i, line) in lines.enumerated() {
            let r = try await s.request("POST", "/v1/decide", headers: ["Content-Type": "application/json"], body: Array(line.utf8))
            let want = expected[i].replacingOccurrences(of: "{\"line\":\(i + 1),", with: "{\"line\":1,")
            #expect(r.status == (want.contains("\"error_code\":") ? 400 : 200), "comment \(i + 1)")
            #expect(r.text == want + "\n", "comment \(i + 1)")
        }
        await s.stop()
    }

    /// Windows count the comments of every request: the fifth comment of one author within a
    /// minute, each sent alone, trips the flood rule of examples/shop/crise.vigie.
    @Test func windowsCountAcrossRequests() async throws {
        let s = try await TestServer.start(rules: Paths.packageRoot.appendingPathComponent("examples/shop").path)
        var last = ""
        for i in 0..<5 {
            let body = "{\"id\":\"f\(i)\",\"text\":\"message \(i) du jour\",\"author\":{\"name\":\"Flo\"},\"timestamp\":\"2025-03-14T08:00:0\(i)Z\"}"
            let r = try await s.request("POST", "/v1/decide", body: Array(body.utf8))
            #expect(r.status == 200)
            if i < 4 { #expect(!r.text.contains("\"flood\""), "comment \(i + 1): \(r.text)") }
            last = r.text
        }
        #expect(last.contains("\"queue\":\"flood\""), "the fifth comment trips the window rule: \(last)")
        await s.stop()
    }

    @Test func aBadCommentGetsItsErrorRecordWith400() async throws {
        let s = try await TestServer.start(rules: ServeFixtures.rules)
        let r = try await s.request("POST", "/v1/decide", headers: ["Content-Type": "application/json"], body: Array("{not json".utf8))
        #expect(r.status == 400)
        #expect(r.text.contains("\"error_code\":\"invalid_json\""))
        // A JSON body spread over lines is one comment.
        let multi = try await s.request("POST", "/v1/decide", headers: ["Content-Type": "application/json"], body: Array("{\"id\": \"m1\",\n \"text\": \"bonjour\"}\n".utf8))
        #expect(multi.status == 200)
        #expect(multi.text.hasPrefix("{\"line\":1,\"id\":\"m1\""))
        await s.stop()
    }

    @Test func healthReadyRulesAndMetrics() async throws {
        let s = try await TestServer.start(rules: ServeFixtures.rules)
        #expect(try await s.request("GET", "/healthz").status == 200)
        #expect(try await s.request("GET", "/readyz").status == 200)
        let rules = try await s.request("GET", "/v1/rules")
        #expect(rules.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(rules.body)) as? [String: Any])
        #expect(json["rules_version"] as? String == s.server.service.rulesVersion)
        #expect(((json["rules"] as? [[String: Any]]) ?? []).count == s.server.service.program.rules.count)
        #expect((json["languages"] as? [String] ?? []).contains("fr"))
        let input = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ServeFixtures.example)))
        let decided = try await s.request("POST", "/v1/decide", headers: ["Content-Type": "application/x-ndjson"], body: input + Array("oops\n".utf8))
        let m = try await s.request("GET", "/metrics")
        #expect(m.status == 200)
        let text = m.text
        let n = input.filter { $0 == 0x0A }.count + 1
        #expect(text.contains("vigie_comments_total \(n)"))
        #expect(text.contains("vigie_actions_total{type=\"hide\"}"))
        #expect(text.contains("vigie_rule_matches_total{rule="))
        let invalid = decided.text.components(separatedBy: "\"error_code\":\"invalid_json\"").count - 1
        #expect(invalid >= 1)
        #expect(text.contains("vigie_error_records_total{code=\"invalid_json\"} \(invalid)"))
        #expect(text.contains("vigie_rules_info{version=\"\(s.server.service.rulesVersion)\"} 1"))
        #expect(text.contains("vigie_request_duration_seconds_bucket"))
        #expect(text.contains("vigie_http_requests_total{route=\"/v1/decide\",status=\"200\"} 1"))
        s.server.drain()
        #expect(try await s.request("GET", "/readyz").status == 503)
        #expect(try await s.request("GET", "/nowhere").status == 404)
        await s.stop()
    }

    @Test func aBearerTokenIsAskedForWhenSet() async throws {
        let s = try await TestServer.start(rules: ServeFixtures.rules) { $0.token = "s3cret" }
        let body = Array("{\"text\":\"bonjour\"}".utf8)
        #expect(try await s.request("POST", "/v1/decide", body: body).status == 401)
        #expect(try await s.request("POST", "/v1/decide", headers: ["Authorization": "Bearer wrong"], body: body).status == 401)
        #expect(try await s.request("GET", "/metrics").status == 401)
        #expect(try await s.request("POST", "/v1/reload").status == 401)
        #expect(try await s.request("POST", "/v1/decide", headers: ["Authorization": "Bearer s3cret"], body: body).status == 200)
        // Probes need no token.
        #expect(try await s.request("GET", "/healthz").status == 200)
        #expect(try await s.request("GET", "/readyz").status == 200)
        await s.stop()
    }

    @Test func bodiesAndHeadsOverTheirLimitsAreRefused() async throws {
        let s = try await TestServer.start(rules: ServeFixtures.rules) {
            $0.maxBodyBytes = 1000
            $0.maxStreamBytes = 5000
            $0.maxLineBytes = 300
            $0.maxHeaderBytes = 2000
        }
        let big = Array("{\"text\":\"\(String(repeating: "a", count: 2000))\"}".utf8)
        #expect(try await s.request("POST", "/v1/decide", body: big).status == 413)
        // Over the stream limit, announced: 413 before anything is decided.
        let stream = [UInt8](repeating: 0x20, count: 6000)
        #expect(try await s.request("POST", "/v1/decide", headers: ["Content-Type": "application/x-ndjson"], body: stream).status == 413)
        // A line over the line limit gets its error record, the others their decisions.
        let lines = Array("{\"id\":1,\"text\":\"bonjour\"}\n".utf8) + big + [0x0A] + Array("{\"id\":3,\"text\":\"merci\"}\n".utf8)
        let r = try await s.request("POST", "/v1/decide", headers: ["Content-Type": "application/x-ndjson"], body: lines)
        let out = r.text.split(separator: "\n")
        #expect(out.count == 3)
        #expect(out.count == 3 && out[1].contains("\"error_code\":\"line_too_long\"") && out[2].hasPrefix("{\"line\":3,\"id\":3"))
        // A head over the limit is not served.
        let head = try await s.request("GET", "/healthz", headers: ["X-Big": String(repeating: "b", count: 3000)])
        #expect(head.status == 400)
        await s.stop()
    }

    /// A client that starts a request and stops sending is cut off after the read timeout: the
    /// server closes the connection (the read below sees its end, not our own 30 s limit).
    @Test func aStalledRequestIsClosedAfterTheReadTimeout() async throws {
        let s = try await TestServer.start(rules: ServeFixtures.rules) { $0.readTimeout = .milliseconds(300) }
        let fd = RawHTTP.connect(s.port)
        #expect(fd >= 0)
        RawHTTP.send(fd, RawHTTP.head("POST", "/v1/decide", [:], bodyCount: 100) + Array("{\"text\":".utf8))
        let answer = await offPool { RawHTTP.readToEnd(fd) }
        close(fd)
        #expect(answer != nil, "the server closed the stalled connection")
        // An idle connection (no request) is closed after the idle timeout.
        await s.stop()
        let s2 = try await TestServer.start(rules: ServeFixtures.rules) { $0.idleTimeout = .milliseconds(300) }
        let fd2 = RawHTTP.connect(s2.port)
        #expect(await offPool { RawHTTP.readToEnd(fd2) } == [])
        close(fd2)
        await s2.stop()
    }

    @Test func reloadPutsChangedRulesInForceAndKeepsBrokenOnesOut() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-serve-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("r.vigie")
        try "rule a {\n  when text contains \"pomme\"\n  then hide\n}\n".write(to: file, atomically: true, encoding: .utf8)
        let s = try await TestServer.start(rules: dir.path)
        let v1 = s.server.service.rulesVersion
        let body = Array("{\"text\":\"une poire\"}".utf8)
        #expect(try await s.request("POST", "/v1/decide", body: body).text.contains("\"actions\":[]"))
        try "rule a {\n  when text contains \"poire\"\n  then hide\n}\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try await s.request("POST", "/v1/reload")
        #expect(r.status == 200)
        #expect(r.text.contains("\"changed\":true"))
        #expect(s.server.service.rulesVersion != v1)
        #expect(try await s.request("POST", "/v1/decide", body: body).text.contains("\"type\":\"hide\""))
        try "rule a {\n  when text contains\n}\n".write(to: file, atomically: true, encoding: .utf8)
        let bad = try await s.request("POST", "/v1/reload")
        #expect(bad.status == 422)
        #expect(try await s.request("POST", "/v1/decide", body: body).text.contains("\"type\":\"hide\""))
        await s.stop()
    }
}

/// Grammar/openapi.yaml against the server: every path and method it lists is served, with a
/// status it declares and the content type it declares for that status; the server's routes are
/// all listed.
@Suite(.serialized) struct OpenAPITests {
    /// `path → method → status → content types`, read from the YAML by indentation (the file
    /// keeps to two spaces per level).
    static func operations() throws -> [String: [String: [String: [String]]]] {
        let text = try String(contentsOf: Paths.packageRoot.appendingPathComponent("Grammar/openapi.yaml"), encoding: .utf8)
        var out: [String: [String: [String: [String]]]] = [:]
        var inPaths = false
        var path = "", method = "", status = "", inResponses = false
        for raw in text.split(separator: "\n") {
            let indent = raw.prefix { $0 == " " }.count
            let line = raw.trimmingCharacters(in: .whitespaces)
            if indent == 0 { inPaths = line == "paths:"; continue }
            guard inPaths else { continue }
            if indent == 2 { path = String(line.dropLast()); out[path] = [:] }
            if indent == 4 { method = String(line.dropLast()).uppercased(); out[path]![method] = [:]; inResponses = false }
            if indent == 6 { inResponses = line == "responses:" }
            if indent == 8, inResponses { status = line.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: ":", with: ""); out[path]![method]![status] = [] }
            if indent == 12, inResponses, line.hasSuffix(":") { out[path]![method]![status]!.append(String(line.dropLast())) }
        }
        return out
    }

    @Test func everyOperationOfTheDescriptionIsServedAsDescribed() async throws {
        let ops = try Self.operations()
        #expect(Set(ops.keys) == ["/v1/decide", "/v1/rules", "/v1/reload", "/healthz", "/readyz", "/metrics"])
        let s = try await TestServer.start(rules: ServeFixtures.rules)
        for (path, methods) in ops {
            for (method, statuses) in methods {
                let r = try await s.request(method, path, headers: ["Content-Type": "application/json"], body: method == "POST" ? Array("{\"id\":\"o1\",\"text\":\"bonjour\"}".utf8) : [])
                let declared = try #require(statuses[String(r.status)], "\(method) \(path) answered \(r.status), which Grammar/openapi.yaml does not list")
                let type = (r.headers["content-type"] ?? "").split(separator: ";")[0].trimmingCharacters(in: .whitespaces)
                #expect(declared.contains(type), "\(method) \(path): \(type) is not among \(declared)")
                if type == "application/json" { #expect((try? JSONSerialization.jsonObject(with: Data(r.body))) != nil, "\(method) \(path) answers JSON") }
            }
        }
        // The 413 and 400 of /v1/decide are described too.
        #expect(ops["/v1/decide"]?["POST"]?["413"] != nil && ops["/v1/decide"]?["POST"]?["400"] != nil)
        let get = try await s.request("GET", "/v1/decide").status
        #expect(get == 405 || get == 404)
        await s.stop()
    }
}
