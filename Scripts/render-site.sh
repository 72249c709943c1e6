#!/usr/bin/env bash
# Builds the static site (`policywatch site`) and renders its main pages in headless Chromium to PNGs at 1280 and
# 390 px wide (a desktop and a phone), for a person to look at.
#
# usage: Scripts/render-site.sh [OUTPUT-DIR] [-- SITE ARGUMENTS…]
#   default: replays ../shared/corpus/linkedin-privacy into a temporary store (else uses the bundled Snapshots/)
#   and writes the site and the PNGs under /tmp/policywatch-site-render
#   example: Scripts/render-site.sh /tmp/render -- --store Snapshots --title "Acme watch"
# Pages rendered: index.html, the first document's page, its newest change page, the first category page.
# Needs Debian's `chromium` (apt-get install chromium); CI does not run this script.
set -euo pipefail
cd "$(dirname "$0")/.."

output="${1:-/tmp/policywatch-site-render}"
shift || true
[ "${1:-}" = "--" ] && shift
command -v chromium >/dev/null || { echo "render-site: chromium is not installed (apt-get install chromium)" >&2; exit 2; }
swift build --product policywatch >/dev/null
policywatch="$PWD/.build/debug/policywatch"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$output"
rm -rf "$output/site"
if [ $# -eq 0 ]; then
  corpus="../shared/corpus/linkedin-privacy"
  if [ -d "$corpus" ]; then
    "$policywatch" replay "$corpus" --store "$work/store" >/dev/null 2>&1 || [ $? -eq 1 ]
    set -- --store "$work/store"
  else
    set -- --store Snapshots
  fi
fi
"$policywatch" site --output "$output/site" "$@"

site="$output/site"
document="$(cd "$site" && find documents -name '*.html' | sort | head -1)"
change="$(cd "$site" && find events -name 'change-*.html' | sort | tail -1)"
category="$(cd "$site" && find categories -name '*.html' | sort | head -1)"
for page in index.html "$document" "$change" "$category"; do
  [ -n "$page" ] || continue
  name="$(echo "${page%.html}" | tr '/' '_')"
  for width in 1280 390; do
    # A tall window so the whole page is in the picture; --virtual-time-budget lets layout finish.
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
      --user-data-dir="$work/profile" --window-size="$width,2400" --virtual-time-budget=2000 \
      --screenshot="$output/$name-$width.png" "file://$(realpath "$site/$page")" >/dev/null 2>&1
    echo "render-site: $output/$name-$width.png ($page at $width px)"
  done
done
