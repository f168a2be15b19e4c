#!/usr/bin/env bash
# Lists every decision that the `texting` and `glued` stages change, for each bundled pack, on the
# neutral and positive comments of ../shared/data/comments/sentiment.*.jsonl.
#
#   scripts/compare-stages.sh [BINARY] [DATA]      (default .build/release/vigie ../shared/data/comments)
set -euo pipefail
bin=${1:-.build/release/vigie}
data=${2:-../shared/data/comments}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for lang in fr en es; do
  python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    c = json.loads(line)
    if (c.get("meta") or {}).get("label_name") in ("neutral", "positive"):
        sys.stdout.write(line)' "$data/sentiment.$lang.jsonl"
done > "$work/comments.jsonl"
echo "$(wc -l < "$work/comments.jsonl") neutral and positive comments"
changed=0
for pack in Rules/*/; do
  name=$(basename "$pack")
  [ "$name" = example ] && continue
  cp -r "$pack" "$work/on"
  cp -r "$pack" "$work/off"
  printf 'normalize except texting, glued\n' > "$work/off/zz-stages-off.vigie"
  "$bin" run --rules "$work/on" --input "$work/comments.jsonl" > "$work/on.jsonl" 2>/dev/null || true
  "$bin" run --rules "$work/off" --input "$work/comments.jsonl" > "$work/off.jsonl" 2>/dev/null || true
  python3 - "$name" "$work/comments.jsonl" "$work/off.jsonl" "$work/on.jsonl" <<'PY' || changed=1
import json, sys
name, comments, off, on = sys.argv[1:]
texts = [json.loads(l)["text"] for l in open(comments, encoding="utf-8")]
def acts(d): return sorted(a["type"] + (":" + a.get("team", a.get("queue", a.get("template", "")))) for a in d.get("actions", []))
n = 0
for i, (a, b) in enumerate(zip(open(off, encoding="utf-8"), open(on, encoding="utf-8"))):
    a, b = json.loads(a), json.loads(b)
    if acts(a) != acts(b) or a.get("tags") != b.get("tags"):
        n += 1
        print(f"  {name}: {acts(a) or 'nothing'} {a.get('tags')} -> {acts(b) or 'nothing'} {b.get('tags')} (rules {b.get('rules')}): {texts[i][:110]!r}")
print(f"{name}: {n} decision(s) changed")
PY
  rm -rf "$work/on" "$work/off"
done
