#!/usr/bin/env bash
# Schemathesis against `vigie serve`: every operation of Grammar/openapi.yaml, generated and
# mutated requests, all of schemathesis' checks (status codes, content types, response
# schemas, 405 for undeclared methods...). Installs schemathesis with pip when missing, starts
# the server on a free loopback port, runs, stops it with SIGTERM (it must exit 0).
# VIGIE_BIN names the binary (default .build/debug/vigie); SERVE_CHECK_EXAMPLES the examples
# per operation.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VIGIE_BIN:-.build/debug/vigie}
EXAMPLES=${SERVE_CHECK_EXAMPLES:-50}
if ! command -v schemathesis >/dev/null 2>&1; then
  echo "serve-check: installing schemathesis with pip" >&2
  python3 -m pip install -q schemathesis >&2
fi
log=$(mktemp)
"$BIN" serve --rules Rules --listen 127.0.0.1:0 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*serving .* on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
  [ -n "$port" ] && break
  kill -0 $pid 2>/dev/null || { cat "$log" >&2; exit 2; }
  sleep 0.1
done
[ -n "$port" ] || { echo "serve-check: the server did not announce its port" >&2; cat "$log" >&2; exit 2; }
status=0
schemathesis run Grammar/openapi.yaml --url "http://127.0.0.1:$port" --checks all -n "$EXAMPLES" \
  --generation-deterministic --request-timeout 10 || status=$?
kill -TERM $pid
wait $pid || { echo "serve-check: vigie serve did not exit 0 after SIGTERM" >&2; cat "$log" >&2; exit 1; }
trap 'rm -f "$log"' EXIT
exit $status
