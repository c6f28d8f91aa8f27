#!/usr/bin/env bash
# Long fuzzing runs: each harness until RUNS executions (default 10 million) or HOURS hours,
# one after the other, from the seeds cut out of samples/ plus the corpus the earlier runs grew
# (kept in tests/fuzz/corpus/, not committed). Prints, per harness, the executions, coverage
# (edges, features), corpus size, time and crashes; crash inputs are kept under
# tests/fuzz/crashes/ to be fixed and turned into regression inputs (tests/fuzz/regressions/).
#   tests/fuzz/long_run.sh [RUNS] [HOURS]          (needs: CC=clang, see tests/fuzz/README.md)
# HARNESSES="stun tls" runs only those (several scripts may run side by side, one per core).
# RUN_TAG=2 names the logs HARNESS-2.log: a second process of the same harness on the same
# corpus (libFuzzer reloads what the other finds); the executions of both count.
set -uo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10000000}
hours=${2:-2}
scripts/deps.sh test
CC=clang cmake -S . -B build-fuzz -DSIPCONN_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_sip_message fuzz_stun fuzz_tls fuzz_tcp_stream \
  fuzz_pcap >/dev/null || exit 2
seeds=$(mktemp -d); trap 'rm -rf "$seeds"' EXIT
python3 tests/fuzz/make_seeds.py samples "$seeds" >/dev/null
mkdir -p tests/fuzz/corpus tests/fuzz/crashes build-fuzz/logs
printf '%-12s %12s %8s %8s %8s %9s %8s\n' harness executions edges features corpus seconds crashes
for h in ${HARNESSES:-sip_message stun tls tcp_stream pcap}; do
  mkdir -p "tests/fuzz/corpus/$h"
  start=$(date +%s)
  build-fuzz/tests/fuzz/fuzz_$h -runs="$runs" -max_total_time="$(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }')" -print_final_stats=1 \
    -artifact_prefix="tests/fuzz/crashes/$h-" "tests/fuzz/corpus/$h" "$seeds/$h" \
    >"build-fuzz/logs/$h${RUN_TAG:+-$RUN_TAG}.log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  log=build-fuzz/logs/$h${RUN_TAG:+-$RUN_TAG}.log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  edges=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
  crashes=$(ls tests/fuzz/crashes 2>/dev/null | grep -c "^$h-" || true)
  printf '%-12s %12s %8s %8s %8s %9s %8s%s\n' "$h" "${execs:-?}" "${edges:-?}" "${ft:-?}" \
    "${corp:-?}" "$secs" "$crashes" "$([ $rc -ne 0 ] && echo "  (exit $rc, see $log)")"
done
