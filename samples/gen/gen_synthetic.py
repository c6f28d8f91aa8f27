#!/usr/bin/env python3
"""Writes the synthetic edge-case samples into samples/synthetic/ (one pcap per case).

Each case is a small conversation built by hand to make one rule fire, or to be its near-miss.
The expected findings live beside each capture in <case>.expect, written by hand from the RFC
(see samples/synthetic/README.md); this script only makes the packets.

    python3 samples/gen/gen_synthetic.py [OUTDIR]
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcapgen import (ACK, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_NULL, LINKTYPE_RAW,
                     Net, Pcap, Pcapng, Tcp, csum, eth, ip, ipv4, stun, udp)

UA = ("203.0.113.5", 40001)
UA_SIP = ("203.0.113.5", 5060)
PROXY = ("192.0.2.1", 5060)


def msg(start, headers, body=b"", content_length=True, cl_value=None):
    lines = [start] + headers
    if content_length:
        lines.append("Content-Length: %d" % (len(body) if cl_value is None else cl_value))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def request(method, via, ruri="sip:bob@example.com", cseq=1, call_id="c1@example.com",
            extra=(), body=b"", **kw):
    headers = ["Via: " + v for v in ([via] if isinstance(via, str) else via)]
    headers += ["Max-Forwards: 70", "From: <sip:alice@example.com>;tag=a1",
                "To: <sip:bob@example.com>", "Call-ID: " + call_id,
                "CSeq: %d %s" % (cseq, method)] + list(extra)
    return msg("%s %s SIP/2.0" % (method, ruri), headers, body, **kw)


def response(code, reason, via, method, cseq=1, call_id="c1@example.com", extra=(), body=b"",
             **kw):
    headers = ["Via: " + v for v in ([via] if isinstance(via, str) else via)]
    headers += ["From: <sip:alice@example.com>;tag=a1", "To: <sip:bob@example.com>;tag=b1",
                "Call-ID: " + call_id, "CSeq: %d %s" % (cseq, method)] + list(extra)
    return msg("SIP/2.0 %d %s" % (code, reason), headers, body, **kw)


def sdp(size):
    line = b"a=x-filler:" + b"0123456789abcdef" * 4 + b"\r\n"
    body = b"v=0\r\no=- 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\n"
    while len(body) < size:
        body += line
    return body[:size]


def options_answered(n, ua, via, stamp):
    """OPTIONS from @ua to the proxy and its 200 back to @ua, the server's Via written with
    @stamp in place of the request's bare ';rport'."""
    n.udp(ua, PROXY, request("OPTIONS", via))
    n.udp(PROXY, ua, response(200, "OK", via.replace(";rport", stamp), "OPTIONS"))


CASES = {}


def case(name):
    def deco(fn):
        CASES[name] = fn
        return fn
    return deco


# --- SYM --------------------------------------------------------------------------------------

@case("sym001-fire")
def _(n):
    via = "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-r1;rport"
    n.udp(UA, PROXY, request("REGISTER", via, ruri="sip:example.com"))
    n.udp(PROXY, UA_SIP, response(200, "OK", via.replace(";rport", ";received=203.0.113.5;rport=40001"),
                                  "REGISTER"))


@case("sym001-ok")
def _(n):
    via = "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-r1;rport"
    n.udp(UA, PROXY, request("REGISTER", via, ruri="sip:example.com"))
    n.udp(PROXY, UA, response(200, "OK", via.replace(";rport", ";received=203.0.113.5;rport=40001"),
                              "REGISTER"))


@case("sym002-fire")
def _(n):
    via = "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-i1;rport"
    n.udp(UA, PROXY, request("INVITE", via))
    n.udp(("192.0.2.1", 5070), UA,
          response(100, "Trying", via.replace(";rport", ";received=203.0.113.5;rport=40001"), "INVITE"))


@case("sym003-fire")
def _(n):
    ua = ("203.0.113.9", 5062)
    via = "SIP/2.0/UDP 203.0.113.9:5062;branch=z9hG4bK-o1"
    n.udp(ua, PROXY, request("OPTIONS", via))
    n.udp(PROXY, ("203.0.113.9", 5060), response(200, "OK", via, "OPTIONS"))


@case("sym003-ok")
def _(n):
    ua = ("203.0.113.9", 5062)
    via = "SIP/2.0/UDP 203.0.113.9:5062;branch=z9hG4bK-o1"
    n.udp(ua, PROXY, request("OPTIONS", via))
    n.udp(PROXY, ua, response(200, "OK", via, "OPTIONS"))


@case("sym006-fire")
def _(n):
    ua = ("198.51.100.7", 40601)
    via = "SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-f1"
    n.udp(ua, PROXY, request("REGISTER", via, ruri="sip:example.com"))
    n.udp(PROXY, ua, response(200, "OK", via + ";rport=40601", "REGISTER"))


@case("sym006-inside-nat")
def _(n):
    # Captured inside the NAT: private source, public sent-by (learnt by STUN). The NAT chose the
    # port the server answered, so nothing proves forcing.
    ua = ("10.0.0.5", 40601)
    via = "SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-f2"
    n.udp(ua, PROXY, request("REGISTER", via, ruri="sip:example.com"))
    n.udp(PROXY, ua, response(200, "OK", via + ";received=198.51.100.7;rport=40601", "REGISTER"))


def tcp_bye_case(n, same_connection):
    ua_tcp = ("203.0.113.5", 50000)
    c1 = Tcp(n, ua_tcp, PROXY)
    c1.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:5060;branch=z9hG4bK-b1"
    c1.send(ua_tcp, request("BYE", via))
    if same_connection:
        c1.send(PROXY, response(200, "OK", via, "BYE"))
    else:
        c2 = Tcp(n, ("192.0.2.1", 41000), UA_SIP, isn_a=9000, isn_b=7000)
        c2.handshake()
        c2.send(("192.0.2.1", 41000), response(200, "OK", via, "BYE"))


@case("sym004-fire")
def _(n):
    tcp_bye_case(n, same_connection=False)


@case("sym004-ok")
def _(n):
    tcp_bye_case(n, same_connection=True)


def tcp_reset_case(n, answer_to):
    ua_tcp = ("203.0.113.5", 52001)
    c1 = Tcp(n, ua_tcp, PROXY)
    c1.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:5060;branch=z9hG4bK-x1"
    c1.send(ua_tcp, request("INVITE", via))
    c1.rst(ua_tcp)
    c2 = Tcp(n, ("192.0.2.1", 41001), answer_to, isn_a=9000, isn_b=7000)
    c2.handshake()
    c2.send(("192.0.2.1", 41001), response(486, "Busy Here", via, "INVITE"))


@case("sym005-fire")
def _(n):
    tcp_reset_case(n, ("203.0.113.5", 52001))


@case("sym005-ok")
def _(n):
    tcp_reset_case(n, UA_SIP)


@case("sym005-fallback")
def _(n):
    # After the reset the proxy tries the sent-by port first: refused (RST). RFC 3263 §5 then
    # allows another destination, so the 486 to :52001 is not judged.
    ua_tcp = ("203.0.113.5", 52001)
    c1 = Tcp(n, ua_tcp, PROXY)
    c1.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:5060;branch=z9hG4bK-x2"
    c1.send(ua_tcp, request("INVITE", via))
    c1.rst(ua_tcp)
    Tcp(n, ("192.0.2.1", 41002), UA_SIP, isn_a=4000, isn_b=0).refused()
    c2 = Tcp(n, ("192.0.2.1", 41003), ua_tcp, isn_a=9000, isn_b=7000)
    c2.handshake()
    c2.send(("192.0.2.1", 41003), response(486, "Busy Here", via, "INVITE"))


@case("sym003-icmp-fallback")
def _(n):
    # The 200 goes to the sent-by port, comes back ICMP port unreachable, and is resent to :5060:
    # RFC 3261 §18.2.2 → RFC 3263 §5 fallback, not SYM-003.
    ua = ("203.0.113.9", 5062)
    via = "SIP/2.0/UDP 203.0.113.9:5062;branch=z9hG4bK-o2"
    n.udp(ua, PROXY, request("OPTIONS", via))
    ok = response(200, "OK", via, "OPTIONS")
    n.udp(PROXY, ua, ok)
    quoted = ipv4(PROXY[0], ua[0], 17, udp(PROXY[0], ua[0], PROXY[1], ua[1], ok))[:28]
    icmp = struct.pack("!BBHI", 3, 3, 0, 0) + quoted
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    n.t += 0.01
    n.pcap.add(n.t, n.l3(ua[0], PROXY[0], 1, icmp))
    n.udp(PROXY, ("203.0.113.9", 5060), ok)


# --- VIA --------------------------------------------------------------------------------------

@case("via001-fire")
def _(n):
    via = "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-v1;rport"
    n.udp(UA_SIP, PROXY, request("REGISTER", via, ruri="sip:example.com"))
    n.udp(PROXY, UA_SIP, response(401, "Unauthorized", via, "REGISTER"))


@case("via002-fire")
def _(n):
    ua = ("203.0.113.9", 40601)
    via = "SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bK-v2;rport"
    options_answered(n, ua, via, ";received=203.0.113.9;rport=5060")


@case("via003-fire")
def _(n):
    ua = ("198.51.100.7", 5060)
    via = "SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK-v3;rport"
    options_answered(n, ua, via, ";received=198.51.100.70;rport=5060")


@case("via003-inside-nat")
def _(n):
    # Capture inside the NAT: the UA's packet as it wrote it (S = sent-by), public W.
    ua = ("192.168.1.20", 5060)
    via = "SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK-v3n;rport"
    options_answered(n, ua, via, ";received=198.51.100.70;rport=40111")


@case("via002-inside-default-port")
def _(n):
    # Capture inside a NAT with public addresses on both sides: the packet as the UA wrote it
    # (source = sent-by, whose port 5060 is the default, not written). Inside: not judged.
    ua = ("198.51.100.20", 5060)
    via = "SIP/2.0/UDP 198.51.100.20;branch=z9hG4bK-v2d;rport"
    options_answered(n, ua, via, ";received=203.0.113.99;rport=40111")


@case("via003-forwarded")
def _(n):
    # Captured at a proxy: the UA's request in, the proxy's forwarded copy out. The proxy stamped
    # the UA's Via (now second) with a received that is not the source it saw.
    ua = ("198.51.100.7", 40001)
    via = "SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK-fw1;rport"
    n.udp(ua, PROXY, request("OPTIONS", via))
    stamped = via.replace(";rport", ";received=198.51.100.70;rport=40001")
    n.udp(PROXY, ("192.0.2.50", 5060),
          request("OPTIONS", ["SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK-fw2", stamped]))


@case("via004-fire")
def _(n):
    ua = ("203.0.113.20", 5060)
    via = "SIP/2.0/UDP pc33.example.com;branch=z9hG4bK-v4"
    n.udp(ua, PROXY, request("OPTIONS", via))
    n.udp(PROXY, ua, response(200, "OK", via, "OPTIONS"))


@case("via004-ok")
def _(n):
    ua = ("203.0.113.20", 5060)
    via = "SIP/2.0/UDP 203.0.113.20;branch=z9hG4bK-v4b"
    n.udp(ua, PROXY, request("OPTIONS", via))
    n.udp(PROXY, ua, response(200, "OK", via, "OPTIONS"))


@case("via005-fire")
def _(n):
    via = "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-v5;rport"
    options_answered(n, UA, via, ";rport=40001")


@case("via006-fire")
def _(n):
    via = "SIP/2.0/UDP 203.0.113.5:40001;branch=z9hG4bK-v6;rport=40001"
    n.udp(UA, PROXY, request("REGISTER", via, ruri="sip:example.com"))


@case("via007-fire")
def _(n):
    ua_tcp = ("203.0.113.5", 50010)
    c = Tcp(n, ua_tcp, PROXY)
    c.handshake()
    c.send(ua_tcp, request("INVITE", "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-v7"))


@case("via-compact-multi")
def _(n):
    # Compact "v:" with two values on one line, folded header, IPv6 reference, mixed case.
    ua = ("2001:db8::5", 40001)
    px = ("2001:db8::1", 5060)
    raw = ("OPTIONS sip:bob@example.com SIP/2.0\r\n"
           "v: SIP/2.0/UDP [2001:db8::5]:5060;BRANCH=z9hG4bK-c1;RPort ,\r\n"
           "   SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bK-c0;received=2001:db8::9\r\n"
           "f: <sip:alice@example.com>;tag=a1\r\nt: <sip:bob@example.com>\r\n"
           "i: cm1@example.com\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n").encode()
    n.udp(ua, px, raw)
    rvia = ("SIP/2.0/UDP [2001:db8::5]:5060;BRANCH=z9hG4bK-c1;RPort=40001;received=2001:DB8:0::5 , "
            "SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bK-c0;received=2001:db8::9")
    n.udp(px, ua, response(200, "OK", rvia, "OPTIONS", call_id="cm1@example.com"))


# --- PRAC -------------------------------------------------------------------------------------

@case("prac001-fire")
def _(n):
    via = "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-p1;rport"
    body = sdp(1610 - len(request("INVITE", via, extra=["Content-Type: application/sdp"],
                                  body=b"x" * 1000)) + 1000)
    n.udp_fragmented(UA, PROXY, request("INVITE", via, extra=["Content-Type: application/sdp"],
                                        body=body))


@case("prac001-cancel")
def _(n):
    via = "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-p1c;rport"
    filler = ["X-Filler-%d: %s" % (i, "y" * 90) for i in range(14)]
    n.udp_fragmented(UA, PROXY, request("CANCEL", via, extra=filler))


@case("prac001-after-tcp")
def _(n):
    # §18.1.1: the UA first tries TCP to the proxy (refused), then sends the large INVITE over UDP.
    Tcp(n, ("203.0.113.5", 50070), PROXY).refused()
    via = "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-p1t;rport"
    body = sdp(1610 - len(request("INVITE", via, extra=["Content-Type: application/sdp"],
                                  body=b"x" * 1000)) + 1000)
    n.udp_fragmented(UA, PROXY, request("INVITE", via, extra=["Content-Type: application/sdp"],
                                        body=body))


def invite_then_large_ack(n, code, reason, ack_branch):
    """A small INVITE, its final response @code and an ACK with @ack_branch grown past 1300
    bytes by filler headers, sent in two IP fragments."""
    via = "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-pa1;rport"
    n.udp(UA, PROXY, request("INVITE", via, call_id="pa1@example.com"))
    n.udp(PROXY, UA, response(code, reason, via.replace(";rport", ";received=203.0.113.5;rport=40001"),
                              "INVITE", call_id="pa1@example.com"))
    filler = ["X-Filler-%d: %s" % (i, "y" * 90) for i in range(14)]
    ack_via = via.replace("z9hG4bK-pa1", ack_branch)
    n.udp_fragmented(UA, PROXY, request("ACK", ack_via, call_id="pa1@example.com", extra=filler))


@case("prac001-ack-2xx")
def _(n):
    invite_then_large_ack(n, 200, "OK", "z9hG4bK-pa2")  # a 2xx's ACK: a new branch (§17.1.1.3)


@case("prac001-ack-non2xx")
def _(n):
    invite_then_large_ack(n, 486, "Busy Here", "z9hG4bK-pa1")  # the INVITE's own branch


@case("prac002-fire")
def _(n):
    via = "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-p2;rport"
    n.udp(UA, PROXY, request("INVITE", via, extra=["Record-Route: <sip:192.0.2.1;lr>"]))
    n.udp(UA, PROXY, request("INVITE", via.replace("p2", "p2b"), cseq=2,
                             extra=["Record-Route: <sip:192.0.2.1;lr>",
                                    "Record-Route: <sip:proxy.example.com;lr>"]))


@case("prac004-fire")
def _(n):
    via = "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-p4;rport"
    n.udp(UA, PROXY, request("INVITE", via))
    rvia = via.replace(";rport", ";received=203.0.113.5;rport=40001")
    head = response(200, "OK", rvia, "INVITE", extra=["Content-Type: application/sdp"], body=b"")
    n.udp_fragmented(PROXY, UA, response(200, "OK", rvia, "INVITE",
                                         extra=["Content-Type: application/sdp"],
                                         body=sdp(1520 - len(head))))


# --- FRAME ------------------------------------------------------------------------------------

@case("frame001-fire")
def _(n):
    ua_tcp = ("203.0.113.5", 50020)
    c = Tcp(n, ua_tcp, PROXY)
    c.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:5060;branch=z9hG4bK-f1"
    c.send(ua_tcp, request("OPTIONS", via))
    c.send(PROXY, response(200, "OK", via, "OPTIONS", content_length=False))


@case("frame002-fire")
def _(n):
    ua_tcp = ("203.0.113.5", 50030)
    c = Tcp(n, ua_tcp, PROXY)
    c.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:5060;branch=z9hG4bK-f2"
    full = request("MESSAGE", via, extra=["Content-Type: text/plain"], body=b"m" * 120,
                   cl_value=300)
    c.send(ua_tcp, full)
    c.fin(ua_tcp)


@case("frame002-capture-end")
def _(n):
    ua_tcp = ("203.0.113.5", 50031)
    c = Tcp(n, ua_tcp, PROXY)
    c.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:5060;branch=z9hG4bK-f2e"
    c.send(ua_tcp, request("MESSAGE", via, extra=["Content-Type: text/plain"], body=b"m" * 120,
                           cl_value=300))


@case("frame002-udp")
def _(n):
    via = "SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-f2u;rport"
    n.udp(UA, PROXY, request("MESSAGE", via, extra=["Content-Type: text/plain"], body=b"m" * 20,
                             cl_value=50))


@case("frame003-fire")
def _(n):
    ua_tcp = ("203.0.113.5", 50040)
    c = Tcp(n, ua_tcp, PROXY)
    c.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:5060;branch=z9hG4bK-f3"
    body = b"v=0\r\no=- 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\n"
    c.send(ua_tcp, request("INVITE", via, extra=["Content-Type: application/sdp"], body=body[:20],
                           cl_value=20))
    c.send(ua_tcp, body[20:] + request("INFO", via.replace("f3", "f3b"), cseq=2))


@case("frame003-ok-crlf-split")
def _(n):
    # Two requests in two segments, cut between the CR and the LF that end the second one's
    # request line: nothing stray (the LF starts the next segment).
    ua_tcp = ("203.0.113.5", 50041)
    c = Tcp(n, ua_tcp, PROXY)
    c.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:5060;branch=z9hG4bK-f3s%d"
    m1 = request("OPTIONS", via % 1, cseq=1)
    m2 = request("OPTIONS", via % 2, cseq=2)
    cut = len(m1) + m2.index(b"\r\n") + 1
    both = m1 + m2
    c.send(ua_tcp, both[:cut])
    c.send(ua_tcp, both[cut:])


# --- transport reconstruction ---------------------------------------------------------------

@case("tcp-reassembly")
def _(n):
    # Three messages one way, one the other: a message split over three segments, two messages
    # in one segment, an out-of-order pair, a retransmission and an overlapping resend.
    ua_tcp = ("203.0.113.5", 50050)
    c = Tcp(n, ua_tcp, PROXY)
    c.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:5060;branch=z9hG4bK-t%d"
    m1 = request("OPTIONS", via % 1, cseq=1)
    c.send(ua_tcp, m1[:30])
    c.send(ua_tcp, m1[30:80])
    c.send(ua_tcp, m1[80:])
    c.send(PROXY, response(200, "OK", via % 1, "OPTIONS", cseq=1))
    m2 = request("OPTIONS", via % 2, cseq=2)
    m3 = request("OPTIONS", via % 3, cseq=3)
    both = m2 + m3
    half = len(m2) + 10
    c.send_at(ua_tcp, half, both[half:])       # second part first (out of order)
    c.send_at(ua_tcp, 0, both[:half])          # then the hole is filled
    c.advance(ua_tcp, len(both))
    c.send_at(ua_tcp, -len(both), both[:40])   # a retransmission of old bytes
    m4 = request("OPTIONS", via % 4, cseq=4)
    c.send_at(ua_tcp, -10, both[-10:] + m4[:50])  # overlap: resend 10 old bytes with new ones
    c.advance(ua_tcp, 50)
    c.send(ua_tcp, m4[50:])
    c.send(ua_tcp, b"\r\n\r\n")                # a CRLF keep-alive between messages
    c.fin(ua_tcp)
    c.fin(PROXY)


@case("tcp-crlf-keepalive")
def _(n):
    # A registered UA keeps its connection alive with CRLF pings every 30 s; the proxy answers
    # the first two with a single CRLF, not the third; then one stray CRLF from the UA.
    ua_tcp = ("203.0.113.5", 50080)
    c = Tcp(n, ua_tcp, PROXY)
    c.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:5060;branch=z9hG4bK-k1"
    c.send(ua_tcp, request("REGISTER", via, ruri="sip:example.com"))
    c.send(PROXY, response(200, "OK", via, "REGISTER"))
    c.send(ua_tcp, b"\r\n\r\n", dt=30.0)
    c.send(PROXY, b"\r\n", dt=0.02)
    c.send(ua_tcp, b"\r\n\r\n", dt=29.98)
    c.send(PROXY, b"\r\n", dt=0.03)
    c.send(ua_tcp, b"\r\n\r\n", dt=29.97)
    c.send(ua_tcp, b"\r\n", dt=5.0)


@case("udp-stun-keepalive")
def _(n):
    # A UA registered over UDP keeps its NAT binding with STUN Binding requests every 25 s
    # (RFC 5626 §4.4.2) to the proxy's SIP port; the second request is retransmitted once
    # (same transaction ID) before its answer. Then STUN between two other ports: not a SIP
    # flow, so not a keep-alive.
    via = "SIP/2.0/UDP 203.0.113.5:40001;branch=z9hG4bK-s1;rport"
    n.udp(UA, PROXY, request("REGISTER", via, ruri="sip:example.com"))
    n.udp(PROXY, UA, response(200, "OK", via.replace(";rport", ";received=203.0.113.5;rport=40001"),
                              "REGISTER"))
    txn = [bytes([k]) * 12 for k in (0xA1, 0xB2, 0xC3, 0xD4)]
    n.at(25.0 - 0.02)
    n.udp(UA, PROXY, stun(0x0001, txn[0]), dt=0)
    n.udp(PROXY, UA, stun(0x0101, txn[0], UA), dt=0.02)
    n.at(25.0 - 0.02)
    n.udp(UA, PROXY, stun(0x0001, txn[1]), dt=0)
    n.udp(UA, PROXY, stun(0x0001, txn[1]), dt=0.5)
    n.udp(PROXY, UA, stun(0x0101, txn[1], UA), dt=0.03)
    n.at(25.0 - 0.53)
    n.udp(UA, PROXY, stun(0x0001, txn[2]), dt=0)
    n.udp(PROXY, UA, stun(0x0101, txn[2], UA), dt=0.01)
    other = ("203.0.113.5", 40500)
    turn = ("192.0.2.9", 3478)
    n.udp(other, turn, stun(0x0001, txn[3]), dt=1.0)
    n.udp(turn, other, stun(0x0101, txn[3], other), dt=0.01)


# RFC 5626 outbound ------------------------------------------------------------------------

INSTANCE = '"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"'
UA_TCP = ("203.0.113.5", 50100)


def ob_register(via, contact, cseq=1, reg_id="1", instance=INSTANCE, supported="outbound, path"):
    """An outbound REGISTER (RFC 5626 §4.2.1): Contact with +sip.instance and reg-id."""
    params = (";+sip.instance=" + instance if instance else "") + \
             (";reg-id=" + reg_id if reg_id else "")
    extra = ["Contact: <%s;ob>%s" % (contact, params), "Expires: 3600"]
    if supported:
        extra.append("Supported: " + supported)
    return request("REGISTER", via, ruri="sip:example.com", cseq=cseq, call_id="reg@example.com",
                   extra=extra)


def ob_ok(via, contact, cseq=1, require=True, flow_timer=None, reg_id="1", expires=3600):
    """The registrar's 200 (RFC 5626 §6): Require: outbound and Flow-Timer when asked."""
    extra = ["Contact: <%s;ob>;+sip.instance=%s;reg-id=%s;expires=%d" % (contact, INSTANCE,
                                                                         reg_id, expires)]
    if require:
        extra.append("Require: outbound")
    if flow_timer is not None:
        extra.append("Flow-Timer: %d" % flow_timer)
    return response(200, "OK", via, "REGISTER", cseq=cseq, call_id="reg@example.com", extra=extra)


def ob_tcp(n, require=True, flow_timer=120):
    """Frames 1-5: handshake, REGISTER, 200. Returns the connection."""
    c = Tcp(n, UA_TCP, PROXY)
    c.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:50100;branch=z9hG4bK-ob1"
    contact = "sip:alice@203.0.113.5:50100;transport=tcp"
    c.send(UA_TCP, ob_register(via, contact))
    c.send(PROXY, ob_ok(via, contact, require=require, flow_timer=flow_timer))
    return c


def pings(c, gaps, pong=True):
    """A CRLF ping after each gap (seconds since the previous frame), each answered 20 ms later
    when @pong."""
    for gap in gaps:
        c.send(UA_TCP, b"\r\n\r\n", dt=gap)
        if pong:
            c.send(PROXY, b"\r\n", dt=0.02)


def ob_udp(n, ua=UA, received="203.0.113.5", rport=40001, flow_timer=25, keep=False):
    """Frames 1-2: REGISTER over UDP and the 200 with received/rport filled."""
    via = "SIP/2.0/UDP %s:%d;branch=z9hG4bK-u1;rport%s" % (ua[0], ua[1], ";keep" if keep else "")
    contact = "sip:alice@%s:%d" % ua
    n.udp(ua, PROXY, ob_register(via, contact))
    stamped = via.replace(";rport", ";received=%s;rport=%d" % (received, rport))
    n.udp(PROXY, ua, ob_ok(stamped, contact, flow_timer=flow_timer))


def stun_exchange(n, ua, gap, k, mapped, answer=True):
    """A STUN Binding request @gap seconds after the previous frame, answered 10 ms later."""
    txn = bytes([0x40 + k]) * 12
    n.udp(ua, PROXY, stun(0x0001, txn), dt=gap)
    if answer:
        n.udp(PROXY, ua, stun(0x0101, txn, mapped), dt=0.01)


@case("outbound-tcp-ok")
def _(n):
    # Outbound over TCP, Flow-Timer 120: CRLF pings every 100 s (83% of it), each answered.
    c = ob_tcp(n)
    pings(c, [100.0, 99.98, 99.98, 99.98])


@case("ka001-fire")
def _(n):
    # Flow-Timer 120; pings 6, 8 every 100 s, then 10 at 151 s after 8 (> 120 + 1).
    c = ob_tcp(n)
    pings(c, [100.0, 99.98, 150.98])


@case("ka002-fire")
def _(n):
    # Ping 6 towards the registrar that committed (Require: outbound): no pong; 100 s later
    # ping 7, answered by 8.
    c = ob_tcp(n)
    pings(c, [100.0], pong=False)
    pings(c, [100.0])


@case("ka002-not-committed")
def _(n):
    # The registrar accepted without Require: outbound (FLOW-003): it never committed to pongs,
    # so the unanswered pings 6 and 7 are facts.
    c = ob_tcp(n, require=False, flow_timer=None)
    pings(c, [100.0, 100.0], pong=False)


@case("ka002-capture-end")
def _(n):
    # Ping 8 unanswered but the capture ends 5 s later (bare ACK 9): not evaluable.
    c = ob_tcp(n)
    pings(c, [100.0])
    pings(c, [99.98], pong=False)
    c._send(PROXY, ACK, dt=5.0)


@case("ka004-fire")
def _(n):
    # Flow-Timer 120 but pings every 20 s (6, 8, 10, 12): median gap 20 < 60.
    c = ob_tcp(n)
    pings(c, [20.0, 19.98, 19.98, 19.98])


@case("ka005-fire")
def _(n):
    # Outbound UDP, Flow-Timer 25: STUN request 3 never answered; 4/5, 6/7, 8/9 answered, so
    # the capture runs 60 s past 3.
    ob_udp(n)
    stun_exchange(n, UA, 20.0, 0, UA, answer=False)
    stun_exchange(n, UA, 20.0, 1, UA)
    stun_exchange(n, UA, 19.99, 2, UA)
    stun_exchange(n, UA, 19.99, 3, UA)


@case("ka005-repeated")
def _(n):
    # Ten unanswered STUN requests, more than the flow's ring of eight pending ones, then three
    # answered ones so the capture runs 60 s past the tenth.
    ob_udp(n)
    for k in range(10):
        stun_exchange(n, UA, 20.0, k, UA, answer=False)
    for k in range(10, 13):
        stun_exchange(n, UA, 20.0, k, UA)


@case("ka005-before-commit")
def _(n):
    # STUN request 2 between the REGISTER (1) and the 200 that commits the registrar (3), never
    # answered; then four answered requests 20 s apart (4-11) keep the flow watched long past
    # 2's deadline.
    via = "SIP/2.0/UDP %s:%d;branch=z9hG4bK-u1;rport" % UA
    contact = "sip:alice@%s:%d" % UA
    n.udp(UA, PROXY, ob_register(via, contact))
    stun_exchange(n, UA, 0.1, 0, UA, answer=False)
    stamped = via.replace(";rport", ";received=203.0.113.5;rport=40001")
    n.udp(PROXY, UA, ob_ok(stamped, contact, flow_timer=25), dt=1.0)
    for k in range(1, 5):
        stun_exchange(n, UA, 20.0, k, UA)


UA_PRIV = ("10.0.0.5", 5060)
MAPPED1 = ("203.0.113.9", 40601)
MAPPED2 = ("203.0.113.9", 40977)


@case("ka003-fire")
def _(n):
    # At the UA, behind a NAT: the 200 says 203.0.113.9:40601, STUN 4 says the same, STUN 6
    # says 40977 (rebinding). The UA re-registers (7/8) before its next keep-alive (9/10).
    ob_udp(n, ua=UA_PRIV, received=MAPPED1[0], rport=MAPPED1[1])
    stun_exchange(n, UA_PRIV, 20.0, 0, MAPPED1)
    stun_exchange(n, UA_PRIV, 19.99, 1, MAPPED2)
    via = "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-u2;rport"
    contact = "sip:alice@10.0.0.5:5060"
    n.udp(UA_PRIV, PROXY, ob_register(via, contact, cseq=2), dt=0.5)
    n.udp(PROXY, UA_PRIV, ob_ok(via.replace(";rport", ";received=203.0.113.9;rport=40977"),
                                contact, cseq=2, flow_timer=25))
    stun_exchange(n, UA_PRIV, 19.0, 2, MAPPED2)


@case("ka008-fire")
def _(n):
    # As ka003-fire, but the UA keeps sending STUN (7) on the changed flow without registering.
    ob_udp(n, ua=UA_PRIV, received=MAPPED1[0], rport=MAPPED1[1])
    stun_exchange(n, UA_PRIV, 20.0, 0, MAPPED1)
    stun_exchange(n, UA_PRIV, 19.99, 1, MAPPED2)
    stun_exchange(n, UA_PRIV, 19.99, 2, MAPPED2)


@case("ka006-fire")
def _(n):
    # Outbound UDP flow kept alive with a CR/LF datagram (3) instead of STUN.
    ob_udp(n)
    n.udp(UA, PROXY, b"\r\n\r\n", dt=20.0)


@case("ka007-fire")
def _(n):
    # A request offering keep with a value (RFC 6223: the offer is a bare keep).
    via = "SIP/2.0/UDP 203.0.113.5:40001;branch=z9hG4bK-k7;rport;keep=30"
    n.udp(UA, PROXY, request("OPTIONS", via))
    n.udp(PROXY, UA, response(200, "OK", via.replace(";rport", ";received=203.0.113.5;rport=40001"),
                              "OPTIONS"))


@case("ka009-fire")
def _(n):
    # The 200 to an outbound REGISTER that offered keep says keep=30 and Flow-Timer: 120.
    via = "SIP/2.0/UDP 203.0.113.5:40001;branch=z9hG4bK-k9;rport;keep"
    contact = "sip:alice@203.0.113.5:40001"
    n.udp(UA, PROXY, ob_register(via, contact))
    stamped = via.replace(";rport;keep", ";received=203.0.113.5;rport=40001;keep=30")
    n.udp(PROXY, UA, ob_ok(stamped, contact, flow_timer=120))


@case("keep-ok")
def _(n):
    # RFC 6223 without outbound: REGISTER offers keep, the 200 grants keep=30; STUN every 25 s.
    via = "SIP/2.0/UDP 203.0.113.5:40001;branch=z9hG4bK-kk;rport;keep"
    n.udp(UA, PROXY, request("REGISTER", via, ruri="sip:example.com",
                             extra=["Contact: <sip:alice@203.0.113.5:40001>", "Expires: 3600"]))
    n.udp(PROXY, UA, response(200, "OK", via.replace(";rport;keep",
                                                     ";received=203.0.113.5;rport=40001;keep=30"),
                              "REGISTER", extra=["Contact: <sip:alice@203.0.113.5:40001>;expires=3600"]))
    for k in range(3):
        stun_exchange(n, UA, 25.0, k, UA)


@case("ka010-fire")
def _(n):
    # Outbound UDP without Flow-Timer: STUN 3 after 20 s, then 5 after 60 s (> 29 + 1).
    ob_udp(n, flow_timer=None)
    stun_exchange(n, UA, 20.0, 0, UA)
    stun_exchange(n, UA, 59.99, 1, UA)


@case("flow002-fire")
def _(n):
    # reg-id without +sip.instance.
    via = "SIP/2.0/UDP 203.0.113.5:40001;branch=z9hG4bK-f2;rport"
    n.udp(UA, PROXY, ob_register(via, "sip:alice@203.0.113.5:40001", instance=None))
    n.udp(PROXY, UA, response(200, "OK", via.replace(";rport", ";received=203.0.113.5;rport=40001"),
                              "REGISTER", call_id="reg@example.com"))


@case("flow004-fire")
def _(n):
    # Flow-Timer in a 200 REGISTER without Require: outbound.
    via = "SIP/2.0/UDP 203.0.113.5:40001;branch=z9hG4bK-f4;rport"
    n.udp(UA, PROXY, request("REGISTER", via, ruri="sip:example.com",
                             extra=["Contact: <sip:alice@203.0.113.5:40001>"]))
    n.udp(PROXY, UA, response(200, "OK", via.replace(";rport", ";received=203.0.113.5;rport=40001"),
                              "REGISTER", extra=["Flow-Timer: 30"]))


@case("flow005-fire")
def _(n):
    # At the registrar: an edge proxy forwards the outbound REGISTER without a Path, and the
    # registrar still answers Require: outbound.
    edge = ("192.0.2.50", 5060)
    vias = ["SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bK-e1",
            "SIP/2.0/UDP 203.0.113.5:40001;branch=z9hG4bK-f5;received=203.0.113.5;rport=40001"]
    contact = "sip:alice@203.0.113.5:40001"
    n.udp(edge, PROXY, ob_register(vias, contact))
    n.udp(PROXY, edge, ob_ok(vias, contact, flow_timer=25))


def ob_tcp_listening(n):
    """Frames 1-5: an outbound TCP registration whose Contact is the UA's listening port 5060
    (the connection comes from 50100)."""
    c = Tcp(n, UA_TCP, PROXY)
    c.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:50100;branch=z9hG4bK-f1"
    contact = "sip:alice@203.0.113.5:5060;transport=tcp"
    c.send(UA_TCP, ob_register(via, contact))
    c.send(PROXY, ob_ok(via, contact, flow_timer=120))
    return c


def invite_to_alice(via):
    return request("INVITE", via, ruri="sip:alice@203.0.113.5:5060;transport=tcp;ob",
                   call_id="in@example.com", extra=["Contact: <sip:bob@192.0.2.1:5060>"])


@case("flow001-fire")
def _(n):
    # The registrar holds alice's outbound flow (connection 1) but opens a new connection
    # (6-8) to her Contact for the INVITE (9): RFC 5626 §7 says use the saved flow.
    ob_tcp_listening(n)
    c2 = Tcp(n, ("192.0.2.1", 45000), ("203.0.113.5", 5060), isn_a=7000, isn_b=9000)
    c2.handshake()
    c2.send(("192.0.2.1", 45000), invite_to_alice("SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK-i1"))


@case("flow001-ok")
def _(n):
    # The same INVITE sent back over alice's registered connection (6).
    c = ob_tcp_listening(n)
    c.send(PROXY, invite_to_alice("SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK-i1"))


@case("flow006-fire")
def _(n):
    # Alice registered an outbound flow from 40001; her INVITE (3) leaves from port 50112.
    ob_udp(n)
    ua2 = ("203.0.113.5", 50112)
    via = "SIP/2.0/UDP 203.0.113.5:50112;branch=z9hG4bK-n6;rport"
    n.udp(ua2, PROXY, request("INVITE", via, call_id="out@example.com",
                              extra=["Contact: <sip:alice@203.0.113.5:50112;ob>;+sip.instance=" +
                                     INSTANCE]))


@case("ka001-gap")
def _(n):
    # Flow-Timer 120; ping 6 answered by 7. A ping and its pong are then lost to the capture
    # (sequence numbers jump), and ping 8 comes 200 s after 6: the lost bytes may hold the
    # keep-alive, so no KA-001 (RULES.md: no capture gap). Pong 9 acknowledges past the hole.
    c = ob_tcp(n)
    pings(c, [100.0])
    c.advance(UA_TCP, 4)
    c.advance(PROXY, 2)
    pings(c, [199.98])


@case("ka010-ok")
def _(n):
    # Outbound UDP without Flow-Timer: STUN every 25 s for four minutes (within the RFC 5626
    # default of 24-29 s), each answered.
    ob_udp(n, flow_timer=None)
    for k in range(10):
        stun_exchange(n, UA, 25.0 if k == 0 else 24.99, k, UA)


@case("flow002-gruu-ok")
def _(n):
    # +sip.instance without reg-id: a GRUU registration, valid (RULES.md FLOW-002 Not).
    via = "SIP/2.0/UDP 203.0.113.5:40001;branch=z9hG4bK-g2;rport"
    n.udp(UA, PROXY, ob_register(via, "sip:alice@203.0.113.5:40001", reg_id=None,
                                 supported="gruu"))
    n.udp(PROXY, UA, response(200, "OK", via.replace(";rport", ";received=203.0.113.5;rport=40001"),
                              "REGISTER", call_id="reg@example.com"))


@case("flow005-path-ok")
def _(n):
    # At the registrar: the edge proxy forwards the outbound REGISTER with its Path URI marked
    # ob (RFC 5626 §5.1), so Require: outbound in the 200 is right.
    edge = ("192.0.2.50", 5060)
    vias = ["SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bK-e2",
            "SIP/2.0/UDP 203.0.113.5:40001;branch=z9hG4bK-p5;received=203.0.113.5;rport=40001"]
    contact = "sip:alice@203.0.113.5:40001"
    reg = ob_register(vias, contact).replace(b"Expires: 3600\r\n",
                                            b"Expires: 3600\r\nPath: <sip:tok1@edge.example.com;lr;ob>\r\n")
    n.udp(edge, PROXY, reg)
    n.udp(PROXY, edge, ob_ok(vias, contact, flow_timer=25))


@case("ka001-expired")
def _(n):
    # The 200 grants the binding for 60 s only (Contact expires=60), Flow-Timer 30. Ping 6 after
    # 25 s is in time; the UA does not refresh, and ping 8 comes 100 s later: the binding had
    # expired, the flow was no longer outbound, so nothing was owed (RULES.md KA-001 Not).
    c = Tcp(n, UA_TCP, PROXY)
    c.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:50100;branch=z9hG4bK-x1"
    contact = "sip:alice@203.0.113.5:50100;transport=tcp"
    c.send(UA_TCP, ob_register(via, contact))
    c.send(PROXY, ob_ok(via, contact, flow_timer=30, expires=60))
    pings(c, [25.0, 99.98])


@case("reuse001-fire")
def _(n):
    # alias offered over cleartext TCP (REGISTER 4, again in OPTIONS 6: once per connection),
    # then over UDP (OPTIONS 8): RFC 5923 defines aliasing for TLS only.
    ua_tcp = ("203.0.113.5", 50200)
    c = Tcp(n, ua_tcp, PROXY)
    c.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:5060;branch=z9hG4bK-a%d;alias"
    c.send(ua_tcp, request("REGISTER", via % 1, ruri="sip:example.com",
                           extra=["Contact: <sip:alice@203.0.113.5:5060;transport=tcp>"]))
    c.send(PROXY, response(200, "OK", via % 1 + ";received=203.0.113.5", "REGISTER"))
    c.send(ua_tcp, request("OPTIONS", via % 2, cseq=2))
    c.send(PROXY, response(200, "OK", via % 2 + ";received=203.0.113.5", "OPTIONS", cseq=2))
    uvia = "SIP/2.0/UDP 203.0.113.5:40001;branch=z9hG4bK-a3;rport;alias"
    options_answered(n, UA, uvia, ";received=203.0.113.5;rport=40001")


def busy_then_close(n, ack):
    """INVITE (4), 486 (5); with @ack the UA's ACK (6) comes before the UAS closes, and the UA
    closes after it."""
    ua_tcp = ("203.0.113.5", 50300)
    c = Tcp(n, ua_tcp, PROXY)
    c.handshake()
    via = "SIP/2.0/TCP 203.0.113.5:50300;branch=z9hG4bK-c4"
    c.send(ua_tcp, request("INVITE", via))
    c.send(PROXY, response(486, "Busy Here", via, "INVITE"))
    if ack:
        c.send(ua_tcp, request("ACK", via))
    c.fin(PROXY)
    if ack:
        c.fin(ua_tcp)


@case("conn004-fire")
def _(n):
    # The UAS answers 486 and closes at once (6): the ACK for the non-2xx final cannot follow
    # on the connection (RFC 3261 §17.1.1.3 sends it over the same one).
    busy_then_close(n, ack=False)


@case("conn004-ok")
def _(n):
    # The same, but the ACK (6) comes before the UAS closes (7), and the UA then closes too.
    busy_then_close(n, ack=True)


def one_shot_connections(n, count, linger):
    """@count connections from a gateway to the proxy, one OPTIONS each, closed @linger seconds
    after the 200 (7 frames each: handshake, OPTIONS, 200, FIN, FIN)."""
    for k in range(count):
        gw = ("198.51.100.7", 41000 + k)
        c = Tcp(n, gw, PROXY, isn_a=1000 + 100000 * k, isn_b=5000 + 100000 * k)
        c.handshake()
        via = "SIP/2.0/TCP 198.51.100.7:5060;branch=z9hG4bK-g%d" % k
        c.send(gw, request("OPTIONS", via, cseq=k + 1, call_id="gw%d@example.com" % k))
        c.send(PROXY, response(200, "OK", via + ";received=198.51.100.7", "OPTIONS", cseq=k + 1,
                               call_id="gw%d@example.com" % k))
        c.fin(gw, dt=linger)
        c.fin(PROXY)
        n.at(20.0)


@case("conn003-fire")
def _(n):
    # A gateway opens a connection per OPTIONS and closes it 0.1 s after the 200, three times.
    one_shot_connections(n, 3, 0.1)


@case("conn003-ok")
def _(n):
    # The same three OPTIONS, but each connection stays 40 s (> 64*T1) after its last message.
    one_shot_connections(n, 3, 40.0)


def proxy_call(n, second_connection):
    """The proxy calls a UA over TCP (INVITE 4, 200 5, ACK 6), then sends the BYE over the same
    connection or over a new one (7-9) it opens to the same ip:port."""
    ua = ("192.0.2.10", 5060)
    px = ("192.0.2.1", 41000)
    c = Tcp(n, px, ua)
    c.handshake()
    via = "SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK-p%d"
    c.send(px, request("INVITE", via % 1, ruri="sip:ua@192.0.2.10:5060;transport=tcp",
                       call_id="pc@example.com"))
    c.send(ua, response(200, "OK", via % 1, "INVITE", call_id="pc@example.com"))
    c.send(px, request("ACK", via % 2, ruri="sip:ua@192.0.2.10:5060;transport=tcp",
                       call_id="pc@example.com"))
    if second_connection:
        px2 = ("192.0.2.1", 41001)
        c = Tcp(n, px2, ua, isn_a=9000, isn_b=19000)
        c.handshake()
        px = px2
    c.send(px, request("BYE", via % 3, ruri="sip:ua@192.0.2.10:5060;transport=tcp", cseq=2,
                       call_id="pc@example.com"), dt=5.0)


@case("conn001-fire")
def _(n):
    # The proxy opens a second connection (7-9) to 192.0.2.10:5060 for the BYE (10) while the
    # INVITE's connection is open and established, with the same sent-by.
    proxy_call(n, True)


@case("conn001-ok")
def _(n):
    # The BYE (7) goes over the open connection.
    proxy_call(n, False)


def two_proxies(n, close_first):
    """P1 opens a connection to P2:5060 (1-3, OPTIONS 4, 200 5); P2 then opens one to P1:5060
    (OPTIONS 9 after its handshake) - with the first closed before when @close_first."""
    p1, p2 = ("192.0.2.1", 49160), ("192.0.2.2", 49170)
    c1 = Tcp(n, p1, ("192.0.2.2", 5060))
    c1.handshake()
    v1 = "SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK-w1"
    c1.send(p1, request("OPTIONS", v1, ruri="sip:192.0.2.2:5060;transport=tcp", call_id="w1@x"))
    c1.send(("192.0.2.2", 5060), response(200, "OK", v1, "OPTIONS", call_id="w1@x"))
    if close_first:
        c1.fin(p1, dt=40.0)
        c1.fin(("192.0.2.2", 5060))
    c2 = Tcp(n, p2, ("192.0.2.1", 5060), isn_a=8000, isn_b=18000)
    c2.handshake()
    v2 = "SIP/2.0/TCP 192.0.2.2:5060;branch=z9hG4bK-w2"
    c2.send(p2, request("OPTIONS", v2, ruri="sip:192.0.2.1:5060;transport=tcp", call_id="w2@x"))
    c2.send(("192.0.2.1", 5060), response(200, "OK", v2, "OPTIONS", call_id="w2@x"))


@case("conn002-fire")
def _(n):
    # Two proxies, a connection each way, both open.
    two_proxies(n, False)


@case("conn002-ok")
def _(n):
    # The first connection is closed (40 s after its last message) before the second opens.
    two_proxies(n, True)


@case("ka-midflow")
def _(n):
    # The capture begins after the registration: STUN keep-alives every 60 s on the SIP port,
    # answered. Whether the flow is outbound (and which interval applies) is unknown: no timing
    # finding without that evidence (RULES.md).
    for k in range(3):
        stun_exchange(n, UA, 60.0, k, UA)


@case("outbound-two-flows")
def _(n):
    # One instance, two flows (RFC 5626 §4.2.1): reg-id 1 over TCP to the proxy (Flow-Timer
    # 120), reg-id 2 over UDP to a second edge proxy (Flow-Timer 25). CRLF pings on the first,
    # STUN on the second, all answered; then an INVITE comes back over flow 1.
    c = ob_tcp(n)                                                    # 1-5
    edge2 = ("192.0.2.2", 5060)
    via = "SIP/2.0/UDP 203.0.113.5:40001;branch=z9hG4bK-r2;rport"
    contact = "sip:alice@203.0.113.5:40001"
    n.udp(UA, edge2, ob_register(via, contact, reg_id="2"))          # 6
    n.udp(edge2, UA, ob_ok(via.replace(";rport", ";received=203.0.113.5;rport=40001"), contact,
                           flow_timer=25, reg_id="2"))               # 7
    for k in range(3):                                               # 8-13
        txn = bytes([0x70 + k]) * 12
        n.udp(UA, edge2, stun(0x0001, txn), dt=20.0 if k == 0 else 19.99)
        n.udp(edge2, UA, stun(0x0101, txn, UA), dt=0.01)
    pings(c, [40.0])                                                 # 14, 15
    c.send(PROXY, request("INVITE", "SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK-t2",
                          ruri="sip:alice@203.0.113.5:50100;transport=tcp;ob",
                          call_id="in2@example.com"))                # 16


@case("outbound-recovery")
def _(n):
    # Flow failure and recovery (RFC 5626 §4.4, §4.5): the registered connection is reset (6);
    # the UA opens a new one (7-9) and re-registers the same instance and reg-id (10, 11); the
    # INVITE for it then uses the new connection (12).
    c = ob_tcp(n)                                                    # 1-5
    c.rst(PROXY, dt=30.0)                                            # 6
    ua2 = ("203.0.113.5", 50101)
    c2 = Tcp(n, ua2, PROXY, isn_a=3000, isn_b=6000)
    c2.handshake()                                                   # 7-9
    via = "SIP/2.0/TCP 203.0.113.5:50101;branch=z9hG4bK-ob2"
    contact = "sip:alice@203.0.113.5:50101;transport=tcp"
    c2.send(ua2, ob_register(via, contact, cseq=2))                  # 10
    c2.send(PROXY, ob_ok(via, contact, cseq=2, flow_timer=120))      # 11
    c2.send(PROXY, request("INVITE", "SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK-t3",
                           ruri="sip:alice@203.0.113.5:50101;transport=tcp;ob",
                           call_id="in3@example.com"))               # 12


NAT_UA = ("203.0.113.9", 40776)  # a UA behind a NAT: its private Contact is 10.0.0.5:5060


def nat_tcp_registration(c, alias=False):
    """REGISTER (4) from the NATed UA over its connection, private Contact, and the 200 (5)."""
    via = "SIP/2.0/TCP 10.0.0.5:5060;branch=z9hG4bK-r1" + (";alias" if alias else "")
    c.send(NAT_UA, request("REGISTER", via, ruri="sip:example.com", call_id="reg@example.com",
                           extra=["Contact: <sip:alice@10.0.0.5:5060;transport=tcp>"]))
    c.send(PROXY, response(200, "OK", via + ";received=203.0.113.9", "REGISTER",
                           call_id="reg@example.com",
                           extra=["Contact: <sip:alice@10.0.0.5:5060;transport=tcp>;expires=3600"]))


def proxy_request(method, ruri, branch, call_id, extra=()):
    return request(method, "SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK-" + branch, ruri=ruri,
                   call_id=call_id, extra=["Contact: <sip:bob@192.0.2.1:5060;transport=tcp>"] +
                   list(extra))


@case("reuse002-fire")
def _(n):
    # The NATed UA registers over its connection (1-5). The proxy then sends backwards over it
    # an INVITE (6) whose Request-URI is the private Contact (next hop 10.0.0.5:5060, not the far
    # end 203.0.113.9:40776), and an OPTIONS (7) whose R-URI is a name but whose top Route, a
    # loose router, is 10.0.0.5:5070.
    c = Tcp(n, NAT_UA, PROXY)
    c.handshake()
    nat_tcp_registration(c)
    invite = proxy_request("INVITE", "sip:alice@10.0.0.5:5060;transport=tcp", "i1",
                           "in@example.com")
    c.send(PROXY, invite)
    c.send(PROXY, proxy_request("OPTIONS", "sip:alice@ua.example.com", "o1", "op@example.com",
                                extra=["Route: <sip:10.0.0.5:5070;transport=tcp;lr>"]))


@case("reuse002-ok")
def _(n):
    # Backwards requests that go where they would go anyway, or whose next hop is a name: the
    # INVITE (6) for the received address 203.0.113.9:40776 (the far end, as a proxy that
    # rewrites the Contact sends it); an OPTIONS (7) for sip:alice@ua.example.com (next hop by
    # DNS: not evaluable); a MESSAGE (8) whose top Route is a strict router (no lr) naming the far
    # end, so the Request-URI carries it (RFC 3261 §12.2.1.1). Then on a second connection
    # (9-11) whose REGISTER (12) is an outbound one, answered with Require: outbound (13), the
    # INVITE (14) for the private Contact is the RFC 5626 way: exempt.
    c = Tcp(n, NAT_UA, PROXY)
    c.handshake()
    nat_tcp_registration(c)
    c.send(PROXY, proxy_request("INVITE", "sip:alice@203.0.113.9:40776;transport=tcp", "i2",
                                "in@example.com"))
    c.send(PROXY, proxy_request("OPTIONS", "sip:alice@ua.example.com", "o2", "op@example.com"))
    c.send(PROXY, proxy_request("MESSAGE", "sip:203.0.113.9:40776;transport=tcp", "m2",
                                "msg@example.com",
                                extra=["Route: <sip:alice@10.0.0.5:5060;transport=tcp>"]))
    ua2 = ("203.0.113.9", 40990)
    c2 = Tcp(n, ua2, PROXY, isn_a=3000, isn_b=9000)
    c2.handshake()
    via = "SIP/2.0/TCP 10.0.0.5:5062;branch=z9hG4bK-r2"
    contact = "sip:alice@10.0.0.5:5062;transport=tcp"
    c2.send(ua2, ob_register(via, contact))
    c2.send(PROXY, ob_ok(via + ";received=203.0.113.9", contact, flow_timer=120))
    c2.send(PROXY, proxy_request("INVITE", contact + ";ob", "i3", "in2@example.com"))


@case("reuse002-midstream-ok")
def _(n):
    # The capture starts after the handshake: who opened the connection is unknown, so a
    # request from the proxy (5) is not known to be backwards (RULES.md REUSE-002 Not).
    c = Tcp(n, NAT_UA, PROXY, isn_a=50000, isn_b=60000)
    nat_tcp_registration(c)
    c.send(PROXY, proxy_request("INVITE", "sip:alice@10.0.0.5:5060;transport=tcp", "i4",
                                "in@example.com"))


# --- TLS handshakes (structure only: no real keys, nothing to decrypt) ----------------------

def tls_record(ctype, body):
    return struct.pack("!BHH", ctype, 0x0303, len(body)) + body


def tls_hs(htype, body):
    return struct.pack("!B", htype) + struct.pack("!I", len(body))[1:] + body


def tls_ext(etype, body):
    return struct.pack("!HH", etype, len(body)) + body


def client_hello(sni=None, versions=None, session_id=b""):
    exts = b""
    if sni:
        name = sni.encode()
        entry = b"\x00" + struct.pack("!H", len(name)) + name
        exts += tls_ext(0, struct.pack("!H", len(entry)) + entry)
    if versions:
        lst = b"".join(struct.pack("!H", v) for v in versions)
        exts += tls_ext(43, bytes([len(lst)]) + lst)
    body = (struct.pack("!H", 0x0303) + bytes(range(32)) + bytes([len(session_id)]) + session_id +
            struct.pack("!HHH", 4, 0xc02f, 0x1301) + b"\x01\x00" + struct.pack("!H", len(exts)) +
            exts)
    return tls_hs(1, body)


def server_hello(version=None, session_id=b""):
    exts = tls_ext(43, struct.pack("!H", version)) if version else b""
    body = (struct.pack("!H", 0x0303) + bytes(range(32, 64)) + bytes([len(session_id)]) +
            session_id + struct.pack("!H", 0xc02f if not version else 0x1301) + b"\x00" +
            struct.pack("!H", len(exts)) + exts)
    return tls_hs(2, body)


def certificate(n_certs):
    cert = b"\x30\x03\x02\x01\x01"  # a token DER SEQUENCE: only the list's structure matters
    certs = b"".join(struct.pack("!I", len(cert))[1:] + cert for _ in range(n_certs))
    return tls_hs(11, struct.pack("!I", len(certs))[1:] + certs)


def certificate_request():
    # TLS 1.2 (RFC 5246 §7.4.4): types, signature algorithms, no CA names.
    return tls_hs(13, b"\x01\x01" + struct.pack("!HH", 2, 0x0401) + struct.pack("!H", 0))


def tls12_connection(n, ua, server, sni="proxy.example.com", ask_cert=True, client_certs=1,
                     session_id=b"", resume=False):
    """A TLS 1.2 connection: handshake (full, or abbreviated when @resume), a few records of
    application data each way, and FIN from the client."""
    c = Tcp(n, ua, server, isn_a=1000 + ua[1], isn_b=7000)
    c.handshake()
    c.send(ua, tls_record(22, client_hello(sni, session_id=session_id)))
    if resume:
        c.send(server, tls_record(22, server_hello(session_id=session_id)) +
               tls_record(20, b"\x01") + tls_record(22, bytes(40)))
        c.send(ua, tls_record(20, b"\x01") + tls_record(22, bytes(40)))
    else:
        flight = server_hello(session_id=session_id) + certificate(2)
        if ask_cert:
            flight += certificate_request()
        flight += tls_hs(14, b"")
        c.send(server, tls_record(22, flight))
        mine = (certificate(client_certs) if ask_cert else b"") + tls_hs(16, bytes(33))
        c.send(ua, tls_record(22, mine) + tls_record(20, b"\x01") + tls_record(22, bytes(40)))
        c.send(server, tls_record(20, b"\x01") + tls_record(22, bytes(40)))
    c.send(ua, tls_record(23, bytes(300)))
    c.send(server, tls_record(23, bytes(200)) + tls_record(23, bytes(20)))
    c.fin(ua)
    c.fin(server)


@case("tls-handshakes")
def _(n):
    # Five TLS connections to a proxy's 5061, read in clear up to the ChangeCipherSpecs:
    # 1 mutual TLS 1.2 (CertificateRequest, the client sends two certificates);
    # 2 TLS 1.2 without CertificateRequest; 3 TLS 1.2, asked, the client's Certificate is empty;
    # 4 a resumed TLS 1.2 session (abbreviated handshake: nothing about certificates);
    # 5 TLS 1.3 (supported_versions): everything after the ServerHello is encrypted.
    tls_server = ("192.0.2.1", 5061)
    tls12_connection(n, ("203.0.113.5", 50401), tls_server)
    tls12_connection(n, ("203.0.113.5", 50402), tls_server, sni=None, ask_cert=False)
    tls12_connection(n, ("203.0.113.5", 50403), tls_server, client_certs=0)
    tls12_connection(n, ("203.0.113.5", 50404), tls_server, session_id=bytes(range(1, 33)),
                     resume=True)
    ua = ("203.0.113.5", 50405)
    c = Tcp(n, ua, tls_server, isn_a=9000, isn_b=9500)
    c.handshake()
    c.send(ua, tls_record(22, client_hello("proxy.example.com", versions=[0x1a1a, 0x0304, 0x0303],
                                           session_id=bytes(32))))
    c.send(tls_server, tls_record(22, server_hello(0x0304, session_id=bytes(32))) +
           tls_record(20, b"\x01") + tls_record(23, bytes(900)) + tls_record(23, bytes(60)))
    c.send(ua, tls_record(20, b"\x01") + tls_record(23, bytes(60)) + tls_record(23, bytes(400)))


@case("tcp-midstream")
def _(n):
    # The capture starts in the middle of a connection: no SYN, initiator unknown, the first
    # segment is the tail of a message.
    ua_tcp = ("203.0.113.5", 50060)
    c = Tcp(n, ua_tcp, PROXY, isn_a=77777, isn_b=88888)
    via = "SIP/2.0/TCP 203.0.113.5:5060;branch=z9hG4bK-m%d"
    m1 = request("OPTIONS", via % 1, cseq=1)
    c.send(ua_tcp, m1[-60:])
    c.send(ua_tcp, request("OPTIONS", via % 2, cseq=2))
    c.send(PROXY, response(200, "OK", via % 2, "OPTIONS", cseq=2))


@case("sip-other-port")
def _(n):
    # SIP recognised by content on ports that are not 5060.
    ua = ("203.0.113.5", 33333)
    srv = ("192.0.2.1", 7777)
    via = "SIP/2.0/UDP 203.0.113.5:33333;branch=z9hG4bK-op;rport"
    n.udp(ua, srv, request("OPTIONS", via))
    n.udp(srv, ua, response(200, "OK", via.replace(";rport", ";received=203.0.113.5;rport=33333"),
                            "OPTIONS"))


@case("ipv6-fragmented")
def _(n):
    # An IPv6 INVITE of 1610 bytes in two fragments (fragment header, RFC 8200 §4.5).
    ua = ("2001:db8::5", 40001)
    px = ("2001:db8::1", 5060)
    via = "SIP/2.0/UDP [2001:db8::5]:5060;branch=z9hG4bK-6f;rport"
    body = sdp(1610 - len(request("INVITE", via, extra=["Content-Type: application/sdp"],
                                  body=b"x" * 1000)) + 1000)
    payload = request("INVITE", via, extra=["Content-Type: application/sdp"], body=body)
    whole = udp(ua[0], px[0], ua[1], px[1], payload)
    first, rest = whole[:1232], whole[1232:]
    for off, chunk, more in ((0, first, 1), (1232, rest, 0)):
        frag = struct.pack("!BBHI", 17, 0, off | more, 0xBEEF) + chunk
        n.t += 0.01
        n.pcap.add(n.t, eth(ip(ua[0], px[0], 44, frag), True))


def encapsulated(wrap):
    def build(n):
        n.wrap = wrap
        CASES["sym001-fire"](n)
    return build


def vlan_qinq(l3, v6):
    return eth(l3, v6, vlans=(100, 200))


def ipip(l3, v6):
    return eth(ipv4("198.18.0.1", "198.18.0.2", 41 if v6 else 4, l3))


def gre_erspan2(l3, v6):
    inner = eth(l3, v6)
    gre = struct.pack("!HHI", 0x1000, 0x88BE, 7) + struct.pack("!II", 0x10000001, 0) + inner
    return eth(ipv4("198.18.0.1", "198.18.0.2", 47, gre))


def gre_erspan3(l3, v6):
    inner = eth(l3, v6)
    hdr3 = struct.pack("!IIHH", 0x20000001, 0, 0, 0)  # 12 bytes, no platform subheader
    gre = struct.pack("!HHI", 0x1000, 0x22EB, 9) + hdr3 + inner
    return eth(ipv4("198.18.0.1", "198.18.0.2", 47, gre))


def vxlan(l3, v6):
    inner = eth(l3, v6)
    vx = struct.pack("!II", 0x08000000, 42 << 8) + inner
    return eth(ipv4("198.18.0.1", "198.18.0.2", 17, udp("198.18.0.1", "198.18.0.2", 50000, 4789, vx)))


def padded(base):
    """Case @base with every Ethernet frame padded to the 60-byte minimum, as a receiving NIC
    hands short frames to the capture: the padding follows the IP datagram, whose total length
    ends it."""
    def build(n):
        n.wrap = lambda l3, v6: eth(l3, v6).ljust(60, b"\0")
        CASES[base](n)
    return build


CASES["encap-vlan-qinq"] = encapsulated(vlan_qinq)
CASES["encap-ipip"] = encapsulated(ipip)
CASES["encap-gre-erspan2"] = encapsulated(gre_erspan2)
CASES["encap-gre-erspan3"] = encapsulated(gre_erspan3)
CASES["encap-vxlan"] = encapsulated(vxlan)
CASES["ka006-padded"] = padded("ka006-fire")
CASES["tcp-crlf-padded"] = padded("tcp-crlf-keepalive")

LINK_VARIANTS = {
    "link-sll": (LINKTYPE_LINUX_SLL,
                 lambda l3, v6: struct.pack("!HHH8sH", 0, 1, 6, b"\x02\0\0\0\0\x01\0\0",
                                            0x86DD if v6 else 0x0800) + l3),
    "link-sll2": (LINKTYPE_LINUX_SLL2,
                  lambda l3, v6: struct.pack("!HHIHBB8s", 0x86DD if v6 else 0x0800, 0, 2, 1, 0, 6,
                                             b"\x02\0\0\0\0\x01\0\0") + l3),
    "link-raw": (LINKTYPE_RAW, lambda l3, v6: l3),
    "link-null": (LINKTYPE_NULL, lambda l3, v6: struct.pack("<I", 30 if v6 else 2) + l3),
}


def pcapng_sections(path):
    """Two sections; the first has a microsecond and a nanosecond interface. sym001-fire's two
    packets go one on each interface of section 1, sym003-fire's into section 2 (nanoseconds).
    Frame numbers run on across sections, as Wireshark counts them."""
    first, second = Pcap(), Pcap()
    CASES["sym001-fire"](Net(first))
    CASES["sym003-fire"](Net(second))
    ng = Pcapng()
    ng.section()
    ng.interface(tsresol=6)
    ng.interface(tsresol=9)
    (t1, d1, _), (t2, d2, _) = first.packets
    ng.packet(0, t1, d1, 6)
    ng.packet(1, t2 + 0.000000123, d2, 9)
    ng.section()
    ng.interface(tsresol=9)
    for t, d, _ in second.packets:
        ng.packet(0, t + 1.0, d, 9)
    ng.write(path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "synthetic")
    os.makedirs(out, exist_ok=True)
    for name, build in CASES.items():
        pcap = Pcap()
        build(Net(pcap))
        pcap.write(os.path.join(out, name + ".pcap"))
    for name, (linktype, wrap) in LINK_VARIANTS.items():
        pcap = Pcap(linktype)
        n = Net(pcap, wrap)
        CASES["sym001-fire"](n)
        pcap.write(os.path.join(out, name + ".pcap"))
    pcapng_sections(os.path.join(out, "pcapng-sections.pcapng"))


if __name__ == "__main__":
    main()
