#!/usr/bin/env bash
# Benchmark in one run: a bare libpcap read loop, sipconn-audit, tshark -Y sip, and tshark -2 -Y
# sip with the plugin, on the same capture; prints CPU and wall times (best of BENCH_RUNS,
# default 3), peak RSS and ratios of CPU times.
#   bench/run.sh [BUILD_DIR] [CAPTURE]     (default: build/, a generated 141k-packet capture)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cap=${2:-}
tmp=$(mktemp -d); chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
if [ -z "$cap" ]; then
  cap=$tmp/bench.pcap
  python3 bench/make_capture.py "$cap"
fi
cp "$cap" "$tmp/in.pcap" 2>/dev/null || true
cap=$tmp/in.pcap
chmod a+r "$cap"
mkdir -p "$tmp/p/4.0/epan"
[ -f "$build/plugin/sipconn.so" ] && cp "$build/plugin/sipconn.so" "$tmp/p/4.0/epan/"
chmod -R a+rX "$tmp"
# tshark as root ignores plugin folders: run it as an ordinary user.
as_user=(env)
[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups env)
runs=${BENCH_RUNS:-3}
measure() { # name, command...  → "name cpu-seconds wall-seconds peak-KB": CPU time (user+sys)
  # of the fastest of $runs runs (a shared machine only ever slows a run down; CPU time is what
  # the program costs, wall time also counts waiting), the largest peak RSS
  local name=$1; shift
  local best="" wall="" peak=0 u s e kb
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%U %S %e %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; return 1; }
    read -r u s e kb <"$tmp/t"
    if [ -z "$best" ] || awk -v a="$u" -v b="$s" -v c="$best" 'BEGIN { exit !(a + b < c) }'; then
      best=$(awk -v a="$u" -v b="$s" 'BEGIN { print a + b }'); wall=$e
    fi
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  printf '%-26s %8.2f s CPU %8.2f s wall %9d KB\n' "$name" "$best" "$wall" "$peak"
  echo "$best $peak" >"$tmp/$name"
}
echo "capture: $(stat -c %s "$cap") bytes"
measure pcap_loop "$build/bench/pcap_loop" "$cap"
measure sipconn-audit "$build/analyzer/sipconn-audit" --fail-on never --format json -o /dev/null "$cap"
measure tshark-sip "${as_user[@]}" HOME="$tmp" WIRESHARK_PLUGIN_DIR="$tmp/empty" tshark -r "$cap" -Y sip -T fields -e frame.number
measure tshark-2-sip "${as_user[@]}" HOME="$tmp" WIRESHARK_PLUGIN_DIR="$tmp/empty" tshark -2 -r "$cap" -Y sip -T fields -e frame.number
if [ -f "$tmp/p/4.0/epan/sipconn.so" ]; then
  measure tshark-2-sip+plugin "${as_user[@]}" HOME="$tmp" WIRESHARK_PLUGIN_DIR="$tmp/p" tshark -2 -r "$cap" -Y sip -T fields -e frame.number
fi
ratio() { awk -v a="$(cut -d' ' -f1 "$tmp/$1")" -v b="$(cut -d' ' -f1 "$tmp/$2")" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a (below the 10 ms resolution)" }'; }
echo "sipconn-audit / pcap_loop CPU time:    $(ratio sipconn-audit pcap_loop)"
echo "sipconn-audit / tshark -Y sip CPU time:$(ratio sipconn-audit tshark-sip)"
[ -f "$tmp/tshark-2-sip+plugin" ] && echo "tshark -2 with plugin / without CPU time: $(ratio tshark-2-sip+plugin tshark-2-sip)"
exit 0
