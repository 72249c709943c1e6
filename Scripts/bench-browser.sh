#!/usr/bin/env bash
# Benchmark `policywatch check` of documents that need the browser: COUNT documents (default 100), each a page whose
# clauses a script inserts after 20 ms (`executeClientScripts: true`, select "#policy"), served by
# Tests/Servers/browser_pages.py on 127.0.0.1. Reports wall time, seconds per document, CPU (user + system of
# policywatch and of every process it waited for: the browser's included) and the peak of the memory of
# everything (policywatch and every browser process, sampled every 50 ms by Scripts/bench-browser.py: summed RSS,
# and summed PSS, which counts each shared page once).
# Targets (issue 18): <= 0.5 s per document on average, peak of everything <= 700 MB, on 2 cores.
#
# Usage: Scripts/bench-browser.sh [COUNT] [PAGES]     (PAGES: fetch.browserPages, default 2)
# Builds in release mode into .build-bench-browser (SCRATCH_PATH=...), or uses POLICYWATCH=/path/to/binary.
# Exits 0, saying so, when Chromium is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-100}"
pages="${2:-2}"
if [[ -z "${POLICYWATCH_CHROMIUM:-}" ]] && ! command -v chromium >/dev/null && [[ ! -x /usr/lib/chromium/chromium ]]; then
  echo "bench-browser: chromium is not installed (apt-get install chromium); nothing to measure."
  exit 0
fi
if [[ -n "${POLICYWATCH:-}" ]]; then
  BIN="$POLICYWATCH"
else
  SCRATCH="${SCRATCH_PATH:-.build-bench-browser}"
  swift build -c release --scratch-path "$SCRATCH" --product policywatch >&2
  BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/policywatch"
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

python3 Tests/Servers/browser_pages.py >"$work/port" &
server_pid=$!
for _ in $(seq 50); do [[ -s "$work/port" ]] && break; sleep 0.1; done
port="$(cut -d' ' -f2 "$work/port")"

mkdir -p "$work/declarations"
{
  echo '{"name": "Bench", "terms": {'
  for n in $(seq "$count"); do
    [[ "$n" -gt 1 ]] && echo ','
    printf '"Policy %d": {"fetch": "http://127.0.0.1:%s/doc/%d", "select": "#policy", "executeClientScripts": true}' \
      "$n" "$port" "$n"
  done
  echo '}}'
} >"$work/declarations/Bench.json"
printf '{"fetch": {"browser": "auto", "browserPages": %d}}\n' "$pages" >"$work/config.json"

echo "bench-browser: $count documents needing the browser, $pages pages at once, $(nproc) cores, $("$BIN" --version 2>/dev/null || true)"
sync
set +e
python3 Scripts/bench-browser.py "$BIN" check --declarations "$work/declarations" --store "$work/store" \
  --config "$work/config.json" --quiet 2>"$work/measure"
status=$?
set -e
grep -v '^\(wall_s\|cpu_s\|peak_rss_mb\|peak_pss_mb\|processes\) ' "$work/measure" >&2 || true
read -r wall cpu rss pss processes < <(awk '/^wall_s /{w=$2} /^cpu_s /{c=$2} /^peak_rss_mb /{r=$2}
  /^peak_pss_mb /{p=$2} /^processes /{n=$2} END {print w, c, r, p, n}' "$work/measure")
first="$(grep -l '"kind":"first"' "$work"/store/documents/Bench/*/timeline.jsonl 2>/dev/null | wc -l)"
rendered="$(grep -l '"rendered"' "$work"/store/documents/Bench/*/timeline.jsonl 2>/dev/null | wc -l)"
echo "exit status $status; documents read through the browser: $rendered of $count ($first first versions)"
awk -v w="$wall" -v c="$cpu" -v n="$count" -v r="$rss" -v p="$pss" -v k="$processes" 'BEGIN {
  printf "wall %.1f s (%.3f s per document; target <= 0.5), CPU %.1f s, peak RSS of everything %d MB summed, %d MB PSS (target <= 700), %d processes at most\n", w, w / n, c, r, p, k }'
