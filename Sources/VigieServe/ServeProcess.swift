import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import VigieCore

extension VigieServer {
    /// Serves until SIGTERM or SIGINT, then drains: `/readyz` answers 503, no new connection is
    /// taken, the requests in flight are answered; then it returns (the caller saves the state).
    /// SIGHUP reloads the rules. With `statePath`, the state is also saved every 5 seconds.
    /// Announces the address on standard error once listening. Throws when it cannot listen.
    public func runUntilStopped(statePath: String?) throws {
        let service = service
        let host = options.host.contains(":") ? "[\(options.host)]" : options.host
        let app = application { port in
            Terminal.error("vigie: serving rules version \(service.rulesVersion) on http://\(host):\(port)\n")
        }
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "vigie.serve")))
        // Signals arrive as events on a queue, never in a signal handler.
        let queue = DispatchQueue(label: "vigie.serve.signals")
        var sources: [any DispatchSourceProtocol] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            s.setEventHandler { [self] in
                Terminal.error("vigie: \(sig == SIGTERM ? "SIGTERM" : "SIGINT"): draining (the requests in flight are answered)\n")
                drain()
                Task { await group.triggerGracefulShutdown() }
            }
            s.resume()
            sources.append(s)
        }
        signal(SIGHUP, SIG_IGN)
        let hup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        hup.setEventHandler { service.reload(reason: "SIGHUP") }
        hup.resume()
        sources.append(hup)
        if let statePath {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + 5, repeating: 5)
            timer.setEventHandler { try? service.saveState(to: statePath) }
            timer.resume()
            sources.append(timer)
        }
        let failure = ErrorBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await group.run() } catch { failure.error = error }
            done.signal()
        }
        done.wait()
        for s in sources { s.cancel() }
        if let error = failure.error { throw error }
    }
}

/// An error handed from the server's task to the waiting thread.
private final class ErrorBox: @unchecked Sendable {
    var error: (any Error)?
}
