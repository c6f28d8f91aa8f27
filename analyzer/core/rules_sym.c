/* rules_sym.c — SYM-001..SYM-006: did the response go where RFC 3261 §18.2.2 and RFC 3581 §4
 * send it? Addresses are compared as seen at one capture point, so a NAT between the capture
 * and the server translates request and response alike and needs no special case. */
#include "core_private.h"

static guint16
default_port (ScTransport t)
{
    return t == SC_TRANSPORT_TLS ? 5061 : 5060;
}

static guint16
sent_by_port (const ScTxnVia *v)
{
    return v->port ? v->port : default_port (v->transport);
}

/* Reports @rule once per (transaction, status): retransmitted responses are not re-reported. */
static void
report (ScCore *core, ScTxn *txn, ScRuleId rule, const ScSipMsg *msg, const ScMsgEvent *ev,
        ScConn *conn, guint n_extra, guint32 extra, const char *text)
{
    if (!sc_txn_first_report (txn, rule, msg->status))
        return;
    guint32 frames[] = {ev->frame, txn->frame, extra};
    sc_core_report (core, rule, conn, ev->ts_us, 2 + n_extra, frames, "%u response %s", msg->status,
                    text);
}

/* Where the response should have gone, for the message's facts; @expected is NULL when
 * nobody reads facts (the audit), and then nothing is formatted. */
static void
expect_endpoint (GString *expected, const ScEndpoint *ep, const char *note)
{
    if (!expected)
        return;
    char text[SC_ENDPOINT_STRLEN];
    g_string_assign (expected, sc_endpoint_format (ep, text));
    if (note)
        g_string_append (expected, note);
}

static void
sym_udp (ScCore *core, ScTxn *txn, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
         GString *expected)
{
    const ScTxnVia *rv = &txn->via;
    const ScVia *sv = &msg->vias[0];
    char got[SC_ENDPOINT_STRLEN], want[SC_ENDPOINT_STRLEN], from[SC_ENDPOINT_STRLEN];
    g_autofree char *text = NULL;

    for (guint i = 0; i < txn->n_copies; i++)
        if (sc_ip_is_multicast (&txn->copies[i].dst))
            return; /* §18.2.2 multicast responses are not judged */

    if (rv->has_maddr) {
        /* §18.2.2: with maddr the response goes there (port from sent-by or 5060). */
        if (!rv->maddr_is_ip)
            return; /* a name: DNS needed */
        ScEndpoint exp = rv->maddr_ip;
        exp.port = sent_by_port (rv);
        expect_endpoint (expected, &exp, NULL);
        if (!sc_endpoint_equal (&ev->dst, &exp)) {
            text = g_strdup_printf ("sent to %s, the request's Via maddr asks for %s",
                                    sc_endpoint_format (&ev->dst, got),
                                    sc_endpoint_format (&exp, want));
            report (core, txn, SC_RULE_SYM_003, msg, ev, conn, 0, 0, text);
        }
        return;
    }

    /* Forced rport (SYM-006): no rport asked, yet the response went to the source port rather
     * than the sent-by port. Inside a NAT (private source, public sent-by) the NAT picked the
     * port the server saw, so what reaches the capture proves nothing about forcing. */
    gboolean forced = FALSE;
    for (guint i = 0; i < txn->n_copies && !rv->has_rport; i++) {
        const ScEndpoint *s = &txn->copies[i].src;
        if (sc_endpoint_equal (&ev->dst, s) && s->port != sent_by_port (rv))
            forced = TRUE;
    }
    gboolean inside = rv->host_is_ip && sc_ip_is_private (&txn->copies[0].src) &&
                      !sc_ip_is_private (&rv->host_ip);
    if (forced && !inside) {
        text =
            g_strdup_printf ("sent to the source port %s without rport asked; sent-by port is %u",
                             sc_endpoint_format (&ev->dst, got), sent_by_port (rv));
        report (core, txn, SC_RULE_SYM_006, msg, ev, conn, 0, 0, text);
        g_clear_pointer (&text, g_free);
    }

    if (sv->rport_valid) {
        /* RFC 3581 §4: to the source ip:port, from the address and port it was sent to. */
        gboolean to_ok = FALSE, from_ok = FALSE;
        for (guint i = 0; i < txn->n_copies; i++) {
            to_ok |= sc_endpoint_equal (&ev->dst, &txn->copies[i].src);
            from_ok |= sc_endpoint_equal (&ev->src, &txn->copies[i].dst);
        }
        expect_endpoint (expected, &txn->copies[0].src, " (rport)");
        /* RFC 3261 §18.2.2 → RFC 3263 §5: resent elsewhere after an ICMP unreachable. */
        if (!to_ok && sc_core_fallback_allowed (core, SC_TRANSPORT_UDP, &txn->copies[0].src,
                                                txn->frame, ev->frame, ev->ts_us))
            to_ok = TRUE;
        if (!to_ok) {
            text = g_strdup_printf ("sent to %s, request came from %s",
                                    sc_endpoint_format (&ev->dst, got),
                                    sc_endpoint_format (&txn->copies[0].src, want));
            report (core, txn, SC_RULE_SYM_001, msg, ev, conn, 0, 0, text);
            g_clear_pointer (&text, g_free);
        }
        if (!from_ok) {
            text = g_strdup_printf ("sent from %s, request was sent to %s",
                                    sc_endpoint_format (&ev->src, got),
                                    sc_endpoint_format (&txn->copies[0].dst, from));
            report (core, txn, SC_RULE_SYM_002, msg, ev, conn, 0, 0, text);
        }
        return;
    }

    /* §18.2.2 without rport: the source IP (stands for received) and the sent-by port. */
    gboolean ok = FALSE, to_source = FALSE;
    for (guint i = 0; i < txn->n_copies; i++) {
        const ScEndpoint *s = &txn->copies[i].src;
        if (sc_ip_equal (&ev->dst, s) && ev->dst.port == sent_by_port (rv))
            ok = TRUE;
        if (sc_endpoint_equal (&ev->dst, s))
            to_source = TRUE;
    }
    ScEndpoint exp = txn->copies[0].src;
    exp.port = sent_by_port (rv);
    expect_endpoint (expected, &exp, NULL);
    /* To the source port: forced (judged above) or an rport asked for and used without saying
     * so (VIA-001 judges the Via): either way not SYM-003. */
    if (ok || to_source ||
        sc_core_fallback_allowed (core, SC_TRANSPORT_UDP, &exp, txn->frame, ev->frame, ev->ts_us))
        return;
    text = g_strdup_printf ("sent to %s, expected %s (source address, sent-by port)",
                            sc_endpoint_format (&ev->dst, got), sc_endpoint_format (&exp, want));
    report (core, txn, SC_RULE_SYM_003, msg, ev, conn, 0, 0, text);
}

/* "connection N": every response on a stream states it (no printf on that path). */
static void
expect_connection (GString *expected, guint id)
{
    if (!expected)
        return;
    g_string_assign (expected, "connection ");
    sc_string_append_uint (expected, id);
}

static void
sym_stream (ScCore *core, ScTxn *txn, const ScSipMsg *msg, const ScMsgEvent *ev, ScConn *conn,
            GString *expected)
{
    const ScTxnVia *rv = &txn->via;
    char got[SC_ENDPOINT_STRLEN], want[SC_ENDPOINT_STRLEN];
    ScConn *req_conn = txn->copies[0].conn;
    g_autofree char *text = NULL;

    for (guint i = 0; i < txn->n_copies; i++)
        if (txn->copies[i].conn == conn && conn != NULL)
            goto same_connection;

    /* Closed before the response (the FIN/RST precedes it in the capture): §18.2.2 SHOULD open
     * a connection to the source IP and the sent-by port. */
    if (req_conn && req_conn->closed && req_conn->close_frame < ev->frame) {
        ScEndpoint exp = txn->copies[0].src;
        exp.port = sent_by_port (rv);
        expect_endpoint (expected, &exp, NULL);
        /* Allowed to fall back after a captured failed attempt to that address (RFC 3263 §5). */
        if (!sc_endpoint_equal (&ev->dst, &exp) &&
            !sc_core_fallback_allowed (core, req_conn->transport, &exp, req_conn->close_frame,
                                       ev->frame, ev->ts_us)) {
            text = g_strdup_printf ("sent to %s after connection %u closed (frame %u); "
                                    "expected a connection to %s",
                                    sc_endpoint_format (&ev->dst, got), req_conn->id,
                                    req_conn->close_frame, sc_endpoint_format (&exp, want));
            report (core, txn, SC_RULE_SYM_005, msg, ev, conn, 1, req_conn->close_frame, text);
        }
        return;
    }
    expect_connection (expected, req_conn ? req_conn->id : 0);
    if (conn && conn->transport != SC_TRANSPORT_UDP)
        text = g_strdup_printf ("sent on connection %u while the request's connection %u was open",
                                conn->id, req_conn ? req_conn->id : 0);
    else
        text = g_strdup_printf ("sent over UDP while the request's connection %u was open",
                                req_conn ? req_conn->id : 0);
    report (core, txn, SC_RULE_SYM_004, msg, ev, conn, 0, 0, text);
    return;

same_connection:
    expect_connection (expected, conn->id);
}

void
sc_rules_sym_response (ScCore *core, ScTxn *txn, const ScSipMsg *msg, const ScMsgEvent *ev,
                       ScConn *conn, GString *expected)
{
    if (txn->via007 || !txn->via.valid || txn->n_copies == 0 || !msg->vias[0].valid)
        return;
    ScTransport req_transport = txn->copies[0].transport;
    if (req_transport == SC_TRANSPORT_UDP)
        sym_udp (core, txn, msg, ev, conn, expected);
    else if (req_transport == SC_TRANSPORT_TCP || req_transport == SC_TRANSPORT_TLS)
        sym_stream (core, txn, msg, ev, conn, expected);
}
