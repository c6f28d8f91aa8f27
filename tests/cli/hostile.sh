#!/usr/bin/env bash
# Hostile state (tests/fuzz/make_hostile.py): a million half-open connections (at once, and one
# a millisecond, when they must expire on time rather than be evicted), Content-Length
# 4294967295, a header that never ends, fragments that never complete, 20 000 connections on one
# port pair. Each capture at full and at half size: no crash, peak RSS under 256 MB, time linear
# in size (full / half CPU time at most 3, the slack of a shared machine), and what the caps
# dropped reported as counts in the JSON.
# Usage: hostile.sh AUDIT SOURCE_DIR [ASAN_AUDIT]
set -uo pipefail
audit=$1; src=$2; asan=${3:-}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 "$src/tests/fuzz/make_hostile.py" "$tmp/full" 1.0
python3 "$src/tests/fuzz/make_hostile.py" "$tmp/half" 0.5
fails=0
check() { # description, condition...
  local what=$1; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}
count() { # json file, capture count name
  python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['files'][0]['capture'][sys.argv[2]])" "$1" "$2"
}
for c in synflood synslow cl_huge endless fragments portpair; do
  for size in full half; do
    /usr/bin/time -f "%U %S %M" -o "$tmp/$c-$size.time" "$audit" --fail-on never --format json \
      -o "$tmp/$c-$size.json" "$tmp/$size/$c.pcap" 2>"$tmp/$c-$size.err"
    echo $? >"$tmp/$c-$size.rc"
  done
  read -r u s kb <"$tmp/$c-full.time"
  read -r hu hs hkb <"$tmp/$c-half.time"
  echo "     $c: $(stat -c %s "$tmp/full/$c.pcap") bytes, ${u}+${s} s CPU (half: ${hu}+${hs} s), peak $((kb / 1024)) MB"
  check "$c: audited (exit 0)" [ "$(cat "$tmp/$c-full.rc")" -eq 0 ]
  check "$c: peak RSS under 256 MB" [ "$kb" -lt $((256 * 1024)) ]
  check "$c: time linear in size" awk -v a="$u" -v b="$s" -v c="$hu" -v d="$hs" \
    'BEGIN { exit !((a + b) <= 3 * (c + d) + 0.2) }'
done
check "synflood: the evicted half-open connections are counted" \
  [ "$(count "$tmp/synflood-full.json" tcp_connections_evicted)" -gt 0 ]
check "synflood: every SYN was a connection" \
  [ "$(count "$tmp/synflood-full.json" tcp_connections)" -eq 1000000 ]
# synslow: 60 s of SYNs (60 000) is the most live at once, under the 200 000 cap, if the sweeps
# end the expired ones.
check "synslow: half-open connections expire after 60 s, none evicted" \
  [ "$(count "$tmp/synslow-full.json" tcp_connections_evicted)" -eq 0 ]
check "synslow: every SYN was a connection" \
  [ "$(count "$tmp/synslow-full.json" tcp_connections)" -eq 400000 ]
check "fragments: the datagrams never completed are counted" \
  [ "$(( $(count "$tmp/fragments-full.json" fragments_evicted) + $(count "$tmp/fragments-full.json" fragments_expired) ))" -gt 0 ]
# The bytes the framer had to skip: of the 14 000 chunks of 1400 bytes after the headers
# (cl_huge: the body it would not wait for; endless: the header line and its start line), all
# but what may still be held (less than 64 KiB) when the capture ends, and no more than was sent.
skipped_between() { # json, low, high
  local n; n=$(count "$1" stream_bytes_skipped); [ "$n" -ge "$2" ] && [ "$n" -le "$3" ]
}
check "cl_huge: the skipped body is counted" \
  skipped_between "$tmp/cl_huge-full.json" $((14000 * 1400 - 65536)) $((14000 * 1400 + 200))
check "endless: the skipped header is counted" \
  skipped_between "$tmp/endless-full.json" $((14000 * 1400 - 65536)) $((14000 * 1400 + 45))
check "portpair: nothing skipped on well-framed streams" \
  [ "$(count "$tmp/portpair-full.json" stream_bytes_skipped)" -eq 0 ]
check "portpair: 20000 connections told apart" \
  [ "$(count "$tmp/portpair-full.json" tcp_connections)" -eq 20000 ]
if [ -n "$asan" ]; then
  python3 "$src/tests/fuzz/make_hostile.py" "$tmp/small" 0.02
  for c in synflood synslow cl_huge endless fragments portpair; do
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 "$asan" --fail-on never --format json \
      -o /dev/null "$tmp/small/$c.pcap" 2>"$tmp/$c-asan.err"
    check "$c: ASan+UBSan clean at 2% size" [ $? -eq 0 ]
  done
fi
exit $fails
