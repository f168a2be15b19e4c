#!/usr/bin/env bash
# Summarises the functional test suites (Rules/<pack>/functional.<lang>.tests.jsonl) as a Markdown
# table: per pack, language and functionality (the part of a case's name before the first ":"),
# how many cases pass and how many are known gaps (`"todo": true`).
#
# Usage: scripts/functional-report.sh [RULES_DIR]   (default: Rules)
#   VIGIE=path/to/vigie to choose the binary (default: `vigie` on PATH, else .build/debug/vigie).
#
# It runs `vigie test RULES_DIR --format json` twice: once on the folder as it is, and once on a
# copy without its `example/` folder (issue 20, item 4: the example shop still sits in Rules/ and
# hides comments the packs leave alone). The column "todo passing without example/" counts the
# gaps that come from the example shop, not from the packs; "passed only with example/" counts the
# cases the packs alone would fail (the example shop does the work).
set -euo pipefail
cd "$(dirname "$0")/.."
rules="${1:-Rules}"
if [[ -z "${VIGIE:-}" ]]; then
  if command -v vigie >/dev/null 2>&1; then VIGIE=vigie; else VIGIE=.build/debug/vigie; fi
fi
if [[ ! -d "$rules" ]]; then echo "functional-report: no rules folder '$rules' (give the folder as first argument)" >&2; exit 2; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# `vigie test` exits 1 when a test fails: the table is still wanted, so only 2 (errors) stops us.
"$VIGIE" test "$rules" --format json > "$tmp/with.json" || [[ $? -eq 1 ]]
mkdir -p "$tmp/rules"
cp -r "$rules"/. "$tmp/rules/"
rm -rf "$tmp/rules/example"
"$VIGIE" test "$tmp/rules" --format json > "$tmp/without.json" || [[ $? -eq 1 ]]
python3 - "$tmp/with.json" "$tmp/without.json" "$rules" "$tmp/rules" <<'PY'
import json, re, sys
from collections import OrderedDict
with_, without, rules, copy = sys.argv[1:5]
def functional(path):
    results = {}
    for r in json.load(open(path))["results"]:
        m = re.search(r"([^/]+)/functional\.([a-z]+)\.tests\.jsonl$", r["file"])
        if m: results[(m.group(1), m.group(2), r["line"])] = r
    return results
a, b = functional(with_), functional(without)
rows = OrderedDict()
for key in sorted(a, key=lambda k: (k[0], ["fr", "en", "es"].index(k[1]) if k[1] in ("fr", "en", "es") else 9, int(k[2]))):
    r = a[key]
    pack, lang, _ = key
    func = r["name"].split(":", 1)[0].strip()
    row = rows.setdefault((pack, lang, func), [0, 0, 0, 0, 0, 0])
    row[0] += 1
    other = b.get(key)
    if r["status"] == "passed":
        row[1] += 1
        if other is not None and other.get("diff"): row[5] += 1
    elif r["status"] == "todo":
        row[2] += 1
        if not r.get("diff"): row[4] += 1
        if other is not None and not other.get("diff"): row[3] += 1
failed = sum(1 for r in a.values() if r["status"] == "failed")
print("| pack | lang | functionality | cases | passed | todo | todo passing without example/ | passed only with example/ |")
print("|---|---|---|---:|---:|---:|---:|---:|")
totals = OrderedDict()
for (pack, lang, func), (n, p, t, tw, _, pw) in rows.items():
    print(f"| {pack} | {lang} | {func} | {n} | {p} | {t} | {tw} | {pw} |")
    s = totals.setdefault((pack, lang), [0, 0, 0, 0, 0])
    for i, v in enumerate((n, p, t, tw, pw)): s[i] += v
print()
print("| pack | lang | cases | passed | todo | todo passing without example/ | passed only with example/ |")
print("|---|---|---:|---:|---:|---:|---:|")
for (pack, lang), (n, p, t, tw, pw) in totals.items():
    print(f"| {pack} | {lang} | {n} | {p} | {t} | {tw} | {pw} |")
n = sum(s[0] for s in totals.values()); p = sum(s[1] for s in totals.values())
t = sum(s[2] for s in totals.values()); tw = sum(s[3] for s in totals.values())
pw = sum(s[4] for s in totals.values())
print(f"| **all** | | **{n}** | **{p}** | **{t}** | **{tw}** | **{pw}** |")
now = sum(r[4] for r in rows.values())
if failed or now:
    print()
    if failed: print(f"{failed} functional case(s) FAILED (not marked todo): run `vigie test {rules} --filter ...` to see them.")
    if now: print(f"{now} todo case(s) now pass: remove their `\"todo\": true`.")
PY
