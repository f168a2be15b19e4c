#!/usr/bin/env bash
# Load on `vigie serve` (release build) from wrk on loopback, next to `vigie run` on the same
# comments. Prints single-comment requests/s with keep-alive and their p50/p99 latency, NDJSON
# comments/s (one request carrying the whole stream), and `vigie run`'s lines/s.
# Knobs: RULES (default Rules), SECONDS_PER_RUN (10), CONNECTIONS (32), THREADS (1),
# NDJSON_COPIES (how many times the example stream's comments are repeated, 2000), VIGIE_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VIGIE_BIN:-.build/release/vigie}
RULES=${RULES:-Rules}
SECS=${SECONDS_PER_RUN:-10}
CONNS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
COPIES=${NDJSON_COPIES:-2000}
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get install -y -qq wrk >&2 || { apt-get update -qq >&2 && apt-get install -y -qq wrk >&2; }
  else
    echo "bench-serve: wrk is missing (apt-get install wrk)" >&2
    exit 2
  fi
fi
work=$(mktemp -d)
log="$work/serve.log"
pid=""
trap 'if [ -n "$pid" ]; then kill $pid 2>/dev/null || true; fi; rm -rf "$work"' EXIT
# A fresh server for each phase: the NDJSON phase starts from empty windows, as `vigie run` does.
start_server() {
  "$BIN" serve --rules "$RULES" --listen 127.0.0.1:0 --arrival-time off 2>"$log" &
  pid=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*serving .* on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log")
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  cat "$log" >&2
  exit 2
}
stop_server() {
  kill -TERM $pid
  wait $pid || true
  pid=""
}

python3 - "$work" "$COPIES" <<'PY'
import json, sys, datetime
work, copies = sys.argv[1], int(sys.argv[2])
# The example stream's comments (JSON objects only), each copy with its own id, one of 5,000
# authors and a time one second after the previous comment: windows stay as in a live stream.
base = []
for l in open("examples/shop/comments.jsonl", encoding="utf-8").read().splitlines():
    try:
        o = json.loads(l)
    except Exception:
        continue
    if isinstance(o, dict) and isinstance(o.get("text"), str): base.append(o)
t0 = datetime.datetime(2025, 3, 14, tzinfo=datetime.timezone.utc)
out = []
for k in range(copies * len(base)):
    o = dict(base[k % len(base)])
    o["id"] = f"b{k}"
    author = dict(o.get("author") or {})
    author["name"] = f"user{k % 5000}"
    o["author"] = author
    o["timestamp"] = (t0 + datetime.timedelta(seconds=k)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out.append(json.dumps(o, ensure_ascii=False))
with open(f"{work}/stream.jsonl", "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")
# wrk sends the first 1,000 of them in turn, one per request (Lua long strings: no escapes).
with open(f"{work}/post.lua", "w", encoding="utf-8") as f:
    f.write("local bodies = {\n")
    for l in out[:1000]: f.write("  [==[" + l + "]==],\n")
    f.write("}\nlocal i = 0\nrequest = function()\n  i = i % #bodies + 1\n")
    f.write("  return wrk.format('POST', '/v1/decide', {['Content-Type'] = 'application/json'}, bodies[i])\nend\n")
PY
n=$(wc -l < "$work/stream.jsonl")
start_server
echo "== single-comment requests: wrk -t$THREADS -c$CONNS -d${SECS}s, keep-alive, $RULES"
wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/v1/decide" | tee "$work/wrk.txt"
if grep -q "Non-2xx" "$work/wrk.txt"; then echo "bench-serve: some requests were not answered 200" >&2; exit 1; fi
stop_server
start_server
echo
echo "== NDJSON: $n comments in one request"
start=$(date +%s.%N)
curl -s -X POST -H 'Content-Type: application/x-ndjson' --data-binary @"$work/stream.jsonl" "http://127.0.0.1:$port/v1/decide" > "$work/serve.out"
end=$(date +%s.%N)
got=$(wc -l < "$work/serve.out")
awk -v n="$n" -v s="$start" -v e="$end" -v g="$got" 'BEGIN { printf "serve NDJSON: %d comments in %.2f s, %.0f comments/s (%d decision lines back)\n", n, e - s, n / (e - s), g }'
echo
echo "== vigie run on the same $n comments"
start=$(date +%s.%N)
"$BIN" run --rules "$RULES" --input "$work/stream.jsonl" > "$work/run.out"
end=$(date +%s.%N)
awk -v n="$n" -v s="$start" -v e="$end" 'BEGIN { printf "vigie run: %d comments in %.2f s, %.0f comments/s\n", n, e - s, n / (e - s) }'
start=$(date +%s.%N)
"$BIN" run --rules "$RULES" --input "$work/stream.jsonl" --jobs 1 > /dev/null
end=$(date +%s.%N)
awk -v n="$n" -v s="$start" -v e="$end" 'BEGIN { printf "vigie run --jobs 1: %d comments in %.2f s, %.0f comments/s\n", n, e - s, n / (e - s) }'
if cmp -s "$work/run.out" "$work/serve.out"; then echo "the NDJSON decisions are the bytes of vigie run"; else echo "the NDJSON decisions DIFFER from vigie run"; fi
stop_server
