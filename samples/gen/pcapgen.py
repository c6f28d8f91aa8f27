"""pcapgen — a tiny, dependency-free writer of pcap files with hand-built Ethernet, IPv4, IPv6,
UDP and TCP headers, for the synthetic edge-case samples (see gen_synthetic.py)."""
import struct

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip_bytes(addr):
    import ipaddress
    return ipaddress.ip_address(addr).packed


def is_v6(addr):
    return ":" in addr


def ipv4(src, dst, proto, payload, ident=1, flags_frag=0x4000, total=None):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total or 20 + len(payload), ident, flags_frag,
                      64, proto, 0, ip_bytes(src), ip_bytes(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src, dst, nh, payload):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 64, ip_bytes(src),
                       ip_bytes(dst)) + payload


def ip(src, dst, proto, payload, ident=1):
    if is_v6(src):
        return ipv6(src, dst, proto, payload)
    return ipv4(src, dst, proto, payload, ident)


def pseudo(src, dst, proto, length):
    if is_v6(src):
        return ip_bytes(src) + ip_bytes(dst) + struct.pack("!IxxxB", length, proto)
    return ip_bytes(src) + ip_bytes(dst) + struct.pack("!xBH", proto, length)


def udp(src, dst, sport, dport, payload):
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    c = csum(pseudo(src, dst, 17, 8 + len(payload)) + hdr + payload) or 0xFFFF
    return hdr[:6] + struct.pack("!H", c) + payload


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def tcp(src, dst, sport, dport, seq, ack, flags, payload=b""):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4,
                      flags, 65535, 0, 0)
    c = csum(pseudo(src, dst, 6, 20 + len(payload)) + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def eth(l3, v6=False, vlans=()):
    out = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01"
    tpids = [0x88A8] + [0x8100] * (len(vlans) - 1) if len(vlans) > 1 else [0x8100] * len(vlans)
    for tpid, vid in zip(tpids, vlans):
        out += struct.pack("!HH", tpid, vid)
    return out + struct.pack("!H", 0x86DD if v6 else 0x0800) + l3


class Pcap:
    """Collects packets (link-layer bytes) with times and writes a classic pcap file."""

    def __init__(self, linktype=LINKTYPE_ETHERNET, snaplen=262144):
        self.linktype = linktype
        self.snaplen = snaplen
        self.packets = []

    def add(self, t, data, caplen=None):
        self.packets.append((t, data, caplen))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, self.snaplen, self.linktype))
            for t, data, caplen in self.packets:
                sec = int(t)
                usec = int(round((t - sec) * 1e6))
                cap = data[:caplen] if caplen is not None else data
                f.write(struct.pack("<IIII", sec, usec, len(cap), len(data)))
                f.write(cap)


class Net:
    """Builds frames for a conversation: UDP datagrams and TCP connections with real sequence
    numbers, so a sample reads like a capture."""

    T0 = 1763700000.0  # 2025-11-21T04:40:00Z

    def __init__(self, pcap, wrap=None):
        self.pcap = pcap
        self.t = self.T0
        self.wrap = wrap or (lambda l3, v6: eth(l3, v6))

    def at(self, dt):
        self.t += dt
        return self

    def l3(self, src, dst, proto, payload, ident=1):
        return self.wrap(ip(src, dst, proto, payload, ident), is_v6(src))

    def udp(self, src, dst, payload, dt=0.01):
        (sip, sport), (dip, dport) = src, dst
        self.t += dt
        self.pcap.add(self.t, self.l3(sip, dip, 17, udp(sip, dip, sport, dport, payload)))

    def udp_fragmented(self, src, dst, payload, mtu_payload=1480, ident=0x1234, dt=0.01):
        (sip, sport), (dip, dport) = src, dst
        whole = udp(sip, dip, sport, dport, payload)
        off = 0
        while off < len(whole):
            chunk = whole[off:off + mtu_payload]
            more = off + len(chunk) < len(whole)
            ff = (0x2000 if more else 0) | (off // 8)
            self.t += dt
            self.pcap.add(self.t, self.wrap(ipv4(sip, dip, 17, chunk, ident, ff), False))
            off += len(chunk)


class Tcp:
    """One TCP connection between @a (initiator) and @b."""

    def __init__(self, net, a, b, isn_a=1000, isn_b=5000):
        self.net, self.a, self.b = net, a, b
        self.seq = {a: isn_a, b: isn_b}

    def _send(self, frm, flags, payload=b"", seq=None, dt=0.01):
        to = self.b if frm == self.a else self.a
        s = self.seq[frm] if seq is None else seq
        ack = self.seq[to] if flags & ACK else 0
        self.net.t += dt
        self.net.pcap.add(self.net.t, self.net.l3(frm[0], to[0], 6,
                                                   tcp(frm[0], to[0], frm[1], to[1], s, ack,
                                                       flags, payload)))
        return s

    def handshake(self):
        self._send(self.a, SYN)
        self.seq[self.a] += 1
        self._send(self.b, SYN | ACK)
        self.seq[self.b] += 1
        self._send(self.a, ACK)

    def refused(self):
        """A connection attempt answered with a reset (nothing listens)."""
        self._send(self.a, SYN)
        self.seq[self.a] += 1
        self.rst(self.b)

    def send(self, frm, payload, dt=0.01):
        s = self._send(frm, PSH | ACK, payload, dt=dt)
        self.seq[frm] += len(payload)
        return s

    def send_at(self, frm, seq_offset, payload, dt=0.01):
        """A segment at an explicit offset from the sender's current sequence (out of order,
        retransmission or overlap) without advancing it."""
        self._send(frm, PSH | ACK, payload, seq=self.seq[frm] + seq_offset, dt=dt)

    def advance(self, frm, n):
        self.seq[frm] += n

    def fin(self, frm, dt=0.01):
        self._send(frm, FIN | ACK, dt=dt)
        self.seq[frm] += 1

    def rst(self, frm, dt=0.01):
        self._send(frm, RST | ACK, dt=dt)


class Pcapng:
    """Writes pcapng with several sections and interfaces; each interface has its own timestamp
    resolution (6 = microseconds, 9 = nanoseconds)."""

    def __init__(self):
        self.blocks = []

    @staticmethod
    def _block(btype, body):
        body += b"\0" * (-len(body) % 4)
        total = 12 + len(body)
        return struct.pack("<II", btype, total) + body + struct.pack("<I", total)

    def section(self):
        self.blocks.append(self._block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))

    def interface(self, linktype=LINKTYPE_ETHERNET, tsresol=6):
        opt = struct.pack("<HHB", 9, 1, tsresol) + b"\0" * 3 + struct.pack("<HH", 0, 0)
        self.blocks.append(self._block(1, struct.pack("<HHI", linktype, 0, 262144) + opt))

    def packet(self, iface, t, data, tsresol=6):
        ts = int(round(t * 10 ** tsresol))
        body = struct.pack("<IIIII", iface, ts >> 32, ts & 0xFFFFFFFF, len(data), len(data)) + data
        self.blocks.append(self._block(6, body))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(b"".join(self.blocks))


STUN_COOKIE = 0x2112A442


def stun(msg_type, txn, mapped=None, xor=True, cookie=True):
    """A STUN message (RFC 5389 §6): @msg_type (0x0001 Binding request, 0x0101 success, 0x0111
    error), a 12-byte @txn, and for answers an (ip, port) @mapped as XOR-MAPPED-ADDRESS (or
    MAPPED-ADDRESS when not @xor). Without @cookie, an RFC 3489 message (16-byte @txn)."""
    attrs = b""
    if mapped:
        addr, port = mapped
        raw = ip_bytes(addr)
        family = 2 if len(raw) == 16 else 1
        if xor:
            mask = struct.pack("!I", STUN_COOKIE) + txn
            port ^= STUN_COOKIE >> 16
            raw = bytes(b ^ mask[i] for i, b in enumerate(raw))
        value = struct.pack("!BBH", 0, family, port) + raw
        attrs += struct.pack("!HH", 0x0020 if xor else 0x0001, len(value)) + value
    head = struct.pack("!HH", msg_type, len(attrs))
    head += (struct.pack("!I", STUN_COOKIE) + txn) if cookie else txn
    return head + attrs
