/* ip.c — IPv4 (RFC 791) and IPv6 (RFC 8200) headers, fragments, and the tunnels port mirrors
 * deliver: IP-in-IP (RFC 2003, RFC 2473), GRE (RFC 2784/2890) with transparent Ethernet
 * bridging and ERSPAN types I-III. VXLAN (RFC 7348) is in UDP, see decoder.c. */
#include "decoder_private.h"
#include "link.h"
#include "reader.h"

#include <string.h>

#define SC_IPPROTO_IPIP 4
#define SC_IPPROTO_TCP 6
#define SC_IPPROTO_UDP 17
#define SC_IPPROTO_IPV6 41
#define SC_IPPROTO_GRE 47

static void
deliver (ScDecoder *dec, ScIpPayload *ip, int depth)
{
    switch (ip->proto) {
    case SC_IPPROTO_IPIP:
        if (depth < SC_MAX_TUNNEL_DEPTH)
            sc_ip_decode (dec, SC_ETHERTYPE_IPV4, ip->data, ip->len, depth + 1);
        break;
    case SC_IPPROTO_IPV6:
        if (depth < SC_MAX_TUNNEL_DEPTH)
            sc_ip_decode (dec, SC_ETHERTYPE_IPV6, ip->data, ip->len, depth + 1);
        break;
    case SC_IPPROTO_GRE: {
        if (depth >= SC_MAX_TUNNEL_DEPTH)
            break;
        ScReader r = sc_reader_init (ip->data, ip->len);
        guint16 flags = sc_rd_be16 (&r);
        guint16 proto = sc_rd_be16 (&r);
        gboolean seq = (flags & 0x1000) != 0;
        sc_rd_skip (&r, ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) + (seq ? 4 : 0));
        if (r.truncated || (flags & 0x0007) != 0) {
            dec->stats.malformed++;
            break;
        }
        if (proto == 0x88BE && seq)
            sc_rd_skip (&r, 8); /* ERSPAN type II header; type I has none (no S bit) */
        else if (proto == 0x22EB) {
            const guint8 *h = sc_rd_here (&r);
            gboolean platform_sub = sc_rd_left (&r) >= 12 && (h[11] & 0x01);
            sc_rd_skip (&r, 12 + (platform_sub ? 8 : 0)); /* ERSPAN type III */
        }
        if (r.truncated) {
            dec->stats.malformed++;
            break;
        }
        const guint8 *inner = sc_rd_here (&r);
        gsize inner_len = sc_rd_left (&r);
        guint16 et;
        gsize off;
        if (proto == SC_ETHERTYPE_IPV4 || proto == SC_ETHERTYPE_IPV6) {
            sc_ip_decode (dec, proto, inner, inner_len, depth + 1);
        } else if (proto == 0x6558 || proto == 0x88BE || proto == 0x22EB) {
            if (sc_link_ethernet (inner, inner_len, &et, &off))
                sc_ip_decode (dec, et, inner + off, inner_len - off, depth + 1);
        }
        break;
    }
    default:
        sc_decoder_transport (dec, ip, depth);
    }
}

static void
reassembled (ScDecoder *dec, ScIpPayload *ip, const ScDefragKey *key, guint32 offset, gboolean more,
             int depth)
{
    if (ip->len < ip->wire_len) {
        dec->stats.malformed++; /* a snaplen-cut fragment can never complete */
        return;
    }
    ScDefragDatagram *whole =
        sc_defrag_add (dec->defrag, key, offset, more, ip->data, ip->len, dec->pkt->ts_us);
    if (!whole)
        return;
    gsize n;
    ip->data = sc_defrag_datagram_data (whole, &n);
    ip->len = ip->wire_len = n;
    ip->fragmented = TRUE;
    deliver (dec, ip, depth);
    sc_defrag_release (dec->defrag, whole);
}

static void
ipv4 (ScDecoder *dec, const guint8 *p, gsize len, int depth)
{
    ScReader r = sc_reader_init (p, len);
    guint8 vihl = sc_rd_u8 (&r);
    sc_rd_skip (&r, 1);
    guint16 total = sc_rd_be16 (&r);
    guint16 id = sc_rd_be16 (&r);
    guint16 frag = sc_rd_be16 (&r);
    sc_rd_skip (&r, 1);
    guint8 proto = sc_rd_u8 (&r);
    sc_rd_skip (&r, 2);
    ScIpPayload ip = {.proto = proto};
    ip.src.family = ip.dst.family = 4;
    sc_rd_bytes (&r, ip.src.addr, 4);
    sc_rd_bytes (&r, ip.dst.addr, 4);
    gsize ihl = (gsize)(vihl & 0x0F) * 4;
    if (r.truncated || (vihl >> 4) != 4 || ihl < 20 || total < ihl || len < ihl) {
        dec->stats.malformed++;
        return;
    }
    /* Trust the IP length over the frame's (Ethernet pads short frames). */
    ip.data = p + ihl;
    ip.wire_len = total - ihl;
    ip.len = MIN (len, (gsize)total) - ihl;
    guint32 offset = (guint32)(frag & 0x1FFF) * 8;
    gboolean more = (frag & 0x2000) != 0;
    if (offset || more) {
        ScDefragKey key = {.family = 4, .proto = proto, .id = id};
        memcpy (key.src, ip.src.addr, 4);
        memcpy (key.dst, ip.dst.addr, 4);
        reassembled (dec, &ip, &key, offset, more, depth);
        return;
    }
    deliver (dec, &ip, depth);
}

static void
ipv6 (ScDecoder *dec, const guint8 *p, gsize len, int depth)
{
    ScReader r = sc_reader_init (p, len);
    guint32 vtf = sc_rd_be32 (&r);
    guint16 plen = sc_rd_be16 (&r);
    guint8 next = sc_rd_u8 (&r);
    sc_rd_skip (&r, 1);
    ScIpPayload ip = {0};
    ip.src.family = ip.dst.family = 6;
    sc_rd_bytes (&r, ip.src.addr, 16);
    sc_rd_bytes (&r, ip.dst.addr, 16);
    if (r.truncated || (vtf >> 28) != 6) {
        dec->stats.malformed++;
        return;
    }
    /* The payload (extension headers included) per the header; jumbograms are not SIP. */
    gsize end = MIN (len, 40 + (gsize)plen);
    r.len = end;
    gboolean fragment = FALSE, more = FALSE;
    guint32 offset = 0, id = 0;
    for (int hops = 0; hops < 8; hops++) {
        if (next == 0 || next == 43 || next == 60) { /* hop-by-hop, routing, destination */
            guint8 nh = sc_rd_u8 (&r);
            guint8 hlen = sc_rd_u8 (&r);
            sc_rd_skip (&r, (gsize)hlen * 8 + 6);
            next = nh;
        } else if (next == 51) { /* AH: length in 4-byte units, minus 2 */
            guint8 nh = sc_rd_u8 (&r);
            guint8 hlen = sc_rd_u8 (&r);
            sc_rd_skip (&r, ((gsize)hlen + 2) * 4 - 2);
            next = nh;
        } else if (next == 44) {
            guint8 nh = sc_rd_u8 (&r);
            sc_rd_skip (&r, 1);
            guint16 off = sc_rd_be16 (&r);
            id = sc_rd_be32 (&r);
            fragment = TRUE;
            offset = (guint32)(off & 0xFFF8);
            more = (off & 1) != 0;
            next = nh;
        } else {
            break;
        }
    }
    if (r.truncated) {
        dec->stats.malformed++;
        return;
    }
    ip.proto = next;
    ip.data = sc_rd_here (&r);
    ip.len = sc_rd_left (&r);
    ip.wire_len = 40 + (gsize)plen - r.pos;
    if (fragment && (offset || more)) {
        ScDefragKey key = {.family = 6, .proto = next, .id = id};
        memcpy (key.src, ip.src.addr, 16);
        memcpy (key.dst, ip.dst.addr, 16);
        reassembled (dec, &ip, &key, offset, more, depth);
        return;
    }
    deliver (dec, &ip, depth);
}

void
sc_ip_decode (ScDecoder *dec, guint16 ethertype, const guint8 *p, gsize len, int depth)
{
    if (ethertype == SC_ETHERTYPE_IPV4)
        ipv4 (dec, p, len, depth);
    else if (ethertype == SC_ETHERTYPE_IPV6)
        ipv6 (dec, p, len, depth);
}
