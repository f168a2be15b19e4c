#!/bin/sh
# Coverage of `vigie import automoderator` on a folder of AutoModerator configurations: for each
# file, the rules written with an action (in shadow mode or not) out of the rules read, from the
# import's summary line. Usage: scripts/automod-coverage.sh [FOLDER] (default ../shared/data/automoderator).
set -eu
dir=${1:-../shared/data/automoderator}
vigie=${VIGIE:-$(swift build --show-bin-path 2>/dev/null)/vigie}
total=0; written=0
for f in "$dir"/*.yaml "$dir"/*.yml; do
  [ -f "$f" ] || continue
  line=$("$vigie" import automoderator "$f" 2>&1 >/dev/null | grep -E '^imported [0-9]+ of [0-9]+' || true)
  w=$(echo "$line" | sed -E 's/^imported ([0-9]+) of ([0-9]+).*/\1/')
  t=$(echo "$line" | sed -E 's/^imported ([0-9]+) of ([0-9]+).*/\2/')
  echo "$(basename "$f"): $line"
  written=$((written + w)); total=$((total + t))
done
[ "$total" -gt 0 ] && echo "all: $written of $total rules carried over with an action ($((100 * written / total)) %)"
