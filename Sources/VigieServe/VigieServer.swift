import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import VigieCore
import VigieEngine
import VigieLanguage

/// How `vigie serve` listens and what it accepts.
public struct ServeOptions: Sendable {
    /// The address to listen on: loopback unless told otherwise.
    public var host = "127.0.0.1"
    /// The port (0: any free port, reported once listening).
    public var port = 8080
    /// The bearer token every request but /healthz and /readyz must carry (nil: none asked).
    public var token: String?
    /// The largest body of a single-comment request.
    public var maxBodyBytes = 1 << 20
    /// The largest NDJSON body.
    public var maxStreamBytes = 256 << 20
    /// Lines of an NDJSON body longer than this get an error record.
    public var maxLineBytes = 1 << 20
    /// The largest request head (request line and headers together), and the most headers.
    public var maxHeaderBytes = 16 << 10
    public var maxHeaderCount = 100
    /// Within a request, the longest wait for the next bytes before the connection is closed.
    public var readTimeout: Duration = .seconds(10)
    /// The longest a connection may stay open between requests (or before its first).
    public var idleTimeout: Duration = .seconds(60)
    /// Creates the defaults.
    public init() {}
}

/// The HTTP service of `vigie serve` over a ``DecisionService``, built on Hummingbird 2.
public final class VigieServer: Sendable {
    /// The engine.
    public let service: DecisionService
    /// The counters of `GET /metrics`.
    public let metrics: ServeMetrics
    /// Listening and limits.
    public let options: ServeOptions
    /// Whether the service takes requests (false while it drains, for `/readyz`).
    private let ready = ReadyFlag()

    /// Creates the server.
    public init(service: DecisionService, options: ServeOptions, metrics: ServeMetrics = ServeMetrics()) {
        self.service = service
        self.options = options
        self.metrics = metrics
    }

    /// Marks the service as draining: `/readyz` answers 503 from then on.
    public func drain() { ready.set(false) }

    /// The Hummingbird application; `onListening` gets the port once the server listens.
    public func application(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: GuardMiddleware(token: options.token.map { Array("Bearer \($0)".utf8) }))
        let service = service, metrics = metrics, options = options, ready = ready

        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}\n")))
        }
        router.get("/readyz") { _, _ in
            let ok = ready.value
            return Response(
                status: ok ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: ok ? "{\"status\":\"ready\"}\n" : "{\"status\":\"draining\"}\n")))
        }
        router.get("/metrics") { _, _ in
            metrics.sync(service.stats, rulesVersion: service.rulesVersion)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        router.get("/v1/rules") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: Self.rulesJSON(service.program))))
        }
        router.post("/v1/reload") { _, _ in
            let r = service.reload(reason: "POST /v1/reload")
            var w = JSONWriter()
            w.beginObject()
            w.key("rules_version"); w.string(r.version)
            w.key("changed"); w.bool(r.changed)
            if !r.compiled { w.key("error"); w.string("the rules in `\(service.rulesPath)` do not compile (see the server's log); version \(r.version) stays in force") }
            w.endObject()
            w.bytes.append(0x0A)
            return Response(status: r.compiled ? .ok : .unprocessableContent, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: w.bytes)))
        }
        router.post("/v1/decide") { request, _ in
            let start = ContinuousClock.now
            let type = request.headers[.contentType]?.lowercased() ?? ""
            if type.hasPrefix("application/x-ndjson") || type.hasPrefix("application/jsonl") {
                if let n = request.headers[.contentLength].flatMap(Int.init), n > options.maxStreamBytes {
                    metrics.request(route: "/v1/decide", status: 413, duration: nil)
                    return Self.problem(.contentTooLarge, "the body has \(n) bytes, more than --max-stream-bytes \(options.maxStreamBytes)")
                }
                metrics.request(route: "/v1/decide", status: 200, duration: ContinuousClock.now - start)
                return Response(
                    status: .ok, headers: [.contentType: "application/x-ndjson"],
                    body: ResponseBody { writer in
                        try await Self.stream(request.body, service: service, options: options, into: &writer)
                    })
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: options.maxBodyBytes)
            } catch {
                metrics.request(route: "/v1/decide", status: 413, duration: nil)
                return Self.problem(.contentTooLarge, "the body is larger than --max-body-bytes \(options.maxBodyBytes); send many comments as application/x-ndjson")
            }
            let outcome = service.decideOne(Array(buffer: body))
            let status: HTTPResponse.Status = outcome.errors > 0 ? .badRequest : .ok
            metrics.request(route: "/v1/decide", status: status.code, duration: ContinuousClock.now - start)
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: outcome.bytes)))
        }

        var decoder = HTTP1Channel.Configuration.DecoderConfiguration()
        decoder.maxHeaderListSize = options.maxHeaderBytes
        decoder.maxHeaderFieldSize = options.maxHeaderBytes
        decoder.maxHeaderFieldCount = options.maxHeaderCount
        let readTimeout = TimeAmount.nanoseconds(Int64(options.readTimeout.components.seconds) * 1_000_000_000 + options.readTimeout.components.attoseconds / 1_000_000_000)
        let idle = TimeAmount.nanoseconds(Int64(options.idleTimeout.components.seconds) * 1_000_000_000 + options.idleTimeout.components.attoseconds / 1_000_000_000)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ReadTimeoutHandler(timeout: readTimeout)], idleTimeout: idle, httpDecoderConfiguration: decoder)
        var logger = Logger(label: "vigie.serve")
        logger.logLevel = .warning
        return Application(
            router: router, server: .http1(configuration: http1),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    /// Decides an NDJSON body as it arrives: whole lines are decided as soon as a chunk of the
    /// body completes them, and their decisions written at once, in order.
    static func stream(_ body: RequestBody, service: DecisionService, options: ServeOptions, into writer: inout any ResponseBodyWriter) async throws {
        var pending: [UInt8] = []  // the start of a line not yet ended
        var skipping = false, skipped = 0  // inside a line longer than the limit
        var lineNumber = 1
        var total = 0
        for try await chunk in body {
            total += chunk.readableBytes
            if total > options.maxStreamBytes {
                var w = JSONWriter()
                w.beginObject()
                w.key("error"); w.string("the body is larger than --max-stream-bytes \(options.maxStreamBytes); the lines after line \(lineNumber - 1) were not read")
                w.key("error_code"); w.string("body_too_large")
                w.endObject()
                w.bytes.append(0x0A)
                try await writer.write(ByteBuffer(bytes: w.bytes))
                break
            }
            var data = pending
            let kept = data.count
            chunk.withUnsafeReadableBytes { data.append(contentsOf: $0) }
            var ranges: [Range<Int>] = [], tooLong: [Int: Int] = [:]
            var start = 0
            var i = kept
            // Line ends found with memchr, as `vigie run` finds them.
            func nextLineEnd(from i: Int) -> Int? {
                data.withUnsafeBytes { raw in
                    guard i < raw.count, let hit = memchr(raw.baseAddress! + i, 0x0A, raw.count - i) else { return nil }
                    return raw.baseAddress!.distance(to: UnsafeRawPointer(hit))
                }
            }
            while let nl = nextLineEnd(from: i) {
                if skipping {
                    tooLong[ranges.count] = skipped + nl
                    ranges.append(0..<0)
                    skipping = false
                    skipped = 0
                } else if nl - start > options.maxLineBytes {
                    tooLong[ranges.count] = nl - start
                    ranges.append(0..<0)
                } else {
                    ranges.append(start..<nl)
                }
                start = nl + 1
                i = start
            }
            if skipping {
                skipped += data.count - start
                pending = []
            } else if data.count - start > options.maxLineBytes {
                skipping = true
                skipped = data.count - start
                pending = []
            } else {
                pending = Array(data[start...])
            }
            if !ranges.isEmpty {
                let out = service.decide(data, lines: ranges, firstLine: lineNumber, tooLong: tooLong)
                lineNumber += ranges.count
                try await writer.write(ByteBuffer(bytes: out.bytes))
            }
        }
        if skipping || !pending.isEmpty {
            let out = skipping ? service.decide([], lines: [0..<0], firstLine: lineNumber, tooLong: [0: skipped]) : service.decide(pending, lines: [0..<pending.count], firstLine: lineNumber)
            try await writer.write(ByteBuffer(bytes: out.bytes))
        }
        try await writer.finish(nil)
    }

    /// A JSON error body: `{"error": message, "error_code": …}`.
    static func problem(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var w = JSONWriter()
        w.beginObject()
        w.key("error"); w.string(message)
        w.key("status"); w.int(status.code)
        w.endObject()
        w.bytes.append(0x0A)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: w.bytes)))
    }

    /// `GET /v1/rules`: the version, each rule (name, file, actions, shadow) and the languages.
    static func rulesJSON(_ program: Program) -> [UInt8] {
        var w = JSONWriter()
        let rs = program.ruleSet
        w.beginObject()
        w.key("rules_version"); w.string(rs.version)
        w.key("rules")
        w.beginArray()
        for r in program.rules {
            w.beginObject()
            w.key("name"); w.string(r.name)
            w.key("file"); w.string(r.file.path)
            w.key("priority"); w.int(r.priority)
            w.key("shadow"); w.bool(r.shadow)
            w.endObject()
        }
        w.endArray()
        w.key("languages")
        w.beginArray()
        for l in rs.langs { w.string(l) }
        w.endArray()
        w.endObject()
        w.bytes.append(0x0A)
        return w.bytes
    }
}

extension VigieServer {
    /// Every path served and its methods (answers 405 with `Allow` for another method).
    static let routes: [String: String] = [
        "/v1/decide": "POST", "/v1/reload": "POST", "/v1/rules": "GET", "/healthz": "GET", "/readyz": "GET", "/metrics": "GET",
    ]
}

/// Whether the service takes requests.
final class ReadyFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var ready = true
    var value: Bool {
        lock.lock()
        defer { lock.unlock() }
        return ready
    }
    func set(_ v: Bool) {
        lock.lock()
        ready = v
        lock.unlock()
    }
}

/// Asks for the bearer token (when one is set) on every route but `/healthz` and `/readyz`,
/// and answers unknown routes with a JSON 404.
struct GuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let token, request.uri.path != "/healthz", request.uri.path != "/readyz" {
            let given = request.headers[.authorization].map { Array($0.utf8) } ?? []
            // Compared in constant time over the token's length.
            var diff = UInt8(given.count == token.count ? 0 : 1)
            for i in token.indices { diff |= token[i] ^ (i < given.count ? given[i] : 0) }
            guard diff == 0 else {
                var r = VigieServer.problem(.unauthorized, given.isEmpty ? "this server asks for a bearer token: send `Authorization: Bearer TOKEN` (the token is in the file given to --token-file)" : "the bearer token is not the one this server was given")
                r.headers[.wwwAuthenticate] = "Bearer"
                return r
            }
        }
        do {
            return try await next(request, context)
        } catch let e as HTTPError {
            if e.status == .notFound, let allowed = VigieServer.routes[request.uri.path] {
                var r = VigieServer.problem(.methodNotAllowed, "\(request.uri.path) takes \(allowed) only, not \(request.method)")
                r.headers[.allow] = allowed
                return r
            }
            return VigieServer.problem(e.status, e.body ?? (e.status == .notFound ? "no such endpoint: \(request.method) \(request.uri.path)" : e.status.reasonPhrase))
        }
    }
}
