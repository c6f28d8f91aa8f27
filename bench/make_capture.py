#!/usr/bin/env python3
"""Writes the benchmark capture: N UDP REGISTER transactions from U distinct UAs (default: each
its own) and M TCP connections each carrying an OPTIONS transaction, built with the sample
generator's helpers.
    make_capture.py OUT.pcap [N] [M] [U]"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples", "gen"))
import gen_synthetic as g  # noqa: E402
from pcapgen import Net, Pcap, Tcp  # noqa: E402

out = sys.argv[1]
n_udp = int(sys.argv[2]) if len(sys.argv) > 2 else 60000
n_tcp = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
n_uas = int(sys.argv[4]) if len(sys.argv) > 4 else n_udp
p = Pcap()
n = Net(p)
for i in range(n_udp):
    u = i % n_uas
    ua = ("203.0.%d.%d" % ((u >> 8) & 255, u & 255), 40000 + u % 20000)
    via = "SIP/2.0/UDP %s:5060;branch=z9hG4bK-%d;rport" % (ua[0], i)
    n.udp(ua, g.PROXY, g.request("REGISTER", via, ruri="sip:example.com", call_id="c%d" % i), dt=0.002)
    n.udp(g.PROXY, ua, g.response(200, "OK", via.replace(";rport", ";received=%s;rport=%d" % ua),
                                  "REGISTER", call_id="c%d" % i), dt=0.001)
for i in range(n_tcp):
    ua = ("198.51.%d.%d" % ((i >> 8) & 255, i & 255), 50000 + i % 10000)
    c = Tcp(n, ua, g.PROXY)
    c.handshake()
    via = "SIP/2.0/TCP %s:5060;branch=z9hG4bK-t%d" % (ua[0], i)
    c.send(ua, g.request("OPTIONS", via, call_id="t%d" % i))
    c.send(g.PROXY, g.response(200, "OK", via, "OPTIONS", call_id="t%d" % i))
    c.fin(ua)
    c.fin(g.PROXY)
p.write(out)
