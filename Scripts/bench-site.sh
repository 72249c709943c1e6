#!/usr/bin/env bash
# Benchmark `policywatch site` (release build) on the replay of the OTA GenAI development corpus.
#
# Usage: Scripts/bench-site.sh [--runs N]
#   --runs N   time N full builds and N rebuilds (default 3); the best and the median are reported
#
# Unpacks every document of ../shared/corpus/ota-genai-eu (override with CORPUS=...) into a temp dir and replays
# it (not timed), holding back the snapshots from the corpus's most recent change on: the store has every other
# event. Then it times
#   1. a full build of the site into an empty folder (target <= 5 s),
#   2. a rebuild with nothing new (every page compared, none rewritten),
#   3. after replaying the held-back snapshots (one new change), a rebuild (target <= 0.5 s),
# each run on a copy of the store and site as they were before it. Builds in release mode into .build-site
# (override with SCRATCH_PATH=..., or use a built binary with POLICYWATCH_BIN=...). Exits 0 when the corpus is
# absent.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS="${CORPUS:-../shared/corpus/ota-genai-eu}"
if [[ ! -d "$CORPUS" ]]; then
  echo "bench-site: corpus not found at $CORPUS (it lives outside the repository, in ../shared/corpus);" \
    "nothing to measure."
  exit 0
fi
runs=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: $0 [--runs N]" >&2; exit 2 ;;
  esac
done
SCRATCH="${SCRATCH_PATH:-.build-site}"
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
  echo "bench-site: no document archive in $CORPUS; nothing to measure." >&2
  exit 0
fi
replay() { "$BIN" replay "$@" --format json 2>/dev/null || [[ $? -eq 1 ]]; }

# Find the corpus's most recent change, then replay everything but the snapshots from it on.
replay "${dirs[@]}" --store "$work/probe" > "$work/all.jsonl"
read -r service document first_seen < <(python3 - "$work/all.jsonl" <<'PY'
import json, sys
changes = [e for e in map(json.loads, open(sys.argv[1])) if e.get("kind") == "change"]
last = max(changes, key=lambda e: e["firstSeen"])
print(last["service"].replace(" ", "\x1f"), last["document"].replace(" ", "\x1f"), last["firstSeen"])
PY
)
service="${service//$'\x1f'/ }"
document="${document//$'\x1f'/ }"
held_dir=""
for d in "${dirs[@]}"; do
  if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if (d["service"], d["document"]) == (sys.argv[2], sys.argv[3]) else 1)' \
    "$d/declaration.json" "$service" "$document"; then held_dir="$d"; fi
done
[[ -n "$held_dir" ]] || { echo "bench-site: cannot find the folder of $service/$document" >&2; exit 2; }
cut="${first_seen//:/-}"
cp -r "$held_dir" "$work/held"
held=0
for snapshot in "$work/held/snapshots/"*; do
  name="$(basename "$snapshot")"
  if [[ "${name:0:20}" > "${cut:0:20}" || "${name:0:20}" == "${cut:0:20}" ]]; then rm "$snapshot"; held=$((held + 1)); fi
done
others=()
for d in "${dirs[@]}"; do [[ "$d" != "$held_dir" ]] && others+=("$d"); done
replay "${others[@]}" "$work/held" --store "$work/store" > /dev/null
events=$("$BIN" log --store "$work/store" --format json 2>/dev/null | wc -l)
changes=$("$BIN" log --store "$work/store" --format json --kind change 2>/dev/null | wc -l)
fetches=$(cat "$work/store"/documents/*/*/timeline.jsonl | wc -l)
echo "store: ${#dirs[@]} documents, $fetches fetches, $events events ($changes changes); held back $held snapshots of" \
  "$service/$document from $first_seen" >&2

timed() { # label, then the command; prints milliseconds and CPU seconds
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$work/time" "$@" > "$work/out" 2> "$work/err" || { cat "$work/err" >&2; exit 2; }
  end=$(date +%s%N)
  read -r user sys < "$work/time"
  echo "$(( (end - start) / 1000000 )) $(python3 -c "print(f'{$user + $sys:.2f}')")"
}
full=() again=() rebuild=()
for ((run = 1; run <= runs; run++)); do
  rm -rf "$work/site" "$work/store-run"
  cp -r "$work/store" "$work/store-run"
  sync
  read -r ms cpu < <(timed "$BIN" site --output "$work/site" --store "$work/store-run")
  full+=("$ms"); echo "run $run: full build $ms ms (CPU $cpu s): $(cat "$work/out")" >&2
  read -r ms cpu < <(timed "$BIN" site --output "$work/site" --store "$work/store-run")
  again+=("$ms"); echo "run $run: rebuild, nothing new $ms ms (CPU $cpu s): $(cat "$work/out")" >&2
  replay "$held_dir" --store "$work/store-run" > "$work/new.jsonl"
  sync
  read -r ms cpu < <(timed "$BIN" site --output "$work/site" --store "$work/store-run")
  rebuild+=("$ms"); echo "run $run: rebuild after $(grep -c '"change"' "$work/new.jsonl") new change(s) $ms ms" \
    "(CPU $cpu s): $(cat "$work/out")" >&2
done
pages=$(find "$work/site" -type f | wc -l)
bytes=$(du -sb "$work/site" | cut -f1)
python3 - "$pages" "$bytes" "${full[*]}" "${again[*]}" "${rebuild[*]}" <<'PY'
import statistics, sys
pages, size = int(sys.argv[1]), int(sys.argv[2])
full, again, rebuild = ([int(x) for x in a.split()] for a in sys.argv[3:6])
def cell(values, target=None):
    best, median = min(values) / 1000, statistics.median(values) / 1000
    verdict = "" if target is None else (" OK" if best <= target else " MISSED")
    return f"best {best:.2f} s, median {median:.2f} s{verdict}"
rows = [
    ("site files / size", f"{pages} / {size / 1e6:.1f} MB"),
    ("full build (target <= 5 s)", cell(full, 5)),
    ("rebuild, nothing new", cell(again)),
    ("rebuild after one new change (target <= 0.5 s)", cell(rebuild, 0.5)),
]
width = max(len(k) for k, _ in rows)
print(f"| {'measure'.ljust(width)} | value |")
print(f"|{'-' * (width + 2)}|-------|")
for k, v in rows:
    print(f"| {k.ljust(width)} | {v} |")
PY
