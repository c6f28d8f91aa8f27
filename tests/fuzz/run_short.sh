#!/usr/bin/env bash
# A short libFuzzer run of one harness under ASan+UBSan, for the test suite: first every kept
# regression input (tests/fuzz/regressions/HARNESS/, inputs that once crashed), then SECONDS of
# fuzzing from the seeds cut out of samples/. Fails on any crash, leak, hang or sanitizer report.
#   run_short.sh HARNESS_BINARY SAMPLES_DIR SECONDS
set -uo pipefail
bin=$1; samples=$2; seconds=$3
h=$(basename "$bin"); h=${h#fuzz_}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 "$here/make_seeds.py" "$samples" "$tmp/seeds" >/dev/null
mkdir -p "$tmp/corpus" "$tmp/seeds/$h"
if [ -d "$here/regressions/$h" ] && [ -n "$(ls "$here/regressions/$h")" ]; then
  "$bin" -runs=0 "$here/regressions/$h"/* >"$tmp/regressions.log" 2>&1 ||
    { tail -40 "$tmp/regressions.log"; echo "FAIL a regression input of $h crashes again"; exit 1; }
  echo "ok   $(ls "$here/regressions/$h" | wc -l) regression inputs of $h"
fi
# What it finds is kept in the working directory (fuzz-HARNESS-crash-..., -timeout-, -oom-).
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$PWD/fuzz-$h-" "$tmp/corpus" "$tmp/seeds/$h" >"$tmp/run.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
  tail -60 "$tmp/run.log"
  for f in "$PWD/fuzz-$h-"*; do
    [ -f "$f" ] && echo "input $(basename "$f"): $(base64 -w0 "$f" | head -c 4000)"
  done
  echo "FAIL fuzz_$h: exit $rc"
  exit 1
fi
echo "ok   fuzz_$h: $(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/run.log") executions in ${seconds}s, $(grep -E '^#[0-9]+' "$tmp/run.log" | tail -1 | sed -n 's/.*\(cov: [0-9]*\).*/\1 edges/p'), no crash"
