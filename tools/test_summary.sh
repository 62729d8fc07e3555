#!/bin/sh
# Sum the per-suite results printed during `make test` into the closing line.
# Suites print "[name: ]N passed, M failed[, K skipped]"; busted prints TAP.
# Exit status 1 when anything failed or nothing ran.
# Usage: tools/test_summary.sh LOG...
set -eu
awk '
  /^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$/ {
    line = $0; sub(/^[A-Za-z0-9_-]+: /, "", line)
    n = split(line, w, /[ ,]+/)
    p += w[1]; f += w[3]; if (n >= 5) s += w[5]
    next
  }
  /^ok [0-9]+/ { if ($0 ~ /# SKIP/) s++; else p++ }
  /^not ok [0-9]+/ { f++ }
  END {
    if (s > 0) printf "%d passed, %d failed, %d skipped\n", p, f, s
    else printf "%d passed, %d failed\n", p, f
    exit (f > 0 || p == 0) ? 1 : 0
  }' "$@"
