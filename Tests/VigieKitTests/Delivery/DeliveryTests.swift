import Foundation
import Testing

@testable import VigieCore
@testable import VigieDelivery
@testable import VigieEngine

enum DeliveryFixtures {
    static func tempDir(_ name: String) throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// A delivery file sending every team and queue to `http://127.0.0.1:port/hook`.
    static func config(dir: URL, port: Int) throws -> String {
        let path = dir.appendingPathComponent("deliver.json").path
        try """
        {"endpoints": {"hook": {"kind": "json", "url": "http://127.0.0.1:\(port)/hook"}},
         "teams": {"*": "hook"}, "queues": {"*": "hook"},
         "backoff": "20ms", "max_backoff": "200ms", "timeout": "250ms", "max_attempts": 100}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `vigie run` over the example stream with every pack: the decision lines.
    static func decisions() throws -> String {
        let r = try CLI.run(["run", "--rules", ServeFixtures.rules, "--input", ServeFixtures.example])
        #expect(r.status == 0)
        return r.out
    }
}

@Suite(.serialized) struct DeliveryTests {
    @Test func theDeliveryFileIsReadAndItsMistakesExplained() throws {
        let ok = try DeliveryConfig.parse(
            Data(#"{"endpoints": {"s": {"kind": "slack", "url_env": "HOOK"}}, "teams": {"crise": "s"}, "outbox": "box"}"#.utf8), path: "/etc/vigie/d.json",
            environment: ["HOOK": "https://hooks.example/T1"])
        #expect(ok.endpoints["s"]?.url == "https://hooks.example/T1")
        #expect(ok.outbox == "/etc/vigie/box")
        #expect(ok.deadLetter == "/etc/vigie/vigie-dead-letter.jsonl")
        #expect(ok.endpoint(type: "escalate", argument: "crise")?.name == "s")
        #expect(ok.endpoint(type: "escalate", argument: "other") == nil)
        #expect(ok.endpoint(type: "flag", argument: "crise") == nil)
        let cases: [(String, String)] = [
            ("[]", "must be a JSON object"),
            (#"{"endpoints": {}}"#, "at least one endpoint"),
            (#"{"endpoints": {"a": {"kind": "mail", "url": "http://x"}}, "teams": {"*": "a"}}"#, "`kind` must be"),
            (#"{"endpoints": {"a": {"kind": "json", "url": "ftp://x"}}, "teams": {"*": "a"}}"#, "http:// or https://"),
            (#"{"endpoints": {"a": {"kind": "json", "url_env": "NOPE"}}, "teams": {"*": "a"}}"#, "`NOPE`"),
            (#"{"endpoints": {"a": {"kind": "json", "url": "http://x"}}, "teams": {"*": "b"}}"#, "`b`, which is not among the endpoints"),
            (#"{"endpoints": {"a": {"kind": "json", "url": "http://x"}}}"#, "neither `teams` nor `queues`"),
            (#"{"endpoints": {"a": {"kind": "json", "url": "http://x"}}, "teams": {"*": "a"}, "retries": 3}"#, "unknown key `retries`"),
            (#"{"endpoints": {"a": {"kind": "json", "url": "http://x"}}, "teams": {"*": "a"}, "timeout": "soon"}"#, "`timeout` must be"),
        ]
        for (text, message) in cases {
            #expect(throws: DeliveryConfig.Problem.self) { try DeliveryConfig.parse(Data(text.utf8), path: "d.json") }
            do {
                _ = try DeliveryConfig.parse(Data(text.utf8), path: "d.json")
            } catch {
                #expect("\(error)".contains(message), "\(text): \(error)")
                #expect("\(error)".contains("`d.json`"))
            }
        }
    }

    @Test func theIdempotencyKeyDependsOnVersionCommentRuleAndAction() {
        let k = DeliveryMessage.key(rulesVersion: "v1", commentID: "c1", decisionLine: "x", rule: "r", type: "escalate", target: "crise")
        #expect(k.count == 32)
        #expect(k == DeliveryMessage.key(rulesVersion: "v1", commentID: "c1", decisionLine: "other line", rule: "r", type: "escalate", target: "crise"))
        for other in [
            DeliveryMessage.key(rulesVersion: "v2", commentID: "c1", decisionLine: "x", rule: "r", type: "escalate", target: "crise"),
            DeliveryMessage.key(rulesVersion: "v1", commentID: "c2", decisionLine: "x", rule: "r", type: "escalate", target: "crise"),
            DeliveryMessage.key(rulesVersion: "v1", commentID: "c1", decisionLine: "x", rule: "s", type: "escalate", target: "crise"),
            DeliveryMessage.key(rulesVersion: "v1", commentID: "c1", decisionLine: "x", rule: "r", type: "flag", target: "crise"),
            DeliveryMessage.key(rulesVersion: "v1", commentID: nil, decisionLine: "x", rule: "r", type: "escalate", target: "crise"),
        ] { #expect(other != k) }
    }

    @Test func backoffDoublesUpToItsCapWithJitter() {
        let p = RetryPolicy(backoff: 1, maxBackoff: 10, maxAttempts: 5)
        #expect((1...6).map { p.delay(afterAttempts: $0) } == [1, 2, 4, 8, 10, 10])
        #expect(p.jittered(afterAttempts: 2, unit: 0) == 1.6)
        #expect(abs(p.jittered(afterAttempts: 2, unit: 1) - 2.4) < 1e-9)
    }

    @Test func slackAndJSONBodies() throws {
        let config = try DeliveryConfig.parse(
            Data(#"{"endpoints": {"s": {"kind": "slack", "url": "http://x/s"}}, "teams": {"*": "s"}}"#.utf8), path: "d.json")
        let line = #"{"line":3,"id":"c3","rules_version":"v9","lang":"fr","actions":[{"type":"escalate","rule":"bad_buzz","team":"crise","severity":"critical"},{"type":"flag","rule":"f","queue":"q"}],"tags":[],"rules":["bad_buzz"],"shadow":[{"type":"escalate","rule":"s","team":"t","severity":"normal"}]}"#
        let ms = DeliveryMessage.messages(fromDecisionLine: Substring(line), config: config, now: 0)
        // The flag's queue goes nowhere; the shadow escalation is not applied.
        #expect(ms.count == 1)
        let m = try #require(ms.first)
        #expect(m.type == "escalate" && m.target == "crise" && m.rule == "bad_buzz" && m.commentID == "c3" && m.rulesVersion == "v9")
        let slack = String(decoding: m.body(for: .slack), as: UTF8.self)
        #expect(slack.hasPrefix("{\"text\":"))
        #expect(slack.contains("*crise* (critical)") && slack.contains("`bad_buzz`") && slack.contains("`c3`"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(m.body(for: .json))) as? [String: Any])
        #expect(json["idempotency_key"] as? String == m.key)
        #expect(json["team"] as? String == "crise")
        #expect((json["decision"] as? [String: Any])?["line"] as? Int == 3)
    }

    /// The flaky receiver refuses a third of the requests and lets a third time out, and is
    /// restarted mid-run; the deliverer itself is stopped mid-run and a new one takes its outbox
    /// over (a restart of the process): every escalation and flag arrives, and a key is never
    /// sent with two different bodies.
    @Test func everyMessageArrivesThroughAFlakyRestartedReceiver() throws {
        let dir = try DeliveryFixtures.tempDir("deliver")
        defer { try? FileManager.default.removeItem(at: dir) }
        let receiver = FlakyReceiver()
        receiver.start()
        let config = try DeliveryConfig.load(try DeliveryFixtures.config(dir: dir, port: receiver.port))
        let lines = try DeliveryFixtures.decisions().split(separator: "\n")
        let expected = Dictionary(lines.flatMap { DeliveryMessage.messages(fromDecisionLine: $0, config: config, now: 0) }.map { ($0.key, $0) }) { a, _ in a }
        #expect(expected.count >= 5, "the example stream has escalations and flags")
        let half = lines.count / 2
        var d = try Deliverer(config: config) { _ in }
        d.start()
        d.take(decisionLines: Array(lines[..<half].joined(separator: "\n").utf8) + [0x0A])
        // The receiver goes away and comes back on the same port.
        receiver.stop()
        Thread.sleep(forTimeInterval: 0.3)
        receiver.start()
        // The process "restarts": a new deliverer finds the messages left in the outbox.
        d.stop()
        let left = d.stats.waiting
        d = try Deliverer(config: config) { _ in }
        #expect(d.stats.waiting == left)
        d.start()
        d.take(decisionLines: Array(lines[half...].joined(separator: "\n").utf8) + [0x0A])
        #expect(d.waitUntilEmpty(deadline: Date().addingTimeInterval(60)))
        d.stop()
        receiver.stop()
        let got = receiver.deliveries
        #expect(Set(got.map(\.key)) == Set(expected.keys))
        var bodies: [String: String] = [:]
        for (k, b) in got {
            if let before = bodies[k] { #expect(before == b, "key \(k) sent with two bodies") }
            bodies[k] = b
            let json = try #require(try JSONSerialization.jsonObject(with: Data(b.utf8)) as? [String: Any])
            #expect(json["idempotency_key"] as? String == k)
        }
        #expect(receiver.requestCount > got.count, "some requests failed and were tried again")
        #expect(!FileManager.default.fileExists(atPath: config.deadLetter))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: config.outbox)) ?? []).isEmpty)
    }

    @Test func exhaustedOrRefusedMessagesGoToTheDeadLetterFile() throws {
        let dir = try DeliveryFixtures.tempDir("dead")
        defer { try? FileManager.default.removeItem(at: dir) }
        var c = try DeliveryConfig.load(try DeliveryFixtures.config(dir: dir, port: 9))
        c.maxAttempts = 3
        let d = try Deliverer(config: c) { _ in }
        let tries = Counter()
        d.post = { _, _, _, _ in
            tries.add()
            return .retry("down")
        }
        d.start()
        let line = #"{"line":1,"id":"c1","rules_version":"v","lang":"fr","actions":[{"type":"escalate","rule":"r","team":"t","severity":"high"}],"tags":[],"rules":["r"]}"#
        d.take(decisionLines: Array((line + "\n").utf8))
        #expect(d.waitUntilEmpty(deadline: Date().addingTimeInterval(30)))
        d.stop()
        #expect(tries.value == 3)
        let dead = try String(contentsOfFile: c.deadLetter, encoding: .utf8)
        #expect(dead.contains("\"last_error\":\"down\"") && dead.contains("\"attempts\":3"))
        #expect(d.stats.deadLettered == 1 && d.stats.retries == 2)
        // A 4xx is not tried again.
        let d2 = try Deliverer(config: c) { _ in }
        d2.post = { _, _, _, _ in .permanent("the endpoint answered 404") }
        d2.start()
        d2.take(decisionLines: Array((line.replacingOccurrences(of: "c1", with: "c2") + "\n").utf8))
        #expect(d2.waitUntilEmpty(deadline: Date().addingTimeInterval(30)))
        d2.stop()
        #expect(d2.stats.deadLettered == 1 && d2.stats.retries == 0)
    }

    /// Through the binary: `run --deliver` with the receiver down leaves the messages in the
    /// outbox; the next run (with no input) sends them once the receiver is up.
    @Test func runDeliverKeepsWhatItCouldNotSendForTheNextStart() throws {
        let dir = try DeliveryFixtures.tempDir("run-deliver")
        defer { try? FileManager.default.removeItem(at: dir) }
        let receiver = FlakyReceiver(flaky: false)
        receiver.start()
        receiver.stop()  // its port, with nobody listening
        let file = try DeliveryFixtures.config(dir: dir, port: receiver.port)
        let first = try CLI.run(["run", "--rules", ServeFixtures.rules, "--input", ServeFixtures.example, "--deliver", file])
        #expect(first.status == 0)
        #expect(first.out == (try DeliveryFixtures.decisions()))
        #expect(first.err.contains(" 0 delivered"))
        let waiting = ((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("vigie-outbox").path)) ?? []).filter { $0.hasSuffix(".json") }
        #expect(!waiting.isEmpty)
        receiver.start()
        let second = try CLI.run(["run", "--rules", ServeFixtures.rules, "--deliver", file], stdin: Data())
        #expect(second.status == 0)
        #expect(second.err.contains("\(waiting.count) delivered"), "\(second.err)")
        #expect(Set(receiver.deliveries.map(\.key)) == Set(waiting.map { String($0.dropLast(5)) }))
        receiver.stop()
    }
}

/// A count shared with a sending thread.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() {
        lock.lock()
        n += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return n
    }
}
