/* rules_conn.c — connection lifetime rules. CONN-002 (RFC 3261 §18, RFC 5923 §1): two elements
 * with a connection each way, both open, each carrying its opener's requests. CONN-001 (RFC 3261
 * §18.1.1: an open connection to the destination is the one to use): an element opens a second
 * connection to where it has an established one open. CONN-003 (RFC 3261 §18; draft-jain §2): one
 * element opens connection after connection to one destination, each carrying at most one
 * transaction and closed within 64×T1 of its last message. CONN-004 (RFC 3261 §18; RFC 5923 §8.3):
 * a side closes a connection while a transaction on it still needs it: a request without its final
 * response, or an INVITE whose non-2xx final went over it and whose ACK has not. Each
 * connection remembers its last few open transactions by request frame (a bounded list: an
 * entry pushed out is only a missed finding). */
#include "core_private.h"

#include <string.h>

/* FNV-1a of a Call-ID, enough to tell concurrent dialogs on one connection apart. */
static guint
call_id_hash (ScStrView v)
{
    guint h = 2166136261u;
    for (gsize i = 0; i < v.len; i++)
        h = (h ^ (guint8)v.p[i]) * 16777619u;
    return h;
}

static ScOpenTxn *
find (ScConn *conn, guint32 request_frame)
{
    for (guint i = 0; i < conn->n_open; i++)
        if (conn->open[i].request_frame == request_frame)
            return &conn->open[i];
    return NULL;
}

static void
drop (ScConn *conn, ScOpenTxn *t)
{
    guint i = (guint)(t - conn->open);
    memmove (&conn->open[i], &conn->open[i + 1], (conn->n_open - i - 1) * sizeof conn->open[0]);
    conn->n_open--;
}

void
sc_rules_conn_request (ScConn *conn, const ScSipMsg *msg, const ScMsgEvent *ev)
{
    if (conn->transport == SC_TRANSPORT_UDP)
        return;
    if (sc_sv_eq_ci (msg->method, "ACK")) {
        /* An ACK on the connection completes the INVITE waiting for it (same Call-ID). */
        guint h = call_id_hash (msg->call_id);
        for (guint i = 0; i < conn->n_open; i++)
            if (conn->open[i].awaiting_ack && conn->open[i].call_id_hash == h) {
                drop (conn, &conn->open[i]);
                break;
            }
        return;
    }
    if (!conn->open)
        conn->open = g_new (ScOpenTxn, SC_CONN_OPEN_TXNS);
    if (conn->n_open == SC_CONN_OPEN_TXNS)
        drop (conn, &conn->open[0]);
    ScOpenTxn *t = &conn->open[conn->n_open++];
    memset (t, 0, sizeof *t);
    t->request_frame = ev->frame;
    t->ts_us = ev->ts_us;
    t->is_invite = sc_sv_eq_ci (msg->method, "INVITE");
    t->call_id_hash = call_id_hash (msg->call_id);
}

void
sc_rules_conn_final (ScConn *req_conn, ScTxn *txn, guint status, gint64 ts_us)
{
    if (!req_conn || req_conn->transport == SC_TRANSPORT_UDP)
        return;
    ScOpenTxn *t = find (req_conn, txn->frame);
    if (!t)
        return;
    if (t->is_invite && status >= 300) {
        t->awaiting_ack = TRUE; /* RFC 3261 §17.1.1.3: the ACK follows on the same connection */
        t->ts_us = ts_us;
    } else {
        drop (req_conn, t);
    }
}

/* Destinations followed for CONN-003; beyond, the table is cleared (misses only). */
#define SC_CHURN_MAX 100000

static void
check_churn (ScCore *core, ScConn *conn, gint64 ts_us, gint64 linger)
{
    /* Only connections the capture saw opened, answered and carrying SIP: a refused or reset
     * handshake is another matter (RULES.md CONN-003 Not). */
    if (conn->initiator != SC_INITIATOR_A || !conn->established || conn->id == 0)
        return;
    g_autofree ScDestKey *key = sc_dest_key_new (conn->transport, &conn->a, &conn->b);
    gboolean short_lived = conn->transactions <= 1 && ts_us - conn->last_sip_ts_us < linger;
    if (!short_lived) {
        g_hash_table_remove (core->churn, key);
        return;
    }
    ScChurn *ch = g_hash_table_lookup (core->churn, key);
    if (!ch) {
        if (g_hash_table_size (core->churn) >= SC_CHURN_MAX)
            g_hash_table_remove_all (core->churn);
        ch = g_new0 (ScChurn, 1);
        g_hash_table_insert (core->churn, g_steal_pointer (&key), ch);
    }
    if (++ch->run >= 3) {
        guint32 frames[] = {conn->first_frame, ch->syn[1], ch->syn[0]};
        char a[SC_ENDPOINT_STRLEN], b[SC_ENDPOINT_STRLEN];
        sc_ip_format (&conn->a, a);
        sc_endpoint_format (&conn->b, b);
        sc_core_report (core, SC_RULE_CONN_003, conn, ts_us, 3, frames,
                        "connection %u to %s: %u in a row from %s, each with at most one "
                        "transaction and closed within 64*T1 of its last message",
                        conn->id, b, ch->run, a);
    }
    ch->syn[0] = ch->syn[1];
    ch->syn[1] = conn->first_frame;
}

void
sc_rules_conn_close (ScCore *core, ScConn *conn, guint32 frame, gint64 ts_us)
{
    gint64 linger = (gint64)core->cfg.t1_ms * 64 * 1000;
    check_churn (core, conn, ts_us, linger);
    for (guint i = 0; i < conn->n_open; i++) {
        ScOpenTxn *t = &conn->open[i];
        if (ts_us - t->ts_us >= linger)
            continue; /* older than 64×T1: nothing was still owed */
        guint32 frames[] = {frame, t->request_frame};
        sc_core_report (core, SC_RULE_CONN_004, conn, ts_us, 2, frames,
                        t->awaiting_ack
                            ? "connection closed before the ACK for the INVITE of frame %u could "
                              "follow its non-2xx final response"
                            : "connection closed while the request of frame %u had no final "
                              "response",
                        t->request_frame);
        break; /* one finding per close */
    }
    conn->n_open = 0;
}

/* CONN-002: the far end opened a connection of its own to this opener's sent-by port, and it is
 * open with requests from its opener. */
static void
check_each_way (ScCore *core, ScConn *conn, const ScSipMsg *msg, const ScMsgEvent *ev)
{
    const ScVia *v = &msg->vias[0];
    ScEndpoint me = conn->a;
    me.port = v->port ? v->port : (conn->transport == SC_TRANSPORT_TLS ? 5061 : 5060);
    if (v->host_is_ip && !sc_ip_equal (&v->host_ip, &conn->a))
        return; /* sent-by names another address: not provably the same element */
    char far[SC_ENDPOINT_STRLEN], mine[SC_ENDPOINT_STRLEN];
    sc_endpoint_format (&me, mine);
    g_autofree ScDestKey *key = sc_dest_key_new (conn->transport, &conn->b, &me);
    ScConn *other = g_hash_table_lookup (core->opened, key);
    if (!other || other == conn || other->closed || !other->established || !other->opener_sent_by)
        return;
    if ((other->flow && other->flow->instance) || (conn->flow && conn->flow->instance))
        return; /* outbound flows: FLOW-001 judges how they are used */
    guint32 frames[] = {ev->frame, conn->first_frame, other->first_frame};
    sc_core_report (core, SC_RULE_CONN_002, conn, ev->ts_us, 3, frames,
                    "connection %u opened towards %s while connection %u from it to %s is open: "
                    "one each way between the two elements%s",
                    conn->id, sc_endpoint_format (&conn->b, far), other->id, mine,
                    conn->transport == SC_TRANSPORT_TLS ? "" : " (alias is defined for TLS only)");
}

void
sc_rules_conn_reuse (ScCore *core, ScConn *conn, const ScSipMsg *msg, const ScMsgEvent *ev,
                     gboolean from_a)
{
    /* The opener's first request only, on a stream whose opening the capture saw. */
    if (conn->transport == SC_TRANSPORT_UDP || conn->initiator != SC_INITIATOR_A || !from_a ||
        conn->opener_sent_by || !msg->is_request)
        return;
    if (msg->via_count == 0 || !msg->vias[0].valid)
        return;
    conn->opener_sent_by = sc_via_sent_by (&msg->vias[0]);
    g_autofree ScDestKey *key = sc_dest_key_new (conn->transport, &conn->a, &conn->b);
    check_each_way (core, conn, msg, ev);
    ScConn *old = g_hash_table_lookup (core->opened, key);
    gboolean usable = old && old != conn && !old->closed && old->established &&
                      !(old->flow && old->flow->failed) && old->opener_sent_by &&
                      g_ascii_strcasecmp (old->opener_sent_by, conn->opener_sent_by) == 0;
    if (!usable) {
        if (!old || old->closed || !old->established) {
            if (g_hash_table_size (core->opened) >= SC_CHURN_MAX)
                g_hash_table_remove_all (core->opened);
            g_hash_table_replace (core->opened, g_steal_pointer (&key), sc_conn_ref (conn));
        }
        return;
    }
    /* RULES.md CONN-001 Not: a second outbound flow (REGISTER with another reg-id), and an
     * outbound UA's other requests over TCP, which FLOW-006 judges. */
    gboolean outbound_ua = old->flow && old->flow->instance;
    if (outbound_ua &&
        (sc_sv_eq_ci (msg->method, "REGISTER") || conn->transport == SC_TRANSPORT_TCP))
        return;
    guint32 frames[] = {ev->frame, conn->first_frame, old->last_sip_frame};
    char b[SC_ENDPOINT_STRLEN];
    sc_endpoint_format (&conn->b, b);
    sc_core_report (core, SC_RULE_CONN_001, conn, ev->ts_us, 3, frames,
                    "%.*s to %s over a new connection while connection %u there is open (RFC "
                    "3261 §18.1.1: RECOMMENDED to use it)",
                    (int)MIN (msg->method.len, 32), msg->method.p, b, old->id);
}
