#!/usr/bin/env bash
# Prints a `swift test --filter` regex that selects every test declared in the given files or
# folders of Tests/VigieKitTests (paths relative to it): each top-level suite type and each free
# @Test function, so a test added to one of those files is selected too.
#
#   swift test --filter "$(scripts/test-filter.sh Text Engine/StateTests.swift)"
set -euo pipefail
cd "$(dirname "$0")/../Tests/VigieKitTests"
[ $# -gt 0 ] || { echo "usage: $0 FILE_OR_FOLDER..." >&2; exit 2; }
files=()
for p in "$@"; do
  [ -e "$p" ] || { echo "test-filter: no $p under Tests/VigieKitTests" >&2; exit 2; }
  while IFS= read -r f; do files+=("$f"); done < <(find "$p" -name '*.swift' | sort)
done
names=$(awk '
  /^(@Suite(\([^)]*\))? )?(@[A-Za-z]+ )*(final )?(struct|class|enum|actor) [A-Za-z_][A-Za-z0-9_]*/ {
    line = $0; sub(/.*(struct|class|enum|actor) /, "", line); sub(/[^A-Za-z0-9_].*/, "", line); print line }
  /^@Test/ { pending = 1 }
  pending && /func [A-Za-z_]/ {
    line = $0; sub(/.*func /, "", line); sub(/[^A-Za-z0-9_].*/, "", line); print line; pending = 0 }
' "${files[@]}" | sort -u | paste -sd'|')
[ -n "$names" ] || { echo "test-filter: no tests in $*" >&2; exit 2; }
printf 'VigieKitTests\\.(%s)[/(]\n' "$names"
