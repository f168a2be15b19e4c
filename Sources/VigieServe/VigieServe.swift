// VigieServe — `vigie serve`: the engine of `vigie run` behind HTTP.
//
// Owns: `DecisionService` (one `StreamRunner` shared by every request, behind one lock, so
// windows and cooldowns see every comment of every request in the order they were decided; the
// same decision bytes as `vigie run` for the same lines), `ServeMetrics` (Prometheus text), the
// HTTP application built on Hummingbird 2 (`VigieServer`: /v1/decide single and NDJSON streamed,
// /healthz, /readyz, /metrics, /v1/rules, /v1/reload; bearer token, body and header limits,
// read and idle timeouts), `ReadTimeoutHandler`.
//
// Uses: VigieCore, VigieLanguage, VigieEngine, VigieDelivery; Hummingbird, SwiftNIO,
// swift-prometheus. Nothing here accepts rules over the network: rules come from `--rules` only.
