#!/usr/bin/env python3
"""A UA over TLS 1.2 (TLS 1.3 with TLS13=1 in the environment) for the lab: opens a TLS connection to the proxy's 5061, registers with
`alias` in its Via (RFC 5923 §5), answers the INVITE and BYE that come back over the connection
with 200, and stops after SECONDS. With CERT and KEY it presents a client certificate when the
server asks for one. The session keys go to KEYLOG (NSS key log format) so that the SIP inside
can be read with Wireshark's tls.keylog_file.

    tls_ua.py SERVER_IP LOCAL_IP SECONDS KEYLOG [CERT KEY]

TLS 1.2 is forced by default: its CertificateRequest and client Certificate are visible without
keys. TLS13=1 forces TLS 1.3 instead, where they are encrypted (and read only with the keys).
TLS_CIPHERS=LIST (OpenSSL names) narrows the TLS 1.2 suites offered; TLS_NO_ETM=1 declines
RFC 7366 encrypt-then-MAC, so that CBC suites MAC the plaintext. TLS13_KEY_UPDATE=1 (with TLS13=1)
sends a KeyUpdate asking the server to update too (RFC 8446 §4.6.3) once registered: Python's
ssl has no call for it, so OpenSSL's SSL_key_update is called on the connection's SSL object."""
import ctypes
import os
import select
import socket
import ssl
import sys
import time

import lab_sip

server, local, seconds, keylog = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
cert = sys.argv[5:7]

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE  # the lab's server certificate is self-signed
if os.environ.get("TLS_CIPHERS"):
    ctx.set_ciphers(os.environ["TLS_CIPHERS"])
if os.environ.get("TLS_NO_ETM") == "1":
    ctx.options |= 0x00080000  # SSL_OP_NO_ENCRYPT_THEN_MAC (OpenSSL 3)
if os.environ.get("TLS13") == "1":
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
else:
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
ctx.keylog_filename = keylog
if cert:
    ctx.load_cert_chain(cert[0], cert[1])
raw = socket.create_connection((server, 5061), source_address=(local, 0))
sock = ctx.wrap_socket(raw, server_hostname="proxy.lab.example")


def register():
    msg = ("REGISTER sip:%s SIP/2.0\r\n"
           "Via: SIP/2.0/TLS %s:5061;branch=z9hG4bK-tls%d;alias\r\n"
           "Max-Forwards: 70\r\n"
           "From: <sip:alice@%s>;tag=ua1\r\n"
           "To: <sip:alice@%s>\r\n"
           "Call-ID: tls-%d@%s\r\n"
           "CSeq: 1 REGISTER\r\n"
           "Contact: <sip:alice@%s:5061;transport=tls>\r\n"
           "Expires: 600\r\n"
           "Content-Length: 0\r\n\r\n") % (server, local, os.getpid(), server, server,
                                           os.getpid(), local, local)
    sock.send(msg.encode())


def answer_requests(data):
    for response in lab_sip.answers(data, "Contact: <sip:alice@%s:5061;transport=tls>" % local):
        sock.send(response)


def key_update():
    """SSL_key_update (ssl, SSL_KEY_UPDATE_REQUESTED): the KeyUpdate goes with the next write.
    CPython's _ssl._SSLSocket holds its SSL* after the object header and the socket weakref;
    the pointer is checked by asking it for its protocol version (TLS 1.3) before use."""
    libssl = ctypes.CDLL("libssl.so.3")
    libssl.SSL_version.argtypes = [ctypes.c_void_p]
    libssl.SSL_key_update.argtypes = [ctypes.c_void_p, ctypes.c_int]
    ssl_ptr = ctypes.c_void_p.from_address(id(sock._sslobj) + 2 * ctypes.sizeof(ctypes.c_void_p)
                                           + ctypes.sizeof(ctypes.c_void_p)).value
    if libssl.SSL_version(ssl_ptr) != 0x0304 or libssl.SSL_key_update(ssl_ptr, 1) != 1:
        sys.exit("tls_ua: no TLS 1.3 connection to update the keys of")


register()
if os.environ.get("TLS13_KEY_UPDATE") == "1":
    key_update()
end = time.time() + seconds
while time.time() < end:
    r, _, _ = select.select([sock], [], [], max(0.0, end - time.time()))
    if r:
        data = sock.recv(65535)
        if not data:
            break
        answer_requests(data)
sock.close()
