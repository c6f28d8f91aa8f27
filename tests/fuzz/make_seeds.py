#!/usr/bin/env python3
"""Seed corpora for the libFuzzer harnesses, cut from the sample captures.

    make_seeds.py SAMPLES_DIR OUT_DIR

Writes OUT_DIR/<harness>/<n> for each harness:
  pcap         every sample capture file as it is;
  sip_message  each UDP payload and each TCP segment payload that starts like SIP;
  stun         each UDP payload that is a STUN message (magic cookie);
  tls          the bytes one side of a TLS connection sent, concatenated (first byte: where the
               harness cuts them);
  tcp_stream   each TCP connection as the harness reads it: control byte, length byte, payload.
Reads classic pcap with the link types the samples use (Ethernet, raw IP, Linux cooked v1/v2,
BSD loopback); other files only seed the pcap harness."""
import collections
import os
import struct
import sys


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        return  # pcapng or compressed: the pcap harness has it whole
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0xFFFF
    pos = 24
    while pos + 16 <= len(data):
        incl = struct.unpack(end + "I", data[pos + 8:pos + 12])[0]
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        ip = network_layer(linktype, frame)
        if ip is not None:
            yield ip


def network_layer(linktype, frame):
    if linktype == 1:  # Ethernet, with VLAN tags
        off, etype = 14, struct.unpack("!H", frame[12:14])[0] if len(frame) >= 14 else 0
        while etype in (0x8100, 0x88A8) and len(frame) >= off + 4:
            etype = struct.unpack("!H", frame[off + 2:off + 4])[0]
            off += 4
        return frame[off:] if etype == 0x0800 else None
    if linktype in (101, 12, 14):
        return frame
    if linktype == 113:
        return frame[16:]
    if linktype == 276:
        return frame[20:]
    if linktype == 0:
        return frame[4:]
    return None


def transport(ip):
    """(proto, src, dst, sport, dport, flags, seq, payload) of an unfragmented IPv4 packet."""
    if len(ip) < 20 or ip[0] >> 4 != 4:
        return None
    ihl = (ip[0] & 15) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    if struct.unpack("!H", ip[6:8])[0] & 0x3FFF:
        return None
    body = ip[ihl:total]
    src, dst = ip[12:16], ip[16:20]
    if ip[9] == 17 and len(body) >= 8:
        sp, dp = struct.unpack("!HH", body[:4])
        return 17, src, dst, sp, dp, 0, 0, body[8:]
    if ip[9] == 6 and len(body) >= 20:
        sp, dp, seq = struct.unpack("!HHI", body[:8])
        off = (body[12] >> 4) * 4
        return 6, src, dst, sp, dp, body[13], seq, body[off:]
    return None


def looks_sip(p):
    head = p[:12]
    return head.startswith(b"SIP/2.0 ") or (head[:1].isalpha() and b" sip" in p[:200].lower())


def main():
    samples, out = sys.argv[1], sys.argv[2]
    seeds = collections.defaultdict(list)
    for root, _, files in os.walk(samples):
        for name in sorted(files):
            if not name.endswith((".pcap", ".pcapng", ".pcap.gz")):
                continue
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                seeds["pcap"].append(f.read())
            conns = collections.OrderedDict()
            for ip in packets(path):
                t = transport(ip)
                if not t:
                    continue
                proto, src, dst, sp, dp, flags, seq, payload = t
                if proto == 17:
                    if len(payload) >= 20 and payload[4:8] == b"\x21\x12\xa4\x42":
                        seeds["stun"].append(payload)
                    elif looks_sip(payload):
                        seeds["sip_message"].append(payload)
                    continue
                key = tuple(sorted([(src, sp), (dst, dp)]))
                c = conns.setdefault(key, {"opener": (src, sp), "segs": [], "tls": {}})
                side = 0 if (src, sp) == c["opener"] else 1
                if payload and looks_sip(payload):
                    seeds["sip_message"].append(payload)
                if payload and payload[0] in (0x14, 0x15, 0x16, 0x17):
                    c["tls"].setdefault(side, bytearray()).extend(payload)
                ctl = side | (2 if flags & 2 else 0) | (4 if flags & 1 else 0) | \
                    (8 if flags & 4 else 0) | (0x80 if 5061 in (sp, dp) else 0)
                for k in range(0, max(len(payload), 1), 255):
                    part = payload[k:k + 255]
                    c["segs"].append(bytes([ctl if k == 0 else ctl & 0x81, len(part)]) + part)
            for c in conns.values():
                seeds["tcp_stream"].append(b"".join(c["segs"]))
                for side_bytes in c["tls"].values():
                    seeds["tls"].append(b"\x07" + bytes(side_bytes))
    for harness, items in seeds.items():
        d = os.path.join(out, harness)
        os.makedirs(d, exist_ok=True)
        for n, blob in enumerate(dict.fromkeys(items)):  # duplicates once
            with open(os.path.join(d, "%04d" % n), "wb") as f:
                f.write(blob)
        print("%s: %d seeds" % (harness, len(os.listdir(d))))


if __name__ == "__main__":
    main()
