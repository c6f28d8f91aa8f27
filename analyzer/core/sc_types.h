/* sc_types.h — addresses, transports and small helpers shared by every layer.
 *
 * Ports are always host byte order. Addresses are stored as raw bytes (network order, as on
 * the wire) in a 16-byte buffer; IPv4 uses the first four bytes. Times are gint64 microseconds
 * since the Unix epoch (capture time, never the wall clock).
 */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

typedef enum {
    SC_TRANSPORT_UDP = 0,
    SC_TRANSPORT_TCP,
    SC_TRANSPORT_TLS,
    SC_TRANSPORT_OTHER, /* WS, WSS, SCTP, DTLS: facts only in this version */
} ScTransport;

typedef struct {
    guint8 family; /* 4 or 6; 0 = unset */
    guint8 addr[16];
    guint16 port; /* host order; 0 = absent */
} ScEndpoint;

#define SC_ENDPOINT_STRLEN 56 /* "[" + 39 + "]:" + 5 + NUL, rounded up */

const char *sc_transport_name (ScTransport t);

/* Parses an IPv4 dotted quad or an IPv6 literal (brackets allowed) of @len bytes into
 * @out's family and address; the port is left untouched. Returns FALSE if it is not one. */
gboolean sc_ip_parse (const char *text, gsize len, ScEndpoint *out);

/* TRUE when the addresses (family and bytes) are equal; ports are ignored. Inline: every
 * message compares its endpoints with its flow's and its transaction's several times. */
static inline gboolean
sc_ip_equal (const ScEndpoint *a, const ScEndpoint *b)
{
    if (a->family != b->family)
        return FALSE;
    if (a->family == 4) {
        guint32 x, y;
        memcpy (&x, a->addr, 4);
        memcpy (&y, b->addr, 4);
        return x == y;
    }
    return memcmp (a->addr, b->addr, 16) == 0;
}

/* TRUE when address and port are equal. */
static inline gboolean
sc_endpoint_equal (const ScEndpoint *a, const ScEndpoint *b)
{
    return a->port == b->port && sc_ip_equal (a, b);
}

/* Private, loopback, link-local, CGNAT or ULA (RULES.md "inside-NAT test" list). */
gboolean sc_ip_is_private (const ScEndpoint *ep);

gboolean sc_ip_is_multicast (const ScEndpoint *ep);

/* Writes "ip" (no port) into @buf; returns @buf. IPv6 in RFC 5952 form, no brackets. */
char *sc_ip_format (const ScEndpoint *ep, char buf[SC_ENDPOINT_STRLEN]);

/* Writes "ip:port" ("[v6]:port" for IPv6) into @buf; returns @buf. */
char *sc_endpoint_format (const ScEndpoint *ep, char buf[SC_ENDPOINT_STRLEN]);
/* Writes @v in decimal at @p (at most 10 bytes, no NUL); returns the end. */
char *sc_put_uint (char *p, guint v);
/* Appends @v in decimal to @out (keys and reports built on every message: no printf). */
void sc_string_append_uint (GString *out, guint64 v);

/* Hash and equality over family, address and port, for GHashTable keys. */
guint sc_endpoint_hash (gconstpointer ep);
/* A GHashFunc for NUL-terminated keys (transaction and destination keys), eight bytes at a time:
 * g_str_hash's byte loop was a tenth of the audit's time on long keys. */
guint sc_str_hash (gconstpointer key);
/* The same hash over @len bytes at @p (which need not end in NUL). */
guint sc_mem_hash (const void *p, gsize len);
/* A 64-bit hash of @len bytes at @p, every input bit mixed into every output bit: for keys kept
 * as their hash alone, where two texts sharing one would be taken for the same. */
guint64 sc_mem_hash64 (const void *p, gsize len);
gboolean sc_endpoint_key_equal (gconstpointer a, gconstpointer b);

/* Two endpoints in a fixed order, so both directions of a UDP flow or TCP connection give the
 * same key. Zero-initialise before filling (hashing reads every byte). */
typedef struct {
    ScEndpoint lo, hi;
} ScEndpointPair;

void sc_endpoint_pair_make (ScEndpointPair *pair, const ScEndpoint *x, const ScEndpoint *y);
guint sc_endpoint_pair_hash (gconstpointer pair);
gboolean sc_endpoint_pair_equal (gconstpointer a, gconstpointer b);

/* A byte range inside a buffer owned by someone else (a SIP message being parsed). */
typedef struct {
    const char *p;
    gsize len;
} ScStrView;

#define SC_SV_EMPTY ((ScStrView){NULL, 0})

/* ASCII case mapping without a call (g_ascii_tolower is an out-of-line function, and key
 * building and header matching map every byte of every message). */
static inline char
sc_ascii_lower (char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

static inline char
sc_ascii_upper (char c)
{
    return (char)(c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
}

/* TRUE when @v equals @lit ignoring ASCII case. Inline: header names and parameters are compared
 * against literals on every message, and the compiler folds strlen (@lit) for them. */
static inline gboolean
sc_sv_eq_ci (ScStrView v, const char *lit)
{
    gsize n = strlen (lit);
    if (v.p == NULL || v.len != n)
        return FALSE;
    /* Most peers write names as the RFC does: with a literal @lit the compiler turns this
     * memcmp into a load or two, and only other spellings take the byte loop. */
    if (memcmp (v.p, lit, n) == 0)
        return TRUE;
    for (gsize i = 0; i < n; i++)
        if (sc_ascii_lower (v.p[i]) != sc_ascii_lower (lit[i]))
            return FALSE;
    return TRUE;
}
/* TRUE when @v (any length up to strlen (@lit)) equals the first v.len bytes of @lit, ignoring
 * ASCII case: "is what has arrived so far a prefix of @lit". */
static inline gboolean
sc_sv_eq_ci_n (ScStrView v, const char *lit)
{
    for (gsize i = 0; i < v.len; i++)
        if (!lit[i] || sc_ascii_lower (v.p[i]) != sc_ascii_lower (lit[i]))
            return FALSE;
    return TRUE;
}
gboolean sc_sv_is_set (ScStrView v);
char *sc_sv_dup (ScStrView v); /* (transfer full), NULL for an unset view */
/* Sets *@slot (owned) to a copy of @value (NULL for none), leaving it in place when the text is
 * already equal: a refreshed registration repeats what the flow holds. */
void sc_str_set (char **slot, const char *value);

G_END_DECLS
