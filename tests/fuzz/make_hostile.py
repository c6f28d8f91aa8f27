#!/usr/bin/env python3
"""Hostile captures: state an attacker or a broken device can make an analyser keep.

    make_hostile.py OUT_DIR [SCALE]

Writes, streaming (SCALE 1.0 is the full size; 0.5 halves every count, to check that time grows
linearly):
  synflood.pcap      1 000 000 SYNs from distinct addresses and ports to 192.0.2.10:5060, none
                     answered: a million half-open connections;
  synslow.pcap       400 000 such SYNs one a millisecond: each half-open connection expires
                     after 60 s, so no more than about 60 000 are live at once;
  cl_huge.pcap       a TCP connection whose INVITE announces Content-Length: 4294967295,
                     followed by 20 MB of bytes, then a UDP datagram announcing the same;
  endless.pcap       a TCP connection sending a start line and then 20 MB of one header line
                     that never ends;
  fragments.pcap     200 000 first IP fragments (more-fragments set) that never complete;
  portpair.pcap      20 000 connections one after the other on one address and port pair, each
                     SYN with a higher initial sequence number, a REGISTER and a FIN each way.
"""
import os
import struct
import sys

MAC = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"
SERVER = bytes([192, 0, 2, 10])


class Pcap:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.t = 1700000000.0

    def ip(self, src, dst, proto, payload, ident=0, flags_off=0):
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, flags_off,
                          64, proto, 0, src, dst)
        frame = MAC + hdr + payload
        self.t += 0.00001
        sec = int(self.t)
        self.f.write(struct.pack("<IIII", sec, int((self.t - sec) * 1e6), len(frame), len(frame)))
        self.f.write(frame)

    def tcp(self, src, sport, dst, dport, seq, ack, flags, payload=b""):
        self.ip(src, dst, 6, struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                                         ack & 0xFFFFFFFF, 0x50, flags, 65535, 0, 0) + payload)

    def udp(self, src, sport, dst, dport, payload):
        self.ip(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload)

    def close(self):
        self.f.close()


def client(i):
    return bytes([198, 18 + (i >> 24 & 1), (i >> 16) & 255, (i >> 8) & 255]), 1024 + (i & 0xFF) * 250


def syn(p, i):
    """Client @i's SYN to the server, never answered."""
    addr, port = client(i)
    p.tcp(addr, port + (i >> 8) % 250, SERVER, 5060, i * 7919, 0, 0x02)


def synflood(p, n):
    for i in range(n):
        syn(p, i)


def synslow(p, n):
    for i in range(n):
        p.t += 0.00099  # with the writer's own 10 µs: one SYN a millisecond
        syn(p, i)


def stream(p, a, b, first_seq=1000):
    """A handshake; returns a sender of payloads from a (the sequence number kept)."""
    seq = [first_seq, 500000]
    p.tcp(a[0], a[1], b[0], b[1], seq[0], 0, 0x02)
    p.tcp(b[0], b[1], a[0], a[1], seq[1], seq[0] + 1, 0x12)
    seq[0] += 1
    seq[1] += 1
    p.tcp(a[0], a[1], b[0], b[1], seq[0], seq[1], 0x10)

    def send(data, from_a=True, flags=0x18):
        s, o = (0, 1) if from_a else (1, 0)
        src, dst = (a, b) if from_a else (b, a)
        p.tcp(src[0], src[1], dst[0], dst[1], seq[s], seq[o], flags, data)
        seq[s] += len(data) + (1 if flags & 0x01 else 0)
    return send


INVITE_HUGE = (b"INVITE sip:bob@example.com SIP/2.0\r\n"
               b"Via: SIP/2.0/TCP 198.51.100.7:5060;branch=z9hG4bK-huge\r\n"
               b"From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\n"
               b"Call-ID: huge@198.51.100.7\r\nCSeq: 1 INVITE\r\n"
               b"Content-Length: 4294967295\r\n\r\n")
OPTIONS = (b"OPTIONS sip:example.com SIP/2.0\r\n"
           b"Via: SIP/2.0/TCP 198.51.100.7:5060;branch=z9hG4bK-after\r\n"
           b"From: <sip:a@example.com>;tag=1\r\nTo: <sip:example.com>\r\n"
           b"Call-ID: after@198.51.100.7\r\nCSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n")


def cl_huge(p, n):
    send = stream(p, (bytes([198, 51, 100, 7]), 40000), (SERVER, 5060))
    send(INVITE_HUGE)
    chunk = b"\x00garbage" * 175
    for _ in range(n):
        send(chunk)
    send(OPTIONS)
    p.udp(bytes([198, 51, 100, 8]), 5060, SERVER, 5060,
          INVITE_HUGE.replace(b"TCP", b"UDP") + b"v=0\r\n")


def endless(p, n):
    send = stream(p, (bytes([198, 51, 100, 9]), 40001), (SERVER, 5060))
    send(b"REGISTER sip:example.com SIP/2.0\r\nX-Endless: ")
    chunk = b"a" * 1400
    for _ in range(n):
        send(chunk)


def fragments(p, n):
    for i in range(n):
        addr, _ = client(i)
        payload = struct.pack("!HHHH", 5060, 5060, 3008, 0) + b"INVITE sip:x SIP/2.0\r\n" + b"v" * 1450
        p.ip(addr, SERVER, 17, payload, ident=i, flags_off=0x2000)


def portpair(p, n):
    a, b = (bytes([198, 51, 100, 10]), 40002), (SERVER, 5060)
    for i in range(n):
        send = stream(p, a, b, first_seq=1000 + i * 100000)
        send(b"REGISTER sip:example.com SIP/2.0\r\n"
             b"Via: SIP/2.0/TCP 198.51.100.10:40002;branch=z9hG4bK-pp%d\r\n"
             b"From: <sip:a@example.com>;tag=%d\r\nTo: <sip:a@example.com>\r\n"
             b"Call-ID: pp%d@198.51.100.10\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n"
             % (i, i, i))
        send(b"", True, 0x11)
        send(b"", False, 0x11)


CASES = {
    "synflood": (synflood, 1000000),
    "synslow": (synslow, 400000),
    "cl_huge": (cl_huge, 14000),
    "endless": (endless, 14000),
    "fragments": (fragments, 200000),
    "portpair": (portpair, 20000),
}


def main():
    out = sys.argv[1]
    scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    os.makedirs(out, exist_ok=True)
    for name, (make, count) in CASES.items():
        p = Pcap(os.path.join(out, name + ".pcap"))
        make(p, max(1, int(count * scale)))
        p.close()


if __name__ == "__main__":
    main()
