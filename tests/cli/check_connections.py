#!/usr/bin/env python3
"""Connection and flow facts in the audit's JSON, derived by hand for a few samples
(RULES.md §4)."""
import json
import os
import subprocess
import sys

audit, samples = sys.argv[1], sys.argv[2]
# sample → {connection id: {field: value}}
WANT = {
    # SYN seen, closed by FIN, requests both ways (REGISTER/BYE from a, INVITE from b).
    # Messages: a sent REGISTER 13, 180 23, 200 24, BYE 29; b sent 200 15, INVITE 21 and its
    # retransmission 28, 405 30. Transactions: a REGISTER and BYE, b the INVITE. Bytes: tshark's
    # tcp.len per direction (1637 from a, 1893 from b). FIN from a (34), then from b.
    "lab/tcp-nat.pcap": {1: {"initiator": "a", "class": "bi-ephemeral", "a": "198.18.0.2:40509",
                             "messages_from": {"a": 4, "b": 4},
                             "transactions_from": {"a": 2, "b": 1},
                             "bytes_from": {"a": 1637, "b": 1893},
                             "end": {"kind": "closed", "frame": 34, "by": "a"}}},
    # The NATed UA's REGISTER (282 bytes by tcp.len) against the proxy's 200, INVITE, OPTIONS
    # and MESSAGE (1226): three transactions started backwards; no FIN. The second connection:
    # REGISTER (400) against 200 and INVITE (702).
    "synthetic/reuse002-ok.pcap": {
        1: {"messages_from": {"a": 1, "b": 4}, "transactions_from": {"a": 1, "b": 3},
            "bytes_from": {"a": 282, "b": 1226}, "end": {"kind": "open"}},
        2: {"messages_from": {"a": 1, "b": 2}, "transactions_from": {"a": 1, "b": 1},
            "bytes_from": {"a": 400, "b": 702}}},
    # The UAS sends 486 and FIN (6); the UA never closes its side: half-closed.
    "synthetic/conn004-fire.pcap": {1: {"end": {"kind": "half-closed", "frame": 6, "by": "b"}}},
    # FIN from the proxy (7), then from the UA (8): closed, by b first.
    "synthetic/conn004-ok.pcap": {1: {"end": {"kind": "closed", "frame": 7, "by": "b"}}},
    # No handshake in the capture: initiator and class unknown.
    "synthetic/tcp-midstream.pcap": {1: {"initiator": "unknown", "class": "unknown",
                                         "end": {"kind": "open"}}},
    # Open at the end with keep-alives: persistent; 3 pings + 2 pongs.
    "synthetic/tcp-crlf-keepalive.pcap": {1: {"class": "persistent", "keepalives": 5,
                                              "messages": 2}},
    # Requests only from the initiator, closed: uni-ephemeral; reset by the UA in frame 5.
    "synthetic/sym005-fire.pcap": {1: {"class": "uni-ephemeral",
                                       "end": {"kind": "reset", "frame": 5, "by": "a"}}},
    # TLS handshakes read in clear (records: a = the client). Opaque records are the ones
    # after a side's ChangeCipherSpec and all application data: 1 Finished + 1 data from the
    # client, 1 Finished + 2 data from the server (TLS 1.3: the 2 data records each way).
    "synthetic/tls-handshakes.pcap": {
        1: {"transport": "tls", "end": {"kind": "closed", "frame": 10, "by": "a"},
            "bytes_from": {"a": 493, "b": 369},  # tshark: tcp.len sums per side
            "tls": {"version": "TLS 1.2", "offered_version": "TLS 1.2",
                    "server_name": "proxy.example.com", "client_hello_frame": 4,
                    "server_hello_frame": 5, "resumed": False, "certificate_requested": True,
                    "client_certificate": "sent", "opaque_records_from": {"a": 2, "b": 3}}},
        2: {"tls": {"server_name": None, "client_hello_frame": 15, "server_hello_frame": 16,
                    "certificate_requested": False, "client_certificate": "none",
                    "opaque_records_from": {"a": 2, "b": 3}}},
        3: {"tls": {"client_hello_frame": 26, "certificate_requested": True,
                    "client_certificate": "empty"}},
        4: {"tls": {"client_hello_frame": 37, "server_hello_frame": 38, "resumed": True,
                    "certificate_requested": None, "client_certificate": None,
                    "opaque_records_from": {"a": 2, "b": 3}}},
        5: {"end": {"kind": "open"},
            "tls": {"version": "TLS 1.3", "offered_version": "TLS 1.3",
                    "server_name": "proxy.example.com", "client_hello_frame": 47,
                    "server_hello_frame": 48, "resumed": False, "certificate_requested": None,
                    "client_certificate": None, "opaque_records_from": {"a": 2, "b": 2}}},
    },
    # Real TLS 1.2 from the lab, proxy side (tshark's listing: ClientHello 14, ServerHello,
    # Certificate, ServerKeyExchange and ServerHelloDone in 16, no CertificateRequest).
    "lab/tls-alias.pcap": {1: {"transport": "tls", "initiator": "a", "a": "198.18.0.2:40039",
                               "tls": {"version": "TLS 1.2", "server_name": "proxy.lab.example",
                                       "client_hello_frame": 14, "server_hello_frame": 16,
                                       "resumed": False, "certificate_requested": False,
                                       "client_certificate": "none"}}},
    # ... and with a CertificateRequest (15) answered by a 708-byte certificate list (17).
    "lab/tls-alias-cert.pcap": {1: {"transport": "tls",
                                    "tls": {"client_hello_frame": 13, "server_hello_frame": 15,
                                            "certificate_requested": True,
                                            "client_certificate": "sent"}}},
}
# sample → {connection id: {flow field: value}} (the "flows" array, keyed by connection).
WANT_FLOWS = {
    # No outbound: STUN requests 3, 5, 8 (6 a retransmission of 5) 25 s apart, answers 4, 7, 9
    # after 0.02, 0.53 (from 5's first transmission) and 0.01 s, all mapping 203.0.113.5:40001.
    "synthetic/udp-stun-keepalive.pcap": {1: {
        "instance": None, "keepalives": 6, "timer_source": "none", "timer_s": 0,
        "interval_s": {"min": 25.0, "median": 25.0, "max": 25.0},
        "latency_s": {"min": 0.01, "median": 0.02, "max": 0.53},
        "mapped": ["203.0.113.5:40001"]}},
    # Outbound (reg-id 1, Flow-Timer 25) at the UA behind a NAT: the 200's received/rport and
    # STUN 4 say 203.0.113.9:40601, STUN 6 and later 40977.
    "synthetic/ka003-fire.pcap": {1: {
        "instance": "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", "reg_id": 1,
        "timer_s": 25, "timer_source": "flow-timer",
        "mapped": ["203.0.113.9:40601", "203.0.113.9:40977"]}},
    # Outbound TCP, Flow-Timer 120 negotiated; pings every 100 s, 4 pings + 4 pongs, still open.
    "synthetic/outbound-tcp-ok.pcap": {1: {
        "timer_s": 120, "timer_source": "flow-timer", "keepalives": 8,
        "interval_s": {"min": 100.0, "median": 100.0, "max": 100.0},
        "end": {"kind": "capture-end"}}},
    # One instance, two flows: reg-id 1 over TCP (Flow-Timer 120, one ping), reg-id 2 over UDP
    # to another edge proxy (Flow-Timer 25, STUN every 20 s).
    "synthetic/outbound-two-flows.pcap": {
        1: {"reg_id": 1, "transport": "tcp", "timer_s": 120, "keepalives": 2},
        2: {"reg_id": 2, "transport": "udp", "timer_s": 25, "keepalives": 6,
            "interval_s": {"min": 20.0, "median": 20.0, "max": 20.0}}},
    # Outbound UDP without Flow-Timer: the STUN default (29 s) is in force.
    "synthetic/ka010-fire.pcap": {1: {"timer_s": 29, "timer_source": "default"}},
}


def mismatches(want, array, id_field, label):
    """Compares each wanted field of the entries of the JSON @array (by @id_field) of each
    sample; nested objects by the keys wanted, floats in them to the microsecond."""
    count = 0
    for rel, entries in want.items():
        doc = json.loads(subprocess.run([audit, "--format", "json", "--fail-on", "never",
                                         os.path.join(samples, rel)], capture_output=True,
                                        text=True).stdout)
        got = {e[id_field]: e for e in doc["files"][0][array]}
        for eid, fields in entries.items():
            for k, v in fields.items():
                g = got.get(eid, {}).get(k, "<absent>")
                if isinstance(v, dict) and isinstance(g, dict):
                    # The fields derived by hand, not every one the audit writes.
                    g = {kk: round(g[kk], 6) if isinstance(g.get(kk), float) else
                         g.get(kk, "<absent>") for kk in v}
                if g != v:
                    count += 1
                    print("%s %s %d: %s is %r, want %r" % (rel, label, eid, k, g, v))
    return count


fails = mismatches(WANT_FLOWS, "flows", "connection", "flow") + \
    mismatches(WANT, "connections", "id", "connection")
print("connection and flow facts: %d mismatches" % fails)
sys.exit(1 if fails else 0)
