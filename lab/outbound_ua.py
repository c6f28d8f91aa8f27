#!/usr/bin/env python3
"""An RFC 5626 outbound UA for the lab: registers with +sip.instance and reg-id over TCP or UDP,
then keeps the flow alive on a fixed schedule (CRLF pings on TCP, STUN Binding requests on UDP),
answers the INVITE and BYE that come back over the flow with 200, and stops.

    outbound_ua.py tcp|udp SERVER_IP LOCAL_IP GAP,GAP,...

Each GAP is the number of seconds to wait before the next keep-alive; a gap longer than the
Flow-Timer the registrar grants makes a late keep-alive on purpose."""
import os
import select
import socket
import struct
import sys
import time

import lab_sip

transport, server, local = sys.argv[1], sys.argv[2], sys.argv[3]
gaps = [float(g) for g in sys.argv[4].split(",")]
INSTANCE = "<urn:uuid:5a3b1c2d-0000-4000-8000-00000000a11c>"
COOKIE = 0x2112A442

if transport == "tcp":
    sock = socket.create_connection((server, 5060), source_address=(local, 0))
else:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((local, 0))
    sock.connect((server, 5060))
lport = sock.getsockname()[1]
proto = transport.upper()


def register():
    contact = "<sip:alice@%s:%d;transport=%s;ob>" % (local, lport, transport)
    msg = ("REGISTER sip:%s SIP/2.0\r\n"
           "Via: SIP/2.0/%s %s:%d;branch=z9hG4bK-ob%d;rport\r\n"
           "Max-Forwards: 70\r\n"
           "From: <sip:alice@%s>;tag=ua1\r\n"
           "To: <sip:alice@%s>\r\n"
           "Call-ID: outbound-%s@%s\r\n"
           "CSeq: 1 REGISTER\r\n"
           "Contact: %s;+sip.instance=\"%s\";reg-id=1\r\n"
           "Supported: path, outbound\r\n"
           "Expires: 600\r\n"
           "Content-Length: 0\r\n\r\n") % (server, proto, local, lport, os.getpid(), server,
                                           server, transport, local, contact, INSTANCE)
    sock.send(msg.encode())


def keepalive(k):
    if transport == "tcp":
        sock.send(b"\r\n\r\n")
    else:
        sock.send(struct.pack("!HHI", 0x0001, 0, COOKIE) + bytes([0x30 + k]) * 12)


def answer_requests(data):
    contact = "Contact: <sip:alice@%s:%d;transport=%s;ob>" % (local, lport, transport)
    for response in lab_sip.answers(data, contact):
        sock.send(response)


def pump(seconds):
    """Reads (and answers INVITEs) for @seconds."""
    end = time.time() + seconds
    while True:
        left = end - time.time()
        if left <= 0:
            return
        r, _, _ = select.select([sock], [], [], left)
        if r:
            data = sock.recv(65535)
            if not data:
                return
            answer_requests(data)


register()
pump(1.0)
for k, gap in enumerate(gaps):
    pump(gap)
    keepalive(k)
pump(1.0)
sock.close()
