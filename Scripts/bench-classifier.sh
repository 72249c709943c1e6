#!/usr/bin/env bash
# Benchmark the data-use classifier: `policywatch classify` on 5,000 real clauses (OPP-115 segments and ToS;DR points
# from ../shared/corpus, repeated to 5,000 lines), rules and learned model, release build; then the time to load the
# rules and the model (`policywatch-bench classifier-load`).
#
# Usage: Scripts/bench-classifier.sh [--clauses N] [--runs R]
# Builds in release mode into .build-eval (override with SCRATCH_PATH=...). Prints wall and CPU time of each run.
set -euo pipefail
cd "$(dirname "$0")/.."
clauses=5000
runs=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --clauses) clauses="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: $0 [--clauses N] [--runs R]" >&2; exit 2 ;;
  esac
done
OPP=../shared/corpus/opp115-segments/dev.tsv
TOSDR=../shared/corpus/tosdr-points/dev.tsv
if [[ ! -f "$OPP" || ! -f "$TOSDR" ]]; then
  echo "bench-classifier: corpus not found in ../shared/corpus; nothing to measure."
  exit 0
fi
SCRATCH="${SCRATCH_PATH:-.build-eval}"
swift build -c release --scratch-path "$SCRATCH" >&2
BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$OPP" "$TOSDR" "$clauses" > "$work/input.tsv" <<'PY'
import csv, sys
csv.field_size_limit(10**8)
texts = []
for path, column in ((sys.argv[1], "text"), (sys.argv[2], "text")):
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            texts.append(row[column].replace("\t", " ").replace("\n", " "))
wanted = int(sys.argv[3])
for i in range(wanted):
    print(f"{i}\t{texts[i % len(texts)]}")
PY
chars=$(cut -f2 "$work/input.tsv" | wc -c)
echo "input: $clauses clauses, $chars characters"
for run in $(seq 1 "$runs"); do
  /usr/bin/time -f "classify run $run: wall %e s, CPU %U s user + %S s system, peak RSS %M KB" \
    "$BIN/policywatch" classify "$work/input.tsv" > "$work/out.tsv"
done
echo "labelled lines: $(grep -c $'\t.' "$work/out.tsv") of $clauses"
"$BIN/policywatch-bench" classifier-load
