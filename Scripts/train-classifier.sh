#!/usr/bin/env bash
# Train the learned data-use model (Sources/PolicyWatchDataUse/BuiltInModel.swift) on the development data in
# ../shared/corpus (see Scripts/train-classifier.py for the data, the method and the licences).
#
# Usage: Scripts/train-classifier.sh [--check]
#   --check  train and compare with the committed model instead of writing it (exit 1 when they differ)
#
# Builds policywatch-bench in release mode into .build-eval (override with SCRATCH_PATH=...) and runs the trainer
# in a Python virtual environment at Scripts/.venv with numpy, scipy and scikit-learn (created on first use).
# Prints the cross-validated figures. Exits 0 when the corpus is absent (nothing to train on).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f ../shared/corpus/opp115-segments/dev.tsv ]]; then
  echo "train-classifier: corpus not found in ../shared/corpus; nothing to train."
  exit 0
fi
SCRATCH="${SCRATCH_PATH:-.build-eval}"
swift build -c release --scratch-path "$SCRATCH" --product policywatch-bench >&2
BENCH="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/policywatch-bench"
VENV=Scripts/.venv
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import sklearn, scipy, numpy' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "scikit-learn==1.9.1" "numpy==2.4.6" "scipy==1.17.1"
fi
exec "$VENV/bin/python" Scripts/train-classifier.py "$BENCH" "$@"
