#!/usr/bin/env bash
# Renders `policywatch diff --format html` in headless Chromium to a PNG, to check that a person can read what changed
# at a glance.
#
# usage: Scripts/render-diff-html.sh [OUTPUT.png] [-- DIFF ARGUMENTS…]
#   default: replays ../shared/corpus/linkedin-privacy into a temporary store and renders
#   `diff "LinkedIn/Privacy Policy" --to 2024-09-19 --data-use`, to /tmp/policywatch-diff.png
#   example: Scripts/render-diff-html.sh /tmp/acme.png -- "Acme Notes/Privacy Policy" --store Snapshots
# Needs Debian's `chromium` (apt-get install chromium); CI does not run this script.
set -euo pipefail
cd "$(dirname "$0")/.."

output="${1:-/tmp/policywatch-diff.png}"
shift || true
[ "${1:-}" = "--" ] && shift
command -v chromium >/dev/null || { echo "render-diff-html: chromium is not installed (apt-get install chromium)" >&2; exit 2; }
swift build --product policywatch >/dev/null
policywatch="$PWD/.build/debug/policywatch"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ $# -eq 0 ]; then
  corpus="../shared/corpus/linkedin-privacy"
  [ -d "$corpus" ] || { echo "render-diff-html: $corpus is absent; give diff arguments instead" >&2; exit 2; }
  "$policywatch" replay "$corpus" --store "$work/store" >/dev/null 2>&1 || [ $? -eq 1 ]
  set -- "LinkedIn/Privacy Policy" --store "$work/store" --to 2024-09-19 --data-use
fi
"$policywatch" diff "$@" --format html >"$work/diff.html" || [ $? -eq 1 ]

# A tall window so the whole page is in the picture; --virtual-time-budget lets layout finish.
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --window-size=1100,2400 --virtual-time-budget=2000 --screenshot="$output" "file://$work/diff.html" >/dev/null 2>&1
echo "render-diff-html: wrote $output ($(wc -c <"$output") bytes) from $(wc -c <"$work/diff.html") bytes of HTML"
