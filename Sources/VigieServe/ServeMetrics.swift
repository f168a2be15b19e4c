import Foundation
import Prometheus
import VigieCore
import VigieEngine

/// The counters of `GET /metrics`, in the Prometheus text format (swift-prometheus).
///
/// Request counts and the latency histogram are kept as requests end; the engine's counts
/// (comments, actions by type, rules, error records by code) are taken from its ``RunStats``
/// when the metrics are read, so deciding a comment costs nothing more.
public final class ServeMetrics: @unchecked Sendable {
    /// The registry every metric lives in.
    public let registry = PrometheusCollectorRegistry()
    private let lock = NSLock()
    private let latency: DurationHistogram
    private let comments: Counter
    private var requests: [String: Counter] = [:]
    private var actions: [String: Counter] = [:]
    private var rules: [String: Counter] = [:]
    private var errors: [String: Counter] = [:]
    /// What the engine counters were last time they were read (counters only go up).
    private var seen = RunStats()
    private var version: (String, Gauge)?
    /// Extra metrics text appended (the delivery counters).
    public var extra: (() -> String)?

    /// Creates the metrics.
    public init() {
        latency = registry.makeDurationHistogram(
            descriptor: Self.name("vigie_request_duration_seconds", "Time from a /v1/decide request's head to its response's head."), labels: [],
            buckets: [.microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5)])
        comments = registry.makeCounter(descriptor: Self.name("vigie_comments_total", "Comments decided (decision lines and error records)."))
    }

    /// Counts one request to `route` answered with `status`, which took `duration` (nil: not timed).
    public func request(route: String, status: Int, duration: Duration?) {
        lock.lock()
        let key = "\(route) \(status)"
        let c = requests[key] ?? {
            let c = registry.makeCounter(descriptor: Self.name("vigie_http_requests_total", "HTTP requests by route and status."), labels: [("route", route), ("status", String(status))])
            requests[key] = c
            return c
        }()
        lock.unlock()
        c.increment()
        if let duration { latency.record(duration) }
    }

    /// Brings the engine counters up to `stats` and the rules version to `rulesVersion`.
    public func sync(_ stats: RunStats, rulesVersion: String) {
        lock.lock()
        defer { lock.unlock() }
        comments.increment(by: Int64(stats.lines - seen.lines))
        func bump(_ table: inout [String: Counter], _ now: [String: Int], _ before: [String: Int], name: String, label: String, help: String) {
            for (k, v) in now where v != before[k] ?? 0 {
                let c = table[k] ?? registry.makeCounter(descriptor: Self.name(name, help), labels: [(label, k)])
                table[k] = c
                c.increment(by: Int64(v - (before[k] ?? 0)))
            }
        }
        bump(&actions, stats.actions, seen.actions, name: "vigie_actions_total", label: "type", help: "Applied actions by type.")
        bump(&rules, stats.rules, seen.rules, name: "vigie_rule_matches_total", label: "rule", help: "Comments on which each rule's condition held.")
        bump(&errors, stats.errorCodes, seen.errorCodes, name: "vigie_error_records_total", label: "code", help: "Error records (lines that could not be decided) by code.")
        seen = stats
        if version?.0 != rulesVersion {
            if let (_, g) = version { registry.unregisterGauge(g) }
            let g = registry.makeGauge(descriptor: Self.name("vigie_rules_info", "The version of the rules in force (always 1)."), labels: [("version", rulesVersion)])
            g.set(Int64(1))
            version = (rulesVersion, g)
        }
    }

    /// The descriptor of `vigie_NAME_UNIT` (the last word is the unit).
    static func name(_ full: String, _ help: String) -> MetricNameDescriptor {
        var words = full.split(separator: "_").map(String.init)
        let unit = words.removeLast()
        return MetricNameDescriptor(namespace: words.removeFirst(), metricName: words.joined(separator: "_"), unitName: unit, helpText: help)
    }

    /// The metrics in the Prometheus text format.
    public func render() -> [UInt8] {
        var out = registry.emitToBuffer()
        if let extra { out += Array(extra().utf8) }
        return out
    }
}
