/* rules_via.c — VIA-001..VIA-007: what clients write into their top Via and what servers add
 * to it (RFC 3261 §18.2.1, RFC 3581 §3-§4, RFC 3261 §8.1.1.7). */
#include "core_private.h"

#include <string.h>

static char *
fmt_ep (const ScEndpoint *ep, char buf[SC_ENDPOINT_STRLEN])
{
    return sc_endpoint_format (ep, buf);
}

void
sc_rules_via_request (ScCore *core, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
                      ScTxn *txn)
{
    if (msg->via_count == 0 || !msg->vias[0].valid)
        return;
    const ScVia *top = &msg->vias[0];
    guint32 frames[] = {ev->frame};

    /* RFC 3581 §3: the client's rport "MUST have no value". The top Via is the sender's own. */
    if (top->rport_has_value)
        sc_core_report (core, SC_RULE_VIA_006, conn, ev->ts_us, 1, frames,
                        "%.*s's top Via carries rport=%.*s; a client sends rport without a value",
                        (int)msg->method.len, msg->method.p, (int)top->rport_value.len,
                        top->rport_value.p ? top->rport_value.p : "");

    /* §18.1.1: the transport in the top Via MUST be the one the request is sent over. WS, WSS,
     * SCTP, DTLS (SC_TRANSPORT_OTHER) are not judged in this version. */
    if (top->transport != SC_TRANSPORT_OTHER && ev->transport != SC_TRANSPORT_OTHER &&
        top->transport != ev->transport) {
        if (txn)
            txn->via007 = TRUE;
        sc_core_report (core, SC_RULE_VIA_007, conn, ev->ts_us, 1, frames,
                        "%.*s sent over %s with top Via SIP/2.0/%.*s", (int)msg->method.len,
                        msg->method.p, sc_transport_name (ev->transport),
                        (int)top->protocol_transport.len, top->protocol_transport.p);
    }
}

/* The inside-NAT test of RULES.md §2 for request copy source @s, sent-by @v (IP or not) and the
 * server's view @w. */
static gboolean
capture_inside_nat (const ScEndpoint *s, const ScTxnVia *v, const ScEndpoint *w)
{
    if (sc_ip_equal (w, s))
        return FALSE;
    if (v->host_is_ip) {
        /* V with its default port when none is written (RFC 3261 §18.1.1). */
        ScEndpoint sent_by = v->host_ip;
        sent_by.port = v->port ? v->port : (v->transport == SC_TRANSPORT_TLS ? 5061 : 5060);
        if (sc_endpoint_equal (s, &sent_by) || sc_endpoint_equal (w, &sent_by))
            return TRUE;
    }
    return sc_ip_is_private (s) && !sc_ip_is_private (w);
}

static void
report_once (ScCore *core, ScTxn *txn, ScRuleId rule, ScConn *conn, const ScMsgEvent *ev,
             const char *fmt, const char *a1, const char *a2)
{
    /* What a server writes into the Via is the same in every response of a transaction:
     * judged once per transaction (status 0). */
    if (!sc_txn_first_report (txn, rule, 0))
        return;
    guint32 frames[] = {ev->frame, txn->frame};
    sc_core_report (core, rule, conn, ev->ts_us, 2, frames, fmt, a1, a2);
}

void
sc_rules_via_server_view (ScCore *core, ScTxn *txn, const ScVia *sv, const ScMsgEvent *ev,
                          ScConn *conn)
{
    const ScTxnVia *rv = &txn->via;
    if (!rv->valid || !sv->valid || txn->n_copies == 0)
        return;
    char b1[SC_ENDPOINT_STRLEN], b2[SC_ENDPOINT_STRLEN];
    gboolean bare_rport_asked = rv->has_rport && !rv->rport_has_value;

    /* VIA-001: RFC 3581 §4 applies "independent of the transport protocol". */
    if (bare_rport_asked && !sv->rport_has_value)
        report_once (core, txn, SC_RULE_VIA_001, conn, ev,
                     "the request asked for rport; the server's Via %s%s",
                     sv->has_rport ? "still has a bare rport" : "has no rport", "");

    /* VIA-005: §4 "MUST add a received parameter" whenever it fills rport. */
    if (bare_rport_asked && sv->rport_valid && !sv->has_received) {
        char port[8];
        g_snprintf (port, sizeof port, "%u", sv->rport);
        report_once (core, txn, SC_RULE_VIA_005, conn, ev,
                     "server filled rport=%s but added no received%s", port, "");
    }

    /* VIA-002/003/004 compare the server's writing with what the capture saw: any copy of the
     * request that satisfies the rule clears it; the inside-NAT test is per copy. */
    gboolean via002 = TRUE, via003 = TRUE, via004 = TRUE;
    const ScEndpoint *shown = &txn->copies[0].src;
    for (guint i = 0; i < txn->n_copies; i++) {
        const ScEndpoint *s = &txn->copies[i].src;
        ScEndpoint w = *s;
        if (sv->received_is_ip) {
            memcpy (w.addr, sv->received_ip.addr, sizeof w.addr);
            w.family = sv->received_ip.family;
        }
        if (sv->rport_valid)
            w.port = sv->rport;
        gboolean inside = capture_inside_nat (s, rv, &w);
        if (!sv->rport_valid || sv->rport == s->port || inside || rv->rport_has_value)
            via002 = FALSE;
        if (!sv->has_received || !sv->received_is_ip || sc_ip_equal (&sv->received_ip, s) || inside)
            via003 = FALSE;
        /* §18.2.1: received is required for a domain sent-by, or an IP ≠ the source. */
        gboolean needs_received = !rv->host_is_ip;
        if (rv->host_is_ip && !sc_ip_equal (&rv->host_ip, s) &&
            !(sc_ip_is_private (s) && !sc_ip_is_private (&rv->host_ip)))
            needs_received = TRUE;
        if (sv->has_received || !needs_received)
            via004 = FALSE;
    }
    if (via002) {
        char port[8];
        g_snprintf (port, sizeof port, "%u", sv->rport);
        report_once (core, txn, SC_RULE_VIA_002, conn, ev,
                     "server wrote rport=%s but the request came from %s", port,
                     fmt_ep (shown, b1));
    }
    if (via003) {
        report_once (core, txn, SC_RULE_VIA_003, conn, ev,
                     "server wrote received=%s but the request came from %s",
                     sc_ip_format (&sv->received_ip, b2), fmt_ep (shown, b1));
    }
    if (via004) {
        report_once (core, txn, SC_RULE_VIA_004, conn, ev,
                     "no received although sent-by is %s and the request came from %s",
                     rv->host ? rv->host : "?", fmt_ep (shown, b1));
    }
}
