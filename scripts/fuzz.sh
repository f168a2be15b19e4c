#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ and runs each one for a bounded time.
#
#   scripts/fuzz.sh                    every target, 60 s each
#   scripts/fuzz.sh --time 600 json    one target, ten minutes
#   scripts/fuzz.sh --build-only       build, do not run
#
# SwiftPM cannot build fuzz targets, so this compiles the VigieKit sources once as a static
# library with coverage instrumentation and AddressSanitizer (`-sanitize=fuzzer,address`), then
# links each Fuzz/<target>.swift against it. Each run starts from the committed seeds in
# Fuzz/corpus/<target>/ (never written to) plus what earlier runs found (.build-fuzz/corpus/),
# with the target's dictionary when there is one (Fuzz/<target>.dict).
#
# A crash, a failed check or a timeout leaves the input in .build-fuzz/crashes/ and exits 1:
# replay it with `.build-fuzz/fuzz-<target> FILE`, then turn it into a regression test in
# Tests/VigieKitTests/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
build_only=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) seconds="$2"; shift 2 ;;
    --build-only) build_only=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parser json normalizer template)
fi

./scripts/bootstrap.sh
out=.build-fuzz
mkdir -p "$out/crashes"
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"

# The library: rebuilt only when a source changed.
lib="$out/libVigieKit.a"
sources=$(find Sources/VigieKit -name '*.swift' | sort)
if [ ! -f "$lib" ] || [ -n "$(find Sources/VigieKit -name '*.swift' -newer "$lib" | head -1)" ]; then
  echo "fuzz: building VigieKit with -sanitize=fuzzer,address" >&2
  start=$(date +%s)
  # shellcheck disable=SC2086
  swiftc -module-name VigieKit -parse-as-library -emit-library -static -enable-testing \
    -emit-module -emit-module-path "$out/VigieKit.swiftmodule" \
    -sanitize=fuzzer,address -O -g -suppress-warnings \
    -I Sources/CPCRE2 $sources -o "$lib"
  echo "fuzz: built in $(( $(date +%s) - start )) s" >&2
fi

status=0
for t in "${targets[@]}"; do
  src="Fuzz/$t.swift"
  [ -f "$src" ] || { echo "fuzz: no target $src" >&2; exit 2; }
  bin="$out/fuzz-$t"
  if [ ! -f "$bin" ] || [ "$src" -nt "$bin" ] || [ "$lib" -nt "$bin" ]; then
    swiftc -parse-as-library -sanitize=fuzzer,address -O -g -suppress-warnings \
      -I "$out" -I Sources/CPCRE2 "$src" "$lib" -lpcre2-8 -o "$bin" 2> >(grep -v 'ld.gold: warning: Cannot export local symbol' >&2)
  fi
  [ "$build_only" = 1 ] && continue
  mkdir -p "$out/corpus/$t"
  dict=()
  [ -f "Fuzz/$t.dict" ] && dict=(-dict="Fuzz/$t.dict")
  echo "fuzz: $t for ${seconds} s" >&2
  log="$out/$t.log"
  if "$bin" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/crashes/$t-" "${dict[@]}" "$out/corpus/$t" "Fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
    echo "fuzz: $t ok: $runs inputs, coverage $cov edges, corpus $(ls "$out/corpus/$t" | wc -l) files" >&2
  else
    status=1
    echo "fuzz: $t FAILED — see $log and $out/crashes/" >&2
    grep -E 'ERROR|Fatal error|Precondition failed|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
  fi
done
exit $status
