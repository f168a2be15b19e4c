import Foundation
import VigieCore

/// The delivery file (`--deliver FILE`): where escalations and flags go, per deployment — never
/// in rule files. JSON:
///
/// ```json
/// {
///   "endpoints": {
///     "slack-crisis": {"kind": "slack", "url_env": "VIGIE_SLACK_CRISIS"},
///     "helpdesk": {"kind": "json", "url": "http://127.0.0.1:9000/vigie", "headers": {"X-Team": "care"}}
///   },
///   "teams": {"crise": "slack-crisis", "*": "slack-crisis"},
///   "queues": {"moderation": "helpdesk"},
///   "outbox": "/var/lib/vigie/outbox",
///   "dead_letter": "/var/lib/vigie/dead-letter.jsonl",
///   "max_attempts": 10, "backoff": "1s", "max_backoff": "5m", "timeout": "10s"
/// }
/// ```
public struct DeliveryConfig: Sendable, Equatable {
    /// How a message is sent to an endpoint.
    public enum Kind: String, Sendable {
        /// A Slack-compatible incoming webhook: `{"text": …}` (Slack, Mattermost, Rocket.Chat, Teams' Slack-compatible hooks).
        case slack
        /// The whole message as JSON (see REFERENCE.md, "The delivery file").
        case json
    }

    /// One place messages go.
    public struct Endpoint: Sendable, Equatable {
        public var name: String
        public var kind: Kind
        public var url: String
        public var headers: [String: String]
    }

    public var endpoints: [String: Endpoint]
    /// Team (escalate) → endpoint name; `*` for every other team.
    public var teams: [String: String]
    /// Queue (flag) → endpoint name; `*` for every other queue.
    public var queues: [String: String]
    /// The outbox folder.
    public var outbox: String
    /// The dead-letter file (JSON lines).
    public var deadLetter: String
    /// Tries before a message goes to the dead-letter file.
    public var maxAttempts: Int
    /// The wait after the first failed try (doubled after each, up to ``maxBackoff``), in seconds.
    public var backoff: Double
    public var maxBackoff: Double
    /// Seconds one try may take (connect, send, answer).
    public var timeout: Double

    /// The endpoint for an action of `type` (`escalate`, `flag`) with `argument` (team, queue).
    public func endpoint(type: String, argument: String) -> Endpoint? {
        let table = type == "escalate" ? teams : type == "flag" ? queues : [:]
        guard let name = table[argument] ?? table["*"] else { return nil }
        return endpoints[name]
    }

    /// Why a delivery file cannot be used: what is wrong, where, what to do.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads the delivery file at `path`. Relative `outbox` and `dead_letter` paths are taken from
    /// the file's folder; they default to `vigie-outbox/` and `vigie-dead-letter.jsonl` there.
    public static func load(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DeliveryConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "cannot read the delivery file `\(path)`: \(String(cString: strerror(errno)))")
        }
        return try parse(data, path: path, environment: environment)
    }

    /// Parses a delivery file's bytes (`path` names it in messages and anchors relative paths).
    public static func parse(_ data: Data, path: String, environment: [String: String] = [:]) throws -> DeliveryConfig {
        func fail(_ s: String) -> Problem { Problem(description: "the delivery file `\(path)`: \(s) (see \"The delivery file\" in Grammar/REFERENCE.md)") }
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data) } catch { throw fail("is not JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error)") }
        guard let o = any as? [String: Any] else { throw fail("must be a JSON object") }
        let known: Set<String> = ["endpoints", "teams", "queues", "outbox", "dead_letter", "max_attempts", "backoff", "max_backoff", "timeout"]
        if let k = o.keys.sorted().first(where: { !known.contains($0) }) { throw fail("unknown key `\(k)`; the keys are \(known.sorted().joined(separator: ", "))") }
        guard let eps = o["endpoints"] as? [String: Any], !eps.isEmpty else { throw fail("`endpoints` must be an object naming at least one endpoint") }
        var endpoints: [String: Endpoint] = [:]
        for (name, v) in eps.sorted(by: { $0.key < $1.key }) {
            guard let e = v as? [String: Any] else { throw fail("endpoint `\(name)` must be an object") }
            guard let k = e["kind"] as? String, let kind = Kind(rawValue: k) else { throw fail("endpoint `\(name)`: `kind` must be \"slack\" or \"json\"") }
            var url = e["url"] as? String
            if let env = e["url_env"] as? String {
                guard let u = environment[env], !u.isEmpty else { throw fail("endpoint `\(name)`: the environment variable `\(env)` (url_env) is not set") }
                url = u
            }
            guard let url, let u = URL(string: url), ["http", "https"].contains(u.scheme?.lowercased() ?? ""), u.host != nil else {
                throw fail("endpoint `\(name)`: `url` (or `url_env`) must be an http:// or https:// address")
            }
            var headers: [String: String] = [:]
            if let h = e["headers"] {
                guard let h = h as? [String: String] else { throw fail("endpoint `\(name)`: `headers` must map names to strings") }
                headers = h
            }
            endpoints[name] = Endpoint(name: name, kind: kind, url: url, headers: headers)
        }
        func table(_ key: String) throws -> [String: String] {
            guard let t = o[key] else { return [:] }
            guard let t = t as? [String: String] else { throw fail("`\(key)` must map names to endpoint names") }
            for (k, v) in t where endpoints[v] == nil { throw fail("`\(key)`: `\(k)` goes to `\(v)`, which is not among the endpoints (\(endpoints.keys.sorted().joined(separator: ", ")))") }
            return t
        }
        let teams = try table("teams"), queues = try table("queues")
        if teams.isEmpty && queues.isEmpty { throw fail("neither `teams` nor `queues` sends anything to an endpoint") }
        func duration(_ key: String, _ d: Double) throws -> Double {
            guard let v = o[key] else { return d }
            if let n = v as? Double, n > 0 { return n }
            if let s = v as? String, let n = parseDurationText(s), n > 0 { return n }
            throw fail("`\(key)` must be a positive duration such as \"10s\" or \"5m\"")
        }
        let dir = (path as NSString).deletingLastPathComponent
        func place(_ key: String, _ d: String) throws -> String {
            let p: String
            if let v = o[key] {
                guard let s = v as? String, !s.isEmpty else { throw fail("`\(key)` must be a path") }
                p = s
            } else {
                p = d
            }
            return p.hasPrefix("/") || dir.isEmpty ? p : (dir as NSString).appendingPathComponent(p)
        }
        var maxAttempts = 10
        if let v = o["max_attempts"] {
            guard let n = v as? Int, n >= 1 else { throw fail("`max_attempts` must be a whole number, 1 or more") }
            maxAttempts = n
        }
        return DeliveryConfig(
            endpoints: endpoints, teams: teams, queues: queues, outbox: try place("outbox", "vigie-outbox"),
            deadLetter: try place("dead_letter", "vigie-dead-letter.jsonl"), maxAttempts: maxAttempts,
            backoff: try duration("backoff", 1), maxBackoff: try duration("max_backoff", 300), timeout: try duration("timeout", 10))
    }
}

/// `250ms`, `90s`, `5m`, `2h` in seconds.
func parseDurationText(_ s: String) -> Double? {
    if s.hasSuffix("ms"), let v = Double(s.dropLast(2)) { return v / 1000 }
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
    guard let u = s.last, let mult = units[u], let v = Double(s.dropLast()) else { return nil }
    return v * mult
}
