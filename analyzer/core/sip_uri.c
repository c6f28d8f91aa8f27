/* sip_uri.c — SIP URI host/port/parameter extraction (RFC 3261 §19.1, §25) and generic
 * ";name=value" parameter lookup. Only what the rules need: next-hop host, port, lr, sips. */
#include "sip_lex.h"
#include "sip_msg.h"

#include <string.h>

gboolean
sc_sip_param_next (ScStrView params, gsize *pos, ScStrView *name, ScStrView *value)
{
    gsize i = *pos;
    const char *semi = i < params.len ? memchr (params.p + i, ';', params.len - i) : NULL;
    i = semi ? (gsize)(semi - params.p) : params.len;
    if (i >= params.len) {
        *pos = i;
        return FALSE;
    }
    i = sc_sv_skip (params, i + 1, SC_CH_LWS);
    gsize ns = i;
    i = sc_sv_skip (params, i, SC_CH_TOKEN);
    *name = (ScStrView){params.p + ns, i - ns};
    i = sc_sv_skip (params, i, SC_CH_LWS);
    *value = SC_SV_EMPTY;
    if (i < params.len && params.p[i] == '=') {
        i = sc_sv_skip (params, i + 1, SC_CH_LWS);
        gsize vs = i;
        if (i < params.len && params.p[i] == '"') {
            i++;
            while (i < params.len && params.p[i] != '"')
                i += (params.p[i] == '\\') ? 2 : 1;
            i = MIN (i + 1, params.len);
        } else {
            i = sc_sv_scan_to (params, i, SC_CH_PARAM_VALUE_END);
        }
        *value = (ScStrView){params.p + vs, i - vs};
    }
    *pos = i;
    return TRUE;
}

gboolean
sc_sip_param_find (ScStrView params, const char *name, ScStrView *value)
{
    gsize pos = 0, name_len = strlen (name);
    ScStrView n, v;
    *value = SC_SV_EMPTY;
    while (sc_sip_param_next (params, &pos, &n, &v)) {
        if (n.len == name_len && sc_sv_eq_ci (n, name)) {
            *value = v;
            return TRUE;
        }
    }
    return FALSE;
}

gboolean
sc_sip_uri_parse (ScStrView uri, ScSipUri *out)
{
    memset (out, 0, sizeof *out);
    uri = sc_sv_trim (uri);
    out->uri = uri;
    gsize i = 0;
    if (uri.len >= 5 && sc_sv_eq_ci ((ScStrView){uri.p, 5}, "sips:")) {
        out->sips = TRUE;
        i = 5;
    } else if (uri.len >= 4 && sc_sv_eq_ci ((ScStrView){uri.p, 4}, "sip:")) {
        i = 4;
    } else {
        return FALSE;
    }
    /* userinfo ends at the first '@' before the host; ';' may occur in the user part. */
    for (gsize j = i; j < uri.len && uri.p[j] != '>'; j++) {
        if (uri.p[j] == '@') {
            const char *colon = memchr (uri.p + i, ':', j - i); /* user:password */
            out->user = (ScStrView){uri.p + i, colon ? (gsize)(colon - (uri.p + i)) : j - i};
            i = j + 1;
            break;
        }
    }
    gsize hs = i, he;
    if (i < uri.len && uri.p[i] == '[') {
        while (i < uri.len && uri.p[i] != ']')
            i++;
        if (i >= uri.len)
            return FALSE;
        out->host = (ScStrView){uri.p + hs + 1, i - hs - 1};
        i++;
    } else {
        i = sc_sv_scan_to (uri, i, SC_CH_URI_HOST_END);
        he = i;
        out->host = (ScStrView){uri.p + hs, he - hs};
    }
    if (out->host.len == 0)
        return FALSE;
    if (i < uri.len && uri.p[i] == ':') {
        gsize ps = ++i;
        i = sc_sv_skip (uri, i, SC_CH_DIGIT);
        guint32 port;
        if (sc_sv_to_u32 ((ScStrView){uri.p + ps, i - ps}, &port) && port > 0 && port <= 65535)
            out->port = (guint16)port;
    }
    ScEndpoint tmp = {0};
    out->host_is_ip = sc_ip_parse (out->host.p, out->host.len, &tmp);
    ScStrView params = {uri.p + i, uri.len - i};
    ScStrView v;
    gsize q = 0; /* URI parameters end where headers ("?") begin */
    while (q < params.len && params.p[q] != '?')
        q++;
    params.len = q;
    out->params = params;
    gsize pos = 0;
    ScStrView name;
    while (sc_sip_param_next (params, &pos, &name, &v)) {
        if (name.len == 2) {
            out->lr |= sc_sv_eq_ci (name, "lr");
            out->ob |= sc_sv_eq_ci (name, "ob");
        }
    }
    return TRUE;
}

gboolean
sc_sip_tag_list_has (ScStrView list, const char *tag)
{
    gsize i = 0;
    while (i < list.len) {
        gsize s = i;
        while (i < list.len && list.p[i] != ',')
            i++;
        if (sc_sv_eq_ci (sc_sv_trim ((ScStrView){list.p + s, i - s}), tag))
            return TRUE;
        i++;
    }
    return FALSE;
}
