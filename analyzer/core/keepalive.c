/* keepalive.c — CRLF keep-alives on streams (RFC 5626 §3.5.1, §4.4.1): a run of an even number
 * (two or more) of CRLFs from one side is a ping; a single CRLF from the other side after it is
 * its pong; anything else is unsolicited (RFC 3261 §7.5 lets receivers ignore it). On UDP SIP
 * flows, STUN Binding requests and their answers (§4.4.2), and CR/LF datagrams (a fact: §4.4.1
 * forbids them on UDP). Facts only: the KA rules that judge them come with outbound flow state. */
#include "core_private.h"
#include "stun.h"

#include <string.h>

void
sc_core_stream_crlf (ScCore *core, ScConn *conn, gboolean from_a, gsize count, guint32 frame,
                     gint64 ts_us)
{
    if (conn->id == 0)
        return; /* not a SIP stream (yet): CRLFs mean nothing here */
    sc_core_advance_clock (core, ts_us);
    int me = from_a ? 0 : 1, peer = 1 - me;
    gsize pairs = count / 2;
    ScKeepaliveFacts ka = {.frame = frame,
                           .ts_us = ts_us,
                           .conn_id = conn->id,
                           .kind = "crlf-unsolicited",
                           .from_a = from_a,
                           .transport = conn->transport,
                           .initiator = conn->initiator,
                           .a = conn->a,
                           .interval_us = -1,
                           .latency_us = -1};
    if (count % 2 == 0 && pairs >= 2 && pairs % 2 == 0) {
        ka.kind = "crlf-ping";
        if (conn->last_ping_frame[me])
            ka.interval_us = ts_us - conn->last_ping_ts_us[me];
        conn->last_ping_ts_us[me] = ts_us;
        conn->last_ping_frame[me] = frame;
        conn->ping_pending[me] = TRUE;
        ka.counted = TRUE;
    } else if (count == 2 && conn->ping_pending[peer]) {
        ka.kind = "crlf-pong";
        ka.latency_us = ts_us - conn->last_ping_ts_us[peer];
        ka.ping_frame = conn->last_ping_frame[peer];
        conn->ping_pending[peer] = FALSE;
        ka.counted = TRUE;
    }
    if (ka.counted)
        conn->keepalives++;
    conn->bytes_from[me] += count;
    sc_conn_touch (conn, frame, ts_us);
    sc_ka_rules_keepalive (core, conn, me, &ka, ts_us, NULL);
    if (core->sink.keepalive) {
        sc_flow_view (core, conn, &ka.flow);
        core->sink.keepalive (&ka, core->user);
    }
}

/* A STUN Binding message on a UDP SIP flow (RFC 5626 §4.4.2; RFC 5389 §7: requests are matched
 * to answers by transaction ID, and a retransmission reuses it). */
static void
stun_keepalive (ScConn *c, int me, gint64 ts_us, const ScStunMsg *m, ScKeepaliveFacts *ka,
                char *mapped)
{
    if (!c->stun)
        c->stun = g_new0 (ScStunState, 1);
    ScStunState *st = c->stun;
    ScStunPending *match = NULL;
    for (guint i = 0; i < SC_STUN_PENDING; i++)
        if (st->pending[i].first_frame && memcmp (st->pending[i].txn_id, m->txn_id, 16) == 0)
            match = &st->pending[i];

    if (m->klass == SC_STUN_BINDING_REQUEST) {
        ka->kind = m->legacy ? "stun-legacy" : "stun-request";
        if (match && match->from == me) {
            ka->retransmission = TRUE;
            return;
        }
        if (st->last_request_frame[me])
            ka->interval_us = ts_us - st->last_request_ts_us[me];
        st->last_request_ts_us[me] = ts_us;
        st->last_request_frame[me] = ka->frame;
        /* The ring's oldest slot, written whole: nothing of the request it held (answered,
         * judged) may carry over to this one. */
        ScStunPending *p = &st->pending[st->next];
        st->next = (st->next + 1) % SC_STUN_PENDING;
        *p = (ScStunPending){.first_ts_us = ts_us,
                             .first_frame = ka->frame,
                             .from = (guint8)me,
                             .eligible = c->flow && c->flow->committed[1 - me]};
        memcpy (p->txn_id, m->txn_id, 16);
        ka->counted = TRUE;
        return;
    }
    ka->kind = m->legacy                             ? "stun-legacy"
               : m->klass == SC_STUN_BINDING_SUCCESS ? "stun-response"
                                                     : "stun-error";
    if (m->has_mapped)
        ka->mapped = sc_endpoint_format (&m->mapped, mapped);
    if (match && match->from != me) {
        ka->latency_us = ts_us - match->first_ts_us;
        ka->ping_frame = match->first_frame;
        ka->retransmission = match->answered;
        match->answered = TRUE;
    }
    ka->counted = !ka->retransmission;
}

gboolean
sc_core_udp_datagram (ScCore *core, guint32 frame, gint64 ts_us, const ScEndpoint *src,
                      const ScEndpoint *dst, const guint8 *bytes, gsize len)
{
    ScStunMsg stun;
    gboolean is_stun = sc_stun_parse (bytes, len, &stun);
    gsize crlf = 0;
    while (crlf < len && (bytes[crlf] == '\r' || bytes[crlf] == '\n'))
        crlf++;
    gboolean is_crlf = len > 0 && crlf == len;
    if ((!is_stun || stun.klass == SC_STUN_OTHER) && !is_crlf)
        return FALSE;
    sc_core_advance_clock (core, ts_us);

    /* A SIP flow: it carried SIP, or a SIP port is at one end (the capture may begin after the
     * registration that opened it). */
    gboolean sip_port = sc_config_is_sip_port (&core->cfg, src->port) ||
                        sc_config_is_sip_port (&core->cfg, dst->port);
    ScConn *c = sc_core_udp_flow (core, src, dst, frame, ts_us, sip_port);
    if (!c || (c->id == 0 && !sip_port))
        return FALSE;
    if (c->id == 0)
        c->id = ++core->next_conn_id;
    int me = sc_endpoint_equal (src, &c->a) ? 0 : 1;
    char mapped[SC_ENDPOINT_STRLEN];
    ScKeepaliveFacts ka = {.frame = frame,
                           .ts_us = ts_us,
                           .conn_id = c->id,
                           .kind = "crlf-udp",
                           .from_a = me == 0,
                           .transport = c->transport,
                           .initiator = c->initiator,
                           .a = c->a,
                           .interval_us = -1,
                           .latency_us = -1};
    if (is_stun)
        stun_keepalive (c, me, ts_us, &stun, &ka, mapped);
    if (ka.counted)
        c->keepalives++;
    c->bytes_from[me] += len;
    sc_conn_touch (c, frame, ts_us);
    sc_ka_rules_keepalive (core, c, me, &ka, ts_us,
                           is_stun && stun.has_mapped ? &stun.mapped : NULL);
    if (core->sink.keepalive) {
        sc_flow_view (core, c, &ka.flow);
        core->sink.keepalive (&ka, core->user);
    }
    return TRUE;
}
