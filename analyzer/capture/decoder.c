/* decoder.c — packet entry point, UDP (SIP datagrams, VXLAN) and the hand-off to TCP. */
#include "decoder_private.h"
#include "icmp.h"
#include "link.h"
#include "reader.h"
#include "sip_msg.h"

#define SC_VXLAN_PORT 4789
#define SC_IPPROTO_ICMP 1
#define SC_IPPROTO_TCP 6
#define SC_IPPROTO_ICMPV6 58
#define SC_IPPROTO_UDP 17

ScDecoder *
sc_decoder_new (ScCore *core)
{
    ScDecoder *dec = g_new0 (ScDecoder, 1);
    dec->core = core;
    /* 30 s is Linux's ipfrag_time; 4 MiB and 4096 datagrams bound a flood of first fragments. */
    dec->defrag = sc_defrag_new (4 * 1024 * 1024, 4096, 30 * G_USEC_PER_SEC);
    dec->tcp = sc_tcp_table_new (dec);
    return dec;
}

void
sc_decoder_set_keylog (ScDecoder *dec, const ScTlsKeylog *kl)
{
    dec->keylog = kl;
}

void
sc_decoder_free (ScDecoder *dec)
{
    if (!dec)
        return;
    sc_tcp_table_free (dec->tcp);
    sc_defrag_free (dec->defrag);
    g_free (dec);
}

const ScDecoderStats *
sc_decoder_stats (ScDecoder *dec)
{
    const ScDefragStats *f = sc_defrag_stats (dec->defrag);
    dec->stats.frag_completed = f->completed;
    dec->stats.frag_expired = f->expired;
    dec->stats.frag_evicted = f->evicted;
    return &dec->stats;
}

static void
udp (ScDecoder *dec, const ScIpPayload *ip, int depth)
{
    ScReader r = sc_reader_init (ip->data, ip->len);
    guint16 sport = sc_rd_be16 (&r);
    guint16 dport = sc_rd_be16 (&r);
    guint16 ulen = sc_rd_be16 (&r);
    sc_rd_skip (&r, 2);
    if (r.truncated || ulen < 8) {
        dec->stats.malformed++;
        return;
    }
    const guint8 *payload = sc_rd_here (&r);
    gsize wire = MIN ((gsize)ulen, ip->wire_len) - 8;
    gsize captured = MIN (sc_rd_left (&r), wire);

    if (dport == SC_VXLAN_PORT && captured >= 8 && (payload[0] & 0x08) &&
        depth < SC_MAX_TUNNEL_DEPTH) {
        guint16 et;
        gsize off;
        if (sc_link_ethernet (payload + 8, captured - 8, &et, &off))
            sc_ip_decode (dec, et, payload + 8 + off, captured - 8 - off, depth + 1);
        return;
    }
    ScEndpoint src = ip->src, dst = ip->dst;
    src.port = sport;
    dst.port = dport;
    /* SIP is recognised by content (its start line), on any port; other datagrams may be
     * keep-alives on a SIP flow (STUN, CR/LF). */
    if (captured == 0)
        return;
    gssize sl = sc_sip_start_line_len ((const char *)payload, captured);
    if (sl <= 0) {
        if (captured == wire)
            sc_core_udp_datagram (dec->core, dec->pkt->frame, dec->pkt->ts_us, &src, &dst, payload,
                                  captured);
        return;
    }
    ScMsgEvent ev = {
        .frame = dec->pkt->frame,
        .ts_us = dec->pkt->ts_us,
        .transport = SC_TRANSPORT_UDP,
        .src = src,
        .dst = dst,
        .wire_len = wire,
        .captured_short = captured < wire,
        .ip_fragmented = ip->fragmented,
    };
    ScSipMsg msg;
    sc_sip_parse_after_start_line ((const char *)payload, captured, (gsize)sl, &msg);
    sc_core_sip_message_parsed (dec->core, &ev, (const char *)payload, captured, &msg);
}

/* ICMP destination unreachable names a destination a sender may fall back from. */
static void
icmp_unreachable (ScDecoder *dec, const ScIpPayload *ip)
{
    ScTransport t;
    ScEndpoint dst;
    if (sc_icmp_unreachable_parse (ip->data, ip->len, ip->proto == SC_IPPROTO_ICMPV6, &t, &dst))
        sc_core_destination_failed (dec->core, t, &dst, dec->pkt->frame, dec->pkt->ts_us);
}

void
sc_decoder_transport (ScDecoder *dec, const ScIpPayload *ip, int depth)
{
    if (ip->proto == SC_IPPROTO_ICMP || ip->proto == SC_IPPROTO_ICMPV6)
        icmp_unreachable (dec, ip);
    else if (ip->proto == SC_IPPROTO_UDP)
        udp (dec, ip, depth);
    else if (ip->proto == SC_IPPROTO_TCP)
        sc_tcp_segment (dec->tcp, ip);
}

void
sc_decoder_packet (ScDecoder *dec, const ScPacket *pkt)
{
    dec->pkt = pkt;
    dec->stats.packets++;
    dec->stats.bytes += pkt->caplen;
    if (pkt->caplen < pkt->wirelen)
        dec->stats.snaplen_cut++;
    guint16 et;
    gsize off;
    if (!sc_link_supported (pkt->linktype)) {
        if (dec->stats.unsupported_link++ == 0) {
            dec->stats.unsupported_linktype = pkt->linktype;
            dec->stats.unsupported_first_frame = pkt->frame;
        }
        return;
    }
    if (!sc_link_decode (pkt->linktype, pkt->data, pkt->caplen, &et, &off)) {
        dec->stats.malformed++;
        return;
    }
    sc_ip_decode (dec, et, pkt->data + off, pkt->caplen - off, 0);
    dec->pkt = NULL;
}

void
sc_decoder_finish (ScDecoder *dec, gint64 ts_us)
{
    /* Drain reassembly first (what waits behind a hole is delivered after it), then let the core
     * settle and report every connection. */
    sc_tcp_finish (dec->tcp);
    sc_core_finish (dec->core, ts_us);
}
