/* icmp.c — reading the quote of an ICMP destination unreachable. */
#include "icmp.h"

#include "reader.h"

#define IPPROTO_TCP_NUMBER 6
#define IPPROTO_UDP_NUMBER 17

gboolean
sc_icmp_unreachable_parse (const guint8 *icmp, gsize len, gboolean v6, ScTransport *transport,
                           ScEndpoint *dst)
{
    ScReader r = sc_reader_init (icmp, len);
    guint8 type = sc_rd_u8 (&r);
    sc_rd_skip (&r, 7); /* code, checksum, unused / MTU */
    if (r.truncated || type != (v6 ? 1 : 3))
        return FALSE;
    ScEndpoint out = {0};
    guint8 proto;
    if (v6) {
        /* The quoted IPv6 header; an extension header before UDP/TCP is not followed. */
        sc_rd_skip (&r, 6);
        proto = sc_rd_u8 (&r);
        sc_rd_skip (&r, 1 + 16);
        out.family = 6;
        sc_rd_bytes (&r, out.addr, 16);
    } else {
        guint8 vihl = sc_rd_u8 (&r);
        sc_rd_skip (&r, 8);
        proto = sc_rd_u8 (&r);
        sc_rd_skip (&r, 6);
        out.family = 4;
        sc_rd_bytes (&r, out.addr, 4);
        gsize ihl = (gsize)(vihl & 0x0F) * 4;
        sc_rd_skip (&r, ihl > 20 ? ihl - 20 : 0); /* IP options */
    }
    sc_rd_skip (&r, 2); /* source port */
    out.port = sc_rd_be16 (&r);
    if (r.truncated || (proto != IPPROTO_UDP_NUMBER && proto != IPPROTO_TCP_NUMBER))
        return FALSE;
    *transport = proto == IPPROTO_UDP_NUMBER ? SC_TRANSPORT_UDP : SC_TRANSPORT_TCP;
    *dst = out;
    return TRUE;
}
