#!/usr/bin/env python3
"""Connection facts in the audit's JSON, derived by hand for a few samples (RULES.md §4)."""
import json
import os
import subprocess
import sys

audit, samples = sys.argv[1], sys.argv[2]
# sample → {connection id: {field: value}}
WANT = {
    # SYN seen, closed by FIN, requests both ways (REGISTER/BYE from a, INVITE from b).
    "lab/tcp-nat.pcap": {1: {"initiator": "a", "class": "bi-ephemeral", "a": "198.18.0.2:40509",
                             "end": {"kind": "closed", "frame": 34}}},
    # No handshake in the capture: initiator and class unknown.
    "synthetic/tcp-midstream.pcap": {1: {"initiator": "unknown", "class": "unknown",
                                         "end": {"kind": "open"}}},
    # Open at the end with keep-alives: persistent; 3 pings + 2 pongs.
    "synthetic/tcp-crlf-keepalive.pcap": {1: {"class": "persistent", "keepalives": 5,
                                              "messages": 2}},
    # Requests only from the initiator, closed: uni-ephemeral; reset by the UA in frame 5.
    "synthetic/sym005-fire.pcap": {1: {"class": "uni-ephemeral", "end": {"kind": "reset", "frame": 5}}},
}
fails = 0
for rel, conns in WANT.items():
    doc = json.loads(subprocess.run([audit, "--format", "json", "--fail-on", "never",
                                     os.path.join(samples, rel)], capture_output=True,
                                    text=True).stdout)
    got = {c["id"]: c for c in doc["files"][0]["connections"]}
    for cid, fields in conns.items():
        for k, v in fields.items():
            if got.get(cid, {}).get(k) != v:
                fails += 1
                print("%s connection %d: %s is %r, want %r" % (rel, cid, k, got.get(cid, {}).get(k), v))
print("connection facts: %d mismatches" % fails)
sys.exit(1 if fails else 0)
