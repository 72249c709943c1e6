#!/usr/bin/env bash
# Benchmark `policywatch check` of 1,000 documents with real-size pages served on 127.0.0.x, against urlwatch.
#
# Usage: Scripts/bench-check.sh [COUNT] [HOSTS] [CONCURRENCY]      (defaults 1000, 8, 16)
#
# Pages: the snapshots of the genuine OTA versions (labels first/change, 0.3-0.6 MB) of the single-page documents
# of ../shared/corpus/ota-genai-eu (override with CORPUS=...; only the archives in DOCS are unpacked, into a temp
# dir, at run time: nothing of the corpus is copied into the repository). COUNT page files in a temp root are
# hardlinks to about 20 of those snapshots; each declaration uses its source document's real select/remove. The
# test server (Tests/Servers/http_server.py) serves them on 127.0.0.1…127.0.0.HOSTS without validators, so an
# unchanged check still downloads and compares every body. Timed with /usr/bin/time -v (wall, CPU, peak RSS), each
# phase (PolicyWatch and urlwatch alike) after a `sync`, so that none pays for the writeback of the one before:
#   (a) first check into an empty store (all new)
#   (b) second check (all unchanged)
#   (c) every page replaced by the snapshot of the next genuine version of its document (all changed)
# Targets (issue 4): unchanged <= 3 s, all changed <= 10 s, peak RSS <= 150 MB.
# Then urlwatch (PyPI; a virtualenv in BENCH_CHECK_VENV, default $TMPDIR/policywatch-urlwatch-venv, made once and
# reused) runs on the same URLs with a css filter (same selector; the remove selectors as `exclude`) and
# html2text, stdout report disabled: first run (all new), second run (unchanged), then after swapping the pages
# back (all changed); the ratios PolicyWatch/urlwatch are printed. SKIP_URLWATCH=1 skips it. BENCH_CHECK_KEEP=1
# keeps the temp dir (store, pages, declarations) for profiling.
# Builds in release mode into .build-benchcheck (SCRATCH_PATH=...), or uses POLICYWATCH=/path/to/binary.
# Exits 0 when the corpus is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
CORPUS="${CORPUS:-../shared/corpus/ota-genai-eu}"
DOCS=("ChatGPT__Commercial Terms" "ChatGPT__Trackers Policy" "Perplexity__Terms of Service")
count="${1:-1000}"
hosts="${2:-8}"
concurrency="${3:-16}"
if [[ ! -d "$CORPUS" ]]; then
  echo "bench-check: corpus not found at $CORPUS (it lives outside the repository, in ../shared/corpus);" \
    "nothing to measure."
  exit 0
fi
if [[ ! -x /usr/bin/time ]]; then
  echo "bench-check: /usr/bin/time missing; installing the Debian package 'time'" >&2
  apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi
if [[ -n "${POLICYWATCH:-}" ]]; then
  BIN="$POLICYWATCH"
else
  SCRATCH="${SCRATCH_PATH:-.build-benchcheck}"
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
  if [[ -n "${BENCH_CHECK_KEEP:-}" ]]; then echo "bench-check: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

mkdir -p "$work/unpacked"
for doc in "${DOCS[@]}"; do
  if [[ -f "$CORPUS/$doc.tar.xz" ]]; then
    tar -xJf "$CORPUS/$doc.tar.xz" -C "$work/unpacked"
  else
    echo "bench-check: $CORPUS/$doc.tar.xz missing, skipped" >&2
  fi
done
if [[ -z "$(find "$work/unpacked" -name versions.jsonl -print -quit)" ]]; then
  echo "bench-check: none of ${DOCS[*]} found in $CORPUS; nothing to measure."
  exit 0
fi

# The server serves $work/w/pages/<i>.html at /dir/<i>.html; it reads files per request, so it can start first.
mkdir -p "$work/w/pages"
python3 Tests/Servers/http_server.py --root "$work/w/pages" --hosts "$hosts" > "$work/server.out" 2> "$work/server.err" &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port="$(awk '/^PORT /{ print $2; exit }' "$work/server.out")"
  [[ -n "$port" ]] && break
  sleep 0.1
done
if [[ -z "$port" ]]; then
  echo "bench-check: the test server did not start:" >&2
  cat "$work/server.err" >&2
  exit 2
fi
python3 Scripts/bench-check.py layout "$work/w" "$work/unpacked" "$port" "$count" "$hosts"

# CPU seconds the server has used so far (utime + stime), to tell whether it, not the client, is the bottleneck.
server_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$server_pid/stat"
}

# timed NAME EXPECTED_EXIT COMMAND...: runs COMMAND under /usr/bin/time -v, stdout to $work/NAME.out; records
# wall seconds, user+sys seconds, peak RSS (MB) and the server's CPU seconds in wall_NAME, cpu_NAME, rss_NAME.
declare -A wall cpu rss srv status
timed() {
  local name="$1" expected="$2"
  shift 2
  local before rc=0
  # Start each phase with no dirty pages left by the one before: the first check writes ~350 MB, which the kernel
  # would otherwise still be writing back (30 s expiry) while the next phase runs, and a cron job checking hours
  # apart never meets that.
  sync
  before="$(server_cpu)"
  /usr/bin/time -v -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" || rc=$?
  status[$name]=$rc
  srv[$name]="$(awk -v a="$before" -v b="$(server_cpu)" 'BEGIN { printf "%.2f", b - a }')"
  wall[$name]="$(awk -F': ' '/Elapsed \(wall clock\)/ {
    n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$work/$name.time")"
  cpu[$name]="$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' \
    "$work/$name.time")"
  rss[$name]="$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$work/$name.time")"
  printf '%-22s exit %d (expected %s)  wall %6.2f s  cpu %6.2f s  peak RSS %6.1f MB  server cpu %5.2f s\n' \
    "$name" "$rc" "$expected" "${wall[$name]}" "${cpu[$name]}" "${rss[$name]}" "${srv[$name]}"
  if [[ "$rc" != "$expected" ]]; then
    echo "  unexpected exit status; last lines of its stderr/stdout:"
    tail -5 "$work/$name.err" | sed 's/^/  | /'
    tail -5 "$work/$name.out" | sed 's/^/  | /'
  fi
}

check=("$BIN" check --declarations "$work/w/declarations" --store "$work/store" --concurrency "$concurrency"
  --format json)

echo "load average before timing: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work skews figures)"
echo "== policywatch check: $count documents, $hosts hosts, --concurrency $concurrency ($BIN)"
timed pw_first 1 "${check[@]}"
echo "  $(python3 Scripts/bench-check.py summary "$work/pw_first.out")"
timed pw_unchanged 0 "${check[@]}"
echo "  $(python3 Scripts/bench-check.py summary "$work/pw_unchanged.out")"
python3 Scripts/bench-check.py swap "$work/w" B
timed pw_changed 1 "${check[@]}"
echo "  $(python3 Scripts/bench-check.py summary "$work/pw_changed.out")"
echo "  store: $(du -sh "$work/store" | cut -f1)"

verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t ? "OK" : "MISSED") }'; }
max_rss="$(printf '%s\n' "${rss[pw_first]}" "${rss[pw_unchanged]}" "${rss[pw_changed]}" | sort -g | tail -1)"
echo "targets: unchanged ${wall[pw_unchanged]} s <= 3 s $(verdict "${wall[pw_unchanged]}" 3);" \
  "all changed ${wall[pw_changed]} s <= 10 s $(verdict "${wall[pw_changed]}" 10);" \
  "peak RSS ${max_rss} MB <= 150 MB $(verdict "$max_rss" 150)"

if [[ -n "${SKIP_URLWATCH:-}" ]]; then
  exit 0
fi
VENV="${BENCH_CHECK_VENV:-${TMPDIR:-/tmp}/policywatch-urlwatch-venv}"
if [[ ! -x "$VENV/bin/urlwatch" ]]; then
  echo "== making a virtualenv for urlwatch in $VENV" >&2
  if ! { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q urlwatch html2text cssselect lxml >&2; }; then
    echo "bench-check: could not install urlwatch (no PyPI access?); comparison skipped."
    exit 0
  fi
fi
uw_dir="$work/w/urlwatch"
printf 'report:\n  stdout:\n    enabled: false\n' > "$uw_dir/urlwatch.yaml"
urlwatch=(env HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache"
  "$VENV/bin/urlwatch" --urls "$uw_dir/urls.yaml" --config "$uw_dir/urlwatch.yaml" --cache "$uw_dir/cache.db"
  --hooks "$uw_dir/hooks.py")
mkdir -p "$work/home"
echo "== urlwatch $("$VENV/bin/urlwatch" --version | awk '{ print $2 }'): same $count URLs, css + html2text" \
  "(its default 10 workers)"
timed uw_first 0 "${urlwatch[@]}"
timed uw_unchanged 0 "${urlwatch[@]}"
python3 Scripts/bench-check.py swap "$work/w" A
timed uw_changed 0 "${urlwatch[@]}"
changed_jobs="$(HOME="$work/home" "$VENV/bin/python" - "$uw_dir/cache.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
# urlwatch keeps one row per run; a job whose page changed has 2 distinct stored texts.
rows = db.execute("SELECT guid, COUNT(DISTINCT data) FROM CacheEntry GROUP BY guid").fetchall()
print("%d jobs in the cache, %d with 2+ distinct texts" % (len(rows), sum(1 for _, n in rows if n >= 2)))
EOF
)" || changed_jobs="(cache not readable)"
echo "  urlwatch cache: $changed_jobs"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo "== PolicyWatch / urlwatch (wall time; < 1 means PolicyWatch is faster)"
echo "  first (all new):  $(ratio "${wall[pw_first]}" "${wall[uw_first]}")" \
  "(${wall[pw_first]} s vs ${wall[uw_first]} s; peak RSS ${rss[pw_first]} vs ${rss[uw_first]} MB)"
echo "  unchanged:        $(ratio "${wall[pw_unchanged]}" "${wall[uw_unchanged]}")" \
  "(${wall[pw_unchanged]} s vs ${wall[uw_unchanged]} s; peak RSS ${rss[pw_unchanged]} vs ${rss[uw_unchanged]} MB)"
echo "  all changed:      $(ratio "${wall[pw_changed]}" "${wall[uw_changed]}")" \
  "(${wall[pw_changed]} s vs ${wall[uw_changed]} s; peak RSS ${rss[pw_changed]} vs ${rss[uw_changed]} MB)"
