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

/* A dotted quad as inet_pton (AF_INET) reads it: four decimal parts of 0..255, no leading zeros.
 * Every Via host, received and URI host comes here, most of them IPv4: one pass, no memchr. */
static gboolean
parse_ipv4 (const char *text, gsize len, guint8 out[4])
{
    if (len < 7 || len > 15)
        return FALSE;
    const char *p = text, *end = text + len;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (p >= end || *p != '.')
                return FALSE;
            p++;
        }
        if (p >= end || (guint)(*p - '0') > 9)
            return FALSE;
        guint value = (guint)(*p++ - '0');
        if (value == 0 && p < end && (guint)(*p - '0') <= 9)
            return FALSE; /* leading zero */
        for (int d = 1; d < 3 && p < end && (guint)(*p - '0') <= 9; d++)
            value = value * 10 + (guint)(*p++ - '0');
        if (value > 255)
            return FALSE;
        out[part] = (guint8)value;
    }
    return p == end;
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
    guint8 v4[4];
    if (parse_ipv4 (text, len, v4)) {
        out->family = 4;
        memcpy (out->addr, v4, 4);
        memset (out->addr + 4, 0, 12);
        return TRUE;
    }
    /* Only a text with a colon can be IPv6: host names never reach inet_pton. */
    if (!memchr (text, ':', len))
        return FALSE;
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

/* Not built on sc_put_uint (): that one stays 32-bit, since 64-bit division in the addresses and
 * ports formatted on every packet cost 1.7% of the audit's instructions. */
void
sc_string_append_uint (GString *out, guint64 v)
{
    char buf[20];
    int n = (int)sizeof buf;
    do {
        buf[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    gsize at = out->len, digits = sizeof buf - (gsize)n;
    g_string_set_size (out, at + digits);
    memcpy (out->str + at, buf + n, digits);
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
    return sc_mem_hash (key, strlen (key));
}

guint
sc_mem_hash (const void *p, gsize len)
{
    const char *s = p;
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

/* MurmurHash3's finaliser: a bijection of 64 bits in which each input bit flips each output bit
 * with probability about one half. */
static guint64
mix64 (guint64 h)
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDu;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53u;
    h ^= h >> 33;
    return h;
}

guint64
sc_mem_hash64 (const void *p, gsize len)
{
    const char *s = p;
    guint64 h = mix64 (0x9E3779B97F4A7C15u ^ len);
    gsize i = 0;
    for (; i + 8 <= len; i += 8) {
        guint64 w;
        memcpy (&w, s + i, 8);
        h = mix64 (h ^ w);
    }
    guint64 tail = 0;
    memcpy (&tail, s + i, len - i);
    return mix64 (h ^ tail);
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

void
sc_str_set (char **slot, const char *value)
{
    if (g_strcmp0 (*slot, value) == 0)
        return;
    g_free (*slot);
    *slot = g_strdup (value);
}
