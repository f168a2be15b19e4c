import Foundation
import VigieCore

/// One escalation or flag on its way to an endpoint: what the outbox keeps on disk.
public struct DeliveryMessage: Codable, Sendable, Equatable {
    /// The idempotency key: the same for the same rules version, comment, rule and action,
    /// whichever process or try sends it (the `Idempotency-Key` header).
    public var key: String
    /// The endpoint's name in the delivery file.
    public var endpoint: String
    /// `escalate` or `flag`.
    public var type: String
    /// The team or the queue.
    public var target: String
    public var rule: String
    public var severity: String?
    /// The comment's `id` (as text), if it has one.
    public var commentID: String?
    public var rulesVersion: String
    /// The whole decision line.
    public var decision: String
    /// Tries so far, and when the next may start (seconds since 1970).
    public var attempts: Int = 0
    public var nextAttempt: Double = 0
    /// When it entered the outbox, and why its last try failed.
    public var queuedAt: Double
    public var lastError: String?

    enum CodingKeys: String, CodingKey {
        case key, endpoint, type, target, rule, severity
        case commentID = "comment_id"
        case rulesVersion = "rules_version"
        case decision, attempts
        case nextAttempt = "next_attempt"
        case queuedAt = "queued_at"
        case lastError = "last_error"
    }

    /// The idempotency key of an action: 32 hex digits over the rules version, the comment id
    /// (or, for a comment without one, its decision line), the rule, the action type and its target.
    public static func key(rulesVersion: String, commentID: String?, decisionLine: String, rule: String, type: String, target: String) -> String {
        let id = commentID.map { "id:" + $0 } ?? "line:" + decisionLine
        let fields = [rulesVersion, id, rule, type, target].joined(separator: "\u{0}")
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x6c62_272e_07bb_0142
        for byte in fields.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 &+ 0x9e37_79b9
        }
        return String(format: "%016llx%016llx", a, b)
    }

    /// The escalations and flags of one decision line that the delivery file sends somewhere
    /// (applied actions only: not shadow, not dropped). Error records and quiet lines give none.
    public static func messages(fromDecisionLine line: Substring, config: DeliveryConfig, now: Double) -> [DeliveryMessage] {
        // Most lines have neither: skip them without parsing.
        guard line.contains("\"type\":\"escalate\"") || line.contains("\"type\":\"flag\"") else { return [] }
        guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let actions = o["actions"] as? [[String: Any]] else { return [] }
        let version = o["rules_version"] as? String ?? ""
        let id: String? = o["id"].flatMap { v in
            if let s = v as? String { return s }
            if v is NSNull { return nil }
            return "\(v)"
        }
        var out: [DeliveryMessage] = []
        for a in actions {
            guard let type = a["type"] as? String, let rule = a["rule"] as? String else { continue }
            let target: String
            switch type {
            case "escalate": target = a["team"] as? String ?? ""
            case "flag": target = a["queue"] as? String ?? ""
            default: continue
            }
            guard let ep = config.endpoint(type: type, argument: target) else { continue }
            let key = key(rulesVersion: version, commentID: id, decisionLine: String(line), rule: rule, type: type, target: target)
            out.append(
                DeliveryMessage(
                    key: key, endpoint: ep.name, type: type, target: target, rule: rule, severity: a["severity"] as? String, commentID: id,
                    rulesVersion: version, decision: String(line), queuedAt: now))
        }
        return out
    }

    /// The body sent to an endpoint of `kind`.
    public func body(for kind: DeliveryConfig.Kind) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        switch kind {
        case .slack:
            let what = type == "escalate" ? "escalation to *\(target)*\(severity.map { " (\($0))" } ?? "")" : "flagged for the *\(target)* queue"
            w.key("text")
            w.string(":rotating_light: Vigie: \(what), rule `\(rule)`, comment \(commentID.map { "`\($0)`" } ?? "without id") (rules \(rulesVersion), key \(key))")
        case .json:
            w.key("idempotency_key"); w.string(key)
            w.key("type"); w.string(type)
            w.key(type == "escalate" ? "team" : "queue"); w.string(target)
            w.key("rule"); w.string(rule)
            if let severity { w.key("severity"); w.string(severity) }
            w.key("comment_id")
            if let commentID { w.string(commentID) } else { w.null() }
            w.key("rules_version"); w.string(rulesVersion)
            w.key("decision"); w.raw(Array(decision.utf8))
        }
        w.endObject()
        return w.bytes
    }
}
