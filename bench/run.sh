#!/usr/bin/env bash
# Benchmark in one run: a bare libpcap read loop, sipconn-audit, tshark -Y sip, and tshark -2 -Y
# sip without and with the plugin (as the issue states it, and with -T fields, which makes
# tshark build the whole visible tree, so the plugin draws too), on the same capture; prints CPU
# and wall times (best of BENCH_RUNS, default 7), peak RSS and ratios of CPU times. CPU time on
# a shared machine varies by 10% from run to run, so the plugin's overhead is also counted in
# instructions (callgrind, deterministic) on the first BENCH_INSN_PACKETS packets (default
# 15000; 0 skips it).
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
runs=${BENCH_RUNS:-7}
# One run of a command: keeps, in $tmp/NAME, the least CPU time (user+sys) seen so far with its
# wall time and the largest peak RSS (a shared machine only ever slows a run down; CPU time is
# what the program costs, wall time also counts waiting).
run_once() { # name, command...
  local name=$1; shift
  local u s e kb best=999999 wall=0 peak=0
  /usr/bin/time -f "%U %S %e %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; return 1; }
  read -r u s e kb <"$tmp/t"
  [ -f "$tmp/$name" ] && read -r best wall peak <"$tmp/$name"
  awk -v u="$u" -v s="$s" -v e="$e" -v kb="$kb" -v b="$best" -v w="$wall" -v p="$peak" \
    'BEGIN { c = u + s; if (c < b) { b = c; w = e } if (kb > p) p = kb; print b, w, p }' >"$tmp/$name"
}
show() { read -r c w p <"$tmp/$1"; printf '%-28s %8.2f s CPU %8.2f s wall %9d KB\n' "$1" "$c" "$w" "$p"; }
# The commands compared by a ratio run in turn, $runs times, so that a slow spell of the machine
# hits both alike.
ts_plain=("${as_user[@]}" HOME="$tmp" WIRESHARK_PLUGIN_DIR="$tmp/empty" tshark)
ts_plugin=("${as_user[@]}" HOME="$tmp" WIRESHARK_PLUGIN_DIR="$tmp/p" tshark)
echo "capture: $(stat -c %s "$cap") bytes, best of $runs runs each"
for _ in $(seq "$runs"); do
  run_once pcap_loop "$build/bench/pcap_loop" "$cap"
  run_once sipconn-audit "$build/analyzer/sipconn-audit" --fail-on never --format json -o /dev/null "$cap"
  run_once tshark-sip "${ts_plain[@]}" -r "$cap" -Y sip -T fields -e frame.number
  run_once tshark-2-sip "${ts_plain[@]}" -2 -r "$cap" -Y sip
  run_once tshark-2-sip-fields "${ts_plain[@]}" -2 -r "$cap" -Y sip -T fields -e frame.number
  if [ -f "$tmp/p/4.0/epan/sipconn.so" ]; then
    run_once tshark-2-sip+plugin "${ts_plugin[@]}" -2 -r "$cap" -Y sip
    run_once tshark-2-sip-fields+plugin "${ts_plugin[@]}" -2 -r "$cap" -Y sip -T fields -e frame.number
  fi
done
for n in pcap_loop sipconn-audit tshark-sip tshark-2-sip tshark-2-sip+plugin tshark-2-sip-fields \
  tshark-2-sip-fields+plugin; do
  [ -f "$tmp/$n" ] && show "$n"
done
ratio() { awk -v a="$(cut -d' ' -f1 "$tmp/$1")" -v b="$(cut -d' ' -f1 "$tmp/$2")" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a (below the 10 ms resolution)" }'; }
echo "sipconn-audit / pcap_loop CPU time:    $(ratio sipconn-audit pcap_loop)"
echo "sipconn-audit / tshark -Y sip CPU time:$(ratio sipconn-audit tshark-sip)"
if [ -f "$tmp/tshark-2-sip+plugin" ]; then
  echo "tshark -2 -Y sip with plugin / without CPU time:           $(ratio tshark-2-sip+plugin tshark-2-sip)"
  echo "tshark -2 -Y sip -T fields with plugin / without CPU time: $(ratio tshark-2-sip-fields+plugin tshark-2-sip-fields)"
fi
# Instructions: the same two tshark commands under callgrind on the first packets, less the
# instructions of starting up on an empty capture (the same with and without the plugin).
insn_packets=${BENCH_INSN_PACKETS:-15000}
if [ -f "$tmp/p/4.0/epan/sipconn.so" ] && [ "$insn_packets" -gt 0 ] && command -v valgrind >/dev/null; then
  editcap -r "$cap" "$tmp/head.pcap" "1-$insn_packets" >/dev/null
  editcap -r "$cap" "$tmp/none.pcap" 0 >/dev/null 2>&1 || true
  chmod a+r "$tmp"/*.pcap
  mkdir -p "$tmp/cg" && chmod 777 "$tmp/cg" # callgrind writes as the unprivileged user
  insn() { # label, plugin dir, capture, tshark args...
    local label=$1 dir=$2 file=$3; shift 3
    "${as_user[@]}" HOME="$tmp" WIRESHARK_PLUGIN_DIR="$dir" valgrind --tool=callgrind \
      --callgrind-out-file="$tmp/cg/$label.out" tshark -2 -r "$file" "$@" >/dev/null 2>"$tmp/$label.cg"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/$label.cg" >"$tmp/$label.insn"
  }
  insn start "$tmp/empty" "$tmp/none.pcap" -Y sip &
  insn start+plugin "$tmp/p" "$tmp/none.pcap" -Y sip &
  wait
  insn sip "$tmp/empty" "$tmp/head.pcap" -Y sip &
  insn sip+plugin "$tmp/p" "$tmp/head.pcap" -Y sip &
  wait
  insn fields "$tmp/empty" "$tmp/head.pcap" -Y sip -T fields -e frame.number &
  insn fields+plugin "$tmp/p" "$tmp/head.pcap" -Y sip -T fields -e frame.number &
  wait
  insn_ratio() { awk -v a="$(cat "$tmp/$1.insn")" -v b="$(cat "$tmp/$2.insn")" \
    -v sa="$(cat "$tmp/start+plugin.insn")" -v sb="$(cat "$tmp/start.insn")" \
    'BEGIN { printf "%.3f (%.0f M vs %.0f M instructions after start-up)", (a - sa) / (b - sb), (a - sa) / 1e6, (b - sb) / 1e6 }'; }
  echo "instructions, first $insn_packets packets, callgrind:"
  echo "  tshark -2 -Y sip with plugin / without:           $(insn_ratio sip+plugin sip)"
  echo "  tshark -2 -Y sip -T fields with plugin / without: $(insn_ratio fields+plugin fields)"
fi
exit 0
