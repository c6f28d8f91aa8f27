/* sip_lex.h — character classes and small scanners of RFC 3261 §25 shared by the parsers. */
#pragma once

#include "sc_types.h"

#include <string.h>

static inline gboolean
sc_is_lws (char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* RFC 3261 §25.1 token characters. */
static inline gboolean
sc_is_token_char (char c)
{
    return g_ascii_isalnum (c) || (c != '\0' && strchr ("-.!%*_+`'~", c) != NULL);
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
