/* via.c — Via header values (RFC 3261 §20.42, §25: via-parm; RFC 3581 rport; RFC 5923 alias;
 * RFC 6223 keep). One header line may hold several comma-separated values. */
#include "sip_lex.h"
#include "sip_msg.h"

#include <string.h>

/* Expects @lit (case-insensitive) at @i after optional LWS; returns the index after it or 0. */
static inline gsize
expect (ScStrView v, gsize i, const char *lit)
{
    gsize n = strlen (lit);
    i = sc_sv_skip (v, i, SC_CH_LWS);
    if (i + n > v.len || !sc_sv_eq_ci ((ScStrView){v.p + i, n}, lit))
        return 0;
    return i + n;
}

static ScTransport
transport_from_name (ScStrView t)
{
    if (sc_sv_eq_ci (t, "UDP"))
        return SC_TRANSPORT_UDP;
    if (sc_sv_eq_ci (t, "TCP"))
        return SC_TRANSPORT_TCP;
    if (sc_sv_eq_ci (t, "TLS"))
        return SC_TRANSPORT_TLS;
    return SC_TRANSPORT_OTHER;
}

static void
apply_param (ScVia *via, ScStrView name, ScStrView value, gboolean has_value)
{
    /* Every Via of every message comes here: tell the names apart by length first. */
    guint32 n;
    switch (name.len) {
    case 4:
        if (sc_sv_eq_ci (name, "keep")) {
            via->has_keep = TRUE;
            via->keep_has_value = has_value;
            if (has_value && sc_sv_to_u32 (value, &n))
                via->keep_s = n;
        }
        break;
    case 5:
        if (sc_sv_eq_ci (name, "rport")) {
            via->has_rport = TRUE;
            via->rport_has_value = has_value;
            via->rport_value = value;
            if (has_value && sc_sv_to_u32 (value, &n) && n >= 1 && n <= 65535) {
                via->rport_valid = TRUE;
                via->rport = (guint16)n;
            }
        } else if (sc_sv_eq_ci (name, "maddr")) {
            via->has_maddr = TRUE;
            via->maddr = value;
        } else if (sc_sv_eq_ci (name, "alias")) {
            via->has_alias = TRUE;
        }
        break;
    case 6:
        if (sc_sv_eq_ci (name, "branch"))
            via->branch = value;
        break;
    case 8:
        if (sc_sv_eq_ci (name, "received")) {
            via->has_received = TRUE;
            via->received = value;
            via->received_is_ip = sc_ip_parse (value.p, value.len, &via->received_ip);
        }
        break;
    default:
        break;
    }
}

/* Parses one via-parm in @v; FALSE when it is malformed (it is then not recorded). */
static gboolean
parse_one (ScStrView v, ScVia *via)
{
    memset (via, 0, sizeof *via);
    gsize i;
    if (v.len > 8 && sc_sv_eq_ci ((ScStrView){v.p, 8}, "SIP/2.0/"))
        i = 8; /* as nearly everyone writes it; the general form may have LWS around the '/' */
    else if (!(i = expect (v, 0, "SIP")) || !(i = expect (v, i, "/")) ||
             !(i = expect (v, i, "2.0")) || !(i = expect (v, i, "/")))
        return FALSE;
    i = sc_sv_skip (v, i, SC_CH_LWS);
    gsize ts = i;
    i = sc_sv_skip (v, i, SC_CH_TOKEN);
    if (i == ts)
        return FALSE;
    via->protocol_transport = (ScStrView){v.p + ts, i - ts};
    via->transport = transport_from_name (via->protocol_transport);
    i = sc_sv_skip (v, i, SC_CH_LWS);
    gsize hs = i;
    if (i < v.len && v.p[i] == '[') {
        while (i < v.len && v.p[i] != ']')
            i++;
        if (i >= v.len)
            return FALSE;
        via->host = (ScStrView){v.p + hs + 1, i - hs - 1};
        i++;
    } else {
        i = sc_sv_scan_to (v, i, SC_CH_VIA_HOST_END);
        via->host = (ScStrView){v.p + hs, i - hs};
    }
    if (via->host.len == 0)
        return FALSE;
    via->host_is_ip = sc_ip_parse (via->host.p, via->host.len, &via->host_ip);
    i = sc_sv_skip (v, i, SC_CH_LWS);
    if (i < v.len && v.p[i] == ':') {
        i = sc_sv_skip (v, i + 1, SC_CH_LWS);
        gsize ps = i;
        i = sc_sv_skip (v, i, SC_CH_DIGIT);
        guint32 port;
        if (!sc_sv_to_u32 ((ScStrView){v.p + ps, i - ps}, &port) || port == 0 || port > 65535)
            return FALSE;
        via->port = (guint16)port;
        via->host_ip.port = via->port;
    }
    /* via-params: ";" name [ "=" value ], value a token, quoted string or IPv6 reference. */
    while ((i = sc_sv_skip (v, i, SC_CH_LWS)) < v.len) {
        if (v.p[i] != ';')
            return FALSE;
        i = sc_sv_skip (v, i + 1, SC_CH_LWS);
        gsize ns = i;
        i = sc_sv_skip (v, i, SC_CH_TOKEN);
        ScStrView name = {v.p + ns, i - ns};
        if (name.len == 0)
            return FALSE;
        i = sc_sv_skip (v, i, SC_CH_LWS);
        ScStrView value = SC_SV_EMPTY;
        gboolean has_value = FALSE;
        if (i < v.len && v.p[i] == '=') {
            has_value = TRUE;
            i = sc_sv_skip (v, i + 1, SC_CH_LWS);
            gsize vs = i;
            if (i < v.len && v.p[i] == '"') {
                i++;
                while (i < v.len && v.p[i] != '"')
                    i += (v.p[i] == '\\') ? 2 : 1;
                if (i >= v.len)
                    return FALSE;
                i++;
                value = (ScStrView){v.p + vs + 1, i - vs - 2};
            } else if (i < v.len && v.p[i] == '[') {
                while (i < v.len && v.p[i] != ']')
                    i++;
                if (i >= v.len)
                    return FALSE;
                i++;
                value = (ScStrView){v.p + vs, i - vs};
            } else {
                i = sc_sv_scan_to (v, i, SC_CH_VIA_VALUE_END);
                value = (ScStrView){v.p + vs, i - vs};
            }
        }
        apply_param (via, name, value, has_value);
    }
    via->valid = TRUE;
    return TRUE;
}

static void
add_value (ScStrView one, ScSipMsg *msg)
{
    ScVia *slot = msg->via_count < SC_SIP_MAX_VIAS ? &msg->vias[msg->via_count] : NULL;
    ScVia tmp;
    ScVia *via = slot ? slot : &tmp;
    /* A malformed value still counts: it occupies its position in the Via list. */
    if (!parse_one (one, via))
        memset (via, 0, sizeof *via);
    if (via->has_keep && via->keep_has_value)
        msg->any_via_keep_value = TRUE;
    msg->via_count++;
}

void
sc_sip_parse_via_values (ScStrView value, ScSipMsg *msg)
{
    if (value.len == 0)
        return;
    if (!memchr (value.p, ',', value.len)) {
        /* One value on the line, the usual case: no comma means no splitting to do. */
        ScStrView one = sc_sv_trim (value);
        if (one.len > 0)
            add_value (one, msg);
        return;
    }
    gsize i = 0;
    while (i <= value.len) {
        gsize s = i;
        gboolean quoted = FALSE, bracket = FALSE;
        while (i < value.len) {
            char c = value.p[i];
            if (quoted && c == '\\') {
                i += 2;
                continue;
            }
            if (c == '"')
                quoted = !quoted;
            else if (!quoted && c == '[')
                bracket = TRUE;
            else if (!quoted && c == ']')
                bracket = FALSE;
            else if (!quoted && !bracket && c == ',')
                break;
            i++;
        }
        ScStrView one = sc_sv_trim ((ScStrView){value.p + s, MIN (i, value.len) - s});
        if (one.len > 0)
            add_value (one, msg);
        i++;
    }
}
