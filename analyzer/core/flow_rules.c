/* flow_rules.c — whether requests use the flows RFC 5626 set up: FLOW-001 (a node sends a request
 * for an outbound-registered UA over another flow than the one saved with the binding, §7,
 * §5.3.1) and FLOW-006 (the UA opens a new flow where it has one, §4.3). */
#include "core_private.h"

#include <string.h>

#define SC_FLOW_INDEX_MAX 100000 /* entries per index; beyond, it is cleared (misses only) */

/* "user@host:port", the host in lower case, into @out (room for uri_key_room() bytes); returns
 * the text's length. Built for every out-of-dialog request, so no printf. */
static gsize
uri_key_room (const ScSipUri *uri)
{
    return (uri->user.p ? uri->user.len : 0) + 1 + uri->host.len + 1 + 5 + 1;
}

static gsize
write_uri_key (const ScSipUri *uri, char *out)
{
    guint16 port = uri->port ? uri->port : (uri->sips ? 5061 : 5060);
    gsize user = uri->user.p ? uri->user.len : 0;
    char *p = out;
    memcpy (p, uri->user.p ? uri->user.p : "", user);
    p += user;
    *p++ = '@';
    for (gsize i = 0; i < uri->host.len; i++)
        *p++ = sc_ascii_lower (uri->host.p[i]);
    *p++ = ':';
    p = sc_put_uint (p, port);
    *p = '\0';
    return (gsize)(p - out);
}

const char *
sc_flow_uri_key_in (const ScSipUri *uri, GString *scratch)
{
    g_string_set_size (scratch, uri_key_room (uri));
    g_string_truncate (scratch, write_uri_key (uri, scratch->str));
    return scratch->str;
}

static void
index_put (GHashTable *index, gpointer key, ScConn *conn)
{
    if (g_hash_table_size (index) >= SC_FLOW_INDEX_MAX)
        g_hash_table_remove_all (index);
    g_hash_table_replace (index, key, sc_conn_ref (conn));
}

void
sc_flow_rules_bound (ScCore *core, ScConn *conn, const char *contact_key)
{
    if (!contact_key)
        return;
    ScFlow *f = sc_flow_get (conn);
    sc_str_set (&f->contact_key, contact_key);
    if (g_hash_table_lookup (core->contacts, contact_key) != conn)
        index_put (core->contacts, g_strdup (contact_key), conn);
}

void
sc_flow_rules_ua_register (ScCore *core, const ScSipMsg *msg, ScConn *conn, int ua_side)
{
    if (conn->transport == SC_TRANSPORT_TLS || msg->via_count == 0 || !msg->vias[0].valid)
        return;
    const ScEndpoint *ua = ua_side == 0 ? &conn->a : &conn->b;
    const ScEndpoint *far = ua_side == 0 ? &conn->b : &conn->a;
    ScFlow *f = sc_flow_get (conn);
    sc_str_set (&f->ua_sent_by, sc_via_sent_by_in (&msg->vias[0], core->sent_by));
    f->ua = ua_side;
    /* A refreshing REGISTER finds its flow already there. */
    ScDestKey key;
    sc_dest_key_make (&key, conn->transport, ua, far);
    if (g_hash_table_lookup (core->ua_flows, &key) != conn)
        index_put (core->ua_flows, g_memdup2 (&key, sizeof key), conn);
}

static gboolean
same_registration (const ScFlow *a, const ScFlow *b)
{
    return a && b && a->instance && b->instance && g_strcmp0 (a->aor, b->aor) == 0 &&
           strcmp (a->instance, b->instance) == 0;
}

static gboolean
binding_live (const ScCore *core, const ScFlow *f)
{
    return f->instance && (f->expires_at_us == 0 || core->now_us <= f->expires_at_us);
}

/* FLOW-001: the node that got the REGISTER sends a request for the registered Contact. */
static void
check_flow_used (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn)
{
    if (sc_sip_tag (msg->to).p)
        return; /* in-dialog: ob dialogs may use other flows (§5.3.2), others are not judged */
    ScSipUri ruri;
    if (!sc_sip_uri_parse (msg->request_uri, &ruri))
        return;
    ScStrView gr;
    if (sc_sip_param_find (ruri.uri, "gr", &gr))
        return; /* a GRUU targets the instance, not one Contact (RFC 5627) */
    const char *key = sc_flow_uri_key_in (&ruri, core->uri_key);
    ScConn *flow_conn = g_hash_table_lookup (core->contacts, key);
    if (!flow_conn || flow_conn == conn || !flow_conn->flow)
        return;
    ScFlow *f = flow_conn->flow;
    if (!binding_live (core, f) || f->ua < 0)
        return;
    /* The node that received the REGISTER: the flow's other side. */
    const ScEndpoint *node = f->ua == 0 ? &flow_conn->b : &flow_conn->a;
    if (!sc_ip_equal (node, &ev->src))
        return; /* another host: not the one holding the flow */
    if (conn->flow && conn->flow->outbound && same_registration (conn->flow, f))
        return; /* another live flow of the same AOR and instance (§3.2, §7) */
    guint32 frames[] = {ev->frame, f->binding_frame};
    if (flow_conn->closed)
        sc_core_report (core, SC_RULE_FLOW_001, conn, ev->ts_us, 2, frames,
                        "%.*s for %s sent over another flow after the registered one closed "
                        "(frame %u): RFC 5626 §7 invalidates such a binding",
                        (int)MIN (msg->method.len, 32), msg->method.p, key, flow_conn->close_frame);
    else if (f->outbound)
        sc_core_report (core, SC_RULE_FLOW_001, conn, ev->ts_us, 2, frames,
                        "%.*s for %s not sent over its registered flow (connection %u, bound in "
                        "frame %u)",
                        (int)MIN (msg->method.len, 32), msg->method.p, key, flow_conn->id,
                        f->binding_frame);
}

static gboolean
same_ua (const ScSipMsg *msg, const ScFlow *f)
{
    if (msg->via_count > 0 && msg->vias[0].valid && f->ua_sent_by) {
        g_autofree char *sb = sc_via_sent_by (&msg->vias[0]);
        if (g_ascii_strcasecmp (sb, f->ua_sent_by) == 0)
            return TRUE;
    }
    for (guint i = 0; f->instance && i < MIN (msg->contact_count, SC_SIP_MAX_CONTACTS); i++)
        if (sc_sv_eq_ci (msg->contacts[i].instance, f->instance))
            return TRUE;
    return FALSE;
}

/* FLOW-006: the UA sends to the far end of its registered flow over a new one (§4.3). */
static void
check_new_flow (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn)
{
    if (conn->transport == SC_TRANSPORT_TLS || sc_sv_eq_ci (msg->method, "REGISTER"))
        return;
    ScDestKey key;
    sc_dest_key_make (&key, conn->transport, &ev->src, &ev->dst);
    ScConn *old = g_hash_table_lookup (core->ua_flows, &key);
    if (!old || old == conn || !old->flow || old->closed || old->reported)
        return;
    ScFlow *f = old->flow;
    if (f->failed || !same_ua (msg, f))
        return; /* a failed flow is replaced, as §4.4 says */
    if (old->transport != SC_TRANSPORT_UDP && !(old->initiator == SC_INITIATOR_A && f->ua == 0))
        return; /* the UA's own connection only */
    char far[SC_ENDPOINT_STRLEN];
    sc_endpoint_format (&ev->dst, far);
    if (conn->transport != SC_TRANSPORT_UDP && conn->initiator == SC_INITIATOR_A) {
        guint32 frames[] = {ev->frame, conn->first_frame, old->last_frame};
        sc_core_report (core, SC_RULE_FLOW_006, conn, ev->ts_us, 3, frames,
                        "%.*s to %s over a new connection while the registered one (connection "
                        "%u) is open",
                        (int)MIN (msg->method.len, 32), msg->method.p, far, old->id);
    } else {
        guint32 frames[] = {ev->frame, old->last_frame};
        sc_core_report (core, SC_RULE_FLOW_006, conn, ev->ts_us, 2, frames,
                        "%.*s to %s from another local port while the registered flow (%u) is up",
                        (int)MIN (msg->method.len, 32), msg->method.p, far, old->id);
    }
}

void
sc_flow_rules_request (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
                       gboolean from_a)
{
    (void)from_a;
    if (sc_sv_eq_ci (msg->method, "REGISTER") || sc_sv_eq_ci (msg->method, "ACK"))
        return;
    /* Without outbound registrations in the capture there is nothing to look up: no key is
     * built, no URI parsed (the common case, on every request). */
    if (g_hash_table_size (core->contacts) > 0)
        check_flow_used (core, msg, ev, conn);
    if (g_hash_table_size (core->ua_flows) > 0)
        check_new_flow (core, msg, ev, conn);
}
