#!/usr/bin/env bash
# Scripts/test.sh [swift test ARGUMENTS…] — the test command, on a fresh Debian machine with Swift too: installs what
# the tests need (Scripts/install-dependencies.sh test), then runs `swift test` (with the arguments given, e.g.
# `--filter Viewer`). .ci/run runs exactly this command.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

Scripts/install-dependencies.sh test
swift --version
swift test "$@"
