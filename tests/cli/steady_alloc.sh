#!/usr/bin/env bash
# No heap allocation a packet in the steady state: the benchmark generator's traffic of the same
# 200 UAs (RFC 5626 registrations, STUN and CRLF keep-alives, calls, INVITEs cut in two TCP
# segments, IP fragments) for 30 and for 60 minutes. Once the UAs' state exists, the second half
# hour must cost the audit no allocation a packet: what it may still allocate is its report (the
# extra findings: two allocations each), a new peak of live transactions, and the transaction
# table's occasional rebuild. Bound: one allocation per 100 extra packets (with per-message
# allocations it was one per six).
#   steady_alloc.sh VALGRIND AUDIT SOURCE_DIR
set -euo pipefail
valgrind=$1 audit=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { # name, seconds: prints "packets allocations"
  python3 "$src/bench/make_large_capture.py" "$tmp/$1.pcap" --uas 200 --seconds "$2" 2>"$tmp/$1.gen"
  local packets allocs
  packets=$(sed -n 's/.*: \([0-9]*\) packets.*/\1/p' "$tmp/$1.gen")
  "$valgrind" "$audit" --fail-on never --format json -o /dev/null "$tmp/$1.pcap" 2>"$tmp/$1.vg"
  allocs=$(sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' "$tmp/$1.vg" | tr -d ,)
  [ -n "$packets" ] && [ -n "$allocs" ] || { echo "steady_alloc: no figures for $1" >&2; cat "$tmp/$1.vg" >&2; exit 1; }
  echo "$packets $allocs"
}
read -r p1 a1 < <(run half 1800)
read -r p2 a2 < <(run full 3600)
echo "30 min: $p1 packets, $a1 allocations; 60 min: $p2 packets, $a2 allocations"
awk -v p="$((p2 - p1))" -v a="$((a2 - a1))" 'BEGIN {
  printf "the extra %d packets: %d allocations, %.4f a packet (at most 0.01)\n", p, a, a / p
  exit (p > 0 && a / p < 0.01) ? 0 : 1 }'
