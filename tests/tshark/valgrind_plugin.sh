#!/usr/bin/env bash
# The plugin under valgrind: one libwireshark process (tests/tshark/two_files.c) dissects every
# sample in two passes, switching files as the GUI does. Any invalid read or write or use of
# uninitialised memory fails (leaks at exit are libwireshark's own and not checked).
# Usage: valgrind_plugin.sh HARNESS PLUGIN.so CAPTURE...
set -uo pipefail
harness=$1; plugin=$2; shift 2
tmp=$(mktemp -d); chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/4.0/epan" "$tmp/s" && cp "$plugin" "$tmp/4.0/epan/" && cp "$harness" "$tmp/h"
i=0
for f in "$@"; do i=$((i + 1)); cp "$f" "$tmp/s/$i-$(basename "$f")"; done
chmod -R a+rX "$tmp"
as_user=(env)
[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups env)
if "${as_user[@]}" WIRESHARK_PLUGIN_DIR="$tmp" HOME="$tmp" valgrind --quiet --error-exitcode=99 \
     --leak-check=no "$tmp/h" "$tmp"/s/* >"$tmp/out" 2>"$tmp/err"; then
  echo "valgrind: $(grep -c '^== ' "$tmp/out") captures dissected, no error"
else
  grep -v ' DEBUG\]' "$tmp/err" | head -60
  exit 1
fi
