#!/usr/bin/env bash
# Bad input and CLI contract: one clear line naming file and frame/offset, exit 2 only when no
# input was usable, never a crash. Usage: bad_input.sh AUDIT SAMPLES_DIR
set -uo pipefail
audit=$1
samples=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # description, condition (evaluated; without pipefail: "printf | grep -q" may see
           # printf killed by SIGPIPE once grep has its match)
  if (set +o pipefail; eval "$2"); then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}
run() { # args... → sets rc, out, err
  "$audit" "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  out=$(cat "$tmp/out")
  err=$(cat "$tmp/err")
}

good=$samples/synthetic/sym001-fire.pcap
size=$(stat -c %s "$good")

# A truncated file: the last record is cut short.
head -c $((size - 10)) "$good" >"$tmp/trunc.pcap"
run --format json "$tmp/trunc.pcap"
check "truncated: exit 0/1, not 2 (frame 1 was usable)" '[ $rc -eq 0 ] || [ $rc -eq 1 ]'
check "truncated: one stderr line" '[ $(printf "%s\n" "$err" | grep -c .) -eq 1 ]'
check "truncated: names file, frame 2 and offset" 'printf "%s" "$err" | grep -q "trunc.pcap: frame 2 / offset [0-9]*: record cut short"'
check "truncated: error listed in JSON" 'printf "%s" "$out" | grep -q "record cut short"'
check "truncated: frame 1 still audited" 'printf "%s" "$out" | grep -q "\"packets\": 1,"'

# Cut inside the file header: nothing usable.
head -c 12 "$good" >"$tmp/header.pcap"
run "$tmp/header.pcap"
check "cut header: exit 2" '[ $rc -eq 2 ]'
check "cut header: names the file" 'printf "%s" "$err" | grep -q "header.pcap"'

# A header and nothing readable after it: nothing usable.
head -c 30 "$good" >"$tmp/header-only-cut.pcap"
run "$tmp/header-only-cut.pcap"
check "header then a cut record: exit 2" '[ $rc -eq 2 ] && printf "%s" "$err" | grep -q "frame 1 / offset 24"'
head -c 24 "$good" >"$tmp/header-only.pcap"
run "$tmp/header-only.pcap"
check "valid capture without packets: exit 0" '[ $rc -eq 0 ]'

# Not a capture at all.
printf 'INVITE sip:x SIP/2.0\r\n\r\n' >"$tmp/notpcap.txt"
run "$tmp/notpcap.txt"
check "non-capture: exit 2" '[ $rc -eq 2 ]'
check "non-capture: one line saying so" 'printf "%s" "$err" | grep -q "notpcap.txt: offset 0: not a pcap or pcapng capture"'
: >"$tmp/empty.pcap"
run "$tmp/empty.pcap"
check "empty file: exit 2" '[ $rc -eq 2 ]'
run "$tmp/missing.pcap"
check "missing file: exit 2 with the reason" '[ $rc -eq 2 ] && printf "%s" "$err" | grep -q "missing.pcap: No such file"'

# One bad input does not stop the others.
run --fail-on never "$tmp/notpcap.txt" "$good"
check "bad + good: exit 0 (good one audited)" '[ $rc -eq 0 ] && printf "%s" "$out" | grep -q "SYM-001"'

# Snaplen-cut capture: every packet cut to 96 bytes.
python3 - "$good" "$tmp/snap.pcap" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
out = bytearray(data[:24]); out[16:20] = struct.pack("<I", 96)
i = 24
while i < len(data):
    s, us, cap, orig = struct.unpack("<IIII", data[i:i+16]); pkt = data[i+16:i+16+cap]; i += 16 + cap
    out += struct.pack("<IIII", s, us, min(cap, 96), orig) + pkt[:96]
open(sys.argv[2], "wb").write(out)
PY
run --format json "$tmp/snap.pcap"
check "snaplen-cut: no crash, exit 0/1" '[ $rc -eq 0 ] || [ $rc -eq 1 ]'
check "snaplen-cut: no SYM finding without the evidence" '! printf "%s" "$out" | grep -q "SYM-001"'

# gzip and standard input read like the plain file.
gzip -c "$good" >"$tmp/g.pcap.gz"
run --format json "$good"; plain=$(printf "%s" "$out" | grep -o '"rule": "[A-Z]*-[0-9]*", "severity": "[a-z]*", "frames": \[[0-9, ]*\]')
run --format json "$tmp/g.pcap.gz"; gz=$(printf "%s" "$out" | grep -o '"rule": "[A-Z]*-[0-9]*", "severity": "[a-z]*", "frames": \[[0-9, ]*\]')
check "gzip: same findings" '[ -n "$plain" ] && [ "$plain" = "$gz" ]'
"$audit" --format json - <"$good" >"$tmp/out" 2>"$tmp/err"; rc=$?
stdin=$(grep -o '"rule": "[A-Z]*-[0-9]*", "severity": "[a-z]*", "frames": \[[0-9, ]*\]' "$tmp/out")
check "stdin: same findings" '[ "$plain" = "$stdin" ]'

# Exit codes and the contract's options.
run --fail-on error "$samples/synthetic/sym006-fire.pcap"
check "--fail-on error with info only: exit 0" '[ $rc -eq 0 ]'
run --fail-on info "$samples/synthetic/sym006-fire.pcap"
check "--fail-on info: exit 1" '[ $rc -eq 1 ]'
run "$good"
check "default --fail-on warning with an error: exit 1" '[ $rc -eq 1 ]'
run --ignore SYM-001,PRAC-003 "$good"
check "--ignore removes findings: exit 0" '[ $rc -eq 0 ] && ! printf "%s" "$out" | grep -q SYM-001'
run --rules SYM-001 --format json "$good"
check "--rules keeps only those" '[ $(printf "%s" "$out" | grep -c "\"rule\": ") -eq 1 ]'
run --rules NOPE-001 "$good"
check "unknown rule ID: exit 2" '[ $rc -eq 2 ] && printf "%s" "$err" | grep -q "unknown rule ID"'
run --format pdf "$good"
check "--format pdf refused clearly" '[ $rc -eq 2 ] && printf "%s" "$err" | grep -q "unknown format .pdf."'
printf '[sipconn]\nudp_max_sip_bytes = 2000\n' >"$tmp/jumbo.conf"
run --config "$tmp/jumbo.conf" --format json "$samples/synthetic/prac001-fire.pcap"
check "--config raises the UDP limit: no PRAC-001" '[ $rc -eq 0 ] && ! printf "%s" "$out" | grep -q PRAC-001'
run --format json "$samples/synthetic/prac001-fire.pcap"
check "without it PRAC-001 fires" 'printf "%s" "$out" | grep -q PRAC-001'
printf '[sipconn]\nudp_max_sip_byte = 2000\n' >"$tmp/typo.conf"
run --config "$tmp/typo.conf" "$good"
check "--config with an unknown key: exit 2 naming file and key" '[ $rc -eq 2 ] && printf "%s" "$err" | grep -q "typo.conf: unknown key .udp_max_sip_byte."'
printf '[sipconn]\nt1_ms = soon\n' >"$tmp/bad.conf"
run --config "$tmp/bad.conf" "$good"
check "--config with a bad value: exit 2" '[ $rc -eq 2 ] && printf "%s" "$err" | grep -q "t1_ms must be a number"'
# SIP ports decide whether STUN on a flow that carried no SIP is a keep-alive (udp-stun-keepalive:
# frames 10-11 are STUN between 40500 and 3478).
stun=$samples/synthetic/udp-stun-keepalive.pcap
run --format json "$stun"
check "default SIP ports: STUN on 3478 is not a SIP flow" '[ $(printf "%s" "$out" | grep -c "\"a\": \"") -eq 1 ]'
printf '[sipconn]\nsip_ports = 5060;3478\n' >"$tmp/ports.conf"
run --config "$tmp/ports.conf" --format json "$stun"
check "sip_ports = 5060;3478: that STUN exchange is a flow with 2 keep-alives" 'printf "%s" "$out" | grep -q "\"b\": \"192.0.2.9:3478\".*\"keepalives\": 2"'
printf '[sipconn]\nsip_ports = 5060;70000\n' >"$tmp/badports.conf"
run --config "$tmp/badports.conf" "$good"
check "--config with a bad SIP port: exit 2 naming it" '[ $rc -eq 2 ] && printf "%s" "$err" | grep -q "badports.conf: sip_ports: 70000 is not a port"'
# How a UDP flow ended: outbound-two-flows' UDP flow (2) is silent from about 60 s while the
# capture runs to about 100 s: with udp_flow_idle_s = 10 it times out, by default it lasts to the end.
two=$samples/synthetic/outbound-two-flows.pcap
flow2_end() { printf "%s" "$out" | python3 -c 'import json,sys; print([f["end"]["kind"] for f in json.load(sys.stdin)["files"][0]["flows"] if f["connection"] == 2][0])'; }
run --format json "$two"
check "UDP flow lasting to the capture's end" '[ "$(flow2_end)" = capture-end ]'
printf '[sipconn]\nudp_flow_idle_s = 10\n' >"$tmp/idle.conf"
run --config "$tmp/idle.conf" --format json "$two"
check "UDP flow silent past udp_flow_idle_s: timed-out" '[ "$(flow2_end)" = timed-out ]'
# pcapng with a block whose length is absurd: one line with the offset of that block.
python3 - "$samples/synthetic/pcapng-sections.pcapng" "$tmp/badblock.pcapng" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
pos = n = 0
while pos < len(d):  # the third block (after the section header and interface description)
    n += 1
    length = struct.unpack("<I", d[pos + 4:pos + 8])[0]
    if n == 3:
        d[pos + 4:pos + 8] = struct.pack("<I", 0x7FFFFFF0)
        break
    pos += length
open(sys.argv[2], "wb").write(d)
PY
run "$tmp/badblock.pcapng"
check "pcapng bad block length: exit 2 (no packet usable)" '[ $rc -eq 2 ]'
check "pcapng bad block length: one line naming file, frame and offset" \
  '[ $(printf "%s\n" "$err" | wc -l) -eq 1 ] && printf "%s" "$err" | grep -q "badblock.pcapng: frame 1 / offset 60: pcapng block size"'
# A link type the audit does not decode: said in one line with the frame, not silently skipped.
python3 -c 'import struct,sys; f=open(sys.argv[1],"wb"); f.write(struct.pack("<IHHiIII",0xa1b2c3d4,2,4,0,0,65535,147)); [f.write(struct.pack("<IIII",1700000000+i,0,40,40)+bytes(40)) for i in range(3)]' "$tmp/user0.pcap"
run --format json "$tmp/user0.pcap"
check "unknown link type: one line naming file, frame and link type" \
  '[ $(printf "%s\n" "$err" | wc -l) -eq 1 ] && printf "%s" "$err" | grep -q "user0.pcap: frame 1: link type 147 is not decoded (3 packets skipped)"'
check "unknown link type: counted in the JSON" 'printf "%s" "$out" | grep -q "\"unsupported_link\": 3"'
# An unreadable directory beside a good file: one line for it, the good file audited.
mkdir -p "$tmp/noread" && cp "$good" "$tmp/noread/" && chmod 000 "$tmp/noread" && chmod 755 "$tmp"
cp "$good" "$tmp/good.pcap" && chmod 644 "$tmp/good.pcap"
as_user=()
[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
"${as_user[@]}" "$audit" --fail-on never "$tmp/noread" "$tmp/good.pcap" >"$tmp/out" 2>"$tmp/err"
rc=$?; out=$(cat "$tmp/out"); err=$(cat "$tmp/err")
check "unreadable directory: one line naming it" \
  '[ $(printf "%s\n" "$err" | wc -l) -eq 1 ] && printf "%s" "$err" | grep -q "noread.*Permission denied"'
check "unreadable directory: the other input still audited (exit 0)" \
  '[ $rc -eq 0 ] && printf "%s" "$out" | grep -q "good.pcap: "'
chmod 755 "$tmp/noread"
# Key logs: unusable ones are refused in one line; a usable one that does not open a session
# says why, per connection.
run --keylog /dev/null "$good"
check "--keylog without key lines: exit 2, one line" '[ $rc -eq 2 ] && [ $(printf "%s\n" "$err" | wc -l) -eq 1 ] && printf "%s" "$err" | grep -q "no TLS key line"'
run --keylog "$tmp/no-such.keys" "$good"
check "--keylog missing: exit 2 naming it" '[ $rc -eq 2 ] && printf "%s" "$err" | grep -q "no-such.keys"'
tls=$samples/lab/tls-alias.pcap
decryption() { printf "%s" "$out" | python3 -c 'import json,sys; print([c["tls"]["decryption"] for c in json.load(sys.stdin)["files"][0]["connections"] if c.get("tls")][0])'; }
run --format json "$tls"
check "TLS without a key log: decryption null" '[ "$(decryption)" = None ]'
run --format json --keylog "$samples/lab/tls-alias.keys" "$tls"
check "TLS with its key log: decrypted" '[ "$(decryption)" = decrypted ]'
run --format json --keylog "$samples/lab/tls-alias-cert.keys" "$tls"
check "a key log of other sessions: no key for this session, no REUSE finding" \
  '[ "$(decryption)" = "no key for this session" ] && ! printf "%s" "$out" | grep -q REUSE-00'
sed 's/\(CLIENT_RANDOM [0-9a-f]* \)[0-9a-f]/\10/' "$samples/lab/tls-alias.keys" >"$tmp/wrong.keys"
cmp -s "$tmp/wrong.keys" "$samples/lab/tls-alias.keys" && sed -i 's/\(CLIENT_RANDOM [0-9a-f]* \)0/\11/' "$tmp/wrong.keys"
run --format json --keylog "$tmp/wrong.keys" "$tls"
check "a wrong master secret: records do not authenticate" '[ "$(decryption)" = "records do not authenticate" ]'
# The key log from --config (a path relative to the config file), and --keylog winning over it.
cp "$samples/lab/tls-alias.keys" "$tmp/alias.keys"
printf '[sipconn]\nkeylog = alias.keys\n' >"$tmp/tls.conf"
run --format json --config "$tmp/tls.conf" "$tls"
check "keylog in --config: decrypted, REUSE-003 found" '[ "$(decryption)" = decrypted ] && printf "%s" "$out" | grep -q REUSE-003'
run --format json --config "$tmp/tls.conf" --keylog "$samples/lab/tls-alias-cert.keys" "$tls"
check "--keylog wins over the config key" '[ "$(decryption)" = "no key for this session" ]'
printf '[sipconn]\nkeylog = missing.keys\n' >"$tmp/missing.conf"
run --config "$tmp/missing.conf" "$tls"
check "a missing key log from --config: exit 2 naming it" '[ $rc -eq 2 ] && printf "%s" "$err" | grep -q "missing.keys"'
run --format ndjson "$good"
check "ndjson: one JSON object per line with a type" '[ $(printf "%s\n" "$out" | grep -vc "^{\"type\": \"\(file\|connection\|flow\|finding\)\"") -eq 0 ]'
run --list-rules
check "--list-rules lists every rule" '[ $(printf "%s\n" "$out" | grep -c "^[A-Z]*-[0-9][0-9][0-9] ") -eq 44 ]'

echo "bad input: $fails check(s) failed"

# Text mode over several files ends with a table of them, then the totals: the truncated file
# read in part, a file that is not a capture unreadable, the good one ok with its 2 packets.
head -c 100 /etc/services >"$tmp/notcap.pcap"
run --fail-on never "$tmp/trunc.pcap" "$tmp/notcap.pcap" "$good"
check "text table: a row per file" '[ $(printf "%s\n" "$out" | grep -cE " (ok|partly|unreadable)$") -eq 3 ]'
check "text table: read state per file" 'printf "%s\n" "$out" | grep -qE "trunc.pcap +1 .* partly$" && printf "%s\n" "$out" | grep -qE "notcap.pcap +0 .* unreadable$" && printf "%s\n" "$out" | grep -qE "sym001-fire.pcap +2 +2 .* ok$"'
check "text table: the totals last" 'printf "%s\n" "$out" | tail -1 | grep -q "^total: 3 files"'

[ $fails -eq 0 ]
