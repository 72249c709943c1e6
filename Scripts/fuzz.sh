#!/usr/bin/env bash
# Scripts/fuzz.sh [html|css|dates|declarations|config|mime|all] [SECONDS] — libFuzzer (with AddressSanitizer)
# targets for the extractor and the other readers of outside input.
#
#   html   PageExtractor.extract(bytes:httpCharset:select:remove:) on arbitrary bytes; byte 0 picks the HTTP charset
#          label (a fixed one, or the next bytes up to a newline) and one of 8 fixed rule sets
#          (select "main, body" / remove ".x", a range, XPath rules…)           — Scripts/fuzz/FuzzHTML.swift
#   css    CSSSelector.xpath(for:) and relativeXPath(for:); accepted selectors are evaluated by libxml2 on a fixed
#          page and used as remove/select rules of PageExtractor                 — Scripts/fuzz/FuzzCSS.swift
#   dates  DeclaredDateParser.find(in:language:) on text and on clauses         — Scripts/fuzz/FuzzDates.swift
#   declarations  DeclarationLoader on a <Service>.json (with its .history.json) or a replay declaration.json
#                                                                                — Scripts/fuzz/FuzzDeclarations.swift
#   config PolicyWatchConfig.parse and loadLocations; no problem ever shows a secret — Scripts/fuzz/FuzzConfig.swift
#   mime   MIMEMessage.build: 7-bit, CRLF, line lengths, no header injection, parts decode back
#                                                                                — Scripts/fuzz/FuzzMIME.swift
#
# Each harness is compiled with swiftc directly, in one module with the library sources it needs
# (`-module-name PolicyWatch`, so internal API is reachable), with `-sanitize=fuzzer,address`; the C shims are compiled
# with clang. Build products, the growing corpora and crash files go to .fuzz/<target>/ (gitignored); the seeds in
# Scripts/fuzz/seeds/<target>/ (small texts written for this) and the dictionaries Scripts/fuzz/<target>.dict are
# read only. Each target runs SECONDS seconds (default 60; `-max_total_time`, one input at most 10 s), one after
# another. Extra libFuzzer flags: FUZZ_ARGS="-runs=10000000 …" (a number of executions instead of a time: give a
# large SECONDS too). declarations, config and mime are compiled with the whole library, and swift-log (from
# SwiftPM's checkout, `swift package resolve`) as a module of its own. Exit status 1 if a target found a crash, 2
# if it could not be built (e.g. no libFuzzer). FUZZ_BUILD_ONLY=1 builds the targets and runs none.
set -uo pipefail

target="${1:-all}"
seconds="${2:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/.fuzz"
here="$root/Scripts/fuzz"
# The library's stages (one SwiftPM target each) are compiled here as one module, from copies whose
# `import PolicyWatch…` lines are dropped (see build()).
stages=(Support Text Diff DataUse Fetch CSS Declarations PDF Extract Store View Alerts Config Check)

case "$target" in
  html | css | dates | declarations | config | mime) targets=("$target") ;;
  all) targets=(html css dates declarations config mime) ;;
  *)
    echo "usage: Scripts/fuzz.sh [html|css|dates|declarations|config|mime|all] [SECONDS]" >&2
    exit 64
    ;;
esac
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "fuzz.sh: SECONDS must be a positive integer, not '$seconds'" >&2
  exit 64
fi

# --- toolchain checks: say clearly what is missing.
for tool in swiftc clang pkg-config; do
  if ! command -v "$tool" >/dev/null; then
    echo "fuzz.sh: $tool is not available; libFuzzer targets cannot be built." >&2
    exit 2
  fi
done
if ! pkg-config --exists libxml-2.0 libcurl libcrypto libzstd zlib libexttextcat poppler-glib; then
  echo "fuzz.sh: pkg-config cannot find libxml-2.0, libcurl, libcrypto, libzstd, zlib and libexttextcat (Scripts/install-dependencies.sh)." >&2
  exit 2
fi
probe="$out/probe.$$"
mkdir -p "$probe"
printf '@_cdecl("LLVMFuzzerTestOneInput") public func f(_ d: UnsafePointer<UInt8>, _ n: Int) -> CInt { 0 }\n' \
  >"$probe/probe.swift"
if ! swiftc -parse-as-library -sanitize=fuzzer,address -use-ld=lld "$probe/probe.swift" -o "$probe/probe" \
  >"$probe/log" 2>&1; then
  echo "fuzz.sh: this Swift toolchain cannot build libFuzzer targets (swiftc -sanitize=fuzzer,address failed):" >&2
  sed 's/^/  /' "$probe/log" >&2
  echo "  libFuzzer (libclang_rt.fuzzer) and ASan come with the swift.org Linux toolchains; Xcode's does not ship it." >&2
  exit 2
fi
rm -rf "$probe"

# The library sources each harness is compiled with: the smallest set that compiles, named file by file so a new
# file elsewhere in Extract/ (which may need other stages) does not break the build. If that set no longer
# compiles (PageExtractor gained a dependency), build() falls back to the whole library.
sources_for() {
  local lib="$1" name="$2"
  case "$name" in
    dates) echo "$lib"/Text/*.swift ;;
    html | css)
      echo "$lib"/Extract/PageExtractor.swift "$lib"/Extract/Charset.swift "$lib"/Extract/ClauseBuilder.swift \
        "$lib"/Extract/ScriptStripper.swift "$lib"/Extract/AttributePruning.swift "$lib"/Extract/HTMLDocument.swift \
        "$lib"/Extract/CSSFastMatcher.swift "$lib"/Support/*.swift "$lib"/CSS/*.swift "$lib"/Text/*.swift \
        "$lib"/Declarations/Declaration.swift
      ;;
    *) find "$lib" -name '*.swift' | sort | tr '\n' ' ' ;;
  esac
}
harness_for() {
  case "$1" in
    html) echo "$here/FuzzHTML.swift" ;;
    css) echo "$here/FuzzCSS.swift" ;;
    dates) echo "$here/FuzzDates.swift" ;;
    declarations) echo "$here/FuzzDeclarations.swift" ;;
    config) echo "$here/FuzzConfig.swift" ;;
    mime) echo "$here/FuzzMIME.swift" ;;
  esac
}
max_len_for() {
  case "$1" in
    html) echo 65536 ;;
    css) echo 1024 ;;
    dates) echo 4096 ;;
    declarations | config) echo 8192 ;;
    mime) echo 8192 ;;
  esac
}

build() {
  local name="$1" dir="$out/$1"
  mkdir -p "$dir/modules"
  local c_flags=()
  link_flags=()
  swift_c=()
  # zlib: the C shims hold the gzip reader of older stores' objects; libexttextcat: LanguageIdentifier.
  read -r -a c_flags <<<"$(pkg-config --cflags libxml-2.0 libcurl libcrypto libzstd libexttextcat poppler-glib)"
  read -r -a link_flags <<<"$(pkg-config --libs libxml-2.0 libcurl libcrypto libzstd zlib libexttextcat poppler-glib)"
  for flag in "${c_flags[@]}"; do swift_c+=(-Xcc "$flag"); done
  # SwiftPM generates the module maps of the C shim targets; outside SwiftPM we write the same ones.
  : >"$dir/modules/module.modulemap"
  objects=()
  local shim
  for shim in CCurlShims CLibXML2Shims CZlibShims; do
    local header
    header="$(ls "$root/Sources/$shim/include/"*.h)"
    printf 'module %s {\n  umbrella header "%s"\n  export *\n}\n' "$shim" "$header" >>"$dir/modules/module.modulemap"
    # The C shims and the libxml2 arena (only linked in if a Swift file uses them).
    for c_file in "$root/Sources/$shim"/*.c; do
      local object="$dir/$(basename "$c_file" .c).o"
      clang -c -O1 -g -fsanitize=address "${c_flags[@]}" -I "$root/Sources/$shim/include" "$c_file" -o "$object" \
        || return 1
      objects+=("$object")
    done
  done
  # The stages' sources, flattened into one module: their `import PolicyWatch…` lines name modules that do not
  # exist here.
  local lib="$dir/src"
  rm -rf "$lib"
  local stage
  for stage in "${stages[@]}"; do
    mkdir -p "$lib/$stage"
    while IFS= read -r file; do
      sed -E '/^(@_exported |@testable |package |internal )?import PolicyWatch[A-Za-z]*$/d' "$file" \
        >"$lib/$stage/$(basename "$file")"
    done < <(find "$root/Sources/PolicyWatch$stage" -name '*.swift')
  done
  # swift-log, for the targets built with the whole library: its own module, compiled here with ASan.
  logging=()
  case "$name" in
    declarations | config | mime)
      local checkout="$root/.build/checkouts/swift-log/Sources/Logging"
      [ -d "$checkout" ] || (cd "$root" && swift package resolve >/dev/null) || return 1
      swiftc -swift-version 5 -O -sanitize=address -parse-as-library -module-name Logging -package-name swift_log \
        -emit-library -static \
        -emit-module -emit-module-path "$dir/modules/Logging.swiftmodule" -module-cache-path "$dir/module-cache" \
        $(find "$checkout" -name '*.swift' | sort) -o "$dir/libLogging.a" || return 1
      logging=(-I "$dir/modules" "$dir/libLogging.a")
      ;;
  esac
  local sources
  read -r -a sources <<<"$(sources_for "$lib" "$name")"
  compile "$name" "${sources[@]}" && return 0
  echo "fuzz.sh: the minimal source set for $name no longer compiles; retrying with the whole library." >&2
  local all=()
  while IFS= read -r file; do all+=("$file"); done < <(find "$lib" -name '*.swift' | sort)
  compile "$name" "${all[@]}"
}

# compile NAME SOURCE… — the harness and the given library sources, with the C shims and libraries.
compile() {
  local name="$1" dir="$out/$1"
  shift
  # lld: gold prints a warning per ASan helper symbol ("Cannot export local symbol").
  swiftc -swift-version 6 -O -g -sanitize=fuzzer,address -use-ld=lld -parse-as-library -module-name PolicyWatch \
    -package-name policywatch \
    -I "$root/Sources/CLibXML2" -I "$root/Sources/CCurl" -I "$root/Sources/CCrypto" -I "$root/Sources/CZstd" \
    -I "$root/Sources/CExtTextCat" -I "$root/Sources/CZlib" -I "$root/Sources/CPoppler" \
    -I "$root/Sources/CCurlShims/include" -I "$root/Sources/CLibXML2Shims/include" -I "$root/Sources/CZlibShims/include" \
    -Xcc -fmodule-map-file="$dir/modules/module.modulemap" "${swift_c[@]}" "${logging[@]}" \
    "$(harness_for "$name")" "$@" "${objects[@]}" "${link_flags[@]}" \
    -module-cache-path "$dir/module-cache" -o "$dir/fuzz-$name"
}

status=0
summary=()
for name in "${targets[@]}"; do
  dir="$out/$name"
  echo "== $name: building $dir/fuzz-$name"
  if ! build "$name"; then
    echo "fuzz.sh: building the $name target failed (see above)." >&2
    summary+=("$name: BUILD FAILED")
    status=2
    continue
  fi
  if [ -n "${FUZZ_BUILD_ONLY:-}" ]; then
    summary+=("$name: built ($dir/fuzz-$name)")
    continue
  fi
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp -n "$here/seeds/$name"/* "$dir/corpus/" 2>/dev/null || true
  dict=()
  [ -f "$here/$name.dict" ] && dict=(-dict="$here/$name.dict")
  extra=()
  read -r -a extra <<<"${FUZZ_ARGS:-}"
  echo "== $name: fuzzing for $seconds s (log: $dir/fuzz.log)"
  # ASan: libxml2 and the Swift runtime keep process-lifetime caches, so leak detection is off (a leak is not
  # what these targets look for, and libFuzzer's -detect_leaks would stop on the runtime's first cache).
  # The Swift runtime's own crash handler is off: under ASan it reports a bogus heap-buffer-overflow in its memory
  # server instead of the trap; without it libFuzzer prints the trap's stack (file:line of the failed check).
  # libxml2 stays on malloc (POLICYWATCH_XML_ARENA=0), so ASan sees every one of its allocations.
  POLICYWATCH_XML_ARENA=0 SWIFT_BACKTRACE="enable=no" ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" timeout --kill-after=30 $((seconds + 120)) \
    "$dir/fuzz-$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len_for "$name")" \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "${dict[@]}" "${extra[@]}" \
    "$dir/corpus" >"$dir/fuzz.log" 2>&1
  code=$?
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/fuzz.log" | tail -1 | grep -o '[0-9]*$')"
  if [ -z "$runs" ]; then runs="$(grep -oE '^#[0-9]+' "$dir/fuzz.log" | tail -1 | tr -d '#')"; fi
  crash="$(grep -o 'Test unit written to .*' "$dir/fuzz.log" | sed 's/Test unit written to //' | tail -1)"
  corpus="$(find "$dir/corpus" -type f | wc -l)"
  if [ -n "$crash" ] || [ "$code" -ne 0 ]; then
    status=1
    echo "== $name: FOUND A PROBLEM after ${runs:-?} executions (exit $code): ${crash:-no crash file}"
    grep -E 'ERROR:|Fatal error|SUMMARY|deadly signal|timeout|out-of-memory|#[0-9]+ 0x' "$dir/fuzz.log" | head -30
    [ -n "$crash" ] && echo "   reproduce: $dir/fuzz-$name $crash    minimise: $dir/fuzz-$name -minimize_crash=1 \
-runs=10000 -exact_artifact_path=$dir/artifacts/minimised $crash"
    summary+=("$name: ${runs:-?} executions, corpus $corpus inputs, CRASH ${crash:-(exit $code, see $dir/fuzz.log)}")
  else
    echo "== $name: ${runs:-?} executions in $seconds s, corpus $corpus inputs, no crash"
    summary+=("$name: ${runs:-?} executions, corpus $corpus inputs, no crash")
  fi
done
echo "== summary"
printf '  %s\n' "${summary[@]}"
exit "$status"
