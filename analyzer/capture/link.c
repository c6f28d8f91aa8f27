/* link.c — link-layer headers (tcpdump's print-ether.c, print-sll.c, print-null.c show the
 * layouts; values from the tcpdump.org link-type registry). */
#include "link.h"

#include "reader.h"

#include <pcap/pcap.h>

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

gboolean
sc_link_ethernet (const guint8 *p, gsize len, guint16 *ethertype, gsize *offset)
{
    ScReader r = sc_reader_init (p, len);
    sc_rd_skip (&r, 12);
    guint16 type = sc_rd_be16 (&r);
    /* 802.1Q, 802.1ad (QinQ) and the old 0x9100: a 4-byte tag each, stacked. */
    for (int tags = 0; tags < 4 && (type == 0x8100 || type == 0x88A8 || type == 0x9100); tags++) {
        sc_rd_skip (&r, 2);
        type = sc_rd_be16 (&r);
    }
    if (r.truncated)
        return FALSE;
    *ethertype = type;
    *offset = r.pos;
    return TRUE;
}

static gboolean
by_version (const guint8 *p, gsize len, guint16 *ethertype)
{
    if (len < 1)
        return FALSE;
    switch (p[0] >> 4) {
    case 4:
        *ethertype = SC_ETHERTYPE_IPV4;
        return TRUE;
    case 6:
        *ethertype = SC_ETHERTYPE_IPV6;
        return TRUE;
    default:
        return FALSE;
    }
}

/* BSD null/loopback: the address family, 2 = IPv4; 24, 28, 30 = IPv6 on the BSDs. */
static gboolean
from_family (guint32 af, guint16 *ethertype)
{
    if (af == 2) {
        *ethertype = SC_ETHERTYPE_IPV4;
        return TRUE;
    }
    if (af == 24 || af == 28 || af == 30 || af == 10) {
        *ethertype = SC_ETHERTYPE_IPV6;
        return TRUE;
    }
    return FALSE;
}

gboolean
sc_link_supported (int dlt)
{
    switch (dlt) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_RAW:
    case 14:  /* DLT_RAW on OpenBSD */
    case 101: /* LINKTYPE_RAW */
    case DLT_IPV4:
    case DLT_IPV6:
    case DLT_NULL:
    case DLT_LOOP:
        return TRUE;
    default:
        return FALSE;
    }
}

gboolean
sc_link_decode (int dlt, const guint8 *p, gsize len, guint16 *ethertype, gsize *offset)
{
    ScReader r = sc_reader_init (p, len);
    switch (dlt) {
    case DLT_EN10MB:
        return sc_link_ethernet (p, len, ethertype, offset);
    case DLT_LINUX_SLL: /* 16 bytes, protocol last */
        sc_rd_skip (&r, 14);
        *ethertype = sc_rd_be16 (&r);
        *offset = 16;
        return !r.truncated;
    case DLT_LINUX_SLL2: /* 20 bytes, protocol first */
        *ethertype = sc_rd_be16 (&r);
        sc_rd_skip (&r, 18);
        *offset = 20;
        return !r.truncated;
    case DLT_RAW:
    case 14:
    case 101:
    case DLT_IPV4:
    case DLT_IPV6:
        *offset = 0;
        return by_version (p, len, ethertype);
    case DLT_NULL: { /* host byte order of the capturing machine: try both */
        if (len < 4)
            return FALSE;
        guint32 le = (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
        guint32 be = sc_rd_be32 (&r);
        *offset = 4;
        return from_family (le, ethertype) || from_family (be, ethertype);
    }
    case DLT_LOOP:
        *offset = 4;
        return from_family (sc_rd_be32 (&r), ethertype) && !r.truncated;
    default:
        return FALSE;
    }
}
