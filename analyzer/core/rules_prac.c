/* rules_prac.c — PRAC-001..PRAC-004: sizes over UDP (RFC 3261 §18.1.1) and the deployment
 * practices of Linphone's good-practice page. */
#include "core_private.h"

static gsize
message_size (const ScMsgEvent *ev, gsize captured)
{
    return ev->wire_len ? ev->wire_len : captured;
}

/* §18.1.1 binds CANCEL and the ACK of a non-2xx to the INVITE's transport: only an ACK known
 * to acknowledge a 2xx (its INVITE's 2xx was captured) is judged. */
static gboolean
size_exempt (ScCore *core, const ScSipMsg *msg)
{
    if (sc_sv_eq_ci (msg->method, "CANCEL"))
        return TRUE;
    if (!sc_sv_eq_ci (msg->method, "ACK"))
        return FALSE;
    return !g_hash_table_contains (core->invite_2xx,
                                   GSIZE_TO_POINTER ((gsize)sc_call_cseq_id (msg)));
}

/* Collects the Record-Route/Path URIs naming an IP not seen before into @fresh. */
/* §18.1.1: a request may go over UDP after its attempt over TCP failed (refused, unreachable or
 * unanswered for 3 s), captured from the same host to the same destination. */
static gboolean
udp_retry_after_tcp (ScCore *core, const ScMsgEvent *ev)
{
    return sc_core_fallback_allowed (core, SC_TRANSPORT_TCP, &ev->dst, 0, ev->frame, ev->ts_us) &&
           sc_core_attempt_from (core, &ev->dst, &ev->src);
}

static void
collect_route_uris (ScCore *core, const ScSipUri *uris, guint n, const char *header, GString *fresh)
{
    for (guint i = 0; i < n; i++) {
        if (!uris[i].host_is_ip)
            continue;
        g_autofree char *key = g_ascii_strdown (uris[i].uri.p, (gssize)uris[i].uri.len);
        if (g_hash_table_contains (core->route_uris, key))
            continue;
        if (g_hash_table_size (core->route_uris) >= core->cfg.route_uri_max)
            return; /* cap reached: an info rule goes quiet rather than repeat itself */
        g_string_append_printf (fresh, "%s%s <%s>", fresh->len ? ", " : "", header, key);
        g_hash_table_add (core->route_uris, g_steal_pointer (&key));
    }
}

void
sc_rules_prac_message (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
                       ScTxn *txn)
{
    (void)txn;
    guint32 frames[] = {ev->frame};
    gsize size = message_size (ev, msg->header_len + msg->body_len);
    const char *frag = ev->ip_fragmented ? ", IP-fragmented" : "";

    if (ev->transport == SC_TRANSPORT_UDP && size > core->cfg.udp_max_sip_bytes) {
        if (msg->is_request && !size_exempt (core, msg) && !udp_retry_after_tcp (core, ev))
            sc_core_report (core, SC_RULE_PRAC_001, conn, ev->ts_us, 1, frames,
                            "%.*s of %" G_GSIZE_FORMAT " bytes over UDP%s (limit %u without a "
                            "known path MTU)",
                            (int)msg->method.len, msg->method.p, size, frag,
                            core->cfg.udp_max_sip_bytes);
        else if (!msg->is_request)
            sc_core_report (core, SC_RULE_PRAC_004, conn, ev->ts_us, 1, frames,
                            "%u response of %" G_GSIZE_FORMAT " bytes over UDP%s", msg->status,
                            size, frag);
    }

    /* One finding per message (RULES.md: one per rule and first frame), naming every new URI. */
    if (msg->record_route_count > 0 || msg->path_count > 0) { /* most have neither */
        GString *fresh = g_string_new (NULL);
        collect_route_uris (core, msg->record_route, msg->record_route_count, "Record-Route",
                            fresh);
        collect_route_uris (core, msg->path, msg->path_count, "Path", fresh);
        if (fresh->len)
            sc_core_report (core, SC_RULE_PRAC_002, conn, ev->ts_us, 1, frames,
                            "%s: URI host is an IP address, not a domain", fresh->str);
        g_string_free (fresh, TRUE);
    }

    if (!conn->prac003_done && ev->transport != SC_TRANSPORT_TLS) {
        conn->prac003_done = TRUE;
        sc_core_report (core, SC_RULE_PRAC_003, conn, ev->ts_us, 1, frames,
                        "first cleartext SIP message on this %s %s",
                        sc_transport_name (ev->transport),
                        ev->transport == SC_TRANSPORT_UDP ? "flow" : "connection");
    }
}
