#!/usr/bin/env bash
# --ring: a capture cut into a file set (as dumpcap -b does, here editcap -c) and read as one
# gives the findings and connections of the uncut file, frames numbered on across the files;
# read as separate files, the cuts lose what spans them.
# Usage: ring.sh AUDIT SAMPLES_DIR
set -uo pipefail
audit=$1; samples=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
summary() { # JSON on stdin → findings (rule and frames) and connections, one per line
  python3 -c '
import json, sys
d = json.load(sys.stdin)
for f in d["files"]:
    for x in f["findings"]:
        print("finding", x["rule"], x["frames"])
    for c in f["connections"]:
        print("connection", c["id"], c["transport"], c["initiator"], c["class"], c["messages"], c["end"])
'
}
for name in lab/tcp-nat lab/outbound-tcp lab/outbound-udp synthetic/tcp-reassembly; do
  base=$(basename "$name")
  mkdir -p "$tmp/$base"
  # Cuts every 7 packets: mid-connection, mid-message for tcp-reassembly.
  editcap -c 7 "$samples/$name.pcap" "$tmp/$base/part.pcap" >/dev/null
  parts=$(ls "$tmp/$base" | wc -l)
  "$audit" --format json --fail-on never "$samples/$name.pcap" | summary >"$tmp/$base.whole"
  "$audit" --format json --fail-on never --ring "$tmp/$base"/part_*.pcap | summary >"$tmp/$base.ring"
  "$audit" --format json --fail-on never "$tmp/$base"/part_*.pcap | summary >"$tmp/$base.apart"
  if [ "$parts" -gt 1 ] && cmp -s "$tmp/$base.whole" "$tmp/$base.ring"; then
    echo "ok   $name in $parts files with --ring: the findings and connections of the whole"
  else
    echo "FAIL $name with --ring ($parts files):"; diff "$tmp/$base.whole" "$tmp/$base.ring" | head -5
    fails=$((fails + 1))
  fi
  if cmp -s "$tmp/$base.whole" "$tmp/$base.apart"; then
    echo "FAIL $name read as separate files gives the same: the test proves nothing"
    fails=$((fails + 1))
  fi
done
# The JSON names the parts and the frame each starts at.
"$audit" --format json --fail-on never --ring "$tmp/tcp-nat"/part_*.pcap >"$tmp/ring.json"
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ring = d["files"][0]["ring"]
assert len(d["files"]) == 1 and [r["first_frame"] for r in ring] == list(range(1, 7 * len(ring), 7)), ring
' "$tmp/ring.json"; then
  echo "ok   one file entry, its parts starting at frames 1, 8, 15, ..."
else
  echo "FAIL the ring's parts in the JSON"; fails=$((fails + 1))
fi
exit $fails
