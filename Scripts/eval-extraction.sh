#!/usr/bin/env bash
# Fidelity of the extraction against Open Terms Archive's own Markdown versions (see eval-extraction.py).
# Usage: Scripts/eval-extraction.sh [--details DIR] [--work DIR]   (corpus: ../shared/corpus/ota-genai-eu)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${POLICYWATCH_CORPUS:-../shared/corpus/ota-genai-eu}"
if ! ls "$corpus"/*.tar.xz >/dev/null 2>&1; then
  echo "eval-extraction: the corpus is absent ($corpus has no *.tar.xz); nothing evaluated."
  exit 0
fi
scratch="${POLICYWATCH_SCRATCH:-.build}"
swift build -c release --scratch-path "$scratch" --product policywatch-bench >&2
bench="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/policywatch-bench"
exec python3 Scripts/eval-extraction.py --bench "$bench" --corpus "$corpus" "$@"
