#!/usr/bin/env bash
# Evaluate `policywatch replay` on the real OTA GenAI history (development set).
#
# Usage: Scripts/eval-replay.sh [--keep DIR] [--only SUBSTRING]
#   --keep DIR        unpack and replay into DIR and keep it (stores, logs) for diagnosis; default: a temp dir
#                     removed on exit
#   --only SUBSTRING  evaluate only the documents whose archive name contains SUBSTRING
#
# Unpacks every document of ../shared/corpus/ota-genai-eu (relative to the repository; override with CORPUS=...),
# replays each into a fresh store, and compares the `first`/`change` events of `policywatch log --format json` with
# the document's versions.jsonl (see Scripts/eval-replay.py for the matching rules). Builds in release mode into
# .build-replay (override with SCRATCH_PATH=...,
# or use a built binary with POLICYWATCH_BIN=...). Exits 0 when the corpus is absent (nothing to evaluate), 1 when a
# target is missed, 2 on a replay error.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS="${CORPUS:-../shared/corpus/ota-genai-eu}"
if [[ ! -d "$CORPUS" ]]; then
  echo "eval-replay: corpus not found at $CORPUS (it lives outside the repository, in ../shared/corpus);" \
    "nothing to evaluate."
  exit 0
fi
keep=""
only=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --keep) keep="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    *) echo "usage: $0 [--keep DIR] [--only SUBSTRING]" >&2; exit 2 ;;
  esac
done
SCRATCH="${SCRATCH_PATH:-.build-replay}"
if [[ -n "${POLICYWATCH_BIN:-}" ]]; then
  BIN="$POLICYWATCH_BIN"
else
  swift build -c release --scratch-path "$SCRATCH" --product policywatch >&2
  BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/policywatch"
fi
if [[ -n "$keep" ]]; then
  work="$keep"
  rm -rf "$work"
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
manifest="$work/manifest.tsv"
: > "$manifest"
n=0
shopt -s nullglob
for archive in "$CORPUS"/*.tar.xz; do
  name="$(basename "$archive")"
  [[ "$name" == *.versions.tar.xz ]] && continue
  [[ -n "$only" && "$name" != *"$only"* ]] && continue
  n=$((n + 1))
  src="$work/src/$n"
  store="$work/store/$n"
  mkdir -p "$src" "$work/out"
  tar -xJf "$archive" -C "$src"
  decl="$(find "$src" -name declaration.json -print -quit)"
  if [[ -z "$decl" ]]; then
    echo "eval-replay: no declaration.json in $name" >&2
    exit 2
  fi
  doc="$(dirname "$decl")"
  start=$(date +%s%N)
  # Exit status 1 means "changes were recorded", which is what a replay of a history should do.
  rc=0
  "$BIN" replay "$doc" --store "$store" --format json > "$work/out/$n.replay.jsonl" 2> "$work/out/$n.replay.err" \
    || rc=$?
  end=$(date +%s%N)
  if [[ $rc -ne 0 && $rc -ne 1 ]]; then
    echo "eval-replay: replay of $name failed (exit $rc):" >&2
    cat "$work/out/$n.replay.err" >&2
    exit 2
  fi
  "$BIN" log --store "$store" --format json > "$work/out/$n.log.jsonl"
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$doc" "$store" "$work/out/$n.log.jsonl" \
    "$(( (end - start) / 1000000 ))" >> "$manifest"
  echo "replayed $name in $(( (end - start) / 1000000 )) ms" >&2
done
if [[ $n -eq 0 ]]; then
  echo "eval-replay: no document archive in $CORPUS; nothing to evaluate."
  exit 0
fi
python3 Scripts/eval-replay.py "$manifest"
