/* sip_parse.c — start line, header lines (with folding and compact names) and the headers the
 * rules read (RFC 3261 §7.1-§7.3, §20). Views only: nothing is allocated. */
#include "sip_lex.h"
#include "sip_msg.h"

#include <stddef.h>
#include <string.h>

#define SC_SIP_MAX_START_LINE 8192

static const char *
find_byte (const char *p, gsize len, char c)
{
    return len ? memchr (p, c, len) : NULL;
}

gssize
sc_sip_start_line_len (const char *buf, gsize len)
{
    const char *nl = find_byte (buf, MIN (len, SC_SIP_MAX_START_LINE), '\n');
    gsize line_len = nl ? (gsize)(nl - buf) : MIN (len, SC_SIP_MAX_START_LINE);
    gsize l = line_len;
    /* Without its LF yet, a line ending in CR is cut between the two (a TCP segment may end
     * there): the CR is not part of the line either. */
    if (l > 0 && buf[l - 1] == '\r')
        l--;

    /* Status-Line: "SIP/2.0" SP 3DIGIT SP Reason-Phrase */
    static const char ver[] = "SIP/2.0 ";
    gsize cmp = MIN (l, sizeof ver - 1);
    if (sc_sv_eq_ci_n ((ScStrView){buf, cmp}, ver)) {
        if (!nl)
            return len >= SC_SIP_MAX_START_LINE ? 0 : -1;
        if (l < 11 || !g_ascii_isdigit (buf[8]) || !g_ascii_isdigit (buf[9]) ||
            !g_ascii_isdigit (buf[10]) || (l > 11 && buf[11] != ' '))
            return 0;
        return (gssize)line_len + 1;
    }
    /* Request-Line: Method SP Request-URI SP "SIP/2.0" */
    gsize i = 0;
    while (i < l && sc_is_token_char (buf[i]))
        i++;
    if (i == 0)
        return 0;
    if (i == l)
        return (!nl && len < SC_SIP_MAX_START_LINE) ? -1 : 0;
    if (buf[i] != ' ')
        return 0;
    const char *sp2 = find_byte (buf + i + 1, l - i - 1, ' ');
    if (!sp2) {
        /* Still reading the URI: no space, no control bytes so far. */
        for (gsize j = i + 1; j < l; j++)
            if ((guchar)buf[j] < 0x21)
                return 0;
        return (!nl && len < SC_SIP_MAX_START_LINE) ? -1 : 0;
    }
    gsize rest = l - (gsize)(sp2 + 1 - buf);
    if (!nl) {
        /* Version still arriving: what is there must be a prefix of it. */
        if (rest > 7 || !sc_sv_eq_ci_n ((ScStrView){sp2 + 1, rest}, "SIP/2.0"))
            return 0;
        return len < SC_SIP_MAX_START_LINE ? -1 : 0;
    }
    if (rest != 7 || !sc_sv_eq_ci ((ScStrView){sp2 + 1, 7}, "SIP/2.0"))
        return 0;
    return (gssize)line_len + 1;
}

gsize
sc_sip_headers_end (const char *buf, gsize len)
{
    /* Line ends only: memchr skips the text between them (the framer asks for every message). */
    const char *end = buf + len, *p = buf;
    while (p + 1 < end && (p = memchr (p, '\n', (gsize)(end - p - 1))) != NULL) {
        if (p[1] == '\n')
            return (gsize)(p - buf) + 2;
        if (p[1] == '\r' && p + 2 < end && p[2] == '\n')
            return (gsize)(p - buf) + 3;
        p++;
    }
    return 0;
}

/* Walks header lines from @pos; calls @fn for each (name, value) with folded lines joined in the
 * value view. Returns the offset after the empty line, or 0 if it was not found. */
typedef void (*HeaderFn) (ScStrView name, ScStrView value, gpointer data);

static gsize
walk_headers (const char *buf, gsize len, gsize pos, HeaderFn fn, gpointer data)
{
    while (pos < len) {
        const char *nl = find_byte (buf + pos, len - pos, '\n');
        gsize end = nl ? (gsize)(nl - buf) : len;
        gsize content_end = (end > pos && buf[end - 1] == '\r') ? end - 1 : end;
        if (content_end == pos)
            return nl ? end + 1 : 0; /* the empty line */
        if (!nl)
            return 0;
        /* RFC 3261 §7.3.1: a line starting with SP/HT continues the previous value. */
        gsize next = end + 1;
        while (next < len && (buf[next] == ' ' || buf[next] == '\t')) {
            const char *nl2 = find_byte (buf + next, len - next, '\n');
            if (!nl2)
                break;
            end = (gsize)(nl2 - buf);
            next = end + 1;
        }
        const char *colon = find_byte (buf + pos, end - pos, ':');
        if (colon) {
            ScStrView name = sc_sv_trim ((ScStrView){buf + pos, (gsize)(colon - buf) - pos});
            ScStrView value = sc_sv_trim ((ScStrView){colon + 1, end - (gsize)(colon + 1 - buf)});
            fn (name, value, data);
        }
        pos = next;
    }
    return 0;
}

/* The headers the rules read. */
typedef enum {
    HDR_OTHER = 0,
    HDR_VIA,
    HDR_CALL_ID,
    HDR_CSEQ,
    HDR_CONTENT_LENGTH,
    HDR_FROM,
    HDR_TO,
    HDR_RECORD_ROUTE,
    HDR_PATH,
    HDR_ROUTE,
    HDR_CONTACT,
    HDR_REQUIRE,
    HDR_SUPPORTED,
    HDR_EXPIRES,
    HDR_FLOW_TIMER,
} HeaderKind;

/* Which header @name is, full or compact form. Every header line of every message comes here:
 * the length and first letter pick at most two candidates, so a header the rules do not read
 * (Max-Forwards, User-Agent, ...) costs a switch, not fourteen comparisons. */
static HeaderKind
header_kind (ScStrView name)
{
    if (name.len == 0)
        return HDR_OTHER;
    char c = sc_ascii_lower (name.p[0]);
    switch (name.len) {
    case 1:
        switch (c) {
        case 'v':
            return HDR_VIA;
        case 'i':
            return HDR_CALL_ID;
        case 'l':
            return HDR_CONTENT_LENGTH;
        case 'f':
            return HDR_FROM;
        case 't':
            return HDR_TO;
        case 'm':
            return HDR_CONTACT;
        case 'k':
            return HDR_SUPPORTED;
        default:
            return HDR_OTHER;
        }
    case 2:
        return sc_sv_eq_ci (name, "To") ? HDR_TO : HDR_OTHER;
    case 3:
        return sc_sv_eq_ci (name, "Via") ? HDR_VIA : HDR_OTHER;
    case 4:
        if (c == 'c')
            return sc_sv_eq_ci (name, "CSeq") ? HDR_CSEQ : HDR_OTHER;
        if (c == 'f')
            return sc_sv_eq_ci (name, "From") ? HDR_FROM : HDR_OTHER;
        return sc_sv_eq_ci (name, "Path") ? HDR_PATH : HDR_OTHER;
    case 5:
        return sc_sv_eq_ci (name, "Route") ? HDR_ROUTE : HDR_OTHER;
    case 7:
        if (c == 'c') {
            if (sc_sv_eq_ci (name, "Call-ID"))
                return HDR_CALL_ID;
            return sc_sv_eq_ci (name, "Contact") ? HDR_CONTACT : HDR_OTHER;
        }
        if (c == 'r')
            return sc_sv_eq_ci (name, "Require") ? HDR_REQUIRE : HDR_OTHER;
        return sc_sv_eq_ci (name, "Expires") ? HDR_EXPIRES : HDR_OTHER;
    case 9:
        return sc_sv_eq_ci (name, "Supported") ? HDR_SUPPORTED : HDR_OTHER;
    case 10:
        return sc_sv_eq_ci (name, "Flow-Timer") ? HDR_FLOW_TIMER : HDR_OTHER;
    case 12:
        return sc_sv_eq_ci (name, "Record-Route") ? HDR_RECORD_ROUTE : HDR_OTHER;
    case 14:
        return sc_sv_eq_ci (name, "Content-Length") ? HDR_CONTENT_LENGTH : HDR_OTHER;
    default:
        return HDR_OTHER;
    }
}

/* Appends the URIs of a name-addr list ("<sip:a;lr>, <sip:b>") to @uris. */
static void
add_uri_list (ScStrView value, ScSipUri *uris, guint *count)
{
    gsize i = 0;
    while (i < value.len) {
        const char *lt = find_byte (value.p + i, value.len - i, '<');
        if (!lt)
            break;
        gsize s = (gsize)(lt - value.p) + 1;
        const char *gt = find_byte (value.p + s, value.len - s, '>');
        if (!gt)
            break;
        ScSipUri u;
        if (*count < SC_SIP_MAX_ROUTE_URIS &&
            sc_sip_uri_parse ((ScStrView){value.p + s, (gsize)(gt - value.p) - s}, &u))
            uris[(*count)++] = u;
        i = (gsize)(gt - value.p) + 1;
    }
}

/* The URI of a name-addr ("<sip:a@b>;tag=x") or addr-spec ("sip:a@b;tag=x") header value. */
static ScStrView
uri_of (ScStrView value)
{
    const char *lt = memchr (value.p, '<', value.len);
    if (lt) {
        const char *gt = memchr (lt, '>', value.len - (gsize)(lt - value.p));
        return gt ? (ScStrView){lt + 1, (gsize)(gt - lt) - 1} : SC_SV_EMPTY;
    }
    const char *semi = memchr (value.p, ';', value.len);
    return (ScStrView){value.p, semi ? (gsize)(semi - value.p) : value.len};
}

ScStrView
sc_sip_tag (ScStrView value)
{
    if (!value.p)
        return SC_SV_EMPTY;
    /* The tag parameter follows the name-addr: look after '>' when there is one. */
    const char *gt = memchr (value.p, '>', value.len);
    ScStrView params = value;
    if (gt)
        params = (ScStrView){gt + 1, value.len - (gsize)(gt + 1 - value.p)};
    ScStrView tag;
    if (sc_sip_param_find (params, "tag", &tag))
        return tag;
    return SC_SV_EMPTY;
}

/* The first Content-Length counts; a second one makes a malformed message either way. */
typedef struct {
    gboolean present, valid;
    guint64 value;
} ContentLength;

static void
note_content_length (ScStrView value, ContentLength *cl)
{
    if (cl->present)
        return;
    cl->present = TRUE;
    guint64 n = 0;
    gboolean ok = value.len > 0 && value.len <= 19;
    for (gsize i = 0; ok && i < value.len; i++) {
        if (!g_ascii_isdigit (value.p[i]))
            ok = FALSE;
        else
            n = n * 10 + (guint64)(value.p[i] - '0');
    }
    cl->valid = ok;
    cl->value = ok ? n : 0;
}

/* The framer needs Content-Length only: Vias, URIs and the rest wait for the core's parse. */
static void
content_length_only (ScStrView name, ScStrView value, gpointer data)
{
    if (header_kind (name) == HDR_CONTENT_LENGTH)
        note_content_length (value, data);
}

gboolean
sc_sip_find_content_length (const char *buf, gsize len, guint64 *value, gboolean *valid)
{
    ContentLength cl = {0};
    gssize sl = sc_sip_start_line_len (buf, len);
    if (sl <= 0)
        return FALSE;
    walk_headers (buf, len, (gsize)sl, content_length_only, &cl);
    *value = cl.value;
    *valid = cl.valid;
    return cl.present;
}

/* Contact lines wait until the walk has read CSeq: only requests and REGISTER responses have
 * their Contacts parsed (see ScSipMsg.contacts). More lines than fit here are parsed as they
 * come, the waiting ones first, so the order stays that of the message. */
#define SC_CONTACT_LINES_DEFERRED 4

typedef struct {
    ScSipMsg *msg;
    ScStrView contact_lines[SC_CONTACT_LINES_DEFERRED];
    guint n_contact_lines;
    gboolean contacts_now; /* too many lines: parse each as it comes */
} ParseState;

static void
parse_waiting_contacts (ParseState *st)
{
    for (guint i = 0; i < st->n_contact_lines; i++)
        sc_sip_parse_contact_values (st->contact_lines[i], st->msg);
    st->n_contact_lines = 0;
}

static void
note_contact_line (ParseState *st, ScStrView value)
{
    if (!st->contacts_now && st->n_contact_lines < SC_CONTACT_LINES_DEFERRED) {
        st->contact_lines[st->n_contact_lines++] = value;
        return;
    }
    parse_waiting_contacts (st);
    st->contacts_now = TRUE;
    sc_sip_parse_contact_values (value, st->msg);
}

static void
header_dispatch (ScStrView name, ScStrView value, gpointer data)
{
    ParseState *st = data;
    ScSipMsg *m = st->msg;
    guint32 n;
    switch (header_kind (name)) {
    case HDR_VIA:
        sc_sip_parse_via_values (value, m);
        break;
    case HDR_CALL_ID:
        m->call_id = value;
        break;
    case HDR_CSEQ: {
        gsize i = sc_sv_skip (value, 0, SC_CH_DIGIT);
        if (sc_sv_to_u32 ((ScStrView){value.p, i}, &n)) {
            m->has_cseq = TRUE;
            m->cseq_number = n;
            m->cseq_method = sc_sv_trim ((ScStrView){value.p + i, value.len - i});
        }
        break;
    }
    case HDR_CONTENT_LENGTH: {
        ContentLength cl = {m->has_content_length, m->content_length_valid, m->content_length};
        note_content_length (value, &cl);
        m->has_content_length = cl.present;
        m->content_length_valid = cl.valid;
        m->content_length = cl.value;
        break;
    }
    case HDR_FROM:
        m->from = value;
        break;
    case HDR_TO:
        m->to = value;
        m->to_uri = uri_of (value);
        break;
    case HDR_RECORD_ROUTE:
        add_uri_list (value, m->record_route, &m->record_route_count);
        break;
    case HDR_PATH:
        add_uri_list (value, m->path, &m->path_count);
        break;
    case HDR_ROUTE:
        add_uri_list (value, m->route, &m->route_count);
        break;
    case HDR_CONTACT:
        note_contact_line (st, value);
        break;
    case HDR_REQUIRE:
        if (!m->require.p)
            m->require = value;
        m->require_outbound |= sc_sip_tag_list_has (value, "outbound");
        break;
    case HDR_SUPPORTED:
        if (!m->supported.p)
            m->supported = value;
        m->supported_outbound |= sc_sip_tag_list_has (value, "outbound");
        break;
    case HDR_EXPIRES:
        if (sc_sv_to_u32 (value, &n)) {
            m->has_expires = TRUE;
            m->expires_s = n;
        }
        break;
    case HDR_FLOW_TIMER:
        if (sc_sv_to_u32 (value, &n)) {
            m->has_flow_timer = TRUE;
            m->flow_timer_s = n;
        }
        break;
    case HDR_OTHER:
        break;
    }
}

/* Not the lists (see ScSipMsg), but the top Via: "vias[0].valid" reads FALSE without one. */
static void
msg_clear (ScSipMsg *msg)
{
    memset (msg, 0, offsetof (ScSipMsg, vias));
    memset (&msg->vias[0], 0, sizeof msg->vias[0]);
}

ScSipParseResult
sc_sip_parse (const char *buf, gsize len, ScSipMsg *msg)
{
    gssize sl = sc_sip_start_line_len (buf, len);
    if (sl <= 0) {
        msg_clear (msg);
        return sl == 0 ? SC_SIP_PARSE_NOT_SIP : SC_SIP_PARSE_INCOMPLETE;
    }
    sc_sip_parse_after_start_line (buf, len, (gsize)sl, msg);
    return SC_SIP_PARSE_OK;
}

void
sc_sip_parse_after_start_line (const char *buf, gsize len, gsize start_line_len, ScSipMsg *msg)
{
    msg_clear (msg);
    g_return_if_fail (start_line_len > 0 && start_line_len <= len);
    gsize sl = start_line_len;
    if (sc_sv_eq_ci ((ScStrView){buf, 8}, "SIP/2.0 ")) { /* a start line is at least 11 bytes */
        msg->is_request = FALSE;
        msg->status = (guint)((buf[8] - '0') * 100 + (buf[9] - '0') * 10 + (buf[10] - '0'));
    } else {
        msg->is_request = TRUE;
        const char *sp1 = memchr (buf, ' ', sl);
        const char *sp2 = memchr (sp1 + 1, ' ', sl - (gsize)(sp1 + 1 - buf));
        msg->method = (ScStrView){buf, (gsize)(sp1 - buf)};
        msg->request_uri = (ScStrView){sp1 + 1, (gsize)(sp2 - sp1 - 1)};
    }
    ParseState st = {.msg = msg};
    gsize end = walk_headers (buf, len, sl, header_dispatch, &st);
    if (msg->is_request || sc_sv_eq_ci (msg->cseq_method, "REGISTER"))
        parse_waiting_contacts (&st);
    if (end == 0) {
        /* A datagram ends the message: what came is all there is (a malformed message). */
        msg->headers_unterminated = TRUE;
        end = len;
    }
    msg->header_len = end;
    msg->body_len = len - end;
}

gboolean
sc_sip_message_is_cut (const char *buf, gsize len)
{
    if (len == 0 || sc_sip_start_line_len (buf, len) <= 0)
        return FALSE;
    gsize hend = sc_sip_headers_end (buf, len);
    guint64 cl = 0;
    gboolean valid = FALSE;
    if (hend == 0 || !sc_sip_find_content_length (buf, hend, &cl, &valid) || !valid)
        return FALSE; /* headers incomplete: not a message at all */
    return len < hend + cl;
}
