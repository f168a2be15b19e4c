#!/usr/bin/env bash
# Instructions per comment of a vigie binary on the 1,000-rule workload of `vigie bench`:
# callgrind on a stripped copy, 5,000 comments minus a one-line run (start-up and compile cancel).
#
#   scripts/instructions-per-comment.sh [BINARY]     (default .build/release/vigie)
#
# Needs valgrind. Swift's per-process hash seeds move the count by about ±0.5 % between runs.
set -euo pipefail
bin=${1:-.build/release/vigie}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$bin" "$work/vigie"
strip --strip-debug "$work/vigie"
"$work/vigie" bench --sizes 1000 --repeat 1 --write "$work" >/dev/null 2>&1
head -5000 "$work/comments-1000.jsonl" > "$work/c5000.jsonl"
head -1 "$work/comments-1000.jsonl" > "$work/c1.jsonl"
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$work/vigie" run --rules "$work/rules-1000.vigie" --input "$1" --jobs 1 2>&1 >/dev/null \
    | grep -o 'Collected : [0-9]*' | grep -o '[0-9]*'
}
a=$(count "$work/c5000.jsonl")
b=$(count "$work/c1.jsonl")
echo "$bin: $(( (a - b) / 4999 )) instructions per comment"
