#!/bin/sh
# Reproduces the evaluation table of Rules/README.md.
#
#   Rules/eval.sh [VIGIE] [DATA]
#
# VIGIE: the vigie binary (default: .build/release/vigie, then .build/debug/vigie, then vigie).
# DATA:  the folder of labelled comments (default: ../shared/data/comments).
# Needs jq. Run it from the repository root. Each line of output is one `vigie eval`, printed as
# a Markdown table row; the command itself is printed before it, as a comment.
set -eu

VIGIE=${1:-}
if [ -z "$VIGIE" ]; then
  for candidate in .build/release/vigie .build/debug/vigie vigie; do
    if command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ]; then VIGIE=$candidate; break; fi
  done
fi
DATA=${2:-../shared/data/comments}
command -v jq >/dev/null 2>&1 || { echo "eval.sh needs jq" >&2; exit 2; }
[ -d "$DATA" ] || { echo "no data folder at $DATA" >&2; exit 2; }

TMP=${TMPDIR:-/tmp}/vigie-eval.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT INT TERM

# SPLIT=dev or SPLIT=heldout evaluates one half of every set, split by a hash of each comment's id
# (scripts/split.py: the first byte of SHA-1(id) even is dev). Rules are written reading dev only;
# the held-out figures are the ones to quote.
if [ -n "${SPLIT:-}" ]; then
  mkdir -p "$TMP/data"
  for f in "$DATA"/*.jsonl; do
    python3 "$(dirname "$0")/../scripts/split.py" "$f" "$SPLIT" > "$TMP/data/$(basename "$f")"
  done
  DATA=$TMP/data
  echo "## Part: $SPLIT (scripts/split.py)"
fi

# The YouTube spam file split by video: videos 1-3 (Psy, Katy Perry, LMFAO) and 4-5 (Eminem, Shakira).
grep -E '"video": "Youtube0[123]' "$DATA/youtube_spam_uci.en.jsonl" > "$TMP/youtube_1-3.jsonl"
grep -E '"video": "Youtube0[45]' "$DATA/youtube_spam_uci.en.jsonl" > "$TMP/youtube_4-5.jsonl"
# HatEval split as published: train (4,100) and dev (500).
grep -F '"split": "train_4100"' "$DATA/hateval2019_train_dev.es.jsonl" > "$TMP/hateval_train.jsonl"
grep -F '"split": "dev_500"' "$DATA/hateval2019_train_dev.es.jsonl" > "$TMP/hateval_dev.jsonl"

pct() { jq -r "$1 | if . == null then \"-\" elif . < 0.01 then (. * 10000 | round / 100 | tostring) + \" %\" else (. * 1000 | round / 10 | tostring) + \" %\" end"; }

# row PACK LANG CORPUS LABEL [TEXT_FIELD]: precision and recall of `hide` and of any action.
row() {
  pack=$1 lang=$2 corpus=$3 label=$4 field=${5:-text}
  echo "# $VIGIE eval --rules Rules/$pack --corpus $corpus --label '$label' --text-field $field"
  "$VIGIE" eval --rules "Rules/$pack" --corpus "$corpus" --label "$label" --text-field "$field" --format json > "$TMP/out.json"
  n=$(jq -r '.lines' "$TMP/out.json")
  pos=$(jq -r '.positives' "$TMP/out.json")
  hp=$(pct '.actions[] | select(.name == "hide") | .precision' < "$TMP/out.json")
  hr=$(pct '.actions[] | select(.name == "hide") | .recall' < "$TMP/out.json")
  ap=$(pct '.actions[] | select(.name == "any") | .precision' < "$TMP/out.json")
  ar=$(pct '.actions[] | select(.name == "any") | .recall' < "$TMP/out.json")
  echo "| $pack | $lang | $(basename "$corpus") | \`$label\` | $n / $pos | $hp | $hr | $ap | $ar |"
}

# share PACK LANG CORPUS ACTION: share of neutral and positive comments that get ACTION.
share() {
  pack=$1 lang=$2 corpus=$3 action=$4 field=${5:-text}
  echo "# $VIGIE eval --rules Rules/$pack --corpus $corpus --label 'label != \"0\"' --text-field $field   (recall of $action)"
  "$VIGIE" eval --rules "Rules/$pack" --corpus "$corpus" --label 'label != "0"' --text-field "$field" --format json > "$TMP/out.json"
  pos=$(jq -r '.positives' "$TMP/out.json")
  r=$(pct ".actions[] | select(.name == \"$action\") | .recall" < "$TMP/out.json")
  c=$(jq -r ".actions[] | select(.name == \"$action\") | .tp" "$TMP/out.json")
  echo "| $pack | $lang | $(basename "$corpus") | $action | $c / $pos | $r |"
}

echo "## Labelled sets: pack | lang | corpus | label | comments / positives | hide P | hide R | hide or flag P | hide or flag R"
row spam en "$DATA/youtube_spam_uci.en.jsonl" 'label == "1"'
row spam en "$TMP/youtube_1-3.jsonl" 'label == "1"'
row spam en "$TMP/youtube_4-5.jsonl" 'label == "1"'
row insults fr "$DATA/mlma.fr.jsonl" 'not (label == "normal")'
row insults es "$DATA/hateval2019_train_dev.es.jsonl" 'label == "1"'
row insults en "$DATA/davidson.en.jsonl" 'label != "2"'
row insults en "$DATA/mlma.en.jsonl" 'not (label == "normal")'
row hate fr "$DATA/mlma.fr.jsonl" 'not (label == "normal")'
row hate fr "$DATA/conan.fr.jsonl" 'true'
row hate es "$DATA/hateval2019_train_dev.es.jsonl" 'label == "1"'
row hate es "$TMP/hateval_train.jsonl" 'label == "1"'
row hate es "$TMP/hateval_dev.jsonl" 'label == "1"'
row hate en "$DATA/davidson.en.jsonl" 'label != "2"'
row hate en "$DATA/davidson.en.jsonl" 'label == "0"'
row hate en "$DATA/mlma.en.jsonl" 'not (label == "normal")'

echo "## Counter-speech (CONAN, the NGO replies): pack | lang | corpus | action | comments | share"
share hate fr "$DATA/conan.fr.jsonl" hide meta.counter_speech
share hate fr "$DATA/conan.fr.jsonl" any meta.counter_speech
share insults fr "$DATA/conan.fr.jsonl" hide meta.counter_speech

echo "## Neutral and positive comments: pack | lang | corpus | action | comments | share"
for lang in fr en es; do
  for pack in spam insults hate personal-data safety; do
    share "$pack" "$lang" "$DATA/sentiment.$lang.jsonl" hide
  done
  for pack in safety legal-reputation crisis; do
    share "$pack" "$lang" "$DATA/sentiment.$lang.jsonl" escalate
  done
  share customer-care "$lang" "$DATA/sentiment.$lang.jsonl" reply
  share customer-care "$lang" "$DATA/sentiment.$lang.jsonl" flag
  echo "# all of Rules/ together (the packs only: the example shop is in examples/shop/)"
  "$VIGIE" eval --rules Rules --corpus "$DATA/sentiment.$lang.jsonl" --label 'label != "0"' --format json > "$TMP/out.json"
  echo "| (all) | $lang | sentiment.$lang.jsonl | hide | $(jq -r '.actions[] | select(.name == "hide") | .tp' "$TMP/out.json") / $(jq -r '.positives' "$TMP/out.json") | $(pct '.actions[] | select(.name == "hide") | .recall' < "$TMP/out.json") |"
done
