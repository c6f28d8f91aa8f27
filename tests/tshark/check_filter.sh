#!/usr/bin/env bash
# Filtering by rule in the real tshark with the plugin: the expected frames exactly.
# Usage: check_filter.sh PLUGIN.so SAMPLES_DIR
set -uo pipefail
plugin=$1; samples=$2
. "$(dirname "$0")/plugin_env.sh"
plugin_env "$plugin"
cp -r "$samples" "$tmp/samples" && samples=$tmp/samples && chmod -R a+rX "$tmp"
ts() { as_plugin_user tshark "$@"; }
fails=0
expect() { # description, expected output, tshark args...
  local what=$1 want=$2; shift 2
  local got
  got=$(ts "$@" 2>&1 | tr '\n' ' ' | sed 's/ $//')
  if [ "$got" = "$want" ]; then echo "ok   $what"; else echo "FAIL $what: got '$got', want '$want'"; fails=$((fails + 1)); fi
}
expect "SYM-001 filter" "2" -2 -r "$samples/synthetic/sym001-fire.pcap" -Y 'sipconn.rule == "SYM-001"' -T fields -e frame.number
expect "SYM-006 filter on the real forced-rport capture" "9 33 45 46" -2 -r "$samples/lab/udp-forced-rport.pcap" -Y 'sipconn.rule == "SYM-006"' -T fields -e frame.number
expect "expert info by rule name" "2" -2 -r "$samples/synthetic/sym001-fire.pcap" -Y 'sipconn.SYM-001' -T fields -e frame.number
expect "related frame links the request" "1" -2 -r "$samples/synthetic/sym001-fire.pcap" -Y 'sipconn.rule == "SYM-001"' -T fields -e sipconn.related
expect "response knows its request and expected destination" "1	203.0.113.5:40001 (rport)" -2 -r "$samples/synthetic/sym001-fire.pcap" -Y 'frame.number == 2' -T fields -e sipconn.response.request -e sipconn.response.expected_dest
expect "backward requests on the UA's connection (real TCP: INVITE and its retransmission)" "21 28" -2 -r "$samples/lab/tcp-nat.pcap" -Y 'sipconn.direction == "backward" && sip.Method == "INVITE"' -T fields -e frame.number
expect "connection transport and initiator (real TCP)" "tcp	198.18.0.2:40509" -2 -r "$samples/lab/tcp-nat.pcap" -Y 'frame.number == 13' -T fields -e sipconn.conn.transport -e sipconn.conn.initiator
# tcp-nat: handshake seen, closed by FIN, requests from both sides (REGISTER/BYE, INVITE).
expect "connection class (draft-jain, as observed)" "bi-ephemeral" -2 -r "$samples/lab/tcp-nat.pcap" -Y 'frame.number == 13' -T fields -e sipconn.conn.class
# Connection facts (tcp-nat, hand counts and tshark's tcp.len sums: see check_connections.py).
expect "messages, bytes and transactions from each side, and the end (real TCP)" "4,4,1637,1893,2,1,closed" -2 -r "$samples/lab/tcp-nat.pcap" -Y 'frame.number == 13' -T fields -E separator=, -e sipconn.conn.messages_a -e sipconn.conn.messages_b -e sipconn.conn.bytes_a -e sipconn.conn.bytes_b -e sipconn.conn.transactions_a -e sipconn.conn.transactions_b -e sipconn.conn.end
# conn004-fire: the UAS answers 486 (5) and closes (6); the UA never sends its FIN.
expect "half-closed connection" "4 5" -2 -r "$samples/synthetic/conn004-fire.pcap" -Y 'sipconn.conn.end == "half-closed"' -T fields -e frame.number
# REUSE-002 (reuse002-fire: INVITE 6 and OPTIONS 7 sent backwards to 10.0.0.5, the SYN is 1).
expect "REUSE-002 filter and its SYN" "6,1 7,1" -2 -r "$samples/synthetic/reuse002-fire.pcap" -Y 'sipconn.rule == "REUSE-002"' -T fields -E separator=, -e frame.number -e sipconn.related
# TLS handshake facts (tls-handshakes: connection 3, frames 26-33, was asked for a client
# certificate and sent an empty one; connection 5 negotiated TLS 1.3 in 48, its certificates
# encrypted).
expect "TLS client certificate empty" "26 27 28 29 30 31 32 33" -2 -r "$samples/synthetic/tls-handshakes.pcap" -Y 'sipconn.tls.client_cert == "empty"' -T fields -e frame.number
# Connection 2's ClientHello (15) has no server_name extension: the version, and no SNI field.
expect "TLS 1.2 without SNI" "TLS 1.2," -2 -r "$samples/synthetic/tls-handshakes.pcap" -Y 'frame.number == 15' -T fields -E separator=, -e sipconn.tls.version -e sipconn.tls.server_name
expect "TLS 1.3: certificates not evaluable, SNI" "not evaluable,not evaluable,proxy.example.com,2,2" -2 -r "$samples/synthetic/tls-handshakes.pcap" -Y 'frame.number == 48' -T fields -E separator=, -e sipconn.tls.cert_requested -e sipconn.tls.client_cert -e sipconn.tls.server_name -e sipconn.tls.opaque_a -e sipconn.tls.opaque_b
# Real TLS with the UA's key log: Wireshark reads the SIP, the plugin judges the alias
# (tls-alias: no CertificateRequest, REGISTER with alias in 20, INVITE back to the private
# Contact in 26; tls-alias-cert: mutual TLS, REGISTER in 19). ServerHello: 16.
expect "REUSE-003 and REUSE-004 with the keys (real TLS)" "26,PRAC-002,REUSE-003,REUSE-004,16,20,20" -2 -o "tls.keylog_file:$samples/lab/tls-alias.keys" -r "$samples/lab/tls-alias.pcap" -Y 'sipconn.rule' -T fields -E separator=, -e frame.number -e sipconn.rule -e sipconn.related
expect "mutual TLS: REUSE-004, no REUSE-003 (real TLS)" "26,PRAC-002,REUSE-004,19" -2 -o "tls.keylog_file:$samples/lab/tls-alias-cert.keys" -r "$samples/lab/tls-alias-cert.pcap" -Y 'sipconn.rule contains "REUSE"' -T fields -E separator=, -e frame.number -e sipconn.rule -e sipconn.related
expect "without keys: no SIP, no finding (real TLS)" "" -2 -r "$samples/lab/tls-alias.pcap" -Y 'sipconn.rule' -T fields -e frame.number
# CRLF keep-alives (tcp-crlf-keepalive: pings 6 8 10 every 30 s, pongs 7 and 9, a stray CRLF 11).
expect "keep-alive kinds" "6,crlf-ping 7,crlf-pong 8,crlf-ping 9,crlf-pong 10,crlf-ping 11,crlf-unsolicited" -2 -r "$samples/synthetic/tcp-crlf-keepalive.pcap" -Y sipconn.ka -T fields -E separator=, -e frame.number -e sipconn.ka
expect "ping intervals" "30.000000000 30.000000000" -2 -r "$samples/synthetic/tcp-crlf-keepalive.pcap" -Y sipconn.ka.interval -T fields -e sipconn.ka.interval
expect "pong latency and its ping" "0.020000000,6 0.030000000,8" -2 -r "$samples/synthetic/tcp-crlf-keepalive.pcap" -Y 'sipconn.ka == "crlf-pong"' -T fields -E separator=, -e sipconn.ka.pong_latency -e sipconn.ka.ping
# The same with every Ethernet frame padded to 60 bytes: the padding is not payload.
expect "keep-alive kinds, padded frames" "6,crlf-ping 7,crlf-pong 8,crlf-ping 9,crlf-pong 10,crlf-ping 11,crlf-unsolicited" -2 -r "$samples/synthetic/tcp-crlf-padded.pcap" -Y sipconn.ka -T fields -E separator=, -e frame.number -e sipconn.ka
expect "CR/LF datagram in a padded frame" "3,crlf-udp" -2 -r "$samples/synthetic/ka006-padded.pcap" -Y sipconn.ka -T fields -E separator=, -e frame.number -e sipconn.ka
# STUN keep-alives on a UDP SIP flow (udp-stun-keepalive: requests 3 5 8 every 25 s, 6 a
# retransmission of 5, answers 4 7 9 with the mapped address; 10-11 STUN on a non-SIP flow).
expect "STUN keep-alive kinds on the SIP flow only" "3,stun-request 4,stun-response 5,stun-request 6,stun-request 7,stun-response 8,stun-request 9,stun-response" -2 -r "$samples/synthetic/udp-stun-keepalive.pcap" -Y sipconn.ka -T fields -E separator=, -e frame.number -e sipconn.ka
expect "STUN request intervals, retransmission not one" "5,25.000000000 8,25.000000000" -2 -r "$samples/synthetic/udp-stun-keepalive.pcap" -Y sipconn.ka.interval -T fields -E separator=, -e frame.number -e sipconn.ka.interval
expect "STUN retransmission flagged" "6" -2 -r "$samples/synthetic/udp-stun-keepalive.pcap" -Y sipconn.ka.retransmission -T fields -e frame.number
expect "STUN answer latency from the first transmission, its request, mapped address" "4,0.020000000,3,203.0.113.5:40001 7,0.530000000,5,203.0.113.5:40001 9,0.010000000,8,203.0.113.5:40001" -2 -r "$samples/synthetic/udp-stun-keepalive.pcap" -Y 'sipconn.ka == "stun-response"' -T fields -E separator=, -e frame.number -e sipconn.ka.pong_latency -e sipconn.ka.ping -e sipconn.ka.mapped
expect "SIP ports preference: STUN on 3478 becomes a keep-alive" "10,stun-request 11,stun-response" -2 -o 'sipconn.sip_ports:5060-5061,3478' -r "$samples/synthetic/udp-stun-keepalive.pcap" -Y 'sipconn.ka && frame.number >= 10' -T fields -E separator=, -e frame.number -e sipconn.ka
# RFC 5626 outbound (outbound-tcp-ok: REGISTER 4, its 200 in 5 binds the flow with Flow-Timer
# 120; pings and pongs 6-13 follow on it) and RFC 6223 keep (keep-ok: the 200 in 2 grants 30 s).
expect "outbound flow fields from the binding on" "5 6 7 8 9 10 11 12 13" -2 -r "$samples/synthetic/outbound-tcp-ok.pcap" -Y 'sipconn.flow.timer == 120' -T fields -e frame.number
# No Path header in its REGISTER or 200: no flow token, and the field must be absent, not a text.
expect "flow identity, no flow token" "1,<urn:uuid:00000000-0000-1000-8000-000A95A0E128>,1," -2 -r "$samples/synthetic/outbound-tcp-ok.pcap" -Y 'frame.number == 5' -T fields -E separator=, -e sipconn.flow -e sipconn.flow.instance -e sipconn.flow.reg_id -e sipconn.flow.token
expect "no flow token on a real outbound flow either" "" -2 -r "$samples/lab/outbound-tcp.pcap" -Y 'sipconn.flow.token' -T fields -e frame.number
expect "keep in force after it is granted" "2 3 4 5 6 7 8" -2 -r "$samples/synthetic/keep-ok.pcap" -Y 'sipconn.keep == 30' -T fields -e frame.number
expect "KA-002 on the unanswered ping (needs the later frames: -2)" "6" -2 -r "$samples/synthetic/ka002-fire.pcap" -Y 'sipconn.rule == "KA-002"' -T fields -e frame.number
# alias in the top Via (reuse001-fire: requests 4, 6, 8 and the responses echoing their Via).
expect "sipconn.alias on every message whose top Via has it" "4 5 6 7 8 9" -2 -r "$samples/synthetic/reuse001-fire.pcap" -Y 'sipconn.alias' -T fields -e frame.number
expect "REUSE-001 once per flow" "4 8" -2 -r "$samples/synthetic/reuse001-fire.pcap" -Y 'sipconn.rule == "REUSE-001"' -T fields -e frame.number
expect "initiator unknown mid-stream" "unknown" -2 -r "$samples/synthetic/tcp-midstream.pcap" -Y 'frame.number == 2' -T fields -e sipconn.conn.initiator
# The same filter with the default limit finds it, so the empty answer below cannot come from a
# filter that never matches.
expect "PRAC-001 with the default UDP limit" "2" -2 -r "$samples/synthetic/prac001-fire.pcap" -Y 'sipconn.rule == "PRAC-001"' -T fields -e frame.number
expect "preference changes a verdict (UDP limit 2000: no PRAC-001)" "" -2 -o sipconn.udp_max_sip_bytes:2000 -r "$samples/synthetic/prac001-fire.pcap" -Y 'sipconn.rule == "PRAC-001"' -T fields -e frame.number
# The plugin draws only for someone who looks: filters on Wireshark's expert fields and the
# expert tap (one pass, no -2) must still see every finding.
expect "expert filter sees the plugin's findings" "1 2" -2 -r "$samples/synthetic/sym001-fire.pcap" -Y '_ws.expert.message contains "SYM-001" || _ws.expert.message contains "PRAC-003"' -T fields -e frame.number
z=$(ts -q -r "$samples/synthetic/sym001-fire.pcap" -z expert 2>&1 | grep -c 'SYM-001: ')
if [ "$z" -ge 1 ]; then echo "ok   tshark -z expert lists SYM-001 in one pass"; else echo "FAIL tshark -z expert: no SYM-001"; fails=$((fails + 1)); fi
# Framing Wireshark does not report: a message cut by its sender's FIN (held for reassembly,
# never shown as SIP), and stray bytes after a short Content-Length ("Continuation").
expect "FRAME-002 on the cut message, FIN related" "4	5" -2 -o tcp.reassemble_out_of_order:TRUE -r "$samples/synthetic/frame002-fire.pcap" -Y 'sipconn.rule == "FRAME-002"' -T fields -e frame.number -e sipconn.related
expect "FRAME-003 on the stray bytes, message before them related" "5	4" -2 -r "$samples/synthetic/frame003-fire.pcap" -Y 'sipconn.rule == "FRAME-003"' -T fields -e frame.number -e sipconn.related
# The subtree's first line, readable at a glance.
line=$(ts -2 -r "$samples/synthetic/sym001-fire.pcap" -Y 'frame.number == 2' -O sipconn 2>&1 | grep '^SIP connection analysis')
if [ "$line" = "SIP connection analysis: response to frame 1 sent to 203.0.113.5:5060, expected 203.0.113.5:40001 (rport), PRAC-003, SYM-001" ]; then
  echo "ok   summary line"
else
  echo "FAIL summary line: '$line'"; fails=$((fails + 1))
fi
echo "filter checks: $fails failed"
[ $fails -eq 0 ]
