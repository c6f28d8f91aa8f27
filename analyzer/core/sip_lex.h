/* sip_lex.h — character classes and small scanners of RFC 3261 §25 shared by the parsers. */
#pragma once

#include "sc_types.h"

#include <string.h>

/* Character classes, one bit each in sc_char_class (sip_lex.c). The scanners test a class with
 * one load per byte: they run over every byte of every Via, Contact and URI. */
enum {
    SC_CH_LWS = 0x01,             /* SP HT CR LF */
    SC_CH_TOKEN = 0x02,           /* RFC 3261 §25.1 token: alphanumerics and -.!%*_+`'~ */
    SC_CH_VIA_VALUE_END = 0x04,   /* ends an unquoted Via parameter value: ';' and LWS */
    SC_CH_PARAM_VALUE_END = 0x08, /* ends an unquoted URI or header parameter value: ;,?> LWS */
    SC_CH_VIA_HOST_END = 0x10,    /* ends a Via sent-by host: ':' ';' and LWS */
    SC_CH_URI_HOST_END = 0x20,    /* ends a URI host: ':' ';' '?' '>' and LWS */
    SC_CH_CONTACT_SPECIAL = 0x40, /* what splitting a Contact list must look at: "\<>, */
    SC_CH_DIGIT = 0x80,           /* 0-9 */
};

extern const guint8 sc_char_class[256];

static inline gboolean
sc_char_is (char c, guint8 cls)
{
    return (sc_char_class[(guint8)c] & cls) != 0;
}

static inline gboolean
sc_is_lws (char c)
{
    return sc_char_is (c, SC_CH_LWS);
}

static inline gboolean
sc_is_token_char (char c)
{
    return sc_char_is (c, SC_CH_TOKEN);
}

/* Index of the first byte at or after @i in @v that is in @cls, or v.len. Four bytes a step
 * with one bound test: branch values and hosts run tens of bytes. */
static inline gsize
sc_sv_scan_to (ScStrView v, gsize i, guint8 cls)
{
    for (; i + 4 <= v.len; i += 4) {
        if (sc_char_is (v.p[i], cls))
            return i;
        if (sc_char_is (v.p[i + 1], cls))
            return i + 1;
        if (sc_char_is (v.p[i + 2], cls))
            return i + 2;
        if (sc_char_is (v.p[i + 3], cls))
            return i + 3;
    }
    while (i < v.len && !sc_char_is (v.p[i], cls))
        i++;
    return i;
}

/* Index of the first byte at or after @i in @v that is not in @cls, or v.len. */
static inline gsize
sc_sv_skip (ScStrView v, gsize i, guint8 cls)
{
    for (; i + 4 <= v.len; i += 4) {
        if (!sc_char_is (v.p[i], cls))
            return i;
        if (!sc_char_is (v.p[i + 1], cls))
            return i + 1;
        if (!sc_char_is (v.p[i + 2], cls))
            return i + 2;
        if (!sc_char_is (v.p[i + 3], cls))
            return i + 3;
    }
    while (i < v.len && sc_char_is (v.p[i], cls))
        i++;
    return i;
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
