#!/usr/bin/env bash
# Measures `vigie report` on a large stream: N comments (default 1,000,000) generated from the
# bundled example stream over 30 days — quiet comments most of the time, every third day a
# twenty-minute wave of delivery complaints that sets off the `bad_buzz` crisis rule — decided by
# the real `vigie run`, then reported as html, text and json. Prints times, memory and sizes.
#
#   make release && scripts/report-bench.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
VIGIE=${VIGIE:-.build/release/vigie}
DIR=${TMPDIR:-/tmp}/vigie-report-bench
mkdir -p "$DIR"
[ -x "$VIGIE" ] || { echo "report-bench: build first (make release), or set VIGIE" >&2; exit 2; }

awk -v n="$N" '
BEGIN { srand(42) }
/^\{"id": "c[0-9]+", "text"/ {
  id = $0; sub(/^\{"id": "/, "", id); sub(/".*/, "", id); byid[id] = ++k
  # The line without its id, with \001 where the time goes and \002 where the author id goes.
  s = $0; sub(/^\{"id": "[^"]*"/, "", s)
  sub(/"author": \{/, "\"author\": {\"id\": \"u\002\", ", s)
  sub(/"timestamp": "[^"]*"/, "\"timestamp\": \001", s)
  tpl[k] = s
}
function fill(s, mark, value,   i) {
  i = index(s, mark)
  return i ? substr(s, 1, i - 1) value substr(s, i + 1) : s
}
END {
  nq = split("c12 c18 c23 c30 c33 c38 c39 c43 c49 c13 c14 c36 c48", quiet, " ")
  nw = split("c01 c04 c05 c37 c42 c46 c47", wave, " ")
  t0 = 1741939200                       # 2025-03-14T08:00:00Z
  step = 30 * 86400 / n
  for (i = 0; i < n; i++) {
    dt = i * step
    day = int(dt / 86400); sec = dt - day * 86400
    if (day % 3 == 1 && sec >= 7200 && sec < 8400) pick = byid[wave[1 + int(rand() * nw)]]
    else if (rand() < 0.93) pick = byid[quiet[1 + int(rand() * nq)]]
    else pick = 1 + int(rand() * k)
    if (i % 10007 == 10006) { print "not a comment"; continue }
    print "{\"id\": \"g" i "\"" fill(fill(tpl[pick], "\001", sprintf("%d", t0 + dt)), "\002", int(rand() * 200000))
  }
}' examples/shop/comments.jsonl > "$DIR/comments.jsonl"

measure() { # label, output file, command...
  local label=$1 out=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$DIR/time" "$@" > "$out"
  read -r secs kb < "$DIR/time"
  printf '%-34s %7s s  %7.1f MB resident' "$label" "$secs" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')"
}

echo "report-bench: $N comments, $(du -h "$DIR/comments.jsonl" | cut -f1)"
measure "vigie run (example rules)" "$DIR/decisions.jsonl" "$VIGIE" run --rules examples/shop --input "$DIR/comments.jsonl"
echo "  → $(wc -l < "$DIR/decisions.jsonl") decision lines, $(du -h "$DIR/decisions.jsonl" | cut -f1)"
measure "report html, with --comments" /dev/null "$VIGIE" report "$DIR/decisions.jsonl" --comments "$DIR/comments.jsonl" -o "$DIR/report.html"
echo "  → report.html $(du -k "$DIR/report.html" | cut -f1) KB"
measure "report html, decisions only" /dev/null "$VIGIE" report "$DIR/decisions.jsonl" -o "$DIR/report-lines.html"
echo "  → report-lines.html $(du -k "$DIR/report-lines.html" | cut -f1) KB"
measure "report text, with --comments" "$DIR/report.txt" "$VIGIE" report "$DIR/decisions.jsonl" --comments "$DIR/comments.jsonl" --format text
echo
measure "report json, with --comments" "$DIR/report.json" "$VIGIE" report "$DIR/decisions.jsonl" --comments "$DIR/comments.jsonl" --format json
echo "  → report.json $(du -k "$DIR/report.json" | cut -f1) KB"
echo "files in $DIR"
