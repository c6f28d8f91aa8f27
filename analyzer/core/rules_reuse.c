/* rules_reuse.c — connection reuse (RFC 5923, RFC 3261 §18). REUSE-001: `alias` offered outside
 * TLS, where RFC 5923 defines no aliasing and servers that honour it alias an unauthenticated
 * connection. REUSE-002: a request sent backwards over a connection to a next hop other than
 * the connection's far end, with neither alias nor an outbound flow to make that legitimate.
 * On an aliased TLS connection: REUSE-003, the handshake shows no client certificate (RFC 5923
 * §9.2 voids the alias); REUSE-004, the next hop is not the alias entry (§8.2). */
#include "core_private.h"

#include <string.h>

#define SC_SIP_DEFAULT_PORT 5060
#define SC_SIPS_DEFAULT_PORT 5061

/* The next hop of @msg (RULES.md "Next hop"; RFC 3263 §4): the top Route if it is a loose
 * router, else the Request-URI; maddr replaces the host; port from the URI, else 5061 for sips:
 * or transport=tls, else 5060. FALSE when not evaluable without DNS (a name, not an IP). */
static gboolean
next_hop (const ScSipMsg *msg, ScEndpoint *out)
{
    ScSipUri uri;
    if (msg->route_count > 0 && msg->route[0].lr)
        uri = msg->route[0];
    else if (!sc_sip_uri_parse (msg->request_uri, &uri))
        return FALSE;
    ScStrView host = uri.host, v;
    if (sc_sip_param_find (uri.params, "maddr", &v) && v.len > 0)
        host = v;
    if (!sc_ip_parse (host.p, host.len, out))
        return FALSE;
    gboolean tls =
        uri.sips || (sc_sip_param_find (uri.params, "transport", &v) && sc_sv_eq_ci (v, "tls"));
    out->port = uri.port ? uri.port : tls ? SC_SIPS_DEFAULT_PORT : SC_SIP_DEFAULT_PORT;
    return TRUE;
}

static gboolean
is_dialog_forming (ScStrView method)
{
    return sc_sv_eq_ci (method, "INVITE") || sc_sv_eq_ci (method, "SUBSCRIBE") ||
           sc_sv_eq_ci (method, "REFER");
}

/* A request from the initiator: what it says about the connection's later reuse. */
static void
note_forward_request (const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn)
{
    const ScVia *top = msg->via_count > 0 && msg->vias[0].valid ? &msg->vias[0] : NULL;
    if (top && top->has_alias && !conn->aliased) {
        conn->aliased = TRUE;
        conn->alias_frame = ev->frame;
        conn->alias_port = top->port;
    }
    guint n = MIN (msg->contact_count, SC_SIP_MAX_CONTACTS);
    for (guint i = 0; i < n; i++) {
        const ScSipContact *c = &msg->contacts[i];
        if (sc_sv_eq_ci (msg->method, "REGISTER")
                ? sc_sv_is_set (c->instance) && c->has_reg_id
                : is_dialog_forming (msg->method) && c->uri_ok && c->uri.ob)
            conn->outbound_offered = TRUE;
    }
}

/* A backwards request to @hop (not the far end) on an aliased TLS connection. */
static void
reuse_aliased (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
               const ScEndpoint *hop)
{
    char to[SC_ENDPOINT_STRLEN];
    sc_endpoint_format (hop, to);
    int method_len = (int)MIN (msg->method.len, 32);
    const ScTlsState *t = conn->tls;
    const char *client_cert = t ? sc_tls_state_client_cert (t) : NULL;
    /* Judged only on a handshake that shows the answer: not resumed, not TLS 1.3 unread. */
    if (client_cert && strcmp (client_cert, "sent") != 0) {
        /* The ServerHello is cited when captured (a client Certificate alone can tell). */
        guint32 frames[3] = {ev->frame, t->server_hello_frame, conn->alias_frame};
        guint n = 3;
        if (!t->server_hello_frame)
            frames[1] = frames[2], n = 2;
        sc_core_report (core, SC_RULE_REUSE_003, conn, ev->ts_us, n, frames,
                        "%.*s for %s reuses a connection aliased by a client that presented no "
                        "certificate (%s): RFC 5923 §9.2 makes such an alias void",
                        method_len, msg->method.p, to,
                        sc_tls_state_cert_requested (t) == 0 ? "none was requested"
                        : strcmp (client_cert, "empty") == 0 ? "its Certificate was empty"
                                                             : "none was sent");
    }
    /* The alias entry (§8.2): the initiator's address, the aliasing Via's port or 5061. */
    ScEndpoint entry = conn->a;
    entry.port = conn->alias_port ? conn->alias_port : SC_SIPS_DEFAULT_PORT;
    if (!sc_endpoint_equal (hop, &entry)) {
        char e[SC_ENDPOINT_STRLEN];
        guint32 frames[] = {ev->frame, conn->alias_frame};
        sc_core_report (core, SC_RULE_REUSE_004, conn, ev->ts_us, G_N_ELEMENTS (frames), frames,
                        "%.*s for %s sent over a connection aliased for %s only (RFC 5923 §8.2)",
                        method_len, msg->method.p, to, sc_endpoint_format (&entry, e));
    }
}

static void
reuse_002 (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn)
{
    if (conn->outbound_offered)
        return; /* an RFC 5626 flow */
    ScEndpoint hop;
    if (!next_hop (msg, &hop) || sc_endpoint_equal (&hop, &conn->a))
        return; /* not evaluable, or where the request would have gone anyway */
    if (conn->transport == SC_TRANSPORT_TLS && conn->aliased) {
        reuse_aliased (core, msg, ev, conn, &hop); /* RFC 5923's own case */
        return;
    }
    char to[SC_ENDPOINT_STRLEN], far[SC_ENDPOINT_STRLEN];
    guint32 frames[] = {ev->frame, conn->first_frame};
    sc_core_report (core, SC_RULE_REUSE_002, conn, ev->ts_us, G_N_ELEMENTS (frames), frames,
                    "%.*s for %s sent backwards over the connection %s opened (next hop is not "
                    "its far end; no alias, no outbound flow): works only while the connection "
                    "lives",
                    (int)MIN (msg->method.len, 32), msg->method.p, sc_endpoint_format (&hop, to),
                    sc_endpoint_format (&conn->a, far));
}

void
sc_rules_reuse_request (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
                        gboolean from_a)
{
    if (conn->transport != SC_TRANSPORT_UDP && conn->initiator == SC_INITIATOR_A) {
        if (from_a)
            note_forward_request (msg, ev, conn);
        else if (!ev->stream_cut)
            reuse_002 (core, msg, ev, conn);
    }

    if (msg->via_count == 0 || !msg->vias[0].valid || !msg->vias[0].has_alias)
        return;
    if (conn->transport == SC_TRANSPORT_TLS || conn->reuse001_done)
        return;                 /* alias in (decrypted) TLS is what RFC 5923 defines */
    conn->reuse001_done = TRUE; /* once per flow */
    sc_core_report (core, SC_RULE_REUSE_001, conn, ev->ts_us, 1, &ev->frame,
                    "%.*s offers alias in its top Via over %s (RFC 5923 defines connection "
                    "aliasing for TLS only)",
                    (int)MIN (msg->method.len, 32), msg->method.p,
                    conn->transport == SC_TRANSPORT_UDP ? "UDP" : "cleartext TCP");
}
