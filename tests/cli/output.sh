#!/usr/bin/env bash
# -o FILE: a new or regular file is replaced whole; a path that is not a regular file (a FIFO,
# a device such as /dev/null, a symbolic link) is written into and stays what it was. Replacing
# /dev/null by a regular file, as an atomic rename would as root, breaks the whole machine.
# Usage: output.sh AUDIT SAMPLES_DIR
set -uo pipefail
audit=$1; samples=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
capture=$samples/lab/tcp-nat.pcap
fails=0
check() { # description, condition...
  local what=$1; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}
"$audit" --fail-on never --format json "$capture" >"$tmp/expected.json"

mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/from-fifo" &
reader=$!
timeout 60 "$audit" --fail-on never --format json -o "$tmp/fifo" "$capture"
wait "$reader"
check "a FIFO gets the report" cmp -s "$tmp/expected.json" "$tmp/from-fifo"
check "a FIFO stays a FIFO" test -p "$tmp/fifo"

echo stale >"$tmp/target"
ln -s target "$tmp/link"
"$audit" --fail-on never --format json -o "$tmp/link" "$capture"
check "a symbolic link stays a link" test -L "$tmp/link"
check "its target gets the report" cmp -s "$tmp/expected.json" "$tmp/target"

printf 'a much longer stale content than any report would be, %0500d\n' 0 >"$tmp/regular"
"$audit" --fail-on never --format json -o "$tmp/regular" "$capture"
check "a regular file is replaced whole" cmp -s "$tmp/expected.json" "$tmp/regular"

"$audit" --fail-on never --format json -o /dev/null "$capture"
check "/dev/null stays a character device" test -c /dev/null

err=$("$audit" --fail-on never --format json -o "$tmp/no/such/dir/out.json" "$capture" 2>&1)
rc=$?
check "an unwritable path exits 2" test "$rc" -eq 2
check "with one line naming it" test "$(grep -c "$tmp/no/such/dir/out.json" <<<"$err")" -eq 1
exit $fails
