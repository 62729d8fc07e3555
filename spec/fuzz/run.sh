#!/bin/sh
# Build the libFuzzer targets (clang, ASan + UBSan) and run each one.
# Usage, from the project root (the Makefile's fuzz-smoke and fuzz targets):
#   spec/fuzz/run.sh smoke [seconds]  each target for `seconds` (30) from a temporary
#                                     copy of spec/fuzz/corpus/<target>; the repository
#                                     is not written to
#   spec/fuzz/run.sh long [seconds]   each target for `seconds` (600), growing
#                                     $FUZZ_BUILD/corpus/<target> (seeded from the
#                                     committed corpus)
# Exits 1 when any target finds a crash, leak, timeout or sanitizer report;
# the input is then in $FUZZ_BUILD/artifacts/<target>/. Prints one line per
# target: executions, exec/s, coverage (cov = edges, ft = features).
set -eu
mode=${1:-smoke}
case "$mode" in
smoke) secs=${2:-30} ;;
long) secs=${2:-600} ;;
*) echo "usage: $0 smoke|long [seconds]" >&2; exit 2 ;;
esac
BUILD=${FUZZ_BUILD:-build-fuzz}
JOBS=${JOBS:-2}
TARGETS="fuzz_lua_request fuzz_json_response fuzz_sigv4"
here=$(cd "$(dirname "$0")" && pwd)

mkdir -p "$BUILD"
cmake -S . -B "$BUILD" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSMK_FUZZ=ON -DSMK_SANITIZE=ON -DSMK_BUILD_TESTS=OFF >"$BUILD/configure.log" 2>&1 ||
  { cat "$BUILD/configure.log"; exit 1; }
cmake --build "$BUILD" --target fuzzers -j"$JOBS" >"$BUILD/build.log" 2>&1 ||
  { cat "$BUILD/build.log"; exit 1; }

export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
status=0
for t in $TARGETS; do
  case "$t" in
  fuzz_json_response) opts="-max_len=8192 -dict=$here/fuzz_json_response.dict" ;;
  *) opts="-max_len=4096" ;;
  esac
  art="$BUILD/artifacts/$t"
  mkdir -p "$art"
  if [ "$mode" = smoke ]; then
    work=$(mktemp -d)
    cp "$here/corpus/$t/"* "$work/"
  else
    work="$BUILD/corpus/$t"
    mkdir -p "$work"
    cp -n "$here/corpus/$t/"* "$work/" 2>/dev/null || true
  fi
  log="$BUILD/$t.log"
  rc=0
  # shellcheck disable=SC2086
  nice -n 10 "$BUILD/$t" $opts -max_total_time="$secs" -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$art/" "$work" >"$log" 2>&1 || rc=$?
  [ "$mode" = smoke ] && rm -rf "$work"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
  if [ "$rc" -eq 0 ]; then
    echo "$t: ${runs:-?} runs in ${secs}s, ${speed:-?} exec/s, ${cov:-no coverage line}: ok"
  else
    status=1
    echo "$t: FAILED (exit $rc) after ${runs:-?} runs; input in $art/, log $log:"
    grep -E 'ERROR|invariant|runtime error|SUMMARY' "$log" | head -n 5
  fi
done
exit $status
