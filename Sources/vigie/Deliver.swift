import ArgumentParser
import Foundation
import VigieCore
import VigieDelivery

/// `--deliver FILE`, shared by `run` and `serve`.
enum Delivery {
    /// The deliverer of the delivery file at `path` (nil without one); a bad file ends the
    /// command with exit code 2 and says what is wrong.
    static func open(_ path: String?) throws -> Deliverer? {
        guard let path else { return nil }
        do {
            return try Deliverer(config: try DeliveryConfig.load(path)) { Terminal.error($0) }
        } catch {
            Terminal.error("vigie: \(error)\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }

    /// At the end of `vigie run --deliver`: every message gets at least one try (within the
    /// delivery file's time-out per message), then what is left waits in the outbox for the next
    /// start; the counts go to standard error.
    static func finish(_ d: Deliverer) {
        d.waitUntilTried(deadline: Date().addingTimeInterval(max(30, d.config.timeout * Double(max(1, d.stats.waiting)))))
        d.stop()
        let s = d.stats
        Terminal.error("vigie: delivery: \(s.delivered) delivered, \(s.waiting) waiting in the outbox `\(d.config.outbox)` (sent on the next start), \(s.deadLettered) in the dead-letter file\n")
    }
}
