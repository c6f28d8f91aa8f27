#!/usr/bin/env bash
# Per-file state: one libwireshark process dissects X, then Y, then X again (as the GUI does when
# a file is closed and another opened). X's verdicts and connection ids must be the same both
# times and the same as X dissected alone in a fresh process.
# Usage: check_two_files.sh HARNESS PLUGIN.so X Y
set -uo pipefail
harness=$1; plugin=$2; x=$3; y=$4
. "$(dirname "$0")/plugin_env.sh"
plugin_env "$plugin"
cp "$harness" "$x" "$y" "$tmp/" && chmod -R a+rX "$tmp"
X=$tmp/$(basename "$x"); Y=$tmp/$(basename "$y"); H=$tmp/$(basename "$harness")
as_plugin_user "$H" "$X" "$Y" "$X" >"$tmp/seq" 2>/dev/null || { echo "harness failed"; exit 1; }
as_plugin_user "$H" "$X" >"$tmp/alone" 2>/dev/null || { echo "harness failed"; exit 1; }
awk '/^== /{n++} n==1' "$tmp/seq" >"$tmp/x1"
awk '/^== /{n++} n==3' "$tmp/seq" >"$tmp/x2"
fails=0
if ! grep -q ' [A-Z]*-[0-9][0-9][0-9]' "$tmp/alone"; then echo "FAIL no finding for $(basename "$x")"; fails=1; fi
if ! cmp -s "$tmp/x1" "$tmp/x2"; then echo "FAIL second dissection in the process differs:"; diff "$tmp/x1" "$tmp/x2" | head; fails=1; fi
if ! cmp -s "$tmp/alone" "$tmp/x1"; then echo "FAIL differs from a fresh process:"; diff "$tmp/alone" "$tmp/x1" | head; fails=1; fi
[ $fails -eq 0 ] && echo "per-file state: $(grep -c '' "$tmp/alone") lines identical alone, first and after another file"
exit $fails
