/* excerpt.c — picking the lines of a SIP message a finding is about. */
#include "excerpt.h"

#include "sip_lex.h"

#include <string.h>

/* Header names kept, full and compact forms (RFC 3261 §7.3.3, RFC 5626 §10). */
static const char *const wanted[] = {
    "via",     "v",         "contact", "m",          "route",   "record-route",   "path", "cseq",
    "require", "supported", "k",       "flow-timer", "expires", "content-length", "l",
};

static gboolean
is_wanted (ScStrView name)
{
    for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
        if (sc_sv_eq_ci (name, wanted[i]))
            return TRUE;
    return FALSE;
}

static void
append_line (GString *out, const char *p, gsize n)
{
    if (n > SC_EXCERPT_MAX_LINE) {
        g_string_append_len (out, p, SC_EXCERPT_MAX_LINE - 3);
        g_string_append (out, "...");
    } else {
        g_string_append_len (out, p, (gssize)n);
    }
    g_string_append_c (out, '\n');
}

void
sc_sip_excerpt (const char *msg, gsize len, GString *out)
{
    guint lines = 0;
    gsize at = 0;
    while (at < len && lines < SC_EXCERPT_MAX_LINES) {
        const char *nl = memchr (msg + at, '\n', len - at);
        gsize end = nl ? (gsize)(nl - msg) : len;
        gsize n = end - at;
        if (n > 0 && msg[at + n - 1] == '\r')
            n--;
        if (n == 0)
            break; /* the empty line: the headers end */
        const char *line = msg + at;
        if (lines == 0) {
            append_line (out, line, n); /* the start line */
            lines++;
        } else if (line[0] != ' ' && line[0] != '\t') {
            const char *colon = memchr (line, ':', n);
            if (colon && is_wanted (sc_sv_trim ((ScStrView){line, (gsize)(colon - line)}))) {
                append_line (out, line, n);
                lines++;
            }
        }
        at = end + 1;
    }
}
