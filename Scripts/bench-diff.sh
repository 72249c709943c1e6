#!/bin/sh
# Clause diff benchmark: PolicyWatch's ClauseDiff against Python's difflib on the same clause lists, in one run.
#   Scripts/bench-diff.sh [RUNS]
# Builds policywatch-bench in release mode (its own build folder, .build-diff), generates the documents (seeded,
# so every run sees the same data), dumps them to a temporary folder for difflib, and prints both sets of figures.
# Cases: edit10 = 5,000 clauses, 10% modified by word edits; rewrite = 20,000 clauses, every clause changed (half
# reworded, half replaced); replace = 20,000 clauses replaced by unrelated text.
# Each Swift line gives the wall-clock median and the thread CPU median (less disturbed by other processes on a
# shared machine; compare the load averages printed before and after); the digest identifies the exact diff, so
# two builds can be checked to give the same results.
set -eu
cd "$(dirname "$0")/.."
RUNS="${1:-15}"
DATA="$(mktemp -d /tmp/policywatch-bench-diff.XXXXXX)"
trap 'rm -rf "$DATA"' EXIT
if ! swift build -c release --scratch-path .build-diff --product policywatch-bench >"$DATA/build.log" 2>&1; then
  cat "$DATA/build.log" >&2
  exit 1
fi
BENCH="$(swift build -c release --scratch-path .build-diff --show-bin-path)/policywatch-bench"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$BENCH" diff --runs "$RUNS" --dump "$DATA"
python3 "$(dirname "$0")/bench-diff.py" "$DATA" "$RUNS"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
