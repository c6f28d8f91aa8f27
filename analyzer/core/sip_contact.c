/* sip_contact.c — Contact values (RFC 3261 §20.10, §25: name-addr / addr-spec, "*") and the
 * RFC 5626 §4.2.1 parameters a registration carries: +sip.instance, reg-id, expires. */
#include "sip_lex.h"
#include "sip_msg.h"

#include <string.h>

/* End of the value starting at @i: the next comma outside quotes and angle brackets. */
static gsize
value_end (ScStrView v, gsize i)
{
    gboolean quoted = FALSE, in_angle = FALSE;
    for (; (i = sc_sv_scan_to (v, i, SC_CH_CONTACT_SPECIAL)) < v.len; i++) {
        char c = v.p[i];
        if (quoted) {
            if (c == '\\')
                i++;
            else if (c == '"')
                quoted = FALSE;
        } else if (c == '"') {
            quoted = TRUE;
        } else if (c == '<') {
            in_angle = TRUE;
        } else if (c == '>') {
            in_angle = FALSE;
        } else if (c == ',' && !in_angle) {
            break;
        }
    }
    return MIN (i, v.len);
}

static void
parse_one (ScStrView v, ScSipContact *c)
{
    memset (c, 0, sizeof *c);
    v = sc_sv_trim (v);
    if (v.len == 1 && v.p[0] == '*') {
        c->star = TRUE;
        return;
    }
    /* name-addr: the URI is inside <>, header parameters follow '>'; addr-spec: the URI ends at
     * the first ';' (its parameters are then header parameters, RFC 3261 §20.10). A display
     * name may be quoted and contain '<'. */
    gsize i = 0;
    gboolean quoted = FALSE;
    const char *lt = NULL;
    for (; i < v.len; i++) {
        if (quoted) {
            if (v.p[i] == '\\')
                i++;
            else if (v.p[i] == '"')
                quoted = FALSE;
        } else if (v.p[i] == '"') {
            quoted = TRUE;
        } else if (v.p[i] == '<') {
            lt = v.p + i;
            break;
        }
    }
    ScStrView uri, params;
    if (lt) {
        const char *gt = memchr (lt, '>', v.len - (gsize)(lt - v.p));
        if (!gt)
            return;
        uri = (ScStrView){lt + 1, (gsize)(gt - lt) - 1};
        params = (ScStrView){gt + 1, v.len - (gsize)(gt + 1 - v.p)};
    } else {
        const char *semi = memchr (v.p, ';', v.len);
        uri = (ScStrView){v.p, semi ? (gsize)(semi - v.p) : v.len};
        params = (ScStrView){v.p + uri.len, v.len - uri.len};
    }
    c->uri_ok = sc_sip_uri_parse (uri, &c->uri);

    /* One pass over the header parameters; the first of each name counts. */
    gsize pos = 0;
    ScStrView name, val;
    gboolean seen_instance = FALSE, seen_expires = FALSE;
    while (sc_sip_param_next (params, &pos, &name, &val)) {
        if (!seen_instance && sc_sv_eq_ci (name, "+sip.instance")) {
            seen_instance = TRUE;
            if (val.len >= 2 && val.p[0] == '"' && val.p[val.len - 1] == '"')
                val = (ScStrView){val.p + 1, val.len - 2};
            c->instance = val.p ? val : (ScStrView){params.p, 0};
        } else if (!c->has_reg_id && sc_sv_eq_ci (name, "reg-id")) {
            c->has_reg_id = TRUE;
            guint32 n;
            /* RFC 5626 §10: reg-id = 1*DIGIT, value 1 to 2^31 - 1. */
            c->reg_id_ok = sc_sv_to_u32 (val, &n) && n >= 1 && n <= 0x7fffffffu;
            c->reg_id = c->reg_id_ok ? n : 0;
        } else if (!seen_expires && sc_sv_eq_ci (name, "expires")) {
            seen_expires = TRUE;
            c->has_expires = sc_sv_to_u32 (val, &c->expires);
        }
    }
}

void
sc_sip_parse_contact_values (ScStrView value, ScSipMsg *msg)
{
    gsize i = 0;
    /* One value on the line, the usual case: without a comma there is nothing to split. */
    gboolean one_value = value.len == 0 || !memchr (value.p, ',', value.len);
    while (i < value.len) {
        gsize end = one_value ? value.len : value_end (value, i);
        ScStrView one = sc_sv_trim ((ScStrView){value.p + i, end - i});
        if (one.len > 0) {
            if (msg->contact_count < SC_SIP_MAX_CONTACTS)
                parse_one (one, &msg->contacts[msg->contact_count]);
            msg->contact_count++;
        }
        i = end + 1;
    }
}
