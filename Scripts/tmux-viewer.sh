#!/usr/bin/env bash
# Drives `policywatch diff` in a real terminal (tmux) through its pager (less -R), at 80 and 200 columns, and checks
# what a person sees with capture-pane: the header on the first screen, colours interpreted (no raw escape codes),
# lines wrapped to the terminal width with the clause marker kept, the pager's prompt, the last change after `G`,
# and the pager (and policywatch) gone after `q`.
#
# usage: Scripts/tmux-viewer.sh [path/to/policywatch]     (default: .build/debug/policywatch, built if missing)
# Exit status 0 when every check passed. Needs tmux and less. Everything it starts runs on its own tmux socket,
# which it kills at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

policywatch="${1:-${POLICYWATCH:-.build/debug/policywatch}}"
if [ ! -x "$policywatch" ]; then swift build --product policywatch >/dev/null; fi
policywatch="$(cd "$(dirname "$policywatch")" && pwd)/$(basename "$policywatch")"
command -v tmux >/dev/null || { echo "tmux-viewer: tmux is not installed" >&2; exit 2; }
command -v less >/dev/null || { echo "tmux-viewer: less is not installed" >&2; exit 2; }

work="$(mktemp -d)"
socket="pw-viewer-$$"
cleanup() {
  tmux -L "$socket" kill-server >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# A long invented document (120 clauses in 12 sections); the second snapshot rewrites a clause near the top,
# adds AI-training language in the middle and removes a clause at the end.
python3 - "$work/history" <<'EOF'
import os, sys
root = sys.argv[1]
os.makedirs(root + "/snapshots")
open(root + "/declaration.json", "w").write(
    '{"service": "Long Co", "document": "Terms", '
    '"declaration": {"fetch": "https://long.example/terms", "select": ["main"]}}')
def page(version, date):
    parts = ["<html lang=\"en\"><body><main><h1>Terms of Service</h1>", f"<p>Effective {date}</p>"]
    for s in range(1, 13):
        parts.append(f"<h2>Section {s}</h2>")
        for c in range(1, 11):
            text = (f"Clause {s}.{c}: you agree to use the service in a lawful way and to keep your password safe, "
                    f"and we keep logs of this clause number {s}.{c} for thirty days to protect the service.")
            if version == 2 and (s, c) == (1, 2):
                text = text.replace("thirty days", "ninety days")
            if version == 2 and (s, c) == (12, 10):
                continue
            parts.append(f"<p>{text}</p>")
            if version == 2 and (s, c) == (6, 5):
                parts.append("<p>We may use your messages and files to train our artificial intelligence models.</p>")
    parts.append("</main></body></html>")
    return "\n".join(parts)
open(root + "/snapshots/2024-05-01T10-00-00Z.html", "w").write(page(1, "May 1, 2024"))
open(root + "/snapshots/2024-07-01T10-00-00Z.html", "w").write(page(2, "July 1, 2024"))
EOF
"$policywatch" replay "$work/history" --store "$work/store" >/dev/null 2>&1 || [ $? -eq 1 ]

failures=0
check() {  # check DESCRIPTION COMMAND...
  local description="$1"
  shift
  if "$@"; then echo "  ok: $description"; else echo "  FAILED: $description"; failures=$((failures + 1)); fi
}

# Waits (at most 10 s) until the pane shows TEXT.
wait_for() {
  local text="$1"
  for _ in $(seq 1 100); do
    if tmux -L "$socket" capture-pane -p -t viewer | grep -qF -- "$text"; then return 0; fi
    sleep 0.1
  done
  return 1
}

for columns in 80 200; do
  echo "at $columns columns:"
  tmux -L "$socket" new-session -d -s viewer -x "$columns" -y 30 \
    -e "TERM=xterm-256color" -e "PAGER=less -R" -e "LESS=" -e "NO_COLOR=" \
    "'$policywatch' diff 'Long Co/Terms' --store '$work/store' --context 2; echo policywatch-exited-\$?; sleep 30"
  check "the header is on the first screen" wait_for "Long Co/Terms"
  screen="$(tmux -L "$socket" capture-pane -p -t viewer)"
  printf '%s\n' "$screen" >"$work/screen-$columns.txt"
  check "both versions' dates in the header" grep -q "first seen 2024-05-01 10:00Z  declared effective 2024-05-01" <<<"$screen"
  check "the new declared date" grep -q "first seen 2024-07-01 10:00Z  declared effective 2024-07-01" <<<"$screen"
  check "the new data-use language is listed" grep -q "AI_TRAINING  added" <<<"$screen"
  check "colours are interpreted, not shown as codes" bash -c '! grep -q "\[[0-9;]*m" <<<"$1"' _ "$screen"
  coloured="$(tmux -L "$socket" capture-pane -p -e -t viewer)"
  check "the changed words are coloured (red old, green new)" \
    bash -c 'grep -q "31m[^ ]*thirty" <<<"$1" && grep -q "32m[^ ]*ninety" <<<"$1"' _ "$coloured"
  check "the pager's prompt on the last line" bash -c '[ "$(tail -n 1 <<<"$1" | cut -c1)" = ":" ]' _ "$screen"
  check "policywatch is still paging (not finished)" bash -c '! grep -q policywatch-exited <<<"$1"' _ "$screen"
  if [ "$columns" -eq 80 ]; then
    # A long clause wraps onto continuation lines indented under its text (not cut mid-word by the terminal).
    check "long clauses wrap with an indent" grep -q "^  [a-z]" <<<"$screen"
  else
    check "a whole clause fits on one line" grep -q "^~ Clause 1.2: you agree .* of this clause number 1.2 for" <<<"$screen"
  fi
  tmux -L "$socket" send-keys -t viewer G
  check "G shows the end: the removed last clause" wait_for "Clause 12.10"
  check "G shows less's (END)" wait_for "(END)"
  tmux -L "$socket" send-keys -t viewer q
  check "q quits the pager and policywatch exits 1 (differences)" wait_for "policywatch-exited-1"
  tmux -L "$socket" kill-session -t viewer
done

# Not a terminal: no pager, no colour.
piped="$("$policywatch" diff 'Long Co/Terms' --store "$work/store" | head -n 3 || true)"
echo "through a pipe:"
check "no pager and no colour" bash -c '[ "$(head -n 1 <<<"$1")" = "Long Co/Terms" ] && ! grep -q $'"'"'\e'"'"' <<<"$1"' _ "$piped"

if [ "$failures" -gt 0 ]; then
  echo "tmux-viewer: $failures check(s) failed"
  exit 1
fi
echo "tmux-viewer: all checks passed"
