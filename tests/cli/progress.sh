#!/usr/bin/env bash
# The batch progress line: on a terminal it shows bytes, packets and the rate; in a pipe or a
# file nothing at all. (SIPCONN_PROGRESS_AFTER_MS=0 shows it at once instead of after 2 s.)
# Usage: progress.sh AUDIT SOURCE_DIR
set -uo pipefail
audit=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
capture=$tmp/c.pcap
python3 "$src/bench/make_capture.py" "$capture" 3000 100 >/dev/null # 6700 packets
fails=0
export SIPCONN_PROGRESS_AFTER_MS=0
tty_out=$(script -qec "'$audit' --fail-on never --format json -o /dev/null '$capture'" /dev/null | tr '\r' '\n')
if grep -qE '^sipconn-audit: [0-9.]+ of [0-9.]+ MB, [0-9]+ packets, [0-9.]+ MB/s, ETA [0-9]+ s' <<<"$tty_out"; then
  echo "ok   progress line on a terminal"
else
  echo "FAIL progress line on a terminal: got '$tty_out'"; fails=$((fails + 1))
fi
piped=$("$audit" --fail-on never --format json -o /dev/null "$capture" 2>&1 >/dev/null | cat)
if [ -z "$piped" ]; then
  echo "ok   nothing on stderr in a pipe"
else
  echo "FAIL stderr in a pipe: '$piped'"; fails=$((fails + 1))
fi
exit $fails
