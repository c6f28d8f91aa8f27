#!/usr/bin/env bash
# Builds sipconn-audit if needed and audits every bundled sample (text report).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
if [ ! -x build/analyzer/sipconn-audit ]; then
  cmake -S . -B build >/dev/null
  cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target sipconn-audit >/dev/null
fi
# Findings are the point here, not a failure: report them and exit 0 unless input was unreadable.
build/analyzer/sipconn-audit --fail-on never "$@" samples/
