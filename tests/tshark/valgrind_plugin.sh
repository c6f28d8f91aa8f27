#!/usr/bin/env bash
# The plugin under valgrind: one libwireshark process (tests/tshark/two_files.c) dissects every
# sample in two passes, switching files as the GUI does. Any invalid read or write or use of
# uninitialised memory fails (leaks at exit are libwireshark's own and not checked).
# Usage: valgrind_plugin.sh HARNESS PLUGIN.so CAPTURE...
set -uo pipefail
harness=$1; plugin=$2; shift 2
. "$(dirname "$0")/plugin_env.sh"
plugin_env "$plugin"
mkdir -p "$tmp/s" && cp "$harness" "$tmp/h"
i=0
for f in "$@"; do i=$((i + 1)); cp "$f" "$tmp/s/$i-$(basename "$f")"; done
chmod -R a+rX "$tmp"
if as_plugin_user valgrind --quiet --error-exitcode=99 \
     --leak-check=no "$tmp/h" "$tmp"/s/* >"$tmp/out" 2>"$tmp/err"; then
  echo "valgrind: $(grep -c '^== ' "$tmp/out") captures dissected, no error"
else
  grep -v ' DEBUG\]' "$tmp/err" | head -60
  exit 1
fi
