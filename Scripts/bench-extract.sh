#!/usr/bin/env bash
# Extraction speed against libxml2's bare parse and Python lxml+cssselect+html2text (see bench-extract.py).
# Usage: Scripts/bench-extract.sh [--files N] [--runs N] ["Service/Document"...]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${POLICYWATCH_CORPUS:-../shared/corpus/ota-genai-eu}"
if ! ls "$corpus"/*.tar.xz >/dev/null 2>&1; then
  echo "bench-extract: the corpus is absent ($corpus has no *.tar.xz); nothing measured."
  exit 0
fi
if [ ! -x Scripts/.venv/bin/python ] || ! Scripts/.venv/bin/python -c "import lxml, cssselect, html2text" 2>/dev/null; then
  python3 -m venv Scripts/.venv
  Scripts/.venv/bin/pip install --quiet lxml cssselect html2text
fi
scratch="${POLICYWATCH_SCRATCH:-.build}"
swift build -c release --scratch-path "$scratch" --product policywatch-bench >&2
bench="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/policywatch-bench"
exec python3 Scripts/bench-extract.py --bench "$bench" --python Scripts/.venv/bin/python --corpus "$corpus" "$@"
