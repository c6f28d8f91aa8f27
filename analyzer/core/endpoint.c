/* endpoint.c — IP literal parsing, comparison and formatting (by value: IPv6 canonical). */
#include "sc_types.h"

#include <arpa/inet.h>
#include <string.h>

const char *
sc_transport_name (ScTransport t)
{
    switch (t) {
    case SC_TRANSPORT_UDP:
        return "udp";
    case SC_TRANSPORT_TCP:
        return "tcp";
    case SC_TRANSPORT_TLS:
        return "tls";
    default:
        return "other";
    }
}

/* A dotted quad as inet_pton (AF_INET) reads it: four decimal parts of 0..255, no leading zeros. */
static gboolean
parse_ipv4 (const char *text, gsize len, guint8 out[4])
{
    guint part = 0, digits = 0, value = 0;
    for (gsize i = 0; i <= len; i++) {
        if (i == len || text[i] == '.') {
            if (digits == 0 || part > 3)
                return FALSE;
            out[part++] = (guint8)value;
            digits = value = 0;
        } else if (text[i] >= '0' && text[i] <= '9') {
            if (digits > 0 && value == 0)
                return FALSE; /* leading zero */
            value = value * 10 + (guint)(text[i] - '0');
            if (++digits > 3 || value > 255)
                return FALSE;
        } else {
            return FALSE;
        }
    }
    return part == 4;
}

gboolean
sc_ip_parse (const char *text, gsize len, ScEndpoint *out)
{
    char buf[INET6_ADDRSTRLEN + 2];
    if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
        text++;
        len -= 2;
    }
    if (len == 0 || len >= sizeof buf)
        return FALSE;
    /* Hosts of every Via and URI come here: only a text with a colon can be IPv6, so names and
     * IPv4 never reach inet_pton. */
    if (!memchr (text, ':', len)) {
        guint8 v4[4];
        if (!parse_ipv4 (text, len, v4))
            return FALSE;
        out->family = 4;
        memcpy (out->addr, v4, 4);
        memset (out->addr + 4, 0, 12);
        return TRUE;
    }
    memcpy (buf, text, len);
    buf[len] = '\0';
    /* RFC 3261 §25: an IPv6 reference may carry a zone only in non-standard stacks; refuse it. */
    if (inet_pton (AF_INET6, buf, out->addr) == 1) {
        out->family = 6;
        return TRUE;
    }
    return FALSE;
}

gboolean
sc_ip_equal (const ScEndpoint *a, const ScEndpoint *b)
{
    if (a->family != b->family)
        return FALSE;
    return memcmp (a->addr, b->addr, a->family == 4 ? 4 : 16) == 0;
}

gboolean
sc_endpoint_equal (const ScEndpoint *a, const ScEndpoint *b)
{
    return a->port == b->port && sc_ip_equal (a, b);
}

gboolean
sc_ip_is_private (const ScEndpoint *ep)
{
    const guint8 *a = ep->addr;
    if (ep->family == 4) {
        return a[0] == 10 || (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168) ||
               (a[0] == 100 && (a[1] & 0xC0) == 64) || (a[0] == 169 && a[1] == 254) || a[0] == 127;
    }
    if (ep->family == 6) {
        static const guint8 loopback[16] = {[15] = 1};
        return (a[0] & 0xFE) == 0xFC || (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) ||
               memcmp (a, loopback, 16) == 0;
    }
    return FALSE;
}

gboolean
sc_ip_is_multicast (const ScEndpoint *ep)
{
    if (ep->family == 4)
        return (ep->addr[0] & 0xF0) == 0xE0;
    if (ep->family == 6)
        return ep->addr[0] == 0xFF;
    return FALSE;
}

/* Formatting is on every response's path (the expected destination), every transaction key and
 * every drawn frame: inet_ntop and printf cost ten times more. */
char *
sc_put_uint (char *p, guint v)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

void
sc_string_append_uint (GString *out, guint64 v)
{
    char buf[20];
    int n = (int)sizeof buf;
    do {
        buf[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    g_string_append_len (out, buf + n, (gssize)sizeof buf - n);
}

char *
sc_ip_format (const ScEndpoint *ep, char buf[SC_ENDPOINT_STRLEN])
{
    if (ep->family == 4) {
        char *p = buf;
        for (int i = 0; i < 4; i++) {
            if (i)
                *p++ = '.';
            p = sc_put_uint (p, ep->addr[i]);
        }
        *p = '\0';
    } else if (ep->family == 6) {
        inet_ntop (AF_INET6, ep->addr, buf, SC_ENDPOINT_STRLEN);
    } else {
        g_strlcpy (buf, "?", SC_ENDPOINT_STRLEN);
    }
    return buf;
}

char *
sc_endpoint_format (const ScEndpoint *ep, char buf[SC_ENDPOINT_STRLEN])
{
    char *p = buf;
    if (ep->family == 6)
        *p++ = '[';
    sc_ip_format (ep, p);
    p += strlen (p);
    if (ep->family == 6)
        *p++ = ']';
    *p++ = ':';
    p = sc_put_uint (p, ep->port);
    *p = '\0';
    return buf;
}

guint
sc_endpoint_hash (gconstpointer p)
{
    /* Every message hashes two or three endpoints: mix the address four bytes at a time. */
    const ScEndpoint *ep = p;
    guint32 w[4];
    memcpy (w, ep->addr, sizeof w);
    guint32 h = (guint32)ep->family << 16 | ep->port;
    for (int i = 0; i < 4; i++)
        h = (h ^ w[i]) * 0x9E3779B1u;
    return h ^ (h >> 15);
}

guint
sc_str_hash (gconstpointer key)
{
    const char *s = key;
    gsize len = strlen (s);
    guint64 h = 0x9E3779B97F4A7C15u ^ len;
    gsize i = 0;
    for (; i + 8 <= len; i += 8) {
        guint64 w;
        memcpy (&w, s + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDu;
        h ^= h >> 32;
    }
    guint64 tail = 0;
    memcpy (&tail, s + i, len - i);
    h = (h ^ tail) * 0xC4CEB9FE1A85EC53u;
    h ^= h >> 29;
    return (guint)(h ^ (h >> 32));
}

gboolean
sc_endpoint_key_equal (gconstpointer a, gconstpointer b)
{
    return sc_endpoint_equal (a, b);
}

void
sc_endpoint_pair_make (ScEndpointPair *pair, const ScEndpoint *x, const ScEndpoint *y)
{
    memset (pair, 0, sizeof *pair);
    gboolean x_first = memcmp (x, y, sizeof *x) <= 0;
    pair->lo = x_first ? *x : *y;
    pair->hi = x_first ? *y : *x;
}

guint
sc_endpoint_pair_hash (gconstpointer p)
{
    const ScEndpointPair *k = p;
    return sc_endpoint_hash (&k->lo) * 33u ^ sc_endpoint_hash (&k->hi);
}

gboolean
sc_endpoint_pair_equal (gconstpointer a, gconstpointer b)
{
    const ScEndpointPair *x = a, *y = b;
    return sc_endpoint_equal (&x->lo, &y->lo) && sc_endpoint_equal (&x->hi, &y->hi);
}

gboolean
sc_sv_is_set (ScStrView v)
{
    return v.p != NULL;
}

char *
sc_sv_dup (ScStrView v)
{
    return v.p ? g_strndup (v.p, v.len) : NULL;
}
