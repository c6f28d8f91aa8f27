#!/usr/bin/env bash
# The README's recipe for an archive: GNU parallel runs one audit per file on two workers, the
# NDJSON outputs concatenate into one stream, jq sums it up. The stream must hold exactly the
# lines one audit over all the files writes, and jq's counts must match them.
# Usage: parallel.sh AUDIT SAMPLES_DIR
set -uo pipefail
audit=$1; samples=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
find "$samples" -name '*.pcap' -o -name '*.pcapng' | sort >"$tmp/files"
parallel --will-cite -j2 --halt never "$audit" --format ndjson --fail-on never {} <"$tmp/files" >"$tmp/parallel.ndjson"
# shellcheck disable=SC2046
"$audit" --format ndjson --fail-on never $(cat "$tmp/files") >"$tmp/single.ndjson"
if cmp -s <(sort "$tmp/parallel.ndjson") <(sort "$tmp/single.ndjson"); then
  echo "ok   two workers give the lines of one run ($(wc -l <"$tmp/single.ndjson") lines)"
else
  echo "FAIL two workers differ from one run"; fails=$((fails + 1))
fi
want=$(grep -c '"type": "finding"' "$tmp/single.ndjson")
got=$(jq -s 'map(select(.type == "finding")) | length' "$tmp/parallel.ndjson")
files=$(jq -s 'map(select(.type == "file")) | length' "$tmp/parallel.ndjson")
if [ "$got" = "$want" ] && [ "$files" = "$(wc -l <"$tmp/files")" ]; then
  echo "ok   jq counts $got findings in $files files"
else
  echo "FAIL jq counts $got findings in $files files, want $want in $(wc -l <"$tmp/files")"; fails=$((fails + 1))
fi
exit $fails
