#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ and runs each one for a bounded time.
#
#   scripts/fuzz.sh                    every target, 60 s each
#   scripts/fuzz.sh --time 600 json    one target, ten minutes
#   scripts/fuzz.sh --build-only       build, do not run
#   scripts/fuzz.sh --seed 1           a fixed random seed (0, the default, lets libFuzzer pick)
#   scripts/fuzz.sh --jobs 2           run two targets at a time (each one process, one core;
#                                      the default is the number of cores)
#
# SwiftPM cannot build a libFuzzer executable, so this builds the library targets (and their
# dependencies) with SwiftPM, instrumented (`-sanitize=fuzzer` plus AddressSanitizer), in
# .build-fuzz/spm, then links each Fuzz/<target>.swift against those objects with swiftc. Each run
# starts from the committed seeds in Fuzz/corpus/<target>/ (never written to) plus what earlier
# runs found (.build-fuzz/corpus/), with the target's dictionary when there is one
# (Fuzz/<target>.dict).
#
# A crash, a failed check or a timeout leaves the input in .build-fuzz/crashes/ and exits 1:
# replay it with `.build-fuzz/fuzz-<target> FILE`, then turn it into a regression test in
# Tests/VigieKitTests/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
seed=0
build_only=0
jobs=$(nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 1)
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) seconds="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --build-only) build_only=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parser json normalizer template automoderator output)
fi

./scripts/bootstrap.sh
out=.build-fuzz
mkdir -p "$out/crashes"
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"

# The library and its dependencies, instrumented; SwiftPM rebuilds only what changed.
spm="$out/spm"
echo "fuzz: building the library targets with -sanitize=fuzzer,address" >&2
start=$(date +%s)
for target in VigieEngine VigieImport; do
  swift build -c release --target "$target" --scratch-path "$spm" --sanitize=address \
    -Xswiftc -sanitize=fuzzer -Xswiftc -enable-testing -Xswiftc -suppress-warnings >"$out/build.log" 2>&1 \
    || { tail -30 "$out/build.log" >&2; exit 2; }
done
echo "fuzz: built in $(( $(date +%s) - start )) s" >&2
objects=()
while IFS= read -r o; do objects+=("$o"); done < <(find "$spm/release/" -path '*/Vigie*.build/*.o' -o -path '*/Yams.build/*.o' -o -path '*/CYaml.build/*.o' | sort)
yaml_include=$(find "$spm/checkouts" -path '*/CYaml/include' -type d | head -1)

# Link every target first, then run them, `jobs` at a time: each libFuzzer process is
# single-threaded, so on a machine with N cores N targets run side by side, each for `seconds`.
for t in "${targets[@]}"; do
  src="Fuzz/$t.swift"
  [ -f "$src" ] || { echo "fuzz: no target $src" >&2; exit 2; }
  swiftc -parse-as-library -sanitize=fuzzer,address -O -g -suppress-warnings \
    -I "$spm/release/Modules" -I Sources/CPCRE2 -I Sources/CHunspell ${yaml_include:+-I "$yaml_include"} \
    "$src" "${objects[@]}" -lpcre2-8 $(pkg-config --libs hunspell) -o "$out/fuzz-$t" 2> >(grep -v 'ld.gold: warning: Cannot export local symbol' >&2)
done
[ "$build_only" = 1 ] && exit 0

# Runs one target; its summary goes to $out/<target>.result, its status is the target's.
fuzz_one() {
  local t="$1" bin="$out/fuzz-$1" log="$out/$1.log" dict=()
  mkdir -p "$out/corpus/$t"
  [ -f "Fuzz/$t.dict" ] && dict=(-dict="Fuzz/$t.dict")
  if "$bin" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -seed="$seed" -artifact_prefix="$out/crashes/$t-" "${dict[@]}" "$out/corpus/$t" "Fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
    echo "fuzz: $t ok: $runs inputs, coverage $cov edges, corpus $(ls "$out/corpus/$t" | wc -l) files" >"$out/$t.result"
  else
    { echo "fuzz: $t FAILED — see $log and $out/crashes/"
      grep -E 'ERROR|Fatal error|Precondition failed|SUMMARY|Test unit written' "$log" | head -20 || true; } >"$out/$t.result"
    return 1
  fi
}

status=0
for t in "${targets[@]}"; do rm -f "$out/$t.result"; done
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  echo "fuzz: $t for ${seconds} s" >&2
  fuzz_one "$t" &
done
wait || true
for t in "${targets[@]}"; do
  if [ -f "$out/$t.result" ]; then cat "$out/$t.result" >&2; else echo "fuzz: $t FAILED — no result, see $out/$t.log" >&2; fi
  grep -q "^fuzz: $t ok:" "$out/$t.result" 2>/dev/null || status=1
done
exit $status
