/* sip_lex.h — character classes and small scanners of RFC 3261 §25 shared by the parsers. */
#pragma once

#include "sc_types.h"

#include <string.h>

static inline gboolean
sc_is_lws (char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 3261 §25.1 token characters: alphanumerics and -.!%*_+`'~ (a table: this runs on every
 * byte of every Via parameter). */
static inline gboolean
sc_is_token_char (char c)
{
    static const guint32 token_bits[8] = {
        0x00000000, /* 0x00-0x1f */
        0x03ff6ca2, /* 0x20-0x3f: ! % ' * + - . 0-9 */
        0x87fffffe, /* 0x40-0x5f: A-Z _ */
        0x47ffffff, /* 0x60-0x7f: ` a-z ~ */
        0,          0, 0, 0,
    };
    guint8 u = (guint8)c;
    return (token_bits[u >> 5] >> (u & 31)) & 1;
}

static inline ScStrView
sc_sv_trim (ScStrView v)
{
    while (v.len > 0 && sc_is_lws (v.p[0])) {
        v.p++;
        v.len--;
    }
    while (v.len > 0 && sc_is_lws (v.p[v.len - 1]))
        v.len--;
    return v;
}

/* Parses a decimal number of at most 10 digits filling the whole view; FALSE otherwise. */
static inline gboolean
sc_sv_to_u32 (ScStrView v, guint32 *out)
{
    guint64 n = 0;
    v = sc_sv_trim (v);
    if (v.len == 0 || v.len > 10)
        return FALSE;
    for (gsize i = 0; i < v.len; i++) {
        if (!g_ascii_isdigit (v.p[i]))
            return FALSE;
        n = n * 10 + (guint64)(v.p[i] - '0');
    }
    if (n > G_MAXUINT32)
        return FALSE;
    *out = (guint32)n;
    return TRUE;
}
