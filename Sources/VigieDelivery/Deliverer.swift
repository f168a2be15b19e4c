import Foundation
import VigieCore

/// Counts of delivery, for `/metrics` and the end of `vigie run --deliver`.
public struct DeliveryStats: Sendable, Equatable {
    /// Messages put in the outbox (a key already waiting is not counted again).
    public var queued = 0
    /// Messages an endpoint took (2xx).
    public var delivered = 0
    /// Tries that failed and will be tried again.
    public var retries = 0
    /// Messages given up on (tries exhausted, or a 4xx), written to the dead-letter file.
    public var deadLettered = 0
    /// Messages waiting in the outbox now.
    public var waiting = 0
}

/// Sends the outbox's messages from one thread of its own, oldest first, each try bounded by
/// the delivery file's time-out; failed tries wait (``RetryPolicy``), exhausted messages go to
/// the dead-letter file. Messages found in the outbox at start (left by a crash or a stop) are
/// sent first.
public final class Deliverer: @unchecked Sendable {
    public let config: DeliveryConfig
    public let outbox: Outbox
    public let policy: RetryPolicy
    /// Sends one message; replaced in tests.
    package var post: @Sendable (DeliveryConfig.Endpoint, [String: String], [UInt8], Double) -> PostResult = { ep, headers, body, timeout in
        HTTPPost.send(url: ep.url, headers: headers, body: body, timeout: timeout)
    }
    private let log: @Sendable (String) -> Void
    private let cond = NSCondition()
    @exclusivity(unchecked) private var pending: [String: DeliveryMessage] = [:]
    @exclusivity(unchecked) private var inFlight: String?
    @exclusivity(unchecked) private var counts = DeliveryStats()
    @exclusivity(unchecked) private var stopping = false
    @exclusivity(unchecked) private var running = false

    /// Opens the outbox of `config` and loads what waits there.
    public init(config: DeliveryConfig, log: @escaping @Sendable (String) -> Void) throws {
        self.config = config
        self.outbox = try Outbox(folder: config.outbox)
        self.policy = RetryPolicy(backoff: config.backoff, maxBackoff: config.maxBackoff, maxAttempts: config.maxAttempts)
        self.log = log
        for m in outbox.load(problem: log) { pending[m.key] = m }
        if !pending.isEmpty { log("vigie: delivery: \(pending.count) message\(pending.count == 1 ? "" : "s") left in the outbox `\(config.outbox)` will be sent first\n") }
    }

    /// Counts so far.
    public var stats: DeliveryStats {
        cond.lock()
        defer { cond.unlock() }
        var s = counts
        s.waiting = pending.count
        return s
    }

    /// Puts the escalations and flags of `lines` (decision lines, as `run` writes them) that the
    /// delivery file sends somewhere into the outbox, durably, before returning.
    public func take(decisionLines lines: [UInt8]) {
        guard lines.count > 20 else { return }
        let text = String(decoding: lines, as: UTF8.self)
        let now = Date().timeIntervalSince1970
        var fresh: [DeliveryMessage] = []
        for line in text.split(separator: "\n") {
            fresh += DeliveryMessage.messages(fromDecisionLine: line, config: config, now: now)
        }
        guard !fresh.isEmpty else { return }
        cond.lock()
        defer { cond.unlock() }
        for m in fresh where pending[m.key] == nil {
            do {
                try outbox.write(m)
            } catch {
                log("vigie: delivery: \(error); the \(m.type) of rule `\(m.rule)` is sent but not kept on disk\n")
            }
            pending[m.key] = m
            counts.queued += 1
        }
        cond.broadcast()
    }

    /// Starts the sending thread.
    public func start() {
        cond.lock()
        running = true
        cond.unlock()
        let t = Thread { [self] in loop() }
        t.name = "vigie.delivery"
        t.start()
    }

    /// Stops the sending thread after the try in progress (messages left stay in the outbox).
    public func stop() {
        cond.lock()
        stopping = true
        cond.broadcast()
        while running { cond.wait() }
        cond.unlock()
    }

    /// Waits until every message waiting has been tried at least once since it was queued (or
    /// loaded), or until `deadline`. `vigie run --deliver` calls it before exiting.
    public func waitUntilTried(deadline: Date) {
        cond.lock()
        defer { cond.unlock() }
        while pending.values.contains(where: { $0.attempts == 0 }) || inFlight != nil {
            if !cond.wait(until: deadline) { return }
        }
    }

    /// Waits until the outbox is empty, or `deadline`; returns whether it is.
    @discardableResult
    public func waitUntilEmpty(deadline: Date) -> Bool {
        cond.lock()
        defer { cond.unlock() }
        while !pending.isEmpty || inFlight != nil {
            if !cond.wait(until: deadline) { return false }
        }
        return true
    }

    private func loop() {
        cond.lock()
        while !stopping {
            let now = Date().timeIntervalSince1970
            let due = pending.values.min { ($0.nextAttempt, $0.queuedAt, $0.key) < ($1.nextAttempt, $1.queuedAt, $1.key) }
            guard let m = due else {
                cond.wait()
                continue
            }
            if m.nextAttempt > now {
                _ = cond.wait(until: Date(timeIntervalSince1970: m.nextAttempt))
                continue
            }
            inFlight = m.key
            cond.unlock()
            let result = send(m)
            cond.lock()
            inFlight = nil
            settle(m, result)
            cond.broadcast()
        }
        running = false
        cond.broadcast()
        cond.unlock()
    }

    private func send(_ m: DeliveryMessage) -> PostResult {
        guard let ep = config.endpoints[m.endpoint] else { return .permanent("the endpoint `\(m.endpoint)` is no longer in the delivery file") }
        var headers = ep.headers
        headers["Idempotency-Key"] = m.key
        return post(ep, headers, m.body(for: ep.kind), config.timeout)
    }

    /// After a try: removed, retried later, or dead-lettered. Called under the lock.
    private func settle(_ m: DeliveryMessage, _ result: PostResult) {
        var m = m
        m.attempts += 1
        switch result {
        case .delivered:
            outbox.remove(m.key)
            pending[m.key] = nil
            counts.delivered += 1
        case .retry(let why) where m.attempts < policy.maxAttempts:
            m.lastError = why
            m.nextAttempt = Date().timeIntervalSince1970 + policy.jittered(afterAttempts: m.attempts)
            try? outbox.write(m)
            pending[m.key] = m
            counts.retries += 1
        case .retry(let why), .permanent(let why):
            m.lastError = why
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            do {
                try Outbox.appendLine(Array(try enc.encode(m)), to: config.deadLetter)
                outbox.remove(m.key)
            } catch {
                log("vigie: delivery: \(error); the message stays in the outbox as `\(m.key).json`\n")
            }
            pending[m.key] = nil
            counts.deadLettered += 1
            log("vigie: delivery: gave up on the \(m.type) of rule `\(m.rule)` to `\(m.endpoint)` after \(m.attempts) tr\(m.attempts == 1 ? "y" : "ies") (\(why)); written to `\(config.deadLetter)`\n")
        }
    }

    /// The delivery counters in the Prometheus text format.
    public func metricsText() -> String {
        let s = stats
        var out = ""
        for (name, help, type, v) in [
            ("vigie_delivery_queued_total", "Escalations and flags put in the outbox.", "counter", s.queued),
            ("vigie_delivery_delivered_total", "Messages an endpoint took (2xx).", "counter", s.delivered),
            ("vigie_delivery_retries_total", "Failed tries that will be tried again.", "counter", s.retries),
            ("vigie_delivery_dead_letter_total", "Messages given up on, written to the dead-letter file.", "counter", s.deadLettered),
            ("vigie_delivery_outbox_messages", "Messages waiting in the outbox.", "gauge", s.waiting),
        ] {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(v)\n"
        }
        return out
    }
}
