#!/usr/bin/env bash
# Wall time of a 1,000-URL batch against the local test server: every page ~350 KB with 200, then all 304.
# Usage: Scripts/bench-fetch.sh [COUNT] [HOSTS] [PER_HOST] [CONCURRENCY]
# The server listens on 127.0.0.1…127.0.0.HOSTS (one port) so the per-host cap acts as it would across sites.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000}
hosts=${2:-8}
per_host=${3:-2}
concurrency=${4:-16}
swift build -c release --product policywatch-bench >/dev/null
bench=$(swift build -c release --show-bin-path)/policywatch-bench

coproc SERVER { exec python3 Tests/Servers/http_server.py --hosts "$hosts"; }
server_pid=$SERVER_PID
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
read -r _ port <&"${SERVER[0]}"
template="http://127.0.0.{h}:$port/page/{i}?size=350000"

echo "== $count URLs, ~350 KB each, all 200 ($hosts hosts, per-host $per_host, concurrency $concurrency)"
"$bench" fetch "$template" "$count" --hosts "$hosts" --per-host "$per_host" --concurrency "$concurrency"
echo "== the same $count URLs with their validators, all 304"
"$bench" fetch "$template" "$count" --hosts "$hosts" --per-host "$per_host" --concurrency "$concurrency" --conditional
