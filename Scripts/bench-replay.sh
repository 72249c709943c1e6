#!/usr/bin/env bash
# Benchmark `policywatch replay` (release build) on the whole OTA GenAI development corpus.
#
# Usage: Scripts/bench-replay.sh [--runs N]
#   --runs N   time N replays, each into a fresh store (default 1); the best run is reported
#
# Unpacks every document of ../shared/corpus/ota-genai-eu (relative to the repository; override with CORPUS=...)
# into a temp dir (not timed), then replays all documents in one `policywatch replay` process into one fresh store
# and reports snapshots/s, MB/s over the raw bytes of all snapshots, CPU time, peak RSS, the store size (du) against
# the raw size, and extrapolates linearly to the whole OTA GenAI history (~24k snapshots, ~8 GB raw) against the
# targets: replay <= 2 minutes and store <= 2 x 149 MiB. Builds in release mode into .build-replay (override with
# SCRATCH_PATH=...,
# or use a built binary with POLICYWATCH_BIN=...). Exits 0 when the corpus is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS="${CORPUS:-../shared/corpus/ota-genai-eu}"
if [[ ! -d "$CORPUS" ]]; then
  echo "bench-replay: corpus not found at $CORPUS (it lives outside the repository, in ../shared/corpus);" \
    "nothing to measure."
  exit 0
fi
runs=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: $0 [--runs N]" >&2; exit 2 ;;
  esac
done
SCRATCH="${SCRATCH_PATH:-.build-replay}"
if [[ -n "${POLICYWATCH_BIN:-}" ]]; then
  BIN="$POLICYWATCH_BIN"
else
  swift build -c release --scratch-path "$SCRATCH" --product policywatch >&2
  BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/policywatch"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dirs=()
n=0
shopt -s nullglob
for archive in "$CORPUS"/*.tar.xz; do
  [[ "$archive" == *.versions.tar.xz ]] && continue
  n=$((n + 1))
  mkdir -p "$work/src/$n"
  tar -xJf "$archive" -C "$work/src/$n"
  decl="$(find "$work/src/$n" -name declaration.json -print -quit)"
  [[ -n "$decl" ]] && dirs+=("$(dirname "$decl")")
done
if [[ ${#dirs[@]} -eq 0 ]]; then
  echo "bench-replay: no document archive in $CORPUS; nothing to measure."
  exit 0
fi
snapshots=0
raw=0
for d in "${dirs[@]}"; do
  snapshots=$((snapshots + $(find "$d/snapshots" -type f | wc -l)))
  raw=$((raw + $(find "$d/snapshots" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')))
done
echo "corpus: ${#dirs[@]} documents, $snapshots snapshots, $raw raw bytes" >&2
best_ms=""
for ((run = 1; run <= runs; run++)); do
  rm -rf "$work/store"
  sync
  rc=0
  start=$(date +%s%N)
  /usr/bin/time -f '%U %S %M' -o "$work/time.$run" \
    "$BIN" replay "${dirs[@]}" --store "$work/store" --format json > "$work/events.jsonl" 2> "$work/replay.err" \
    || rc=$?
  end=$(date +%s%N)
  # Exit status 1 means "changes were recorded".
  if [[ $rc -ne 0 && $rc -ne 1 ]]; then
    echo "bench-replay: replay failed (exit $rc):" >&2
    cat "$work/replay.err" >&2
    exit 2
  fi
  ms=$(( (end - start) / 1000000 ))
  read -r user sys rss_kb < <(tail -1 "$work/time.$run")
  echo "run $run: ${ms} ms wall, ${user} s user, ${sys} s sys, peak RSS $((rss_kb / 1024)) MiB" >&2
  if [[ -z "$best_ms" || $ms -lt $best_ms ]]; then
    best_ms=$ms best_user=$user best_sys=$sys best_rss=$rss_kb
  fi
done
store_bytes=$(du -sb "$work/store" | cut -f1)
store_apparent=$(du -sb --apparent-size "$work/store" | cut -f1)
store_disk=$(du -sk "$work/store" | cut -f1)
events=$(wc -l < "$work/events.jsonl")
warnings=$(grep -c '^warning' "$work/replay.err" || true)
# Replaying the same folders again must add nothing (and shows the cost of an all-unchanged pass).
start=$(date +%s%N)
"$BIN" replay "${dirs[@]}" --store "$work/store" --format json > "$work/events2.jsonl" 2> /dev/null || true
end=$(date +%s%N)
again_ms=$(( (end - start) / 1000000 ))
again_events=$(wc -l < "$work/events2.jsonl")
python3 - "$snapshots" "$raw" "$best_ms" "$best_user" "$best_sys" "$best_rss" "$store_disk" "$store_apparent" \
  "$events" "$warnings" "$again_ms" "$again_events" "${#dirs[@]}" <<'EOF'
import sys
(snaps, raw, ms, user, sys_s, rss_kb, disk_kb, apparent, events, warnings, again_ms, again_events,
 docs) = sys.argv[1:]
snaps, raw, ms, disk_kb, apparent = int(snaps), int(raw), int(ms), int(disk_kb), int(apparent)
again_ms, again_events = int(again_ms), int(again_events)
user, sys_s, rss_kb = float(user), float(sys_s), int(rss_kb)
secs = ms / 1000
MiB = 1024 * 1024
full_snaps, full_raw = 24_000, 8e9
store_disk = disk_kb * 1024
rate, mbps = snaps / secs, raw / 1e6 / secs
by_snaps, by_bytes = full_snaps / rate, full_raw / 1e6 / mbps
extra = max(by_snaps, by_bytes)
store_full = store_disk * full_raw / raw
target_store = 2 * 149 * MiB
rows = [
  ("documents / snapshots", f"{docs} / {snaps}"),
  ("raw snapshot bytes", f"{raw / MiB:.1f} MiB ({raw / 1e6:.0f} MB)"),
  ("replay wall time (1 process)", f"{secs:.2f} s (CPU {user:.2f} s user + {sys_s:.2f} s sys)"),
  ("snapshots per second", f"{rate:.1f}"),
  ("throughput (raw MB/s)", f"{mbps:.1f} MB/s"),
  ("peak RSS", f"{rss_kb / 1024:.0f} MiB"),
  ("events printed / warnings", f"{events} / {warnings}"),
  ("store size (du, on disk)", f"{store_disk / MiB:.2f} MiB (apparent {apparent / MiB:.2f} MiB)"),
  ("store / raw", f"{store_disk / raw * 100:.2f} %"),
  ("second replay of the same folders", f"{again_ms / 1000:.2f} s, {again_events} new events (must be 0)"),
  ("extrapolated: 24k snapshots", f"{by_snaps:.0f} s"),
  ("extrapolated: 8 GB raw", f"{by_bytes:.0f} s"),
  ("target whole history <= 120 s", f"{extra:.0f} s {'OK' if extra <= 120 else 'MISSED'}"),
  ("extrapolated store for 8 GB raw", f"{store_full / MiB:.0f} MiB"),
  ("target store <= 2 x 149 MiB = 298 MiB", f"{store_full / MiB:.0f} MiB "
                                            f"{'OK' if store_full <= target_store else 'MISSED'}"),
]
width = max(len(k) for k, _ in rows)
print(f"| {'measure'.ljust(width)} | value |")
print(f"|{'-' * (width + 2)}|-------|")
for k, v in rows:
  print(f"| {k.ljust(width)} | {v} |")
EOF
