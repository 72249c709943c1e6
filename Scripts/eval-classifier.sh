#!/usr/bin/env bash
# Evaluate the data-use classifier (`policywatch classify`) on the ToS;DR dev split.
#
# Usage: Scripts/eval-classifier.sh [--rules FILE] [--no-model] [--errors LABEL] [--half A|B]
#   --rules FILE    score a rules file (merged with the built-in rules) instead of the built-in rules
#   --no-model      score the rules alone, without the learned model
#   --errors LABEL  also list the false positives and negatives of one label (for tuning: use with --half A)
#   --half A|B      score one half only (rows split by a hash of the service name; tune on A, check on B)
#
# The learned model was trained on these dev files (Scripts/train-classifier.sh), so with it these are training-set
# figures; the honest estimates for unseen policies and services are the cross-validated ones train-classifier prints.
# Then scores ../shared/corpus/opp115-segments/dev.tsv the same way (Scripts/eval-classifier-opp.py).
#
# Reads ../shared/corpus/tosdr-points/dev.tsv (relative to the repository), scores the rows whose role is
# `positive` or `negative`, and prints per-label precision, recall, F1 and support, and the micro average.
# Polarity: NOT_X and X are distinct labels (a negated statement predicted as affirmative is a miss for NOT_X and a
# false positive for X). The summary also gives the micro-F1 of two halves split by service (see eval-classifier.py).
# Builds in release mode into .build-eval (override with SCRATCH_PATH=...).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS="${CORPUS:-../shared/corpus/tosdr-points/dev.tsv}"
if [[ ! -f "$CORPUS" ]]; then
  echo "eval-classifier: corpus not found at $CORPUS (it lives outside the repository, in ../shared/corpus);" \
    "nothing to evaluate."
  exit 0
fi
rules=()
errors=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rules) rules+=(--rules "$2"); shift 2 ;;
    --no-model) rules+=(--no-model); shift ;;
    --errors) errors+=(--errors "$2"); shift 2 ;;
    --half) errors+=(--half "$2"); shift 2 ;;
    *) echo "usage: $0 [--rules FILE] [--no-model] [--errors LABEL] [--half A|B]" >&2; exit 2 ;;
  esac
done
SCRATCH="${SCRATCH_PATH:-.build-eval}"
swift build -c release --scratch-path "$SCRATCH" --product policywatch >&2
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/policywatch"
if ! "$BIN" classify --help > /dev/null 2>&1; then
  echo "eval-classifier: $BIN has no classify subcommand (ClassifyCommand must be registered in PolicyWatchCommand)" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Cut the dev split into `id<TAB>text` (header dropped; the text is the 7th column).
awk -F'\t' 'NR > 1 && ($5 == "positive" || $5 == "negative") { print $1 "\t" $7 }' "$CORPUS" > "$work/input.tsv"
start=$(date +%s%N)
"$BIN" classify "${rules[@]}" "$work/input.tsv" > "$work/predictions.tsv"
end=$(date +%s%N)
echo "classified $(wc -l < "$work/input.tsv") clauses in $(( (end - start) / 1000000 )) ms"
python3 Scripts/eval-classifier.py "$CORPUS" "$work/predictions.tsv" "${errors[@]}"
OPP="${OPP_CORPUS:-../shared/corpus/opp115-segments/dev.tsv}"
if [[ -f "$OPP" ]]; then
  echo
  python3 - "$OPP" > "$work/opp-input.tsv" <<'PY'
import csv, sys
csv.field_size_limit(10**8)
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
        text = r["text"].replace("\t", " ").replace("\n", " ")
        print(f"{r['policy_id']}_{r['segment_id']}\t{text}")
PY
  "$BIN" classify "${rules[@]}" "$work/opp-input.tsv" > "$work/opp-predictions.tsv"
  python3 Scripts/eval-classifier-opp.py "$OPP" "$work/opp-predictions.tsv" "${errors[@]}"
fi
