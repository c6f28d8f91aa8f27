/* fuzz_tcp_stream.c — TCP reassembly and SIP stream framing, through the audit's decoder: the
 * input is a list of segments of one connection, each "control byte, length byte, payload":
 *   bit 0: sent by the acceptor; bit 1: SYN; bit 2: FIN; bit 3: RST;
 *   bit 4: a hole of 1000 bytes before it (a capture gap); bit 5: repeat the previous sequence
 *   number (a retransmission or overlap); bit 6: 100 bytes ahead (out of order);
 *   bit 7: the connection is to port 5061 (TLS), taken from the first segment only.
 * Each becomes an Ethernet/IPv4/TCP frame, so link, IP and TCP parsing run too. */
#include "decoder.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
put16 (guint8 *p, guint v)
{
    p[0] = (guint8)(v >> 8);
    p[1] = (guint8)v;
}

static void
put32 (guint8 *p, guint32 v)
{
    put16 (p, v >> 16);
    put16 (p + 2, v & 0xFFFF);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    FuzzAudit a;
    fuzz_audit_begin (&a);
    ScDecoder *dec = sc_decoder_new (a.core);
    guint32 seq[2] = {1000, 900000}, prev[2] = {1000, 900000};
    guint16 server_port = size > 0 && (data[0] & 0x80) ? 5061 : 5060;
    gint64 t = FUZZ_T0;
    guint32 frame = 0;
    size_t i = 0;
    while (i + 2 <= size) {
        guint8 ctl = data[i], len = data[i + 1];
        i += 2;
        if (len > size - i)
            len = (guint8)(size - i);
        int side = ctl & 1;
        guint32 s = seq[side];
        if (ctl & 0x10)
            s += 1000;
        if (ctl & 0x20)
            s = prev[side];
        if (ctl & 0x40)
            s += 100;
        guint8 pkt[14 + 20 + 20 + 255];
        memset (pkt, 0, 14);
        pkt[12] = 0x08; /* IPv4 */
        guint8 *ip = pkt + 14, *tcp = ip + 20;
        memset (ip, 0, 40);
        ip[0] = 0x45;
        put16 (ip + 2, 40 + len);
        ip[8] = 64;
        ip[9] = 6;
        guint8 a_addr[4] = {192, 0, 2, 5}, b_addr[4] = {192, 0, 2, 1};
        memcpy (ip + 12, side ? b_addr : a_addr, 4);
        memcpy (ip + 16, side ? a_addr : b_addr, 4);
        put16 (tcp, side ? server_port : 40001);
        put16 (tcp + 2, side ? 40001 : server_port);
        put32 (tcp + 4, s);
        put32 (tcp + 8, seq[!side]);
        tcp[12] = 0x50;
        tcp[13] = (guint8)(0x10 | (ctl & 0x02 ? 0x02 : 0) | (ctl & 0x04 ? 0x01 : 0) |
                           (ctl & 0x08 ? 0x04 : 0));
        put16 (tcp + 14, 65535);
        memcpy (tcp + 20, data + i, len);
        i += len;
        prev[side] = s;
        seq[side] = s + len + ((ctl & 0x06) ? 1 : 0);
        frame++;
        ScPacket p = {.frame = frame,
                      .ts_us = t + frame * 1000,
                      .data = pkt,
                      .caplen = 54u + len,
                      .wirelen = 54u + len,
                      .linktype = 1};
        sc_decoder_packet (dec, &p);
    }
    sc_decoder_finish (dec, t + (frame + 1) * 1000);
    sc_decoder_free (dec);
    fuzz_audit_end (&a, t + (frame + 2) * 1000, FALSE);
    return 0;
}
