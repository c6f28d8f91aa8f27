/* stun.c — see stun.h. */
#include "stun.h"

#include "reader.h"

#include <string.h>

#define ATTR_MAPPED_ADDRESS 0x0001
#define ATTR_XOR_MAPPED_ADDRESS 0x0020
#define ATTR_XOR_MAPPED_ADDRESS_OLD 0x8020 /* pre-RFC drafts, still sent by some stacks */

/* RFC 5389 §15.1/§15.2: reserved, family (1 = IPv4, 2 = IPv6), port, address; XOR'ed with the
 * cookie (and for IPv6 the transaction ID) when @xor. */
static gboolean
read_address (const guint8 *v, gsize len, gboolean xor, const guint8 *header, ScEndpoint *out)
{
    if (len < 4)
        return FALSE;
    guint8 family = v[1];
    gsize alen = family == 1 ? 4 : family == 2 ? 16 : 0;
    if (alen == 0 || len < 4 + alen)
        return FALSE;
    memset (out, 0, sizeof *out);
    out->family = family == 1 ? 4 : 6;
    guint16 port = (guint16)(v[2] << 8 | v[3]);
    memcpy (out->addr, v + 4, alen);
    if (xor) {
        /* header + 4: the cookie then the transaction ID, exactly the 16 XOR bytes of §15.2. */
        port ^= (guint16)(header[4] << 8 | header[5]);
        for (gsize i = 0; i < alen; i++)
            out->addr[i] ^= header[4 + i];
    }
    out->port = port;
    return TRUE;
}

gboolean
sc_stun_parse (const guint8 *buf, gsize len, ScStunMsg *out)
{
    memset (out, 0, sizeof *out);
    if (len < 20 || (buf[0] & 0xC0) != 0)
        return FALSE;
    ScReader r = sc_reader_init (buf, len);
    guint16 type = sc_rd_be16 (&r);
    guint16 body = sc_rd_be16 (&r);
    guint32 cookie = sc_rd_be32 (&r);
    if ((body & 3) != 0 || (gsize)body + 20 != len)
        return FALSE;
    gboolean binding = type == 0x0001 || type == 0x0101 || type == 0x0111;
    out->legacy = cookie != SC_STUN_MAGIC_COOKIE;
    if (out->legacy && !binding)
        return FALSE; /* without the cookie only the Binding types are told apart from noise */
    out->klass = type == 0x0001   ? SC_STUN_BINDING_REQUEST
                 : type == 0x0101 ? SC_STUN_BINDING_SUCCESS
                 : type == 0x0111 ? SC_STUN_BINDING_ERROR
                                  : SC_STUN_OTHER;
    memcpy (out->txn_id, buf + (out->legacy ? 4 : 8), out->legacy ? 16 : 12);
    sc_rd_skip (&r, 12); /* the rest of the transaction ID: attributes start at byte 20 */

    gboolean have_xor = FALSE;
    while (sc_rd_left (&r) >= 4) {
        guint16 at = sc_rd_be16 (&r);
        guint16 alen = sc_rd_be16 (&r);
        if (sc_rd_left (&r) < alen)
            break;
        const guint8 *v = sc_rd_here (&r);
        ScEndpoint ep;
        if ((at == ATTR_XOR_MAPPED_ADDRESS || at == ATTR_XOR_MAPPED_ADDRESS_OLD) && !out->legacy &&
            !have_xor && read_address (v, alen, TRUE, buf, &ep)) {
            out->mapped = ep; /* the XOR form wins over MAPPED-ADDRESS (RULES.md) */
            out->has_mapped = have_xor = TRUE;
        } else if (at == ATTR_MAPPED_ADDRESS && !out->has_mapped &&
                   read_address (v, alen, FALSE, buf, &ep)) {
            out->mapped = ep;
            out->has_mapped = TRUE;
        }
        gsize padded = ((gsize)alen + 3) & ~(gsize)3;
        if (sc_rd_left (&r) < padded)
            break;
        sc_rd_skip (&r, padded);
    }
    return TRUE;
}
