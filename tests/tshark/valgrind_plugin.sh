#!/usr/bin/env bash
# The plugin under valgrind inside the real tshark (two passes) on a few samples: no invalid read
# or write, no use of uninitialised memory (leaks at exit are tshark's own and not checked).
# Usage: valgrind_plugin.sh PLUGIN.so CAPTURE...
set -uo pipefail
plugin=$1; shift
tmp=$(mktemp -d); chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/4.0/epan" && cp "$plugin" "$tmp/4.0/epan/" && cp "$@" "$tmp/" && chmod -R a+rX "$tmp"
run() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups env WIRESHARK_PLUGIN_DIR="$tmp" HOME="$tmp" "$@"
  else
    WIRESHARK_PLUGIN_DIR="$tmp" HOME="$tmp" "$@"
  fi
}
fails=0
for f in "$@"; do
  if run valgrind --quiet --error-exitcode=99 --leak-check=no tshark -2 -r "$tmp/$(basename "$f")" \
       -T fields -e sipconn.rule >/dev/null 2>"$tmp/err"; then
    echo "ok   $(basename "$f")"
  else
    echo "FAIL $(basename "$f")"; cat "$tmp/err"; fails=$((fails + 1))
  fi
done
[ $fails -eq 0 ]
