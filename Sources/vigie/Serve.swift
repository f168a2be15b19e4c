import ArgumentParser
import Foundation
import VigieCore
import VigieDelivery
import VigieEngine
import VigieServe

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide over HTTP: POST comments to /v1/decide, one JSON comment or an NDJSON stream.",
        discussion: """
            Listens on 127.0.0.1:8080 unless --listen says otherwise. Endpoints: POST /v1/decide (one JSON comment, \
            or application/x-ndjson: one decision line per comment line, in order, streamed), GET /healthz, \
            GET /readyz, GET /metrics (Prometheus), GET /v1/rules, POST /v1/reload. Decisions are the lines of \
            `vigie run`; windows and cooldowns count the comments of every request. No endpoint accepts rules: they \
            come from --rules only. API: Grammar/openapi.yaml.

            Signals: SIGHUP reloads the rules (as POST /v1/reload does; rules that do not compile are reported and the \
            running ones stay). SIGTERM or SIGINT drains: /readyz answers 503, no new connection is accepted, the \
            requests in flight are answered, --state is saved, then vigie exits 0.

            Examples:
              vigie serve --rules Rules --state vigie.state
              vigie serve --rules Rules --listen 0.0.0.0:8080 --token-file /etc/vigie/token
            """)

    @OptionGroup var options: RulesOptions

    @Option(name: .long, help: ArgumentHelp("The address and port to listen on (port 0: any free port).", valueName: "host:port"))
    var listen: String = "127.0.0.1:8080"

    @Option(name: .customLong("token-file"), help: ArgumentHelp("Ask every request but /healthz and /readyz for `Authorization: Bearer TOKEN`, TOKEN being this file's first line.", valueName: "file"))
    var tokenFile: String?

    @Option(name: .long, help: "Load window and cooldown state from this file at start, save it there every 5 seconds and when stopped.")
    var state: String?

    @Option(name: .long, help: "How late (out of order) a comment's timestamp may be, e.g. 5m.")
    var lateness: String = "5m"

    @Option(name: .customLong("arrival-time"), help: ArgumentHelp("Give a comment without a time the time its request arrived: on, off.", valueName: "on|off"))
    var arrivalTime: String = "on"

    @Option(name: .customLong("max-body-bytes"), help: "The largest single-comment body (larger: 413).")
    var maxBodyBytes: Int = 1 << 20

    @Option(name: .customLong("max-stream-bytes"), help: "The largest NDJSON body (larger: 413, or an error line once streaming).")
    var maxStreamBytes: Int = 256 << 20

    @Option(name: .customLong("max-line-bytes"), help: "NDJSON lines longer than this get an error record.")
    var maxLineBytes: Int = 1 << 20

    @Option(name: .customLong("max-header-bytes"), help: "The largest request head (request line and headers).")
    var maxHeaderBytes: Int = 16 << 10

    @Option(name: .customLong("read-timeout"), help: ArgumentHelp("Within a request, the longest wait for more bytes before the connection is closed.", valueName: "duration"))
    var readTimeout: String = "10s"

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("How long a connection may stay open between requests.", valueName: "duration"))
    var idleTimeout: String = "60s"

    @Option(name: .long, help: ArgumentHelp("Send escalations and flags to the endpoints this delivery file names (durable outbox, retries, dead-letter file).", valueName: "file"))
    var deliver: String?

    @Option(name: .customLong("regex-budget"), help: ArgumentHelp("Regexes one comment may lose to the match limit before its other regexes are skipped.", valueName: "n"))
    var regexBudget: Int = 3

    @Option(name: .customLong("regex-time"), help: ArgumentHelp("Milliseconds after a comment's first regex when no more of its regexes start (0: no limit).", valueName: "ms"))
    var regexTime: Int = 100

    func validate() throws {
        guard Self.hostPort(listen) != nil else { throw ValidationError("--listen takes host:port, such as 127.0.0.1:8080 or 0.0.0.0:8080, not `\(listen)`") }
        guard parseDuration(lateness) != nil else { throw ValidationError("--lateness takes a duration such as 5m or 30s") }
        guard ["on", "off"].contains(arrivalTime) else { throw ValidationError("--arrival-time takes on or off, not `\(arrivalTime)`") }
        for (name, v) in [("--read-timeout", readTimeout), ("--idle-timeout", idleTimeout)] {
            guard let d = parseDuration(v), d > 0 else { throw ValidationError("\(name) takes a positive duration such as 10s or 1m, not `\(v)`") }
        }
        for (name, v) in [("--max-body-bytes", maxBodyBytes), ("--max-stream-bytes", maxStreamBytes), ("--max-line-bytes", maxLineBytes), ("--max-header-bytes", maxHeaderBytes)] where v <= 0 {
            throw ValidationError("\(name) must be positive")
        }
    }

    /// `host:port` (the host may be `[::1]`), or nil.
    static func hostPort(_ s: String) -> (String, Int)? {
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(s[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let fields = try options.fieldMap()
        let (_, program) = RuleCompilation.load(options.rules)
        guard let program else { throw ExitCode(ExitStatus.usage.rawValue) }
        var so = ServeOptions()
        (so.host, so.port) = Self.hostPort(listen)!
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8),
                let token = text.split(whereSeparator: \.isNewline).first.map({ $0.trimmingCharacters(in: .whitespaces) }), !token.isEmpty
            else {
                Terminal.error("vigie: cannot read a token from `\(tokenFile)`: the file must exist and hold the token on its first line\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            so.token = token
        }
        so.maxBodyBytes = maxBodyBytes
        so.maxStreamBytes = maxStreamBytes
        so.maxLineBytes = maxLineBytes
        so.maxHeaderBytes = maxHeaderBytes
        so.readTimeout = .milliseconds(Int64(parseDuration(readTimeout)! * 1000))
        so.idleTimeout = .milliseconds(Int64(parseDuration(idleTimeout)! * 1000))
        var o = RunOptions()
        o.textField = options.textField
        o.fields = fields
        o.budget = RegexBudget(maxCutoffs: regexBudget, milliseconds: regexTime)
        o.maxLineBytes = maxLineBytes
        if arrivalTime == "on" { o.arrivalClock = { Date().timeIntervalSince1970 } }
        let service = DecisionService(rulesPath: options.rules, program: program, options: o, lateness: parseDuration(lateness) ?? 300) { Terminal.error($0) }
        if let state {
            do {
                try StateStage.checkWritable(state)
                let dropped = try service.loadState(from: state)
                if !dropped.isEmpty {
                    Terminal.error("vigie: warning: the state file `\(state)` has \(dropped.count) window\(dropped.count == 1 ? "" : "s") these rules do not have; their events are not used and will not be saved\n")
                }
            } catch {
                Terminal.error("vigie: \(error)\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
        let deliverer = try Delivery.open(deliver)
        let metrics = ServeMetrics()
        if let deliverer {
            service.onDecided = { deliverer.take(decisionLines: $0) }
            metrics.extra = { deliverer.metricsText() }
            deliverer.start()
        }
        let server = VigieServer(service: service, options: so, metrics: metrics)
        do {
            try server.runUntilStopped(statePath: state)
        } catch {
            Terminal.error("vigie: cannot serve on \(listen): \(error)\n")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        if let state {
            do {
                try service.saveState(to: state)
            } catch {
                Terminal.error("vigie: \(error)\n")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
        deliverer?.stop()
        let st = service.stats
        Terminal.error("vigie: stopped; \(st.lines) comment\(st.lines == 1 ? "" : "s") decided\(state.map { ", state saved to `\($0)`" } ?? "")\n")
    }
}
