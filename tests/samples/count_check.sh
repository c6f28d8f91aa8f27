#!/usr/bin/env bash
# Count check: for each capture, the SIP messages the audit parses must equal what tshark
# dissects (request and status lines, not frames; SIP quoted inside ICMP errors is not a message).  Usage: count_check.sh AUDIT CAPTURE...
# A capture listed in count_exceptions.txt is compared with the number written there instead
# (with the reason why tshark's number differs).
set -uo pipefail
audit=$1; shift
here=$(dirname "$0")
fail=0
for f in "$@"; do
  t=$(tshark -r "$f" -o tcp.reassemble_out_of_order:TRUE -Y 'sip && !icmp && !icmpv6' -T fields -e sip.Request-Line \
        -e sip.Status-Line -E occurrence=a -E 'aggregator=|' 2>/dev/null | tr '\t|' '\n\n' | grep -c .)
  a=$("$audit" --format json --fail-on never "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["sip_messages"])')
  exc=$(awk -v n="$(basename "$f")" '$1 == n {print $2}' "$here/count_exceptions.txt")
  want=${exc:-$t}
  if [ "$a" != "$want" ]; then
    echo "MISMATCH $f: audit $a, tshark $t${exc:+ (exception says $exc)}"
    fail=1
  fi
done
# Decrypted: a capture with its key log beside it (NAME.keys) counts the SIP inside TLS too.
decrypted=0
for f in "$@"; do
  keys=${f%.pcap*}.keys
  [ -f "$keys" ] || continue
  decrypted=$((decrypted + 1))
  t=$(tshark -r "$f" -o tcp.reassemble_out_of_order:TRUE -o "tls.keylog_file:$keys" -Y 'sip && !icmp && !icmpv6' \
        -T fields -e sip.Request-Line -e sip.Status-Line -E occurrence=a -E 'aggregator=|' 2>/dev/null |
        tr '\t|' '\n\n' | grep -c .)
  a=$("$audit" --format json --fail-on never --keylog "$keys" "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["sip_messages"])')
  if [ "$a" != "$t" ] || [ "$t" -eq 0 ]; then
    echo "MISMATCH $f decrypted: audit $a, tshark $t"
    fail=1
  fi
done
[ $fail -eq 0 ] && echo "count check: $# captures agree with tshark ($decrypted also decrypted)"
exit $fail
