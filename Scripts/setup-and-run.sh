#!/usr/bin/env bash
# Scripts/setup-and-run.sh [COMMAND [ARGUMENTS…]] — the first command on a fresh Debian machine with Swift: installs
# the packages the build needs (Scripts/install-dependencies.sh build), builds `policywatch`, and runs it on the
# bundled Snapshots/ store. Without arguments it runs `log` (the tracker's findings on the bundled example);
# otherwise the command given, e.g. `Scripts/setup-and-run.sh diff "Acme Notes/Privacy Policy" --no-pager`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/install-dependencies.sh build
swift build --product policywatch
binary="$(swift build --show-bin-path)/policywatch"
if [ $# -eq 0 ]; then set -- log; fi
echo "== policywatch $* --store Snapshots"
exec "$binary" "$@" --store Snapshots
