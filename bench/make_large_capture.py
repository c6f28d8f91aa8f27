#!/usr/bin/env python3
"""Writes the large benchmark capture, streaming (memory does not grow with its length).

    make_large_capture.py OUT.pcap [--uas N] [--seconds S] [--seed K]

N user agents behind NATs (default 10000: half over UDP, half over TCP, each with its own flow
or connection to the registrar 192.0.2.10:5060, all live at once) for S seconds of capture
time (default 10800: about 5 million packets with 10000 UAs). Each UA
  - registers as an RFC 5626 outbound client (+sip.instance, reg-id=1, ob; Supported:
    outbound) and the registrar answers 200 with Require: outbound, Flow-Timer: 120 and the
    UA's public address in Via received/rport; it re-registers every 500 s;
  - keeps its flow alive every 90 to 110 s: a STUN Binding request answered with its mapped
    address (UDP) or a CRLF ping answered by a pong (TCP);
  - places a call about every 300 s: INVITE with SDP, 100, 180, 200, ACK, and after 20 to 60 s
    a BYE and its 200 (1 UDP UA in 25 sends an INVITE of 1800 bytes, which travels in two IP
    fragments; over TCP every INVITE is cut in two segments, and 100 and 180 share one);
  - TCP UAs open their connection with a handshake at their start and never close it.

What an audit must find (derived from the design; the bench test checks the small version):
  - PRAC-003 (info) once per UA: its first cleartext SIP message on its flow or connection;
  - PRAC-001 (error) once per large INVITE over UDP (1800 bytes > 1300, RFC 3261 §18.1.1);
  - nothing else: every response goes back to the source address and port (SYM-*), keep-alives
    come within Flow-Timer (KA-*), the only requests on a connection come from its opener
    (REUSE-*), and connections are persistent (CONN-*).
The summary line on stderr gives the counts of packets, UAs and large INVITEs.
"""
import argparse
import heapq
import random
import struct
import sys

REGISTRAR = (bytes([192, 0, 2, 10]), 5060)
MAC = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"
FLOW_TIMER = 120
KEEPALIVE = (90.0, 110.0)
REREGISTER = 500.0
CALL_EVERY = (200.0, 400.0)
LARGE_INVITE_EVERY = 25  # one UDP UA in 25
MTU_PAYLOAD = 1480       # IP payload per fragment on a 1500-byte link


def ip_text(a):
    return "%d.%d.%d.%d" % tuple(a)


class Writer:
    """Frames are made when sent and written in time order: each event sends within a few
    milliseconds of its own time, so only those few wait in the heap."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.packets = 0
        self.ip_id = 0
        self.pending = []

    def frame(self, t, data):
        heapq.heappush(self.pending, (t, self.packets, data))
        self.packets += 1

    def flush(self, until):
        while self.pending and self.pending[0][0] <= until:
            t, _, data = heapq.heappop(self.pending)
            sec = int(t)
            self.f.write(struct.pack("<IIII", sec, int((t - sec) * 1e6), len(data), len(data)))
            self.f.write(data)

    def ipv4(self, t, src, dst, proto, payload, frag_offset=0, more=False, ident=None):
        if ident is None:
            self.ip_id = (self.ip_id + 1) & 0xFFFF
            ident = self.ip_id
        flags = (0x2000 if more else 0) | (frag_offset // 8)
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags, 64, proto, 0,
                          src, dst)
        s = sum(struct.unpack("!10H", hdr))
        s = (s & 0xFFFF) + (s >> 16)
        s = (s & 0xFFFF) + (s >> 16)
        hdr = hdr[:10] + struct.pack("!H", ~s & 0xFFFF) + hdr[12:]
        self.frame(t, MAC + hdr + payload)

    def udp(self, t, src, dst, payload):
        datagram = struct.pack("!HHHH", src[1], dst[1], 8 + len(payload), 0) + payload
        if len(datagram) <= MTU_PAYLOAD:
            self.ipv4(t, src[0], dst[0], 17, datagram)
            return
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        for off in range(0, len(datagram), MTU_PAYLOAD):
            part = datagram[off:off + MTU_PAYLOAD]
            self.ipv4(t, src[0], dst[0], 17, part, off, off + MTU_PAYLOAD < len(datagram),
                      self.ip_id)
            t += 0.00001

    def tcp(self, t, src, dst, seq, ack, flags, payload=b""):
        seg = struct.pack("!HHIIBBHHH", src[1], dst[1], seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 0x50,
                          flags, 65535, 0, 0) + payload
        self.ipv4(t, src[0], dst[0], 6, seg)


SYN, ACK, PSH, SYNACK = 0x02, 0x10, 0x08, 0x12


def sip(start, headers, body=b""):
    return ("%s\r\n%s\r\nContent-Length: %d\r\n\r\n" % (start, "\r\n".join(headers), len(body))
            ).encode() + body


def sdp(size, addr, port):
    # Each call gets its own media port, as media servers allocate them (Wireshark sets up an
    # RTP conversation per offer: thousands on one address and port make it slow down).
    body = ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n"
            % (addr, addr, port)).encode()
    filler = b"a=x-filler:" + b"0123456789abcdef" * 4 + b"\r\n"
    while len(body) < size:
        body += filler
    return body[:size]


class UA:
    __slots__ = ("i", "tcp", "pub", "priv", "cseq", "calls", "large", "seq_ua", "seq_reg",
                 "aor", "instance", "call_id", "last_t")

    def __init__(self, i, tcp):
        self.i, self.tcp = i, tcp
        net = 18 if tcp else 113
        self.pub = (bytes([198 if tcp else 203, net if tcp else 0, (i >> 8) & 255, i & 255]),
                    20000 + (i * 7) % 40000)
        self.priv = "10.%d.%d.%d" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)
        self.cseq = 0
        self.calls = 0
        self.large = not tcp and i % LARGE_INVITE_EVERY == 0
        self.seq_ua = 1000 + i
        self.seq_reg = 500000 + i
        self.aor = "sip:ua%d@example.com" % i
        self.instance = "<urn:uuid:00000000-0000-4000-8000-%012d>" % i
        self.call_id = None
        self.last_t = 0.0

    def via(self, branch):
        return "Via: SIP/2.0/%s %s:5060;branch=z9hG4bK-%s;rport" % (
            "TCP" if self.tcp else "UDP", self.priv, branch)

    def via_answered(self, branch):
        return "Via: SIP/2.0/%s %s:5060;branch=z9hG4bK-%s;received=%s;rport=%d" % (
            "TCP" if self.tcp else "UDP", self.priv, branch, ip_text(self.pub[0]), self.pub[1])

    def contact(self):
        return "Contact: <sip:ua%d@%s:5060;transport=%s;ob>" % (
            self.i, self.priv, "tcp" if self.tcp else "udp")


class Sim:
    def __init__(self, args):
        self.w = Writer(args.out)
        self.rng = random.Random(args.seed)
        self.end = args.seconds
        self.queue = []
        self.large_invites = 0
        self.uas = [UA(i, i % 2 == 1) for i in range(args.uas)]
        for ua in self.uas:
            self.at(self.rng.uniform(0, 60), ua, "start")

    def at(self, t, ua, what):
        if t < self.end:
            heapq.heappush(self.queue, (t, ua.i, what))

    # Sending: UDP datagrams, or TCP segments with each side's sequence numbers.
    def send(self, t, ua, from_ua, data, cut=None):
        # A UA's packets leave in the order they are made (TCP sequence numbers follow it).
        t = max(t, ua.last_t + 0.000001)
        ua.last_t = t + (0.0002 if cut else 0)
        src, dst = (ua.pub, REGISTRAR) if from_ua else (REGISTRAR, ua.pub)
        if not ua.tcp:
            self.w.udp(t, src, dst, data)
            return
        parts = [data] if cut is None else [data[:cut], data[cut:]]
        for k, part in enumerate(parts):
            if from_ua:
                self.w.tcp(t + k * 0.0002, src, dst, ua.seq_ua, ua.seq_reg, PSH | ACK, part)
                ua.seq_ua += len(part)
            else:
                self.w.tcp(t + k * 0.0002, src, dst, ua.seq_reg, ua.seq_ua, PSH | ACK, part)
                ua.seq_reg += len(part)

    def start(self, t, ua):
        ua.last_t = t + 0.002
        if ua.tcp:
            self.w.tcp(t, ua.pub, REGISTRAR, ua.seq_ua, 0, SYN)
            self.w.tcp(t + 0.001, REGISTRAR, ua.pub, ua.seq_reg, ua.seq_ua + 1, SYNACK)
            ua.seq_ua += 1
            ua.seq_reg += 1
            self.w.tcp(t + 0.002, ua.pub, REGISTRAR, ua.seq_ua, ua.seq_reg, ACK)
            t += 0.003
        self.register(t, ua)
        self.at(t + self.rng.uniform(*KEEPALIVE), ua, "keepalive")
        self.at(t + self.rng.uniform(*CALL_EVERY), ua, "call")

    def register(self, t, ua):
        ua.cseq += 1
        branch = "r%d-%d" % (ua.i, ua.cseq)
        common = ["From: <%s>;tag=r%d" % (ua.aor, ua.i), "To: <%s>" % ua.aor,
                  "Call-ID: reg-%d@%s" % (ua.i, ua.priv), "CSeq: %d REGISTER" % ua.cseq]
        self.send(t, ua, True, sip("REGISTER sip:example.com SIP/2.0",
                                   [ua.via(branch), "Max-Forwards: 70"] + common +
                                   [ua.contact() + ";+sip.instance=\"%s\";reg-id=1" % ua.instance,
                                    "Supported: path, outbound", "Expires: 600"]))
        common[1] += ";tag=reg%d" % ua.i
        self.send(t + 0.002, ua, False, sip("SIP/2.0 200 OK", [ua.via_answered(branch)] + common + [
            ua.contact() + ";expires=600;+sip.instance=\"%s\";reg-id=1" % ua.instance,
            "Supported: outbound", "Require: outbound", "Flow-Timer: %d" % FLOW_TIMER]))
        self.at(t + REREGISTER, ua, "register")

    def keepalive(self, t, ua):
        if ua.tcp:
            self.send(t, ua, True, b"\r\n\r\n")
            self.send(t + 0.002, ua, False, b"\r\n")
        else:
            tid = struct.pack("!III", ua.i, int(t * 1000) & 0xFFFFFFFF, 0x5C0FFEE)
            self.send(t, ua, True, struct.pack("!HHI", 1, 0, 0x2112A442) + tid)
            attr = struct.pack("!HHBBH4s", 0x0020, 8, 0, 1, ua.pub[1] ^ 0x2112,
                               bytes(a ^ b for a, b in zip(ua.pub[0], b"\x21\x12\xa4\x42")))
            self.send(t + 0.002, ua, False,
                      struct.pack("!HHI", 0x0101, len(attr), 0x2112A442) + tid + attr)
        self.at(t + self.rng.uniform(*KEEPALIVE), ua, "keepalive")

    def call(self, t, ua):
        ua.calls += 1
        ua.call_id = "call-%d-%d@%s" % (ua.i, ua.calls, ua.priv)
        branch = "i%d-%d" % (ua.i, ua.calls)
        large = ua.large and ua.calls % 2 == 1
        body = sdp(1500 if large else 200, ip_text(ua.pub[0]), 4000 + 2 * (ua.calls % 500))
        dialog = ["From: <%s>;tag=c%d" % (ua.aor, ua.calls),
                  "To: <sip:echo@example.com>", "Call-ID: " + ua.call_id, "CSeq: 1 INVITE"]
        invite = sip("INVITE sip:echo@example.com SIP/2.0",
                     [ua.via(branch), "Max-Forwards: 70"] + dialog +
                     [ua.contact(), "Content-Type: application/sdp"], body)
        if large:
            self.large_invites += 1
        self.send(t, ua, True, invite, cut=200 if ua.tcp else None)
        dialog[1] += ";tag=e%d" % ua.calls
        answered = [ua.via_answered(branch)] + dialog
        trying = sip("SIP/2.0 100 Trying", answered)
        ringing = sip("SIP/2.0 180 Ringing", answered + ["Contact: <sip:echo@192.0.2.10:5060>"])
        if ua.tcp:
            self.send(t + 0.003, ua, False, trying + ringing)  # two messages in one segment
        else:
            self.send(t + 0.003, ua, False, trying)
            self.send(t + 0.004, ua, False, ringing)
        self.at(t + 1.5, ua, "answer")
        self.at(t + self.rng.uniform(*CALL_EVERY), ua, "call")

    def answer(self, t, ua):
        dialog = ["From: <%s>;tag=c%d" % (ua.aor, ua.calls),
                  "To: <sip:echo@example.com>;tag=e%d" % ua.calls, "Call-ID: " + ua.call_id,
                  "CSeq: 1 INVITE"]
        self.send(t, ua, False, sip("SIP/2.0 200 OK", [
            ua.via_answered("i%d-%d" % (ua.i, ua.calls))] + dialog + [
            "Contact: <sip:echo@192.0.2.10:5060>", "Content-Type: application/sdp"],
            sdp(200, "192.0.2.10", 10000 + 2 * ((ua.i * 37 + ua.calls) % 25000))))
        self.send(t + 0.02, ua, True, sip(
            "ACK sip:echo@192.0.2.10:5060 SIP/2.0",
            [ua.via("a%d-%d" % (ua.i, ua.calls)), "Max-Forwards: 70"] + dialog[:3] +
            ["CSeq: 1 ACK"]))
        self.at(t + 0.02 + self.rng.uniform(20, 60), ua, "bye")

    def bye(self, t, ua):
        branch = "b%d-%d" % (ua.i, ua.calls)
        dialog = ["From: <%s>;tag=c%d" % (ua.aor, ua.calls),
                  "To: <sip:echo@example.com>;tag=e%d" % ua.calls, "Call-ID: " + ua.call_id,
                  "CSeq: 2 BYE"]
        self.send(t, ua, True, sip("BYE sip:echo@192.0.2.10:5060 SIP/2.0",
                                   [ua.via(branch), "Max-Forwards: 70"] + dialog))
        self.send(t + 0.002, ua, False, sip("SIP/2.0 200 OK", [ua.via_answered(branch)] + dialog))

    def run(self):
        while self.queue:
            t, i, what = heapq.heappop(self.queue)
            self.w.flush(t)
            getattr(self, what)(t, self.uas[i])
        self.w.flush(float("inf"))
        self.w.f.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--uas", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=10800)
    ap.add_argument("--seed", type=int, default=5626)
    args = ap.parse_args()
    sim = Sim(args)
    sim.run()
    print("%s: %d packets, %d UAs (%d UDP, %d TCP), %d large INVITEs over UDP, %.0f s" % (
        args.out, sim.w.packets, args.uas, (args.uas + 1) // 2, args.uas // 2, sim.large_invites,
        args.seconds), file=sys.stderr)


if __name__ == "__main__":
    main()
